"""Personal pages are never stored by a browser or a proxy: every answer to a logged-in user, every
API answer and every personal link carries Cache-Control: no-store; public pages stay cacheable."""

import re

from django.urls import URLPattern, URLResolver, get_resolver

import pytest

from tests.flashcoop.factories import ParticipantFactory
from tests.programmes.factories import EnrolmentFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]
PERSONAL_PREFIXES = (
    "facilitate/",
    "coordinate/",
    "partner/",
    "learn/",
    "cjs/cohorts/",
    "flashcoop/",
    "accounts/me/",
    "api/v1/",
)
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")
REGEX_GROUP = re.compile(r"\(\?P<\w+>[^)]*\)")


def sample_path(route: str) -> str | None:
    """The route with its parameters filled ("1" for numbers); None for format-suffix variants."""
    if "^" in route or "$" in route:  # a regex route (DRF's router)
        route = REGEX_GROUP.sub("1", route.replace("^", "").replace("$", ""))
        if "\\" in route or "?" in route:
            return None
    return CONVERTER.sub(lambda match: "1" if match.group(1) in {"int", None} else "sample", route)


def routes(patterns=None, prefix: str = "") -> list[str]:
    """Every route of the project as a path, converters filled with a sample value."""
    found = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            found += routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and (path := sample_path(route)) is not None:
            found.append(path)
    return found


PERSONAL_ROUTES = sorted({route for route in routes() if route.startswith(PERSONAL_PREFIXES)})


def test_the_walk_finds_the_personal_spaces():
    assert len(PERSONAL_ROUTES) > 40
    for expected in ["facilitate/cohorts/1/", "learn/", "api/v1/people/1/", "flashcoop/participants/1/"]:
        assert expected in PERSONAL_ROUTES


@pytest.mark.parametrize("route", PERSONAL_ROUTES)
def test_every_answer_to_a_logged_in_user_is_no_store(client, route):
    client.force_login(UserFactory(role="fabrique"))

    response = client.get(f"/{route}")

    assert "no-store" in response.get("Cache-Control", ""), (route, response.status_code)


@pytest.mark.parametrize(
    "route", [route for route in PERSONAL_ROUTES if route.startswith(("api/", "flashcoop/follow-up/"))]
)
def test_api_answers_and_personal_links_are_no_store_even_anonymous(client, route):
    response = client.get(f"/{route}")

    assert "no-store" in response.get("Cache-Control", ""), (route, response.status_code)


def test_pages_showing_a_person_are_no_store(client):
    enrolment = EnrolmentFactory()
    participant = ParticipantFactory()
    client.force_login(UserFactory(role="fabrique"))

    for path in [
        f"/facilitate/cohorts/{enrolment.cohort_id}/",
        f"/api/v1/people/{enrolment.person_id}/",
        f"/admin/person/inspect/{enrolment.person_id}/",
        f"/admin/privacy/people/{enrolment.person_id}/",
        f"/flashcoop/participants/{participant.pk}/",
        "/learn/",
        "/accounts/me/",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
        assert "private" in response["Cache-Control"], path


def test_public_pages_for_anonymous_visitors_stay_cacheable(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")

"""A cohort's page is cached per cohort, language and day under the data generation: the same for every
member of staff who may see the cohort, renewed by any committed change, with each request's own CSRF
token in its forms.

Committed writes (autocommit, as between requests): inside a test transaction nothing is cached."""

import re

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

import pytest

from programmes import fragments
from programmes.choices import AttendanceStatus, EnrolmentStatus
from programmes.models import Enrolment
from tests.programmes.factories import (
    AttendanceFactory,
    CohortFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    PersonFactory,
    SessionFactory,
    department,
)

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def english_client(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)
    return client


def visit(client, cohort) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/facilitate/cohorts/{cohort.pk}/")
    assert response.status_code == 200
    return response.content.decode(), len(queries)


@pytest.fixture
def nantes():
    return CohortFactory(name="CJS Nantes", department=department("44"))


def test_a_second_visit_is_served_from_the_cache_and_a_change_shows_at_once(nantes):
    member = EnrolmentFactory(cohort=nantes, person=PersonFactory(last_name="Durand"))
    client = english_client(FacilitatorAssignmentFactory(cohort=nantes).user)

    _first, first_queries = visit(client, nantes)
    second, second_queries = visit(client, nantes)
    EnrolmentFactory(cohort=nantes, person=PersonFactory(last_name="Martin"))
    after_new_member, _queries = visit(client, nantes)
    AttendanceFactory(
        session=SessionFactory(cohort=nantes, title="Atelier devis"),
        enrolment=member,
        status=AttendanceStatus.PRESENT,
    )
    after_session, _queries = visit(client, nantes)

    assert second_queries < first_queries
    assert "Durand" in second and "Martin" not in second
    assert "Martin" in after_new_member
    assert "Atelier devis" in after_session and "1 present out of 1" in after_session


def test_a_status_change_posted_from_the_cached_page_is_checked_against_the_users_token(nantes):
    member = EnrolmentFactory(cohort=nantes, status=EnrolmentStatus.ENROLLED)
    facilitator = FacilitatorAssignmentFactory(cohort=nantes).user
    client = english_client(facilitator, enforce_csrf_checks=True)
    visit(client, nantes)

    html, _queries = visit(client, nantes)  # from the cache
    action = f'action="/facilitate/enrolments/{member.pk}/status/"'
    token = TOKEN.search(html, html.index(action)).group(1)
    response = client.post(
        f"/facilitate/enrolments/{member.pk}/status/",
        {f"enrolment-{member.pk}-status": "active", "csrfmiddlewaretoken": token},
    )

    assert fragments.CSRF_PLACEHOLDER not in html
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.status == EnrolmentStatus.ACTIVE
    after, _queries = visit(client, nantes)
    assert f'<span class="status status-{EnrolmentStatus.ACTIVE}">' in after


def test_two_colleagues_share_the_page_but_not_their_tokens(nantes):
    EnrolmentFactory(cohort=nantes, person=PersonFactory(last_name="Durand"))
    first = english_client(FacilitatorAssignmentFactory(cohort=nantes).user)
    second = english_client(FacilitatorAssignmentFactory(cohort=nantes).user)

    first_html, _queries = visit(first, nantes)
    second_html, second_queries = visit(second, nantes)
    _again, first_again_queries = visit(first, nantes)

    assert second_queries == first_again_queries  # the second colleague was served the cached page
    assert "Durand" in second_html
    first_token = TOKEN.search(first_html).group(1)
    second_token = TOKEN.search(second_html).group(1)
    assert first_token != second_token
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_the_cache_never_opens_another_cohort(nantes):
    other = CohortFactory(name="CJS Bordeaux", department=department("33"))
    EnrolmentFactory(cohort=other)
    FacilitatorAssignmentFactory(cohort=other)
    outsider = english_client(FacilitatorAssignmentFactory(cohort=nantes).user)
    insider = english_client(Enrolment.objects.get(cohort=other).cohort.facilitator_assignments.get().user)

    visit(insider, other)  # cached for the cohort's own staff

    assert outsider.get(f"/facilitate/cohorts/{other.pk}/").status_code == 404


def test_the_page_is_kept_per_language(nantes):
    EnrolmentFactory(cohort=nantes)
    client = english_client(FacilitatorAssignmentFactory(cohort=nantes).user)
    english, _queries = visit(client, nantes)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"

    french, _queries = visit(client, nantes)

    assert "Sessions and attendance" in english
    assert "Séances et présences" in french

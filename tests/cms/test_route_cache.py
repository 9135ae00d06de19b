"""Routes to course pages come from the cache after a first visit; any change of the page tree shows at
once, and a page is never served from a route that is no longer its own.

Committed writes (autocommit, as between requests): inside a test transaction nothing is cached."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, PageViewRestriction

import pytest

from lms.models import CourseEnrolment
from tests.lms import factories
from tests.programmes.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("english"),
]


ALIAS_CHECK = 'SELECT "wagtailcore_page"."id", "wagtailcore_page"."alias_of_id" FROM'
ROUTING_TABLES = re.compile(r'FROM "(wagtailcore_site|wagtailcore_page|lms_\w+page|cms_\w+page)"')


def page_queries(client, url: str) -> tuple[int, list[str]]:
    """Status, and the queries that read the site or pages of the tree as such (the routing; Wagtail's
    check of view restrictions on the ancestors aside)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return response.status_code, [
        query["sql"]
        for query in queries.captured_queries
        if ROUTING_TABLES.search(query["sql"].split(" WHERE ")[0])
        and not query["sql"].startswith(ALIAS_CHECK)
    ]


@pytest.fixture
def learner_course(client):
    course = factories.course(title="Gérer une coopérative")
    module = factories.module(course, title="Les bases")
    lesson = factories.lesson(module, title="Première séquence")
    user = UserFactory()
    CourseEnrolment.objects.create(user=user, course=course)
    client.force_login(user)
    return course, module, lesson


def test_a_second_visit_only_checks_the_page_is_still_there(client, learner_course):
    course, _module, lesson = learner_course

    first_status, first = page_queries(client, course.url)
    second_status, second = page_queries(client, course.url)
    lesson_status, _lesson_first = page_queries(client, lesson.url)
    _status, lesson_second = page_queries(client, lesson.url)

    assert first_status == second_status == lesson_status == 200
    assert len(first) >= 4  # the site, the home page, the catalogue, the course
    # One look that the page is still live at that path; neither the site nor any page read again.
    assert [ROUTING_TABLES.search(query).group(1) for query in second] == ["wagtailcore_page"]
    assert 'SELECT 1 AS "a"' in second[0] and '"wagtailcore_page"."live"' in second[0]
    # For a lesson, the same look, and the course it belongs to, which the lesson's view reads either way.
    assert [ROUTING_TABLES.search(query).group(1) for query in lesson_second] == [
        "wagtailcore_page",
        "lms_coursepage",
    ]
    assert "Gérer une coopérative" in client.get(course.url).content.decode()


def test_a_change_of_what_the_page_reads_with_it_shows_at_once(client):
    """A course is cached with its training provider: renaming the provider renews the routes."""
    course = factories.course(title="Gérer une coopérative", provider=factories.provider())
    user = UserFactory()
    CourseEnrolment.objects.create(user=user, course=course)
    client.force_login(user)
    client.get(course.url)
    assert course.provider.legal_name in client.get(course.url).content.decode()

    course.provider.legal_name = "Coopérative de formation du Grand Ouest"
    course.provider.save()

    assert "Coopérative de formation du Grand Ouest" in client.get(course.url).content.decode()


def test_an_unpublished_course_is_gone_at_once(client, learner_course):
    course, _module, _lesson = learner_course
    client.get(course.url)
    client.get(course.url)

    course.unpublish()

    assert client.get(course.url).status_code == 404


def test_a_renamed_slug_moves_the_page_at_once(client, learner_course):
    course, _module, _lesson = learner_course
    old_url = course.url
    client.get(old_url)

    course.slug = "gerer-une-cooperative"
    course.save_revision().publish()
    course.refresh_from_db()

    assert course.url != old_url
    moved = client.get(old_url)  # Wagtail's redirects app keeps the old address pointing to the new one
    assert (moved.status_code, moved["Location"]) == (301, course.url)
    assert client.get(course.url).status_code == 200


def test_a_page_changed_behind_the_applications_back_is_not_served_from_its_old_route(client, learner_course):
    """An update sends no signal; the cached route still checks the page is live at that path."""
    course, _module, _lesson = learner_course
    client.get(course.url)
    client.get(course.url)

    Page.objects.filter(pk=course.pk).update(live=False)

    assert client.get(course.url).status_code == 404


def test_view_restrictions_still_apply_to_a_cached_route(client, learner_course):
    course, _module, _lesson = learner_course
    client.get(course.url)
    assert client.get(course.url).status_code == 200

    PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )

    response = client.get(course.url)
    assert response.status_code == 200
    assert "password" in response.content.decode().lower()
    assert "Première séquence" not in response.content.decode()


def test_anonymous_visitors_and_other_hosts_route_as_before(client, learner_course):
    course, _module, _lesson = learner_course
    client.get(course.url)
    client.logout()

    assert client.get(course.url).status_code == 200  # the overview is public
    assert client.get(course.url, HTTP_HOST="testserver").status_code == 200
    assert client.get("/formations/no-such-course/").status_code == 404

"""Course structures come from the cache after the first visit, and any edit of a course shows at once."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from lms import selectors, structure_cache
from lms.models import CourseEnrolment
from tests.lms import factories
from tests.programmes.factories import UserFactory

pytestmark = pytest.mark.usefixtures("english")


def structure_queries(client, url: str) -> list[str]:
    """The queries of a visit that read modules or lessons as pages."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        query["sql"]
        for query in queries.captured_queries
        if 'FROM "lms_modulepage"' in query["sql"] or 'FROM "lms_lessonpage"' in query["sql"]
    ]


@pytest.fixture
def learner_course(client):
    course = factories.course(title="Gérer une coopérative")
    module = factories.module(course, title="Les bases")
    factories.lesson(module, title="Première séquence")
    user = UserFactory()
    CourseEnrolment.objects.create(user=user, course=course)
    client.force_login(user)
    return course, module


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_visit_reads_the_structure_from_the_cache(client, learner_course):
    course, _module = learner_course

    assert structure_queries(client, course.url)
    assert structure_queries(client, course.url) == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_lesson_published_later_shows_at_once(client, learner_course):
    course, module = learner_course
    assertNotContains(client.get(course.url), "Deuxième séquence")

    factories.lesson(module, title="Deuxième séquence")

    assertContains(client.get(course.url), "Deuxième séquence")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_unpublished_module_leaves_the_course_at_once(client, learner_course):
    course, module = learner_course
    assertContains(client.get(course.url), "Première séquence")

    module.unpublish()

    assertNotContains(client.get(course.url), "Première séquence")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_renamed_lesson_shows_its_new_title_once_published(client, learner_course):
    course, module = learner_course
    lesson = module.get_children().live().first().specific
    client.get(course.url)

    lesson.title = "Séquence renommée"
    lesson.save_revision().publish()

    assertContains(client.get(course.url), "Séquence renommée")


@pytest.mark.django_db
def test_inside_a_transaction_structures_are_read_afresh_and_not_stored(learner_course):
    """Until a change commits, the connection that made it sees rows nobody else sees: nothing is cached."""
    course, module = learner_course
    selectors.course_structures([course])

    factories.lesson(module, title="Deuxième séquence")

    assert structure_cache.keys([course.pk]) is None
    titles = [lesson.title for lesson, _module in selectors.course_structures([course])[course.pk].lessons]
    assert titles == ["Première séquence", "Deuxième séquence"]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_each_learner_gets_their_own_completions_on_a_shared_structure(learner_course):
    """The first learner's visit loads and caches the structure: what is cached carries none of their
    progress, and the next learner reads their own on top of it."""
    from lms import services

    course, module = learner_course
    lesson = module.get_children().live().first().specific
    first, second = UserFactory(), UserFactory()
    for user in (first, second):
        CourseEnrolment.objects.create(user=user, course=course)
    services.complete_lesson(enrolment=CourseEnrolment.objects.get(user=first, course=course), lesson=lesson)

    done_first = selectors.course_progress(first, course).lessons[0].completed_at
    with CaptureQueriesContext(connection) as queries:
        done_second = selectors.course_progress(second, course).lessons[0].completed_at
    done_first_again = selectors.course_progress(first, course).lessons[0].completed_at

    assert done_first is not None
    assert done_second is None
    assert done_first_again == done_first
    assert not [query for query in queries.captured_queries if 'FROM "lms_modulepage"' in query["sql"]]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_progress_table_reads_its_courses_from_the_cache_and_sees_a_new_lesson_at_once():
    from tests.programmes.factories import CohortFactory

    cohort = CohortFactory()
    course = factories.course(title="Gérer une coopérative")
    module = factories.module(course)
    factories.lesson(module, title="Première séquence")
    factories.member_learner(cohort, course)

    first = selectors.cohort_progress_table(cohort)
    with CaptureQueriesContext(connection) as queries:
        second = selectors.cohort_progress_table(cohort)
    factories.lesson(module, title="Deuxième séquence")
    third = selectors.cohort_progress_table(cohort)

    assert [course.title for course in second.courses] == ["Gérer une coopérative"]
    assert not [query for query in queries.captured_queries if 'FROM "lms_lessonpage"' in query["sql"]]
    assert [table.rows[0].cells[0].total for table in (first, second, third)] == [1, 1, 2]

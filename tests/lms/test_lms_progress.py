"""Completion rules, progress from the current lessons, new content and course completion."""

from django.core.exceptions import ValidationError

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from lms import selectors, services
from lms.choices import CompletionRule
from lms.models import CourseEnrolment, LessonCompletion
from tests.lms import factories
from tests.lms.factories import CourseEnrolmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def course_tree():
    course = factories.course(title="Découvrir")
    first = factories.module(course, title="Module 1")
    second = factories.module(course, title="Module 2")
    lessons = {
        "view": factories.lesson(first, rule=CompletionRule.VIEW, title="Lire"),
        "mark_done": factories.lesson(first, rule=CompletionRule.MARK_DONE, title="Faire"),
        "attendance": factories.lesson(second, rule=CompletionRule.ATTENDANCE, title="Classe virtuelle"),
    }
    return course, lessons


def completed(user, lesson) -> bool:
    return LessonCompletion.objects.filter(user=user, lesson=lesson).exists()


def test_a_view_lesson_is_completed_when_an_enrolled_learner_opens_it(client, course_tree):
    course, lessons = course_tree
    enrolment = CourseEnrolmentFactory(course=course)
    client.force_login(enrolment.user)

    response = client.get(lessons["view"].url)

    assert response.status_code == 200
    assert completed(enrolment.user, lessons["view"])
    assert "no-cache" in response["Cache-Control"]


def test_a_mark_done_lesson_waits_for_the_button(client, course_tree):
    course, lessons = course_tree
    enrolment = CourseEnrolmentFactory(course=course)
    client.force_login(enrolment.user)

    response = client.get(lessons["mark_done"].url)
    assertContains(response, 'name="action" value="mark_done"')
    assert not completed(enrolment.user, lessons["mark_done"])

    response = client.post(lessons["mark_done"].url, {"action": "mark_done"})

    assert response.status_code == 302
    assert completed(enrolment.user, lessons["mark_done"])


def test_an_attendance_lesson_stays_incomplete_and_says_why(client, course_tree):
    course, lessons = course_tree
    enrolment = CourseEnrolmentFactory(course=course)
    client.force_login(enrolment.user)

    response = client.get(lessons["attendance"].url)
    client.post(lessons["attendance"].url, {"action": "mark_done"})

    assertContains(response, "completed when your attendance at the live session is confirmed")
    assertNotContains(response, 'value="mark_done"')
    assert not completed(enrolment.user, lessons["attendance"])
    with pytest.raises(ValidationError):
        services.mark_lesson_done(enrolment=enrolment, lesson=lessons["attendance"])


def test_a_quiz_lesson_cannot_be_marked_done():
    course = factories.course()
    lesson = factories.lesson(factories.module(course), rule=CompletionRule.QUIZ, quiz=factories.quiz())
    enrolment = CourseEnrolmentFactory(course=course)

    with pytest.raises(ValidationError):
        services.mark_lesson_done(enrolment=enrolment, lesson=lesson)
    assert not completed(enrolment.user, lesson)


def test_a_quiz_lesson_needs_a_quiz_in_its_body():
    module = factories.module(factories.course())
    with pytest.raises(ValidationError):
        factories.lesson(module, rule=CompletionRule.QUIZ)


def test_progress_counts_the_current_required_lessons_only(course_tree):
    course, lessons = course_tree
    module = lessons["view"].get_parent()
    optional = factories.lesson(module.specific, title="Pour aller plus loin", is_required=False)
    draft = factories.lesson(module.specific, title="Brouillon")
    draft.unpublish()
    enrolment = CourseEnrolmentFactory(course=course)

    services.complete_lesson(enrolment=enrolment, lesson=lessons["view"])
    services.complete_lesson(enrolment=enrolment, lesson=optional)
    progress = selectors.course_progress(enrolment.user, course)

    assert (progress.required_done, progress.required_total) == (1, 3)
    assert progress.progress == pytest.approx(1 / 3)
    assert [state.lesson.pk for state in progress.lessons] == [
        lessons["view"].pk,
        lessons["mark_done"].pk,
        optional.pk,
        lessons["attendance"].pk,
    ]


def test_continue_leads_to_the_first_incomplete_lesson_in_page_order(client, course_tree):
    course, lessons = course_tree
    enrolment = CourseEnrolmentFactory(course=course)
    services.complete_lesson(enrolment=enrolment, lesson=lessons["view"])
    client.force_login(enrolment.user)

    progress = selectors.course_progress(enrolment.user, course)
    response = client.get("/learn/")

    assert progress.next_lesson.lesson.pk == lessons["mark_done"].pk
    assertContains(response, f'href="{lessons["mark_done"].url}"')
    assertContains(response, "Continue")


def test_completing_every_required_lesson_completes_the_course_once():
    course = factories.course()
    module = factories.module(course)
    first, second = factories.lesson(module), factories.lesson(module, rule=CompletionRule.MARK_DONE)
    enrolment = CourseEnrolmentFactory(course=course)

    services.complete_lesson(enrolment=enrolment, lesson=first)
    enrolment.refresh_from_db()
    assert enrolment.completed_at is None

    services.mark_lesson_done(enrolment=enrolment, lesson=second)
    enrolment.refresh_from_db()
    completed_at = enrolment.completed_at
    assert completed_at is not None

    assert services.complete_course_if_done(CourseEnrolment.objects.get(pk=enrolment.pk)) is True
    services.mark_lesson_done(enrolment=enrolment, lesson=second)
    enrolment.refresh_from_db()
    assert enrolment.completed_at == completed_at
    assert LessonCompletion.objects.filter(user=enrolment.user).count() == 2


def test_adding_a_lesson_lowers_the_bar_and_announces_new_content(client):
    course = factories.course(title="Vendre un service")
    module = factories.module(course)
    lessons = [factories.lesson(module), factories.lesson(module)]
    enrolment = CourseEnrolmentFactory(course=course)
    for lesson in lessons:
        services.complete_lesson(enrolment=enrolment, lesson=lesson)
    client.force_login(enrolment.user)
    client.get(course.url)  # the learner's visit
    assert selectors.course_progress(enrolment.user, course).progress == 1.0

    added = factories.lesson(module, title="Nouvelle séquence")

    progress = selectors.course_progress(enrolment.user, course)
    assert progress.progress == pytest.approx(2 / 3)
    assert [state.lesson.pk for state in progress.new_lessons] == [added.pk]
    home = client.get("/learn/")
    assertContains(home, "1 new lesson since your last visit")
    assertContains(home, 'value="67"')
    page = client.get(course.url)
    assertContains(page, "1 new lesson since your last visit")
    assertContains(page, "2 of 3 lessons completed")
    # Once seen, the notice goes; the bar stays where the current lessons put it.
    again = client.get(course.url)
    assertNotContains(again, "new lesson since your last visit")
    assertContains(again, "2 of 3 lessons completed")


def test_a_lesson_removed_from_the_course_no_longer_counts():
    course = factories.course()
    module = factories.module(course)
    kept, removed = factories.lesson(module), factories.lesson(module)
    enrolment = CourseEnrolmentFactory(course=course)
    services.complete_lesson(enrolment=enrolment, lesson=kept)

    removed.unpublish()

    assert selectors.course_progress(enrolment.user, course).progress == 1.0


def test_the_course_page_lists_each_module_and_lesson_at_its_own_address(client, course_tree):
    course, lessons = course_tree
    enrolment = CourseEnrolmentFactory(course=course)
    client.force_login(enrolment.user)

    html = client.get(course.url).content.decode()

    modules = [lesson.get_parent() for lesson in lessons.values()]
    for page in [*modules, *lessons.values()]:
        assert f'<a href="{page.url}">{page.title}</a>' in html
    # In page order, each lesson under its own module.
    positions = [
        html.index(f'<a href="{page.url}">')
        for page in (modules[0], lessons["view"], lessons["mark_done"], modules[2], lessons["attendance"])
    ]
    assert positions == sorted(positions)

"""generate_scale_data: the benchmark's national-scale network, checked at a tiny scale."""

from io import StringIO

from django.core.management import CommandError, call_command
from django.test import override_settings

import pytest

from cjs.models import Contract, WorkLog
from lms.models import CourseEnrolment, LessonCompletion, LessonPage
from programmes.models import Answer, Attendance, Cohort, Enrolment, Person, Programme, Response, User
from programmes.statistics import edition_statistics

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(roles):
    out = StringIO()
    call_command("generate_scale_data", "--scale", "0.005", "--force", stdout=out)
    return out.getvalue()


def test_volumes_follow_the_scale(generated):
    # S=0.005: 10 editions of one CJS of 15 members, one Flashcoop of 10.
    cjs = Cohort.objects.filter(name__contains=" réf. ", edition__programme__slug="cjs")
    assert cjs.count() == 10
    assert cjs.values("edition").distinct().count() == 10
    assert Cohort.objects.filter(name__contains=" réf. ", edition__programme__slug="flashcoop").count() == 1
    assert Person.objects.filter(user__username__startswith="ref-").count() == 160
    assert Enrolment.objects.filter(cohort__in=cjs).count() == 150
    assert Attendance.objects.filter(session__cohort__in=cjs).count() == 150 * 10
    assert Contract.objects.filter(cohort__in=cjs).count() == 10 * 50
    assert WorkLog.objects.exists()
    course_lessons = LessonPage.objects.filter(slug__startswith="sequence-").count()
    assert course_lessons == 20
    assert CourseEnrolment.objects.filter(user__username__startswith="ref-").count() == 150
    completions = LessonCompletion.objects.filter(user__username__startswith="ref-").count()
    assert 150 * 8 <= completions <= 150 * 20
    assert "lesson_completions" in generated
    # A tenth of the CJS members answer ten items at T0 and T1.
    responses = Response.objects.filter(questionnaire__slug="reference-cjs")
    assert responses.count() == 2 * 15
    assert Answer.objects.filter(response__in=responses).count() == 2 * 15 * 10


def test_rows_are_usable_by_the_app(generated):
    # Accounts can log in with the benchmark password and belong to the learner group.
    user = User.objects.filter(username__startswith="ref-").first()
    assert user.check_password("essaim-bench")
    assert user.groups.filter(name="learner").exists()
    # The statistics see the generated editions like any other.
    year = Cohort.objects.filter(name__contains=" réf. ").order_by("-edition__year").first().edition.year
    figures = edition_statistics(programme=Programme.objects.get(slug="cjs"), edition_year=year)
    assert figures["cohorts"] == 1
    assert figures["participants"] == 15
    assert figures["contracts"] > 0


def test_refuses_to_run_twice(generated):
    with pytest.raises(CommandError, match="already present"):
        call_command("generate_scale_data", "--scale", "0.005", "--force", stdout=StringIO())


@override_settings(DEBUG=False, ESSAIM_BENCH=False)
def test_refuses_with_debug_off(db):
    with pytest.raises(CommandError, match="debug off"):
        call_command("generate_scale_data", "--scale", "0.005", stdout=StringIO())

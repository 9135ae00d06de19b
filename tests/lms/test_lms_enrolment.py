"""Self-enrolment and enrolling a whole cohort."""

from django.core.exceptions import PermissionDenied

import pytest

from lms import services
from lms.models import CourseEnrolment
from programmes.models import AuditEntry
from tests.lms import factories
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    PersonFactory,
    UserFactory,
    department,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def member(cohort, **traits):
    return EnrolmentFactory(cohort=cohort, person=PersonFactory(user=UserFactory()), **traits)


def test_enrolling_a_cohort_reaches_current_members_with_an_account_once():
    course = factories.course(is_open=False)
    assignment = FacilitatorAssignmentFactory()
    cohort = assignment.cohort
    active, applied, withdrawn = member(cohort), member(cohort, applied=True), member(cohort, withdrawn=True)
    EnrolmentFactory(cohort=cohort)  # no account: cannot follow a course
    already = CourseEnrolment.objects.create(user=active.person.user, course=course)

    other = member(cohort)
    created = services.enrol_cohort(course=course, cohort=cohort, by=assignment.user)
    again = services.enrol_cohort(course=course, cohort=cohort, by=assignment.user)

    assert [enrolment.user for enrolment in created] == [other.person.user]
    assert again == []
    assert set(CourseEnrolment.objects.values_list("user", flat=True)) == {
        active.person.user.pk,
        other.person.user.pk,
    }
    assert CourseEnrolment.objects.get(pk=already.pk).enrolled_by is None
    assert CourseEnrolment.objects.get(user=other.person.user).enrolled_by == assignment.user
    assert not CourseEnrolment.objects.filter(user__in=[applied.person.user, withdrawn.person.user]).exists()
    assert AuditEntry.objects.filter(action="lms.enrol_cohort").count() == 2


def test_a_coordinator_enrols_a_cohort_of_their_scope_only():
    course = factories.course()
    coordinator = CoordinatorScopeFactory().user
    inside = CohortFactory()
    member(inside)

    assert len(services.enrol_cohort(course=course, cohort=inside, by=coordinator)) == 1

    outside = CohortFactory(department=department("75"))
    with pytest.raises(PermissionDenied):
        services.enrol_cohort(course=course, cohort=outside, by=coordinator)


def test_a_facilitator_cannot_enrol_a_cohort_they_do_not_run():
    course = factories.course()
    facilitator = FacilitatorAssignmentFactory().user
    elsewhere = CohortFactory()
    member(elsewhere)

    with pytest.raises(PermissionDenied):
        services.enrol_cohort(course=course, cohort=elsewhere, by=facilitator)
    assert not CourseEnrolment.objects.exists()


def test_the_facilitator_enrols_the_cohort_from_the_progress_page(client):
    course = factories.course(is_open=False, title="Animer")
    assignment = FacilitatorAssignmentFactory()
    member(assignment.cohort)
    client.force_login(assignment.user)

    response = client.post(
        f"/learn/cohorts/{assignment.cohort.pk}/enrol/", {"course": course.pk}, follow=True
    )

    assert CourseEnrolment.objects.filter(course=course).count() == 1
    assert "1 member enrolled in Animer." in response.content.decode()


def test_self_enrolment_is_idempotent_and_for_open_courses_only():
    user = UserFactory()
    open_course, closed_course = factories.course(is_open=True), factories.course(is_open=False)

    first = services.enrol_in_course(course=open_course, user=user, by=user)
    assert services.enrol_in_course(course=open_course, user=user, by=user) == first
    with pytest.raises(PermissionDenied):
        services.enrol_in_course(course=closed_course, user=user, by=user)
    staff = UserFactory()
    assert services.enrol_in_course(course=closed_course, user=user, by=staff).enrolled_by == staff

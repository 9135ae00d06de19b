"""The access policy: the one answer to "who may see what", as queryset filters and object checks.

Every view, API endpoint, export, admin listing and task that touches cohorts or people goes through
these functions (DESIGN §4):
- fabrique and superusers: everything;
- coordinator: the cohorts of their scopes (a programme in some regions) and their people;
- facilitator: the cohorts they are assigned to and their people;
- partner: the cohorts their organisation supports, as aggregates (no people);
- learner: themself, and the cohorts they belong to (collective facts, no other people);
- anonymous: nothing here (the public site shows published content only).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Q, QuerySet

from programmes.models import (
    Attendance,
    Cohort,
    CoordinatorScope,
    Enrolment,
    FacilitatorAssignment,
    PartnerContact,
    Partnership,
    Person,
)
from programmes.roles import Role, role_names


def sees_everything(user: Any) -> bool:
    return bool(getattr(user, "is_superuser", False)) or Role.FABRIQUE in role_names(user)


def _staff_filter(user: Any) -> Q | None:
    """Cohorts whose people this user may see, or None when they may see none."""
    roles = role_names(user)
    conditions: list[Q] = []
    if Role.COORDINATOR in roles:
        in_scope = CoordinatorScope.objects.filter(
            user=user,
            programme_id=OuterRef("edition__programme_id"),
            regions=OuterRef("department__region_id"),
        )
        conditions.append(Q(Exists(in_scope)))
    if Role.FACILITATOR in roles:
        conditions.append(
            Q(Exists(FacilitatorAssignment.objects.filter(user=user, cohort_id=OuterRef("pk"))))
        )
    if not conditions:
        return None
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return combined


def staffed_cohorts(user: Any) -> QuerySet[Cohort]:
    """Cohorts this user works on: they may see and change their people, attendance and partners."""
    if not getattr(user, "is_authenticated", False):
        return Cohort.objects.none()
    if sees_everything(user):
        return Cohort.objects.all()
    condition = _staff_filter(user)
    return Cohort.objects.filter(condition) if condition is not None else Cohort.objects.none()


def visible_cohorts(user: Any) -> QuerySet[Cohort]:
    """Cohorts this user may see at least as aggregates (names, places, counts)."""
    if not getattr(user, "is_authenticated", False):
        return Cohort.objects.none()
    if sees_everything(user):
        return Cohort.objects.all()
    roles = role_names(user)
    conditions: list[Q] = []
    staff = _staff_filter(user)
    if staff is not None:
        conditions.append(staff)
    if Role.PARTNER in roles:
        organisations = PartnerContact.objects.filter(user=user).values("organisation_id")
        supported = Partnership.objects.filter(cohort_id=OuterRef("pk"), organisation_id__in=organisations)
        conditions.append(Q(Exists(supported)) | Q(host_id__in=organisations))
    # Anyone enrolled sees the collective facts of their own cohorts.
    conditions.append(Q(Exists(Enrolment.objects.filter(cohort_id=OuterRef("pk"), person__user=user))))
    combined = conditions[0]
    for condition in conditions[1:]:
        combined |= condition
    return Cohort.objects.filter(combined)


def visible_enrolments(user: Any) -> QuerySet[Enrolment]:
    """Enrolments (and so members' names) this user may see: their staffed cohorts, and their own."""
    if not getattr(user, "is_authenticated", False):
        return Enrolment.objects.none()
    if sees_everything(user):
        return Enrolment.objects.all()
    return Enrolment.objects.filter(Q(cohort__in=staffed_cohorts(user)) | Q(person__user=user))


def visible_people(user: Any) -> QuerySet[Person]:
    """People whose file this user may open: members of their staffed cohorts, and themself."""
    if not getattr(user, "is_authenticated", False):
        return Person.objects.none()
    if sees_everything(user):
        return Person.objects.all()
    in_staffed = Enrolment.objects.filter(person_id=OuterRef("pk"), cohort__in=staffed_cohorts(user))
    return Person.objects.filter(Q(Exists(in_staffed)) | Q(user=user))


def visible_attendance(user: Any) -> QuerySet[Attendance]:
    if not getattr(user, "is_authenticated", False):
        return Attendance.objects.none()
    if sees_everything(user):
        return Attendance.objects.all()
    return Attendance.objects.filter(
        Q(session__cohort__in=staffed_cohorts(user)) | Q(enrolment__person__user=user)
    )


def can_view_person(user: Any, person: Person) -> bool:
    return visible_people(user).filter(pk=person.pk).exists()


def can_manage_cohort(user: Any, cohort: Cohort) -> bool:
    """Take attendance, change members' statuses, edit partners."""
    return staffed_cohorts(user).filter(pk=cohort.pk).exists()


def require_can_manage(by: Any, cohort: Cohort, *, message: str) -> None:
    """Refuse a write on a cohort `by` does not run; `by=None` is the system (imports, seeders, tasks)."""
    if by is not None and not can_manage_cohort(by, cohort):
        raise ValidationError(message)


def can_see_programme_statistics(user: Any) -> bool:
    """National or regional figures: coordinators (their scope) and the national team."""
    return sees_everything(user) or Role.COORDINATOR in role_names(user)

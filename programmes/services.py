"""Writes of the core that touch several models or carry business rules. Views, API, admin,
imports and tasks all call these; each one validates before saving and runs in one transaction."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes import audit, figures
from programmes.access import require_can_manage
from programmes.choices import AttendanceStatus, EnrolmentStatus, ExitReason
from programmes.models import Attendance, Cohort, Enrolment, EnrolmentStatusChange, Person, Session
from programmes.models.enrolments import EXIT_STATUSES


def _check_can_manage(by: Any, cohort: Cohort) -> None:
    require_can_manage(by, cohort, message=_("You do not run this cohort."))


@transaction.atomic
def enrol_person(
    *,
    person: Person,
    cohort: Cohort,
    status: str = EnrolmentStatus.APPLIED,
    on: datetime.date | None = None,
    by: Any = None,
) -> Enrolment:
    """Create a person's enrolment in a cohort, with its first status in the history."""
    _check_can_manage(by, cohort)
    on = on or timezone.localdate()
    enrolment = Enrolment(person=person, cohort=cohort, status=status, status_date=on)
    enrolment.full_clean()
    enrolment.save()
    EnrolmentStatusChange.objects.create(
        enrolment=enrolment, from_status="", to_status=status, changed_date=on, changed_by=by
    )
    return enrolment


@transaction.atomic
def change_enrolment_status(
    *,
    enrolment: Enrolment,
    status: str,
    on: datetime.date | None = None,
    exit_reason: str = "",
    exit_note: str = "",
    by: Any = None,
) -> Enrolment:
    """Move an enrolment along its lifecycle; leaving needs a reason so drop-out can be reported."""
    _check_can_manage(by, enrolment.cohort)
    previous = enrolment.status
    enrolment.transition_to(status, on=on or timezone.localdate())
    if status in EXIT_STATUSES:
        if not exit_reason:
            raise ValidationError({"exit_reason": _("Give the reason why this person left.")})
        enrolment.exit_reason, enrolment.exit_note = ExitReason(exit_reason), exit_note
    enrolment.full_clean()
    enrolment.save(update_fields=["status", "status_date", "exit_reason", "exit_note"])
    EnrolmentStatusChange.objects.create(
        enrolment=enrolment,
        from_status=previous,
        to_status=status,
        changed_date=enrolment.status_date,
        changed_by=by,
    )
    audit.record(actor=by, action="enrolment.status", target=enrolment, to=status)
    return enrolment


@transaction.atomic
def record_attendance(*, session: Session, marks: Mapping[int, str], by: Any = None) -> list[Attendance]:
    """Save the attendance sheet of a session: enrolment id → present / excused / unexcused."""
    _check_can_manage(by, session.cohort)
    members = {enrolment.pk: enrolment for enrolment in session.cohort.enrolments.filter(pk__in=list(marks))}
    unknown = set(marks) - set(members)
    if unknown:
        raise ValidationError(_("Some people are not members of this cohort."))
    existing = {attendance.enrolment_id: attendance for attendance in session.attendances.all()}
    saved = []
    for enrolment_id, status in marks.items():
        status = AttendanceStatus(status)
        attendance = existing.get(enrolment_id) or Attendance(
            session=session, enrolment=members[enrolment_id]
        )
        attendance.status = status
        saved.append(attendance)
    Attendance.objects.bulk_create([attendance for attendance in saved if attendance.pk is None])
    Attendance.objects.bulk_update([attendance for attendance in saved if attendance.pk], ["status"])
    figures.data_changed()  # bulk writes send no signal
    return saved

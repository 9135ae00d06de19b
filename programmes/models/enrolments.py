import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.choices import (
    STARTED_STATUSES,
    STATUSES_NEEDING_GUARDIAN,
    ConsentKind,
    EnrolmentStatus,
    ExitReason,
)
from programmes.models.cohorts import Cohort
from programmes.models.people import Person

Status = EnrolmentStatus

# Which status may follow which: applied → waitlisted → enrolled → active → completed | withdrawn | excluded.
TRANSITIONS: dict[str, set[str]] = {
    Status.APPLIED: {Status.WAITLISTED, Status.ENROLLED},
    Status.WAITLISTED: {Status.ENROLLED},
    Status.ENROLLED: {Status.ACTIVE, Status.WITHDRAWN, Status.EXCLUDED},
    Status.ACTIVE: {Status.COMPLETED, Status.WITHDRAWN, Status.EXCLUDED},
    Status.COMPLETED: set(),
    Status.WITHDRAWN: set(),
    Status.EXCLUDED: set(),
}
EXIT_STATUSES = {Status.WITHDRAWN, Status.EXCLUDED}


class EnrolmentQuerySet(models.QuerySet["Enrolment"]):
    def started(self) -> "EnrolmentQuerySet":
        return self.filter(status__in=STARTED_STATUSES)


class Enrolment(models.Model):
    """Inscription: a person's place in a cohort (a coopérant·e of a CJS is a member), with its lifecycle."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")

    Status = EnrolmentStatus

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("person")
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="enrolments", verbose_name=_("cohort")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=20, choices=EnrolmentStatus.choices, default=Status.APPLIED
    )
    status_date = models.DateField(_("status date"))
    exit_reason = models.CharField(_("exit reason"), max_length=20, choices=ExitReason.choices, blank=True)
    exit_note = models.TextField(_("exit note"), blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["cohort", "person__last_name", "person__first_name"]
        constraints = [
            models.UniqueConstraint(fields=["person", "cohort"], name="enrolment_unique_person_cohort"),
            models.CheckConstraint(
                condition=~models.Q(status__in=[Status.WITHDRAWN, Status.EXCLUDED])
                | ~models.Q(exit_reason=""),
                name="enrolment_exit_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.cohort}"

    @property
    def is_minor(self) -> bool:
        return self.person.is_minor_on(self.cohort.reference_date)

    def guardian_problems(self) -> list[str]:
        """What a minor still lacks before the enrolment can go past waitlisted (empty when nothing)."""
        if not self.is_minor or self.person.is_erased:
            return []
        problems = []
        if not any(guardian.has_contact for guardian in self.person.guardians.all()):
            problems.append(str(_("A minor needs a guardian's contact (e-mail or phone).")))
        if not any(
            consent.kind == ConsentKind.GUARDIAN_AUTHORISATION and consent.is_active
            for consent in self.person.consents.all()
        ):
            problems.append(str(_("A minor needs the guardian's authorisation, with its date.")))
        return problems

    def clean(self) -> None:
        if self.status in EXIT_STATUSES and not self.exit_reason:
            raise ValidationError({"exit_reason": _("Give the reason why this person left.")})
        if self.status in STATUSES_NEEDING_GUARDIAN and self.person_id and self.cohort_id:
            problems = self.guardian_problems()
            if problems:
                raise ValidationError({"status": problems})

    def can_move_to(self, status: str) -> bool:
        return status in TRANSITIONS[self.status]

    def transition_to(self, status: str, *, on: datetime.date) -> None:
        """Change the status in memory, refusing what the lifecycle does not allow (the service saves)."""
        if not self.can_move_to(status):
            raise ValidationError(
                _("An enrolment cannot go from %(current)s to %(new)s.")
                % {"current": self.get_status_display(), "new": EnrolmentStatus(status).label}
            )
        self.status, self.status_date = status, on


class EnrolmentStatusChange(models.Model):
    """Dated history of an enrolment's statuses, for retention and drop-out figures."""

    # High-volume rows that no page links to: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("enrolment")
    )
    from_status = models.CharField(_("from"), max_length=20, choices=EnrolmentStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=EnrolmentStatus.choices)
    changed_date = models.DateField(_("date"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["enrolment", "changed_date", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status or '∅'} → {self.to_status} ({self.changed_date})"

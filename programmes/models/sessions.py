from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.choices import AttendanceStatus, SessionKind
from programmes.models.cohorts import Cohort
from programmes.models.enrolments import Enrolment


class Session(models.Model):
    """Séance: a dated time span of a cohort (work, training, meeting) where attendance is taken."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cohort")
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SessionKind.choices, default=SessionKind.WORK)
    title = models.CharField(_("title"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["cohort", "date", "start_time"]
        indexes = [models.Index(fields=["cohort", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(start_time__isnull=True)
                | models.Q(end_time__isnull=True)
                | models.Q(end_time__gt=models.F("start_time")),
                name="session_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        label = self.title or self.get_kind_display()
        return f"{label} · {self.date:%d/%m/%Y}"

    def clean(self) -> None:
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            raise ValidationError({"end_time": _("The session must end after it starts.")})


class Attendance(models.Model):
    """Présence: one member at one session."""

    # High-volume rows that no page links to: keep them out of Wagtail's reference index.
    wagtail_reference_index_ignore = True

    session = models.ForeignKey(
        Session, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("member")
    )
    status = models.CharField(_("attendance"), max_length=12, choices=AttendanceStatus.choices)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        constraints = [models.UniqueConstraint(fields=["session", "enrolment"], name="attendance_unique")]

    def __str__(self) -> str:
        return f"{self.enrolment.person} · {self.session} · {self.get_status_display()}"

    def clean(self) -> None:
        if self.session_id and self.enrolment_id and self.session.cohort_id != self.enrolment.cohort_id:
            raise ValidationError(_("This person is not a member of the session's cohort."))

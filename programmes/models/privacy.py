import calendar
import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.models.people import Person


def one_month_after(day: datetime.date) -> datetime.date:
    """The GDPR's one-month deadline (art. 12.3): the same day next month, or that month's last day."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class PrivacyRequest(models.Model):
    """Demande d'exercice des droits: a person, or their parent, asks for a copy of their data, its
    erasure... The network answers within one month; the request and its answer are kept as proof."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access (a copy of the data)")
        ERASURE = "erasure", _("Erasure")
        RECTIFICATION = "rectification", _("Rectification")
        OBJECTION = "objection", _("Objection to processing")

    class Requester(models.TextChoices):
        PERSON = "person", _("The person themself")
        GUARDIAN = "guardian", _("A parent or legal guardian")
        REPRESENTATIVE = "representative", _("Another representative")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="privacy_requests", verbose_name=_("person")
    )
    kind = models.CharField(_("request"), max_length=20, choices=Kind.choices, default=Kind.ACCESS)
    requested_by = models.CharField(
        _("requested by"), max_length=20, choices=Requester.choices, default=Requester.PERSON
    )
    requester_name = models.CharField(
        _("requester's name"),
        max_length=200,
        blank=True,
        help_text=_("When a parent or a representative asks for the person."),
    )
    received_date = models.DateField(_("received on"))
    completed_date = models.DateField(_("answered on"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("handled by"),
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")
        ordering = ["-received_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(completed_date__isnull=True)
                | models.Q(completed_date__gte=models.F("received_date")),
                name="privacy_request_answered_after_received",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.received_date:%d/%m/%Y}"

    @property
    def due_date(self) -> datetime.date:
        return one_month_after(self.received_date)

    @property
    def is_open(self) -> bool:
        return self.completed_date is None

    def is_overdue(self, today: datetime.date) -> bool:
        return self.is_open and today > self.due_date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from flashcoop.choices import ANSWERED_STATUSES, FollowUpStatus, Situation, Wave
from programmes.models import Enrolment


class FollowUp(models.Model):
    """Suivi à 3 ou 6 mois: one wave of questions to a former participant, by e-mail link or by phone.

    Only the SHA-256 of the personal link's token is stored: the link itself exists only in the e-mail.
    """

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="flashcoop_follow_ups",
        verbose_name=_("participant"),
    )
    wave = models.CharField(_("wave"), max_length=4, choices=Wave.choices)
    due_date = models.DateField(_("due on"))
    status = models.CharField(
        _("status"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.SCHEDULED
    )
    token_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    expires_at = models.DateTimeField(_("link expires at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    situation = models.CharField(_("situation"), max_length=20, choices=Situation.choices, blank=True)
    situation_note = models.TextField(_("in their own words"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by (phone)"),
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_date", "pk"]
        indexes = [models.Index(fields=["status", "due_date"])]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "wave"], name="follow_up_unique_wave"),
            models.CheckConstraint(
                condition=~models.Q(status__in=ANSWERED_STATUSES) | ~models.Q(situation=""),
                name="follow_up_answer_has_situation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.get_wave_display()}"

    @property
    def is_answered(self) -> bool:
        return self.status in ANSWERED_STATUSES

    def clean(self) -> None:
        if self.status in ANSWERED_STATUSES and not self.situation:
            raise ValidationError({"situation": _("Give the participant's situation.")})

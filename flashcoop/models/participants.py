from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from flashcoop.choices import (
    REFUSED,
    EmploymentSituation,
    IscedLevel,
    Referrer,
    Situation,
    YesNoRefused,
)
from programmes.choices import ExitReason
from programmes.models import Enrolment


class EntryProfile(models.Model):
    """Profil à l'entrée: a participant's situation in the ESF categories ("refused" is an answer)."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="entry_profile", verbose_name=_("participant")
    )
    employment_status = models.CharField(
        _("employment status"), max_length=24, choices=EmploymentSituation.choices
    )
    minimum_income = models.CharField(
        _("receives a minimum income (RSA…)"), max_length=10, choices=YesNoRefused.choices
    )
    education_level = models.CharField(_("education level"), max_length=12, choices=IscedLevel.choices)
    qpv_resident = models.CharField(
        _("lives in a priority neighbourhood (QPV)"), max_length=10, choices=YesNoRefused.choices
    )
    rural = models.CharField(_("lives in a rural area"), max_length=10, choices=YesNoRefused.choices)
    disability = models.CharField(
        _("disability"),
        max_length=10,
        choices=YesNoRefused.choices,
        blank=True,
        help_text=_("Sensitive: only with the participant's explicit consent, dated below."),
    )
    disability_consent_date = models.DateField(
        _("consent to record the disability given on"), null=True, blank=True
    )
    referrer = models.CharField(_("referred by"), max_length=24, choices=Referrer.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("entry profile")
        verbose_name_plural = _("entry profiles")
        ordering = ["enrolment"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(disability__in=["", REFUSED])
                | models.Q(disability_consent_date__isnull=False),
                name="entry_profile_disability_needs_consent",
            )
        ]

    def __str__(self) -> str:
        return str(self.enrolment)

    def clean(self) -> None:
        if self.disability not in ("", REFUSED) and not self.disability_consent_date:
            raise ValidationError(
                {
                    "disability": _(
                        "A disability is recorded only with the participant's explicit consent: "
                        "give the date they agreed, or leave it empty."
                    )
                }
            )


class Exit(models.Model):
    """Sortie: when and how a participant left the Flashcoop, and their situation then."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="flashcoop_exit", verbose_name=_("participant")
    )
    exit_date = models.DateField(_("exit date"))
    is_completed = models.BooleanField(
        _("completed the Flashcoop"), default=True, help_text=_("Untick when the participant left early.")
    )
    early_reason = models.CharField(
        _("reason for leaving early"), max_length=20, choices=ExitReason.choices, blank=True
    )
    situation = models.CharField(_("situation at exit"), max_length=20, choices=Situation.choices)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("exit")
        verbose_name_plural = _("exits")
        ordering = ["enrolment"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_completed=True) | ~models.Q(early_reason=""),
                name="exit_early_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment} · {self.exit_date:%d/%m/%Y}"

    def clean(self) -> None:
        if not self.is_completed and not self.early_reason:
            raise ValidationError({"early_reason": _("Give the reason why this participant left early.")})
        if self.is_completed:
            self.early_reason = ""

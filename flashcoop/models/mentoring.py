from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.models import Cohort, Enrolment, Organisation


class Mentor(models.Model):
    """Mentor·e (parrain, marraine): a person or an organisation who accompanies participants."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="flashcoop_mentors", verbose_name=_("cohort")
    )
    name = models.CharField(_("name"), max_length=200, blank=True, help_text=_("The mentor's name."))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="flashcoop_mentors",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
    )
    contact = models.CharField(_("contact"), max_length=200, blank=True, help_text=_("E-mail or phone."))
    mentees = models.ManyToManyField(
        Enrolment, through="Mentee", related_name="flashcoop_mentors", verbose_name=_("mentees"), blank=True
    )

    class Meta:
        verbose_name = _("mentor")
        verbose_name_plural = _("mentors")
        ordering = ["cohort", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(name="") | models.Q(organisation__isnull=False),
                name="mentor_has_name_or_organisation",
            )
        ]

    def __str__(self) -> str:
        if self.name and self.organisation_id:
            return f"{self.name} ({self.organisation})"
        return self.name or str(self.organisation)

    def clean(self) -> None:
        if not self.name and not self.organisation_id:
            raise ValidationError(_("Give the mentor's name or organisation."))


class Mentee(models.Model):
    """Filleul·e: a participant accompanied by a mentor."""

    mentor = models.ForeignKey(
        Mentor, on_delete=models.CASCADE, related_name="mentee_links", verbose_name=_("mentor")
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="flashcoop_mentee_links",
        verbose_name=_("participant"),
    )

    class Meta:
        verbose_name = _("mentee")
        verbose_name_plural = _("mentees")
        ordering = ["mentor", "pk"]
        constraints = [models.UniqueConstraint(fields=["mentor", "enrolment"], name="mentee_unique")]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.enrolment.person}"

    def clean(self) -> None:
        if self.mentor_id and self.enrolment_id and self.mentor.cohort_id != self.enrolment.cohort_id:
            raise ValidationError(_("This participant is not in the mentor's Flashcoop."))


class MentoringMeeting(models.Model):
    """Rencontre de parrainage: a dated meeting of a mentor and a participant (notes are personal data)."""

    mentor = models.ForeignKey(
        Mentor, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("mentor")
    )
    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="flashcoop_mentoring_meetings",
        verbose_name=_("participant"),
    )
    meeting_date = models.DateField(_("date"))
    notes = models.TextField(_("notes"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("mentoring meeting")
        verbose_name_plural = _("mentoring meetings")
        ordering = ["-meeting_date", "-pk"]

    def __str__(self) -> str:
        return f"{self.mentor} · {self.meeting_date:%d/%m/%Y}"

    def clean(self) -> None:
        if self.mentor_id and self.enrolment_id and self.mentor.cohort_id != self.enrolment.cohort_id:
            raise ValidationError(_("This participant is not in the mentor's Flashcoop."))

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lms import digcomp


class DigitalSkillsAssessment(models.Model):
    """Autopositionnement numérique: one person's self-rating of the DigComp competences, at a date."""

    wagtail_reference_index_ignore = True

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="digital_skills_assessments",
        verbose_name=_("person"),
    )
    framework_version = models.CharField(_("DigComp version"), max_length=10, default=digcomp.VERSION)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)

    class Meta:
        verbose_name = _("digital skills self-assessment")
        verbose_name_plural = _("digital skills self-assessments")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["user", "-submitted_at"], name="digcomp_assessment_user_date")]

    def __str__(self) -> str:
        return f"{self.user} · {self.submitted_at:%Y-%m-%d}"


class DigitalSkillsRating(models.Model):
    """The level a person gave themself for one competence; no level means "I don't know"."""

    wagtail_reference_index_ignore = True

    assessment = models.ForeignKey(
        DigitalSkillsAssessment,
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("self-assessment"),
    )
    # The framework's stable code ("1.1" … "5.4"), not a row: the framework ships as data files.
    competence = models.CharField(_("competence"), max_length=8)
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)

    class Meta:
        verbose_name = _("digital skills rating")
        verbose_name_plural = _("digital skills ratings")
        ordering = ["assessment", "competence"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "competence"], name="digcomp_rating_unique"),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True)
                | models.Q(level__gte=digcomp.NOT_YET, level__lte=digcomp.MAX_LEVEL),
                name="digcomp_rating_level_on_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competence}: {'?' if self.level is None else self.level}"

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programmes.choices import CohortStatus, PartnershipRole
from programmes.models.geography import Commune, Department
from programmes.models.organisations import Organisation
from programmes.models.programmes import Edition


class CohortQuerySet(models.QuerySet["Cohort"]):
    def not_cancelled(self) -> "CohortQuerySet":
        return self.exclude(status=CohortStatus.CANCELLED)


class Cohort(models.Model):
    """Cohorte: one CJS or Flashcoop of an edition, in one place, with its members and partners."""

    edition = models.ForeignKey(
        Edition, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("edition")
    )
    name = models.CharField(_("name"), max_length=150)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("department")
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="cohorts",
        verbose_name=_("commune"),
        null=True,
        blank=True,
    )
    is_in_qpv = models.BooleanField(_("in a priority neighbourhood (QPV)"), default=False)
    is_rural = models.BooleanField(_("rural"), default=False)
    host = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="hosted_cohorts",
        verbose_name=_("host organisation"),
        null=True,
        blank=True,
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=CohortStatus.choices, default=CohortStatus.PLANNED
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="FacilitatorAssignment",
        related_name="facilitated_cohorts",
        verbose_name=_("facilitators"),
        blank=True,
    )

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        ordering = ["-edition__year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["edition", "name"], name="cohort_unique_name_in_edition"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="cohort_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.edition.year})"

    def clean(self) -> None:
        if self.commune_id and self.department_id and self.commune.department_id != self.department_id:
            raise ValidationError({"commune": _("This commune is not in the cohort's department.")})
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end date cannot be before the start date.")})

    @property
    def region(self):
        return self.department.region

    @property
    def is_running(self) -> bool:
        today = timezone.localdate()
        return bool(
            self.start_date and self.start_date <= today and (not self.end_date or today <= self.end_date)
        )

    @property
    def reference_date(self) -> datetime.date:
        """The date ages are computed at: the start date, else 1 July of the edition's year."""
        return self.start_date or datetime.date(self.edition.year, 7, 1)


class Partnership(models.Model):
    """Membre du comité local: an organisation supporting a cohort in one role."""

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="partnerships", verbose_name=_("cohort")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="partnerships", verbose_name=_("organisation")
    )
    role = models.CharField(
        _("role"), max_length=20, choices=PartnershipRole.choices, default=PartnershipRole.OTHER
    )
    contribution_eur = models.DecimalField(
        _("cash contribution (€)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    in_kind = models.TextField(_("in-kind contribution"), blank=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        ordering = ["cohort", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "organisation", "role"], name="partnership_unique_role"
            ),
            models.CheckConstraint(
                condition=models.Q(contribution_eur__isnull=True) | models.Q(contribution_eur__gte=0),
                name="partnership_contribution_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.get_role_display()} · {self.cohort}"

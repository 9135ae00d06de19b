from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.models.cohorts import Cohort
from programmes.models.geography import Region
from programmes.models.organisations import Organisation
from programmes.models.programmes import Programme


class FacilitatorAssignment(models.Model):
    """Affectation d'un·e animateur·rice: a facilitator runs this cohort."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="facilitator_assignments",
        verbose_name=_("user"),
    )
    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="facilitator_assignments", verbose_name=_("cohort")
    )

    class Meta:
        verbose_name = _("facilitator assignment")
        verbose_name_plural = _("facilitator assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "cohort"], name="facilitator_assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.cohort}"


class CoordinatorScope(models.Model):
    """Périmètre d'un·e coordinateur·rice: one programme in some regions."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="coordinator_scopes",
        verbose_name=_("user"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="coordinator_scopes", verbose_name=_("programme")
    )
    regions = models.ManyToManyField(Region, related_name="coordinator_scopes", verbose_name=_("regions"))

    class Meta:
        verbose_name = _("coordinator scope")
        verbose_name_plural = _("coordinator scopes")
        constraints = [models.UniqueConstraint(fields=["user", "programme"], name="coordinator_scope_unique")]

    def __str__(self) -> str:
        return f"{self.user} · {self.programme}"


class PartnerContact(models.Model):
    """A partner account speaks for an organisation and sees the aggregates of the cohorts it supports."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="partner_contacts",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )

    class Meta:
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="partner_contact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"

from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.choices import OrganisationType
from programmes.text import normalise


class Organisation(models.Model):
    """Structure (CAE, association, collectivité...): hosts, sponsors and funds cohorts."""

    name = models.CharField(_("name"), max_length=200)
    normalised_name = models.CharField(max_length=200, unique=True, editable=False)
    type = models.CharField(
        _("type"), max_length=20, choices=OrganisationType.choices, default=OrganisationType.OTHER
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # The key that imports match on: names ignoring case, accents and punctuation.
        self.normalised_name = normalise(self.name)
        super().save(*args, **kwargs)

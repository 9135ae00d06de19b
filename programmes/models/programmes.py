from django.db import models
from django.utils.translation import gettext_lazy as _


class Programme(models.Model):
    """Programme (CJS, Flashcoop...): a kind of cooperative learning project run every year."""

    slug = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("For example cjs or flashcoop.")
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Edition(models.Model):
    """Édition / saison: one year of a programme."""

    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="editions", verbose_name=_("programme")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    is_esf_funded = models.BooleanField(
        _("funded by the European Social Fund (ESF)"),
        default=False,
        help_text=_(
            "Funders' evidence of ESF-funded operations is kept longer (ESSAIM_RETENTION_YEARS_ESF)."
        ),
    )

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["programme__name", "-year"]
        constraints = [models.UniqueConstraint(fields=["programme", "year"], name="edition_unique_year")]

    def __str__(self) -> str:
        return f"{self.programme} {self.year}"

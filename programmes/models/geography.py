from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    """Région, with its INSEE code. Loaded from the reference data shipped in programmes/data."""

    code = models.CharField(_("INSEE code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """Département, with its INSEE code and region."""

    code = models.CharField(_("INSEE code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("region")
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Commune(models.Model):
    """Commune where a cohort takes place: a name within a department, with its INSEE code when known."""

    name = models.CharField(_("name"), max_length=150)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="communes", verbose_name=_("department")
    )
    insee_code = models.CharField(_("INSEE code"), max_length=5, blank=True)
    postcodes = models.CharField(
        _("postcodes"), max_length=200, blank=True, help_text=_("Separated by spaces.")
    )

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="commune_unique_name_in_department"),
            models.UniqueConstraint(
                fields=["insee_code"], condition=~models.Q(insee_code=""), name="commune_unique_insee_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.department.code})"

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from cjs.choices import ClientKind
from programmes.models import Cohort
from programmes.text import normalise


class Client(models.Model):
    """Client: who a CJS works for; an individual's name and contact are personal data (DESIGN §4)."""

    Kind = ClientKind

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="clients", verbose_name=_("CJS")
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=ClientKind.choices, default=ClientKind.INDIVIDUAL
    )
    name = models.CharField(_("name"), max_length=200)
    # The key that imports match on, within the cohort: the name ignoring case, accents and punctuation.
    normalised_name = models.CharField(max_length=200, editable=False)
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    address = models.TextField(_("address"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("client")
        verbose_name_plural = _("clients")
        ordering = ["cohort", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "normalised_name"],
                name="cjs_client_unique_name_in_cohort",
                violation_error_message=_("This CJS already has a client of that name."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.normalised_name = normalise(self.name)
        super().save(*args, **kwargs)

    @property
    def is_personal_data(self) -> bool:
        """An individual client is a person: only the CJS's staff may see them."""
        return self.kind == ClientKind.INDIVIDUAL

    def clean(self) -> None:
        self.normalised_name = normalise(self.name)

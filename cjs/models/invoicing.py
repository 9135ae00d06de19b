from django.db import models
from django.utils.translation import gettext_lazy as _

from programmes.models import Organisation

# French law's wording for small associations and cooperatives exempt from VAT: legal text, not translated.
DEFAULT_VAT_MENTION = "TVA non applicable, art. 293 B du CGI"


class HostLegalDetails(models.Model):
    """Mentions légales de la structure porteuse: what its quotes and invoices must show."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="cjs_legal_details",
        verbose_name=_("organisation"),
    )
    legal_form = models.CharField(
        _("legal form"),
        max_length=100,
        blank=True,
        help_text=_("For example: SCOP SA, SCIC SARL, association."),
    )
    address = models.TextField(_("address"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    vat_mention = models.CharField(_("VAT mention"), max_length=200, default=DEFAULT_VAT_MENTION)
    payment_details = models.TextField(
        _("payment details"), blank=True, help_text=_("Bank details and payment terms printed on invoices.")
    )

    class Meta:
        verbose_name = _("host legal details")
        verbose_name_plural = _("host legal details")
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return str(self.organisation)


class InvoiceSequence(models.Model):
    """Numérotation des factures: the last invoice number a host organisation gave in a year.

    Invoicing locks this row (SELECT ... FOR UPDATE) so numbers stay sequential and gap-free even when
    two facilitators invoice at the same moment."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="cjs_invoice_sequences",
        verbose_name=_("organisation"),
    )
    year = models.PositiveIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("invoice sequence")
        verbose_name_plural = _("invoice sequences")
        ordering = ["organisation", "year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="cjs_invoice_sequence_unique_year"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}: {self.last_number}"

    @staticmethod
    def format(year: int, number: int) -> str:
        return f"{year}-{number:04d}"

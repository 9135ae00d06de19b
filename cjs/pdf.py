"""Quotes, invoices and the season summary as PDF files (xhtml2pdf), in the reader's language.

Rendering goes through programmes.pdf, which never fetches anything remote."""

from typing import Any

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from cjs import selectors
from cjs.models import Contract, HostLegalDetails
from cjs.models.invoicing import DEFAULT_VAT_MENTION
from programmes.models import Cohort
from programmes.pdf import REFUSED, PdfError, html_to_pdf, link_callback

__all__ = ["REFUSED", "PdfError", "link_callback"]


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    return html_to_pdf(render_to_string(template_name, context), name=template_name)


def _issuer_context(contract: Contract) -> dict[str, Any]:
    """The host organisation the document is issued by, with its legal details (or the defaults)."""
    organisation = contract.invoice_issuer or contract.cohort.host
    details = (
        HostLegalDetails.objects.filter(organisation=organisation).first()
        if organisation is not None
        else None
    )
    return {
        "issuer": organisation,
        "legal": details,
        "vat_mention": details.vat_mention if details else DEFAULT_VAT_MENTION,
    }


def _contract(contract: Contract) -> Contract:
    return Contract.objects.select_related(
        "client", "cohort__edition", "cohort__host", "cohort__commune", "invoice_issuer"
    ).get(pk=contract.pk)


def quote_reference(contract: Contract) -> str:
    return f"D{(contract.quoted_date or contract.start_date).year}-{contract.pk:05d}"


def quote_pdf(contract: Contract) -> bytes:
    """The quote (devis) a client signs: service, dates, price, and the host's legal details."""
    contract = _contract(contract)
    return render_pdf(
        "cjs/pdf/quote.html",
        {"contract": contract, "reference": quote_reference(contract), **_issuer_context(contract)},
    )


def invoice_pdf(contract: Contract) -> bytes:
    """The invoice, issued by the host organisation with its number."""
    contract = _contract(contract)
    if not contract.invoice_number:
        raise ValidationError(_("This contract has not been invoiced yet."))
    return render_pdf("cjs/pdf/invoice.html", {"contract": contract, **_issuer_context(contract)})


def season_summary_pdf(cohort: Cohort) -> bytes:
    """The season summary the assembly reads: turnover, hours, expenses and the distribution."""
    return render_pdf("cjs/pdf/season_summary.html", selectors.season_summary(cohort))


def filename(kind: str, reference: str) -> str:
    return f"{kind}-{reference}.pdf".replace("/", "-").replace(" ", "-")

"""Quotes, invoices and the season summary as PDF files (xhtml2pdf), in the reader's language.

The renderer never fetches anything remote: `link_callback` resolves our own static files only, and
the resource policy refuses the network and any file outside our static folders whatever the callback
says (xhtml2pdf reads fonts and a few other resources without asking the callback)."""

import io
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from cjs import selectors
from cjs.models import Contract, HostLegalDetails
from cjs.models.invoicing import DEFAULT_VAT_MENTION
from programmes.models import Cohort

logger = logging.getLogger(__name__)

# What a refused resource resolves to: a scheme nobody fetches, so the document renders without it.
REFUSED = "refused:"


class PdfError(Exception):
    """xhtml2pdf could not lay the document out."""


def _static_roots() -> tuple[Path, ...]:
    roots = [Path(settings.BASE_DIR) / "static"]
    roots += [
        Path(str(entry[1] if isinstance(entry, tuple) else entry)) for entry in settings.STATICFILES_DIRS
    ]
    return tuple(dict.fromkeys(root.resolve() for root in roots))


def link_callback(uri: str, rel: str | None = None) -> str:
    """Resolve `/static/...` to our own file; refuse everything else (remote URLs, other paths)."""
    roots = _static_roots()
    if uri.startswith(settings.STATIC_URL) and "://" not in uri:
        try:
            found = finders.find(uri.removeprefix(settings.STATIC_URL).split("?")[0])
        except SuspiciousFileOperation:
            found = None
        if isinstance(found, str):
            path = Path(found).resolve()
            if any(path.is_relative_to(root) for root in roots):
                return str(path)
    logger.warning("PDF resource refused: %.200s", uri)
    return REFUSED


def _policy() -> ResourceAccessPolicy:
    return ResourceAccessPolicy(allow_remote=False, base_dir=None, extra_roots=_static_roots())


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    html = render_to_string(template_name, context)
    output = io.BytesIO()
    result = pisa.CreatePDF(
        html, dest=output, encoding="utf-8", link_callback=link_callback, resource_policy=_policy()
    )
    if result.err:
        raise PdfError(f"Could not render {template_name}")
    return output.getvalue()


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

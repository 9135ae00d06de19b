"""HTML to PDF (xhtml2pdf) for every app: quotes, invoices, summaries, certificates.

The renderer never fetches anything remote: `link_callback` resolves our own static files only, and
the resource policy refuses the network and any file outside our static folders whatever the callback
says (xhtml2pdf reads fonts and a few other resources without asking the callback)."""

import io
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string

from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

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


def resource_policy() -> ResourceAccessPolicy:
    return ResourceAccessPolicy(allow_remote=False, base_dir=None, extra_roots=_static_roots())


def html_to_pdf(html: str, *, name: str = "document") -> bytes:
    """The PDF of this HTML, with our static files only."""
    output = io.BytesIO()
    result = pisa.CreatePDF(
        html, dest=output, encoding="utf-8", link_callback=link_callback, resource_policy=resource_policy()
    )
    if result.err:
        raise PdfError(f"Could not render {name}")
    return output.getvalue()


def render_pdf(template_name: str, context: dict[str, Any]) -> bytes:
    """Render a template to PDF (see html_to_pdf)."""
    return html_to_pdf(render_to_string(template_name, context), name=template_name)

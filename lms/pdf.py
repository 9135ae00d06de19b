"""Certificates as PDF files (xhtml2pdf), with a QR code to their public verification page.

As for the CJS documents, the renderer never fetches anything remote: `link_callback` lets through our
own static files and the inline `data:` images we embed (the QR code), the resource policy refuses the
network and any file outside our static folders whatever the callback says."""

import io
import logging
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string

import segno
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from lms import selectors
from lms.models import Certificate

logger = logging.getLogger(__name__)

# What a refused resource resolves to: a scheme nobody fetches, so the document renders without it.
REFUSED = "refused:"
INLINE_IMAGES = ("data:image/png;base64,",)


class PdfError(Exception):
    """xhtml2pdf could not lay the document out."""


def _static_roots() -> tuple[Path, ...]:
    roots = [Path(settings.BASE_DIR) / "static"]
    roots += [
        Path(str(entry[1] if isinstance(entry, tuple) else entry)) for entry in settings.STATICFILES_DIRS
    ]
    return tuple(dict.fromkeys(root.resolve() for root in roots))


def link_callback(uri: str, rel: str | None = None) -> str:
    """Inline PNG images and `/static/...` files of ours; everything else (remote URLs, paths) is refused."""
    if uri.startswith(INLINE_IMAGES):
        return uri
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


def qr_data_uri(url: str) -> str:
    """A PNG QR code of the URL, inline (xhtml2pdf renders PNG data URIs, not SVG ones)."""
    return str(segno.make(url, error="m", micro=False).png_data_uri(scale=5, border=2))


def certificate_pdf(certificate: Certificate) -> bytes:
    """The attestation or the certificat de réalisation, from the certificate's snapshot only."""
    url = selectors.verification_url(certificate.code)
    return render_pdf(
        "lms/pdf/certificate.html",
        {"certificate": certificate, "verification_url": url, "qr_code": qr_data_uri(url)},
    )

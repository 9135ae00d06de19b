"""Impact reports as PDF files (xhtml2pdf), drawn from a frozen snapshot.

Charts are the snapshot's own SVG, embedded as data URIs and drawn by svglib, so the PDF shows the same
drawing as the page. Nothing remote is fetched: apart from those inline SVG images, resources resolve to
our static files only (the CJS documents' callback), under a policy that refuses the network.
"""

import base64
import io
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from cjs.pdf import PdfError, link_callback

SVG_DATA = "data:image/svg+xml;base64,"


def svg_data_uri(svg: str) -> str:
    return SVG_DATA + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _link_callback(uri: str, rel: str | None = None) -> str:
    if isinstance(uri, str) and uri.startswith(SVG_DATA):
        return uri
    return link_callback(uri, rel)


def _policy() -> ResourceAccessPolicy:
    roots = [Path(settings.BASE_DIR) / "static"]
    roots += [
        Path(str(entry[1] if isinstance(entry, tuple) else entry)) for entry in settings.STATICFILES_DIRS
    ]
    return ResourceAccessPolicy(
        allow_remote=False, base_dir=None, extra_roots=tuple(root.resolve() for root in roots)
    )


def report_pdf(content: dict[str, Any], *, context: dict[str, Any]) -> bytes:
    """The PDF of one published version of a report, in the site's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("cms/report_pdf.html", {"content": content, "pdf": True, **context})
    output = io.BytesIO()
    result = pisa.CreatePDF(
        html, dest=output, encoding="utf-8", link_callback=_link_callback, resource_policy=_policy()
    )
    if result.err:
        raise PdfError("Could not render the report")
    return output.getvalue()

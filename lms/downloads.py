"""The certificate PDF as a download, for the web page and the API alike: the holder (while it is valid)
and the staff the access policy lets see the person; opening someone else's is audit-logged."""

from typing import Any

from django.http import FileResponse, Http404
from django.utils.cache import add_never_cache_headers

from lms import selectors, services
from lms.models import Certificate
from lms.models.certificates import normalise_code
from programmes import audit


def downloadable_certificate(user: Any, code: str) -> Certificate:
    """The certificate this user may download, or 404 (outside their scope looks like nothing at all)."""
    certificate = selectors.visible_certificates(user).filter(code=normalise_code(code)).first()
    if certificate is None:
        raise Http404
    if certificate.user_id == user.pk and not certificate.is_valid:
        raise Http404  # a revoked certificate is no longer handed out to its holder
    return certificate


def certificate_file_response(user: Any, certificate: Certificate) -> FileResponse:
    services.ensure_certificate_pdf(certificate)
    if certificate.user_id != user.pk:
        audit.record(actor=user, action="lms.certificate.download", target=certificate)
    response = FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"certificate-{certificate.code}.pdf",
        content_type="application/pdf",
    )
    add_never_cache_headers(response)
    return response

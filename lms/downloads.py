"""The certificate PDF and its Open Badge as downloads, for the web page and the API alike: the holder
(while it is valid) and the staff the access policy lets see the person; opening someone else's is
audit-logged."""

import json
from typing import Any

from django.http import FileResponse, Http404, HttpResponse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from lms import open_badges, selectors, services
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


def open_badge_response(user: Any, certificate: Certificate) -> HttpResponse:
    """The certificate as a signed Open Badges 3.0 credential (JSON-LD), 503 when badges are not set up."""
    try:
        credential = services.open_badge_credential(certificate=certificate, by=user)
    except open_badges.BadgesUnavailable:
        return HttpResponse(
            _("Open Badges are not set up on this site."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(
        json.dumps(credential, ensure_ascii=False, indent=2),
        content_type=f"{open_badges.MEDIA_TYPE}; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="open-badge-{certificate.code}.json"'
    add_never_cache_headers(response)
    return response

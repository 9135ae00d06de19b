"""Open Badges 3.0: a certificate as a signed OpenBadgeCredential (a W3C Verifiable Credential 2.0 with an
`eddsa-rdfc-2022` Data Integrity proof), and the signed Bitstring Status Lists that publish revocations.

The issuer is the did:key of the signing key (ESSAIM_BADGE_SIGNING_KEY), so anyone verifies a credential
offline. What a credential says comes from the certificate's snapshot, like the PDF; the holder appears
only as the public verification shows them (first name and last initial) and as a salted hash of their
e-mail address. See docs/open-badges.md."""

import base64
import datetime
import gzip
import hashlib
import uuid
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from lms import data_integrity
from lms.models import Certificate

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# Bits per status list: the specification's minimum (16 KiB), for group privacy.
STATUS_LIST_SIZE = 131_072
# A list takes new certificates until half its bits are drawn, then the next list opens: random draws
# stay cheap, and a position tells nothing about the order of issue.
STATUS_LIST_FILL = STATUS_LIST_SIZE // 2
# Certificates and the course they certify get stable identifiers that do not expose database ids.
_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://essaim/open-badges")
MEDIA_TYPE = "application/ld+json"


class BadgesUnavailable(Exception):
    """No signing key is configured (production without ESSAIM_BADGE_SIGNING_KEY)."""


def _development_key() -> Ed25519PrivateKey:
    """Debug only: a key derived from the secret key, so a developer's badges verify without setup."""
    seed = hashlib.sha256(f"essaim-open-badges-development-key:{settings.SECRET_KEY}".encode()).digest()
    return Ed25519PrivateKey.from_private_bytes(seed)


def is_development_key() -> bool:
    return not settings.ESSAIM_BADGE_SIGNING_KEY and bool(settings.DEBUG)


def signing_key() -> Ed25519PrivateKey:
    """The configured key; in debug without one, the development key; else BadgesUnavailable."""
    configured = str(settings.ESSAIM_BADGE_SIGNING_KEY or "")
    if configured:
        return data_integrity.private_key_from_text(configured)
    if settings.DEBUG:
        return _development_key()
    raise BadgesUnavailable


def is_available() -> bool:
    return bool(settings.ESSAIM_BADGE_SIGNING_KEY) or bool(settings.DEBUG)


def issuer_did() -> str:
    return data_integrity.did_key(signing_key().public_key())


def _base_url() -> str:
    return str(settings.ESSAIM_PUBLIC_BASE_URL).rstrip("/")


def status_list_url(list_number: int) -> str:
    return f"{_base_url()}{reverse('lms:badge_status_list', args=[list_number])}"


def status_list_cache_key(list_number: int) -> str:
    return f"lms:badge-status-list:{list_number}"


def credential_id(certificate: Certificate) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'certificate:{certificate.code}')}"


def achievement_id(certificate: Certificate) -> str:
    """One identifier per course (the same in every learner's credential); the title when it was deleted."""
    key = (
        f"course:{certificate.course_id}"
        if certificate.course_id
        else f"course-title:{certificate.course_title}"
    )
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, key)}"


def _identity_hash(identity: str, salt: str) -> str:
    """OB 3.0 IdentityObject hash: "sha256$" and the hex SHA-256 of the identity followed by the salt."""
    return "sha256$" + hashlib.sha256(f"{identity}{salt}".encode()).hexdigest()


def _identifiers(certificate: Certificate, email: str) -> list[dict[str, Any]]:
    identifiers: list[dict[str, Any]] = [
        {
            "type": "IdentityObject",
            "identityType": "name",
            "hashed": False,
            "identityHash": certificate.holder_public_name,
        }
    ]
    email = email.strip().lower()
    if email:
        salt = salted_hmac("lms.open_badges.identity", certificate.code).hexdigest()[:32]
        identifiers.append(
            {
                "type": "IdentityObject",
                "identityType": "emailAddress",
                "hashed": True,
                "identityHash": _identity_hash(email, salt),
                "salt": salt,
            }
        )
    return identifiers


def _criteria(certificate: Certificate) -> str:
    """Markdown: what completing the course means, and its objectives (the same for every learner)."""
    lines = [
        _("Complete every required lesson of the course “%(course)s”.") % {"course": certificate.course_title}
    ]
    objectives = [
        str(objective).strip() for objective in certificate.objectives or [] if str(objective).strip()
    ]
    if objectives:
        lines += ["", _("Objectives:"), *[f"- {objective}" for objective in objectives]]
    return "\n".join(lines)


def _date_time(day: datetime.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def unsigned_credential(certificate: Certificate, *, email: str = "") -> dict[str, Any]:
    """The OpenBadgeCredential of a certificate, without its proof (texts in the site's language)."""
    if certificate.badge_status_index is None:
        raise ValueError("The certificate has no status index yet (services.open_badge_credential draws it).")
    did = issuer_did()
    list_number, bit = divmod(certificate.badge_status_index, STATUS_LIST_SIZE)
    list_url = status_list_url(list_number)
    verification = f"{_base_url()}{reverse('lms:verify', args=[certificate.code])}"
    with translation.override(settings.LANGUAGE_CODE):
        kind = (
            _("Certificat de réalisation") if certificate.is_realisation else _("Certificate of completion")
        )
        issuer: dict[str, Any] = {
            "id": did,
            "type": ["Profile"],
            "name": certificate.issuer_name,
            "url": f"{_base_url()}/",
        }
        if is_development_key():
            issuer["description"] = _("Development key: this credential proves nothing.")
        # The holder's own facts (realised hours, dates) belong to the credential; the achievement, whose
        # identifier every learner of the course shares, only describes the course.
        description = _(
            "%(kind)s: realised duration %(duration)s, from %(start)s to %(end)s. Verification: %(url)s"
        ) % {
            "kind": kind,
            "duration": certificate.duration_label,
            "start": date_format(certificate.start_date, "DATE_FORMAT"),
            "end": date_format(certificate.completion_date, "DATE_FORMAT"),
            "url": verification,
        }
        return {
            "@context": [VC_CONTEXT, OB_CONTEXT],
            "id": credential_id(certificate),
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": issuer,
            "validFrom": data_integrity.xsd_datetime(certificate.issued_at),
            "name": f"{kind} · {certificate.course_title}",
            "description": description,
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "identifier": _identifiers(certificate, email),
                "activityStartDate": _date_time(certificate.start_date),
                "activityEndDate": _date_time(certificate.completion_date),
                "achievement": {
                    "id": achievement_id(certificate),
                    "type": ["Achievement"],
                    "achievementType": "CertificateOfCompletion",
                    "name": certificate.course_title,
                    "description": _("Training course “%(course)s”, issued by %(issuer)s.")
                    % {"course": certificate.course_title, "issuer": certificate.issuer_name},
                    "criteria": {"narrative": _criteria(certificate)},
                    "inLanguage": settings.LANGUAGE_CODE,
                },
            },
            "credentialStatus": {
                "id": f"{list_url}#{bit}",
                "type": "BitstringStatusListEntry",
                "statusPurpose": "revocation",
                "statusListIndex": str(bit),
                "statusListCredential": list_url,
            },
        }


def sign(document: dict[str, Any], *, now: datetime.datetime | None = None) -> dict[str, Any]:
    return data_integrity.sign(document, private_key=signing_key(), created=now or timezone.now())


def encode_bits(set_bits: Iterable[int], *, size: int = STATUS_LIST_SIZE) -> str:
    """Bitstring Status List `encodedList`: bit 0 is the leftmost bit of the first byte, GZIP, then
    base64url without padding, as a multibase value ("u…")."""
    bits = bytearray(size // 8)
    for position in set_bits:
        bits[position // 8] |= 0x80 >> (position % 8)
    return "u" + base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).decode("ascii").rstrip("=")


def decode_bits(encoded: str) -> bytes:
    if not encoded.startswith("u"):
        raise ValueError("An encoded list starts with “u” (multibase base64url).")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit_is_set(encoded: str, position: int) -> bool:
    return bool(decode_bits(encoded)[position // 8] & (0x80 >> (position % 8)))


def status_list_credential(list_number: int, revoked_bits: Iterable[int]) -> dict[str, Any]:
    """The signed BitstringStatusListCredential of one list: a set bit is a revoked certificate."""
    url = status_list_url(list_number)
    now = timezone.now()
    document = {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did(),
        "validFrom": data_integrity.xsd_datetime(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_bits(revoked_bits),
        },
    }
    return sign(document, now=now)

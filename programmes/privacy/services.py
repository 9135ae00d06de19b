"""Writes of the privacy layer: subject access, erasure, retention, privacy requests and consents.
Each one is audited (programmes.audit) without repeating the identity of the person concerned."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from programmes import audit
from programmes.access import can_view_person
from programmes.choices import ConsentKind
from programmes.models import Consent, Person, PrivacyRequest
from programmes.privacy import anonymise, export, registry, retention


def _check_can_view(by: Any, person: Person) -> None:
    """`by=None` is the system (the retention task); anyone else must see the person's file."""
    if by is not None and not can_view_person(by, person):
        raise ValidationError(_("You may not see this person's file."))


def _complete(privacy_request: PrivacyRequest | None, *, kind: str, person: Person, by: Any) -> None:
    if privacy_request is None:
        return
    if privacy_request.person_id != person.pk or privacy_request.kind != kind:
        raise ValidationError(_("This request is not about this person or this action."))
    if privacy_request.completed_date is None:
        privacy_request.completed_date = timezone.localdate()
        privacy_request.handled_by = by if getattr(by, "is_authenticated", False) else None
        privacy_request.save(update_fields=["completed_date", "handled_by"])


@transaction.atomic
def export_person(
    *, person: Person, by: Any, privacy_request: PrivacyRequest | None = None, via: str = "admin"
) -> bytes:
    """The ZIP of everything about `person` (JSON and a readable French page); answering an access
    request marks it answered today. Audited as `privacy.export`."""
    _check_can_view(by, person)
    content = export.build_zip(person)
    _complete(privacy_request, kind=PrivacyRequest.Kind.ACCESS, person=person, by=by)
    audit.record(
        actor=by,
        action="privacy.export",
        target=person,
        via=via,
        request=privacy_request.pk if privacy_request else None,
        size=len(content),
    )
    return content


@transaction.atomic
def erase_person(
    *, person: Person, by: Any, privacy_request: PrivacyRequest | None = None, reason: str = "request"
) -> bool:
    """Anonymise `person` in every app: names, contacts, free texts, guardians, account, tokens and
    files; statuses, hours, amounts, gender, age at each cohort and QPV flag stay, so every published
    figure stays the same. False (and nothing written) when the person was already erased."""
    _check_can_view(by, person)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_erased:
        _complete(privacy_request, kind=PrivacyRequest.Kind.ERASURE, person=person, by=by)
        return False
    fingerprint = anonymise.identity_hash(person)
    for provider in registry.providers():
        provider.erase(person)
    _complete(privacy_request, kind=PrivacyRequest.Kind.ERASURE, person=person, by=by)
    audit.record(
        actor=by,
        action="privacy.erase",
        target=person,
        reason=reason,
        request=privacy_request.pk if privacy_request else None,
        identity_hash=fingerprint,
        providers=[provider.app_label for provider in registry.providers()],
    )
    return True


def apply_retention(*, today: datetime.date | None = None) -> dict[str, int]:
    """Anonymise what is past its retention on `today`: people whose cohorts all ended long enough ago,
    then each app's own rules. Running it twice the same day changes nothing more."""
    today = today or timezone.localdate()
    counts: dict[str, int] = {"people": 0}
    for person in retention.expired_people(today).order_by("pk"):
        if retention.held_by_providers(person, today):
            continue
        if erase_person(person=person, by=None, reason="retention"):
            counts["people"] += 1
    for provider in registry.providers():
        for key, count in provider.expire(today).items():
            counts[f"{provider.app_label}.{key}"] = counts.get(f"{provider.app_label}.{key}", 0) + count
    if any(counts.values()):
        audit.record(actor=None, action="privacy.retention", day=today.isoformat(), counts=counts)
    return counts


@transaction.atomic
def record_privacy_request(
    *,
    person: Person,
    kind: str,
    received_date: datetime.date,
    requested_by: str = PrivacyRequest.Requester.PERSON,
    requester_name: str = "",
    notes: str = "",
    by: Any,
) -> PrivacyRequest:
    """Register a request (access, erasure...) as received; its answer is due one month later."""
    _check_can_view(by, person)
    if received_date > timezone.localdate():
        raise ValidationError({"received_date": _("A request cannot be received in the future.")})
    privacy_request = PrivacyRequest(
        person=person,
        kind=kind,
        received_date=received_date,
        requested_by=requested_by,
        requester_name=requester_name,
        notes=notes,
        handled_by=by if getattr(by, "is_authenticated", False) else None,
    )
    privacy_request.full_clean()
    privacy_request.save()
    audit.record(
        actor=by,
        action="privacy.request",
        target=person,
        kind=kind,
        requested_by=requested_by,
        request=privacy_request.pk,
    )
    return privacy_request


@transaction.atomic
def complete_privacy_request(
    *, privacy_request: PrivacyRequest, by: Any, on: datetime.date | None = None
) -> PrivacyRequest:
    """Mark a request answered (rectification or objection handled by hand, for instance)."""
    _check_can_view(by, privacy_request.person)
    if privacy_request.completed_date is not None:
        raise ValidationError(_("This request is already answered."))
    privacy_request.completed_date = on or timezone.localdate()
    privacy_request.handled_by = by if getattr(by, "is_authenticated", False) else None
    privacy_request.full_clean()
    privacy_request.save(update_fields=["completed_date", "handled_by"])
    audit.record(
        actor=by, action="privacy.request.complete", target=privacy_request.person, request=privacy_request.pk
    )
    return privacy_request


@transaction.atomic
def record_consent(
    *, person: Person, kind: str, given_date: datetime.date, given_by: str = "", by: Any
) -> Consent:
    """A dated consent: a guardian's authorisation, image rights, data processing."""
    _check_can_view(by, person)
    consent = Consent(person=person, kind=ConsentKind(kind), given_date=given_date, given_by=given_by)
    consent.full_clean()
    consent.save()
    audit.record(actor=by, action="consent.give", target=person, kind=kind, consent=consent.pk)
    return consent


@transaction.atomic
def withdraw_consent(*, consent: Consent, by: Any, on: datetime.date | None = None) -> Consent:
    """Withdraw a consent from `on` (today by default); the record stays, with both dates."""
    _check_can_view(by, consent.person)
    if consent.withdrawn_date is not None:
        raise ValidationError(_("This consent is already withdrawn."))
    on = on or timezone.localdate()
    if on < consent.given_date:
        raise ValidationError(_("A consent cannot be withdrawn before it was given."))
    consent.withdrawn_date = on
    consent.save(update_fields=["withdrawn_date"])
    audit.record(
        actor=by, action="consent.withdraw", target=consent.person, kind=consent.kind, consent=consent.pk
    )
    return consent

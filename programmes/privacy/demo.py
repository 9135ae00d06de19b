"""Demo data of the privacy area: a parent's access request waiting for its answer."""

import datetime

from django.utils import timezone

from programmes.models import Guardian, PrivacyRequest


def seed_privacy() -> None:
    """One open access request from the guardian of the first demo minor; running it again adds nothing."""
    guardian = (
        Guardian.objects.select_related("person")
        .filter(person__erased_at__isnull=True)
        .order_by("pk")
        .first()
    )
    if guardian is None or PrivacyRequest.objects.exists():
        return
    PrivacyRequest.objects.create(
        person=guardian.person,
        kind=PrivacyRequest.Kind.ACCESS,
        requested_by=PrivacyRequest.Requester.GUARDIAN,
        requester_name=guardian.name,
        received_date=timezone.localdate() - datetime.timedelta(days=12),
        notes="Demande reçue par courrier électronique.",
    )

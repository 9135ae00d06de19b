"""Reading consents: whether a person objects to the processing of their data, whether their image
may be published. Dated and withdrawable (Consent.withdrawn_date): a withdrawal keeps the record."""

import datetime

from django.db.models import Exists, OuterRef, QuerySet

from programmes.choices import ConsentKind
from programmes.models import Consent, Person


def _consents(kind: str) -> QuerySet[Consent]:
    return Consent.objects.filter(person_id=OuterRef("pk"), kind=kind)


def objecting_people() -> QuerySet[Person]:
    """People who withdrew their consent to data processing and gave none since: no more e-mails,
    invitations or follow-ups are sent to them (their past data still count in statistics)."""
    withdrawn = _consents(ConsentKind.DATA_PROCESSING).filter(withdrawn_date__isnull=False)
    active = _consents(ConsentKind.DATA_PROCESSING).filter(withdrawn_date__isnull=True)
    return Person.objects.filter(Exists(withdrawn)).exclude(Exists(active))


def may_contact(person: Person) -> bool:
    """Whether processing may go on (e-mails, invitations): not erased and no standing objection."""
    return not person.is_erased and not objecting_people().filter(pk=person.pk).exists()


def people_with_image_rights(day: datetime.date) -> QuerySet[Person]:
    """People whose image rights were given on or before `day` and are not withdrawn."""
    rights = _consents(ConsentKind.IMAGE_RIGHTS).filter(given_date__lte=day, withdrawn_date__isnull=True)
    return Person.objects.filter(Exists(rights), erased_at__isnull=True)

"""Consents are dated and withdrawable, and enforced: a minor's enrolment needs the guardian's
authorisation, a photo of someone needs their image rights to be on the public site, and a withdrawn
consent to data processing stops the e-mails."""

import datetime

from django.core import mail
from django.core.cache import cache
from django.core.exceptions import ValidationError

from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

import pytest

from cms.blocks import RequiredAltImageBlock
from cms.models import HomePage, PhotoSubject, StandardPage
from flashcoop import services as flashcoop_services
from flashcoop.models import FollowUp
from programmes import services as core_services
from programmes.choices import ConsentKind, EnrolmentStatus
from programmes.models import AuditEntry
from programmes.privacy import services
from programmes.privacy.consents import may_contact, objecting_people
from tests.flashcoop.factories import ExitFactory, ParticipantFactory
from tests.programmes.factories import (
    ConsentFactory,
    EnrolmentFactory,
    GuardianFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def fabrique():
    return UserFactory(role="fabrique")


@pytest.fixture
def minor():
    return PersonFactory(minor=True, birth_date=TODAY.replace(year=TODAY.year - 15))


def photo_of(person) -> Image:
    image = Image.objects.create(title="Chantier", file=get_test_image_file(filename="chantier.png"))
    PhotoSubject.objects.create(image=image, person=person)
    return image


def image_value(block: RequiredAltImageBlock, image: Image):
    return block.to_python({"image": image.pk, "decorative": False, "alt_text": "Des jeunes peignent"})


# Guardian's authorisation


def test_a_minor_s_enrolment_cannot_start_once_the_guardian_s_authorisation_is_withdrawn(fabrique, english):
    enrolment = EnrolmentFactory(applied=True, person__minor=True)
    GuardianFactory(person=enrolment.person)
    authorisation = ConsentFactory(person=enrolment.person, kind=ConsentKind.GUARDIAN_AUTHORISATION)

    services.withdraw_consent(consent=authorisation, by=fabrique)

    with pytest.raises(ValidationError, match="guardian's authorisation"):
        core_services.change_enrolment_status(enrolment=enrolment, status=EnrolmentStatus.ENROLLED)
    services.record_consent(
        person=enrolment.person,
        kind=ConsentKind.GUARDIAN_AUTHORISATION,
        given_date=TODAY,
        given_by="Sophie Kerhuel",
        by=fabrique,
    )
    enrolment = type(enrolment).objects.get(pk=enrolment.pk)
    core_services.change_enrolment_status(enrolment=enrolment, status=EnrolmentStatus.ENROLLED)
    assert enrolment.status == EnrolmentStatus.ENROLLED


# Image rights


def test_a_photo_of_a_minor_without_image_rights_cannot_be_published(minor, fabrique):
    block = RequiredAltImageBlock()
    image = photo_of(minor)

    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(image_value(block, image))
    assert str(minor) in str(refused.value.block_errors["image"].messages)

    services.record_consent(person=minor, kind=ConsentKind.IMAGE_RIGHTS, given_date=TODAY, by=fabrique)
    assert block.clean(image_value(block, image)).pk == image.pk


def test_withdrawn_or_future_image_rights_do_not_count(minor, fabrique):
    block = RequiredAltImageBlock()
    image = photo_of(minor)
    consent = services.record_consent(
        person=minor, kind=ConsentKind.IMAGE_RIGHTS, given_date=TODAY, by=fabrique
    )
    services.withdraw_consent(consent=consent, by=fabrique)
    ConsentFactory(person=minor, kind=ConsentKind.IMAGE_RIGHTS, given_date=TODAY + datetime.timedelta(days=3))

    with pytest.raises(StructBlockValidationError):
        block.clean(image_value(block, image))


def test_a_photo_nobody_is_tagged_on_is_published_as_before():
    block = RequiredAltImageBlock()
    image = Image.objects.create(title="Paysage", file=get_test_image_file(filename="paysage.png"))

    assert block.clean(image_value(block, image)).pk == image.pk


def test_a_published_photo_stops_showing_when_the_image_rights_are_withdrawn(client, minor, fabrique):
    image = photo_of(minor)
    consent = services.record_consent(
        person=minor, kind=ConsentKind.IMAGE_RIGHTS, given_date=TODAY, by=fabrique
    )
    page = StandardPage(
        title="L'été des CJS",
        slug="ete",
        body=[
            {
                "type": "image",
                "value": {"image": image.pk, "decorative": False, "alt_text": "Des jeunes peignent"},
            }
        ],
    )
    HomePage.objects.first().add_child(instance=page)
    page.save_revision().publish()
    assert 'alt="Des jeunes peignent"' in client.get(page.url).content.decode()
    client.get(page.url)  # the first view also creates the image's rendition
    cached = client.get(page.url)
    assert cached["X-Essaim-Cache"] == "hit"
    assert 'alt="Des jeunes peignent"' in cached.content.decode()

    services.withdraw_consent(consent=consent, by=fabrique)

    html = client.get(page.url).content.decode()
    assert "Des jeunes peignent" not in html
    assert "block-image" not in html


# Data processing


def test_a_withdrawn_consent_to_data_processing_stops_the_follow_up_e_mails(
    fabrique, django_capture_on_commit_callbacks
):
    objecting = ExitFactory(enrolment=ParticipantFactory(), exit_date=datetime.date(2019, 3, 15)).enrolment
    other = ExitFactory(enrolment=ParticipantFactory(), exit_date=datetime.date(2019, 3, 15)).enrolment
    consent = ConsentFactory(
        person=objecting.person, kind=ConsentKind.DATA_PROCESSING, given_date=datetime.date(2019, 3, 1)
    )
    services.withdraw_consent(consent=consent, by=fabrique, on=datetime.date(2019, 4, 1))
    assert list(objecting_people()) == [objecting.person]
    assert not may_contact(objecting.person)

    with django_capture_on_commit_callbacks(execute=True):
        counts = flashcoop_services.run_follow_ups(
            now=datetime.datetime(2019, 6, 15, 10, tzinfo=datetime.UTC)
        )

    assert counts["sent"] == 1
    assert [message.to for message in mail.outbox] == [[other.person.email]]
    follow_up = FollowUp.objects.get(enrolment=objecting)
    assert follow_up.status == "scheduled" and follow_up.token_hash is None
    assert flashcoop_services.send_follow_up(follow_up_id=follow_up.pk) is False


def test_a_new_consent_after_a_withdrawal_lets_processing_resume(fabrique):
    person = PersonFactory()
    consent = ConsentFactory(person=person, kind=ConsentKind.DATA_PROCESSING)
    services.withdraw_consent(consent=consent, by=fabrique)
    assert not may_contact(person)

    services.record_consent(person=person, kind=ConsentKind.DATA_PROCESSING, given_date=TODAY, by=fabrique)

    assert may_contact(person)


def test_consents_are_dated_withdrawable_once_and_audited(fabrique):
    person = PersonFactory()
    consent = services.record_consent(
        person=person, kind=ConsentKind.IMAGE_RIGHTS, given_date=datetime.date(2019, 5, 2), by=fabrique
    )

    with pytest.raises(ValidationError):
        services.withdraw_consent(consent=consent, by=fabrique, on=datetime.date(2019, 5, 1))
    services.withdraw_consent(consent=consent, by=fabrique, on=datetime.date(2019, 9, 1))
    with pytest.raises(ValidationError):
        services.withdraw_consent(consent=consent, by=fabrique)

    consent.refresh_from_db()
    assert (consent.given_date, consent.withdrawn_date) == (
        datetime.date(2019, 5, 2),
        datetime.date(2019, 9, 1),
    )
    assert list(
        AuditEntry.objects.filter(action__startswith="consent.")
        .order_by("pk")
        .values_list("action", "actor", "details")
    ) == [
        ("consent.give", fabrique.pk, {"kind": "image_rights", "consent": consent.pk}),
        ("consent.withdraw", fabrique.pk, {"kind": "image_rights", "consent": consent.pk}),
    ]

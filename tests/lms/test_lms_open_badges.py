"""Open Badges 3.0 credentials of certificates: what they carry, their eddsa-rdfc-2022 proof (checked here in
Python; tests/lms/test_lms_open_badges_interop.py checks it with an independent verifier), the published
revocation lists, who may download them, and the settings that turn them on."""

import base64
import copy
import hashlib
import json

from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pyld.jsonld import JsonLdError

from lms import checks, data_integrity, open_badges, services
from lms.models import Certificate
from programmes.models import AuditEntry
from tests.lms.factories import CertificateFactory
from tests.programmes.factories import (
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

SEED = bytes(range(32))
KEY_TEXT = base64.b64encode(SEED).decode()


@pytest.fixture(autouse=True)
def badge_settings(settings):
    settings.ESSAIM_PUBLIC_BASE_URL = "https://essaim.example.org"
    settings.ESSAIM_BADGE_SIGNING_KEY = KEY_TEXT
    return settings


@pytest.fixture
def certificate():
    holder = UserFactory(role="learner", email="Camille.Dupont@example.org")
    return CertificateFactory(
        user=holder,
        course_title="Découvrir la coopérative",
        objectives=["Expliquer ce qu'est une coopérative", "Tenir un budget"],
        realised_minutes=185,
    )


def issuer() -> str:
    return data_integrity.did_key(Ed25519PrivateKey.from_private_bytes(SEED).public_key())


def credential_of(certificate: Certificate) -> dict:
    return services.open_badge_credential(certificate=certificate, by=certificate.user)


# --- What a credential carries -------------------------------------------------------------------------


def test_the_credential_is_an_open_badge_signed_by_the_configured_key(certificate):
    credential = credential_of(certificate)

    assert credential["@context"] == [open_badges.VC_CONTEXT, open_badges.OB_CONTEXT]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["id"] == issuer()
    assert credential["issuer"]["type"] == ["Profile"]
    assert credential["issuer"]["name"] == "Fabrique Coopérative"
    assert credential["issuer"]["url"] == "https://essaim.example.org/"
    assert "description" not in credential["issuer"]  # only the development key says it proves nothing
    assert credential["validFrom"] == data_integrity.xsd_datetime(certificate.issued_at)
    assert credential["proof"]["type"] == "DataIntegrityProof"
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert credential["proof"]["verificationMethod"] == f"{issuer()}#{issuer().removeprefix('did:key:')}"
    assert data_integrity.verify(credential) == issuer()


def test_the_achievement_carries_the_course_and_objectives_and_the_credential_the_hours(certificate):
    credential = credential_of(certificate)
    achievement = credential["credentialSubject"]["achievement"]

    assert achievement["type"] == ["Achievement"]
    assert achievement["achievementType"] == "CertificateOfCompletion"
    assert achievement["name"] == "Découvrir la coopérative"
    assert "Découvrir la coopérative" in achievement["description"]
    narrative = achievement["criteria"]["narrative"]
    assert "- Expliquer ce qu'est une coopérative" in narrative
    assert "- Tenir un budget" in narrative
    assert "3 h 05 min" in credential["description"]
    assert "March 14, 2025" in credential["description"]
    assert f"https://essaim.example.org/verify/{certificate.code}/" in credential["description"]
    assert credential["credentialSubject"]["activityEndDate"] == "2025-03-14T00:00:00Z"


def test_learners_of_one_course_share_its_achievement(certificate):
    classmate = CertificateFactory(
        course_title=certificate.course_title, objectives=certificate.objectives, realised_minutes=60
    )

    mine = credential_of(certificate)["credentialSubject"]["achievement"]
    theirs = credential_of(classmate)["credentialSubject"]["achievement"]

    assert mine == theirs


def test_the_holder_appears_as_on_the_public_check_and_as_a_salted_hash_of_their_address(certificate):
    subject = credential_of(certificate)["credentialSubject"]
    text = json.dumps(subject, ensure_ascii=False)

    assert subject["type"] == ["AchievementSubject"]
    name, email = subject["identifier"]
    assert name == {
        "type": "IdentityObject",
        "identityType": "name",
        "hashed": False,
        "identityHash": "Camille D.",
    }
    assert email["identityType"] == "emailAddress" and email["hashed"] is True
    expected = hashlib.sha256(f"camille.dupont@example.org{email['salt']}".encode()).hexdigest()
    assert email["identityHash"] == f"sha256${expected}"
    assert "Dupont" not in text and "camille.dupont" not in text.lower()


def test_two_downloads_describe_the_same_award(certificate):
    first, second = credential_of(certificate), credential_of(certificate)

    for credential in (first, second):
        credential.pop("proof")
    assert first == second
    assert first["id"].startswith("urn:uuid:")


def test_a_learner_without_an_address_is_named_only_as_on_the_public_check():
    certificate = CertificateFactory(user=UserFactory(role="learner", email=""))

    identifiers = credential_of(certificate)["credentialSubject"]["identifier"]

    assert [identifier["identityType"] for identifier in identifiers] == ["name"]


# --- The proof ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "tamper",
    [
        lambda c: c["credentialSubject"]["achievement"].update(name="Pilote de ligne"),
        lambda c: c["credentialSubject"]["identifier"][0].update(identityHash="Dominique X."),
        lambda c: c.update(validFrom="2020-01-01T00:00:00Z"),
        lambda c: c["credentialStatus"].update(statusListIndex="0"),
        lambda c: c["proof"].update(created="2020-01-01T00:00:00Z"),
        lambda c: c["issuer"].update(name="Université imaginaire"),
    ],
    ids=["course", "holder", "date", "status-index", "proof-created", "issuer-name"],
)
def test_a_tampered_credential_fails_verification(certificate, tamper):
    credential = credential_of(certificate)
    tampered = copy.deepcopy(credential)

    tamper(tampered)

    with pytest.raises(data_integrity.ProofError):
        data_integrity.verify(tampered)


def test_a_credential_signed_by_another_key_does_not_pass_as_ours(certificate):
    credential = credential_of(certificate)
    other = Ed25519PrivateKey.generate()
    forged = copy.deepcopy(credential)
    forged["proof"]["verificationMethod"] = data_integrity.verification_method(other.public_key())

    with pytest.raises(data_integrity.ProofError):
        data_integrity.verify(forged)


def test_the_loader_serves_only_vendored_contexts():
    document = {"@context": ["https://example.org/elsewhere.jsonld"], "name": "x"}

    with pytest.raises(JsonLdError, match="not vendored"):
        data_integrity.document_loader("https://example.org/elsewhere.jsonld")
    with pytest.raises(JsonLdError):
        data_integrity.canonicalize(document)
    assert data_integrity.document_loader(open_badges.OB_CONTEXT)["document"]["@context"]


def test_base58btc_round_trips_leading_zeros():
    for data in (b"", b"\0\0\x01", SEED, b"\xff" * 40):
        assert data_integrity.base58btc_decode(data_integrity.base58btc_encode(data)) == data
    assert data_integrity.base58btc_encode(b"\0\0\x01") == "112"


def test_the_key_reads_from_a_multikey_or_a_base64_seed():
    key = Ed25519PrivateKey.from_private_bytes(SEED)
    multikey = data_integrity.private_key_multibase(key)

    assert multikey.startswith("z3u2")
    for text in (multikey, KEY_TEXT, base64.urlsafe_b64encode(SEED).decode().rstrip("=")):
        read = data_integrity.private_key_from_text(text)
        assert data_integrity.did_key(read.public_key()) == issuer()
    with pytest.raises(ValueError):
        data_integrity.private_key_from_text("not a key")


def test_the_command_prints_a_usable_new_key(capsys):
    call_command("badge_signing_key")

    line = capsys.readouterr().out.strip()
    name, _, value = line.partition("=")
    assert name == "ESSAIM_BADGE_SIGNING_KEY"
    assert data_integrity.did_key(data_integrity.private_key_from_text(value).public_key()) != issuer()


# --- Revocation lists ---------------------------------------------------------------------------------


def status_list(client, list_number: int = 0):
    return client.get(reverse("lms:badge_status_list", args=[list_number]))


def test_each_certificate_draws_one_stable_position_in_the_first_list(certificate):
    credential = credential_of(certificate)
    certificate.refresh_from_db()
    index = certificate.badge_status_index

    assert index is not None and 0 <= index < open_badges.STATUS_LIST_SIZE
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListIndex"] == str(index)
    assert status["statusListCredential"] == "https://essaim.example.org/credentials/status/0/"
    assert credential_of(certificate)["credentialStatus"]["statusListIndex"] == str(index)
    others = [services.allocate_badge_status_index(certificate=CertificateFactory()) for _ in range(20)]
    assert len({index, *others}) == 21


def test_a_position_already_taken_is_drawn_again(monkeypatch):
    first, second = CertificateFactory(), CertificateFactory()
    draws = iter([7, 7, 8])
    monkeypatch.setattr(services.secrets, "randbelow", lambda _bound: next(draws))

    assert services.allocate_badge_status_index(certificate=first) == 7
    assert services.allocate_badge_status_index(certificate=second) == 8
    assert services.allocate_badge_status_index(certificate=second) == 8  # kept, not drawn again


def test_a_position_drawn_meanwhile_by_another_download_is_kept():
    certificate = CertificateFactory()
    stale = Certificate.objects.get(pk=certificate.pk)
    index = services.allocate_badge_status_index(certificate=certificate)

    assert services.allocate_badge_status_index(certificate=stale) == index
    assert stale.badge_status_index == index


def test_a_full_list_opens_the_next_one(certificate, monkeypatch):
    monkeypatch.setattr(open_badges, "STATUS_LIST_FILL", 2)
    for _ in range(2):
        services.allocate_badge_status_index(certificate=CertificateFactory())

    index = services.allocate_badge_status_index(certificate=certificate)

    assert index // open_badges.STATUS_LIST_SIZE == 1


def test_the_status_list_is_signed_and_revocation_sets_the_certificate_bit(
    client, certificate, django_capture_on_commit_callbacks
):
    credential = credential_of(certificate)
    index = int(credential["credentialStatus"]["statusListIndex"])
    bystander = CertificateFactory()
    services.allocate_badge_status_index(certificate=bystander)

    response = status_list(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/ld+json")
    published = response.json()
    assert published["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert published["issuer"] == issuer()
    assert data_integrity.verify(published) == issuer()
    assert not open_badges.bit_is_set(published["credentialSubject"]["encodedList"], index)

    with django_capture_on_commit_callbacks(execute=True):  # clears the published list's cache
        services.revoke_certificate(
            certificate=certificate, reason="Erreur de saisie", by=UserFactory(role="fabrique")
        )

    published = status_list(client).json()
    encoded = published["credentialSubject"]["encodedList"]
    assert data_integrity.verify(published) == issuer()
    assert open_badges.bit_is_set(encoded, index)
    assert not open_badges.bit_is_set(encoded, bystander.badge_status_index)
    assert len(open_badges.decode_bits(encoded)) * 8 == open_badges.STATUS_LIST_SIZE
    assert sum(bin(byte).count("1") for byte in open_badges.decode_bits(encoded)) == 1


def test_the_status_list_follows_the_specification_bit_order():
    encoded = open_badges.encode_bits([0, 9], size=16)

    assert open_badges.decode_bits(encoded) == bytes([0b1000_0000, 0b0100_0000])


def test_unused_lists_are_not_published(client, certificate):
    credential_of(certificate)

    assert status_list(client, 0).status_code == 200
    assert client.head(reverse("lms:badge_status_list", args=[0])).status_code == 200
    assert status_list(client, 1).status_code == 404


@pytest.mark.parametrize("rows", [5, 50])
def test_the_status_list_costs_the_same_queries_whatever_the_revocations(client, rows):
    certificates = CertificateFactory.create_batch(rows)
    for certificate in certificates:
        services.allocate_badge_status_index(certificate=certificate)
    Certificate.objects.filter(pk__in=[c.pk for c in certificates]).update(
        status="revoked", revoked_at="2025-05-01T10:00:00Z"
    )

    with CaptureQueriesContext(connection) as queries:
        encoded = status_list(client).json()["credentialSubject"]["encodedList"]

    assert len(queries) == 1
    assert sum(bin(byte).count("1") for byte in open_badges.decode_bits(encoded)) == rows


# --- Who downloads it -----------------------------------------------------------------------------------


def badge_url(certificate: Certificate) -> str:
    return reverse("lms:certificate_open_badge", args=[certificate.code])


def api_badge_url(certificate: Certificate) -> str:
    return f"/api/v1/lms/certificates/{certificate.code}/open-badge/"


def api_rows(client) -> list[dict]:
    listed = client.get("/api/v1/lms/certificates/").json()
    return listed["results"] if isinstance(listed, dict) else listed


def test_the_holder_downloads_their_open_badge(client, certificate):
    client.force_login(certificate.user)

    response = client.get(badge_url(certificate))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="open-badge-{certificate.code}.json"'
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    assert data_integrity.verify(json.loads(response.content)) == issuer()
    assert not AuditEntry.objects.filter(action="lms.certificate.open_badge").exists()


def test_the_learner_space_offers_the_open_badge_next_to_the_pdf(client, certificate):
    client.force_login(certificate.user)

    page = client.get(reverse("lms:learner_home")).content.decode()

    assert badge_url(certificate) in page
    assert "Download as Open Badge" in page


def test_another_learner_gets_404(client, certificate):
    client.force_login(UserFactory(role="learner"))

    assert client.get(badge_url(certificate)).status_code == 404
    assert client.get(api_badge_url(certificate)).status_code == 404


def test_the_holder_no_longer_gets_a_revoked_certificate(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(status="revoked", revoked_at="2025-05-01T10:00:00Z")
    client.force_login(certificate.user)

    assert client.get(badge_url(certificate)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, certificate):
    response = client.get(badge_url(certificate))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_the_cohort_facilitator_downloads_it_and_it_is_audit_logged(client):
    assignment = FacilitatorAssignmentFactory()
    holder = UserFactory(role="learner")
    EnrolmentFactory(cohort=assignment.cohort, person=PersonFactory(user=holder))
    certificate = CertificateFactory(user=holder)
    client.force_login(assignment.user)

    response = client.get(badge_url(certificate))

    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="lms.certificate.open_badge")
    assert entry.actor == assignment.user


def test_a_facilitator_of_another_cohort_gets_404(client):
    assignment = FacilitatorAssignmentFactory()
    holder = UserFactory(role="learner")
    EnrolmentFactory(person=PersonFactory(user=holder))
    certificate = CertificateFactory(user=holder)
    client.force_login(assignment.user)

    assert client.get(badge_url(certificate)).status_code == 404


def test_the_api_lists_and_serves_the_open_badge(client, certificate):
    client.force_login(certificate.user)

    assert api_rows(client)[0]["open_badge_url"].endswith(api_badge_url(certificate))
    response = client.get(api_badge_url(certificate), HTTP_ACCEPT="application/ld+json")
    assert response.status_code == 200
    assert data_integrity.verify(json.loads(response.content)) == issuer()


# --- Settings -------------------------------------------------------------------------------------------


def test_without_a_key_in_production_nothing_is_offered_or_signed(client, certificate, badge_settings):
    badge_settings.ESSAIM_BADGE_SIGNING_KEY = ""
    badge_settings.DEBUG = False
    client.force_login(certificate.user)

    assert client.get(badge_url(certificate)).status_code == 503
    assert "Download as Open Badge" not in client.get(reverse("lms:learner_home")).content.decode()
    assert api_rows(client)[0]["open_badge_url"] is None
    assert status_list(client).status_code == 404
    certificate.refresh_from_db()
    assert certificate.badge_status_index is None
    assert [warning.id for warning in checks.badge_signing_key_set()] == ["lms.W001"]


def test_in_debug_without_a_key_a_labelled_development_key_signs(certificate, badge_settings):
    badge_settings.ESSAIM_BADGE_SIGNING_KEY = ""
    badge_settings.DEBUG = True

    credential = credential_of(certificate)

    assert credential["issuer"]["id"] != issuer()
    assert "Development key" in credential["issuer"]["description"]
    assert data_integrity.verify(credential) == credential["issuer"]["id"]


def test_an_unreadable_key_is_a_check_error(badge_settings):
    badge_settings.ESSAIM_BADGE_SIGNING_KEY = "z-not-a-key"

    assert [error.id for error in checks.badge_signing_key_readable()] == ["lms.E001"]
    badge_settings.ESSAIM_BADGE_SIGNING_KEY = KEY_TEXT
    assert checks.badge_signing_key_readable() == []
    assert checks.badge_signing_key_set() == []

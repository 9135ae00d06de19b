"""Subject access: one ZIP with the person's data from every app, as JSON and as a French page."""

import io
import json
import zipfile

import pytest

from lms.models import Certificate
from programmes.models import AuditEntry, PrivacyRequest
from programmes.privacy import registry, services
from tests.programmes.factories import UserFactory
from tests.programmes.privacy_data import EMAIL, person_in_every_app

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def everywhere():
    return person_in_every_app()


@pytest.fixture
def fabrique():
    return UserFactory(role="fabrique")


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_the_zip_holds_json_html_and_the_person_s_files(everywhere, fabrique):
    files = unzip(services.export_person(person=everywhere.person, by=fabrique))

    assert {"donnees.json", "donnees.html"} <= set(files)
    certificate = Certificate.objects.get(user=everywhere.user, status="valid")
    pdf_name = f"fichiers/certificat-{certificate.code.lower()}.pdf"
    assert sorted(name for name in files if name.startswith("fichiers/")) == [
        pdf_name,
        "fichiers/chantier.png",
    ]
    assert files["fichiers/chantier.png"] == everywhere.image.file.open("rb").read()
    assert files[pdf_name] == b"%PDF-1.4 Lea Kerhuel"
    export = json.loads(files["donnees.json"])
    assert export["format"] == "essaim-subject-access/1"
    assert export["person_id"] == everywhere.person.pk
    assert [section["app"] for section in export["sections"]] == [
        "programmes",
        "cjs",
        "flashcoop",
        "lms",
        "cms",
    ]


def test_every_row_about_the_person_in_every_app_is_exported(everywhere, fabrique):
    export = json.loads(unzip(services.export_person(person=everywhere.person, by=fabrique))["donnees.json"])
    exported = {label: rows for section in export["sections"] for label, rows in section["data"].items()}

    about_the_person = [item for item in registry.classifications() if item.subjects]
    assert len(about_the_person) >= 20
    for classification in about_the_person:
        expected = classification.rows_about(everywhere.person.pk).count()
        assert expected >= 1, f"the test person has no {classification.label}: extend privacy_data.py"
        assert len(exported[classification.label]) == expected, classification.label


def test_the_export_carries_the_person_s_own_words_and_sensitive_answers(everywhere, fabrique):
    export = json.loads(unzip(services.export_person(person=everywhere.person, by=fabrique))["donnees.json"])
    data = {label: rows for section in export["sections"] for label, rows in section["data"].items()}

    assert (
        data["programmes.person"][0] | {"first_name": "Léa", "email": EMAIL} == data["programmes.person"][0]
    )
    assert data["programmes.guardian"][0]["name"] == "Sophie Kerhuel"
    assert {row["kind"] for row in data["programmes.consent"]} == {
        "guardian_authorisation",
        "image_rights",
        "data_processing",
    }
    assert data["cjs.worklog"][0]["hours"] == "6.00"
    assert data["cjs.distributionshare"][0]["amount"] == "400.00"
    assert data["flashcoop.entryprofile"][0]["disability"] == "yes"
    assert data["flashcoop.followup"][0]["situation_note"] == "J'ai trouvé un emploi chez un fleuriste."
    assert "token_hash" not in data["flashcoop.followup"][0]
    assert data["lms.quizattempt"][0]["is_passed"] is True
    assert {row["holder_last_name"] for row in data["lms.certificate"]} == {"Kerhuel"}
    assert data["lms.liveattendance"][0]["minutes_attended"] == 55
    assert data["lms.lessontime"][0]["seconds"] == 600
    assert (
        data["lms.connectionlog"][0] | {"device": "Firefox · Android", "network": "192.0.2.0/24"}
        == (data["lms.connectionlog"][0])
    )
    assert "token_hash" not in data["lms.calendarfeed"][0]
    assert {row["level"] for row in data["lms.digitalskillsrating"]} == {2}
    assert data["programmes.response"][0]["respondent_ref"] == "LK-2018"
    assert data["programmes.answer"][0]["text"] == "Confiance, dit Léa Kerhuel"
    assert "token_hash" not in data["programmes.invitation"][0]
    assert data["wagtailforms.formsubmission"][0]["form_data"]["votre-adresse-e-mail"] == EMAIL
    assert data["programmes.user"][0]["username"] == "lea"
    assert "password" not in data["programmes.user"][0]


def test_the_readable_page_is_in_french_with_labels_not_codes(everywhere, fabrique):
    html = unzip(services.export_person(person=everywhere.person, by=fabrique))["donnees.html"].decode()

    # Labels come from the models' French names and choices (the page's own sentences are new msgids
    # the integrator's catalogue translates).
    assert '<html lang="fr">' in html
    assert '<th scope="col">Prénom</th>' in html
    assert "<h3>Représentants légaux</h3>" in html
    assert "<td>Autorisation parentale</td>" in html and "<td>Droit à l&#x27;image</td>" in html
    assert "guardian_authorisation" not in html
    assert "<td>01/03/2002</td>" in html
    assert "Léa" in html and "Sophie Kerhuel" in html


def test_an_export_is_audited_and_answers_the_access_request(everywhere, fabrique):
    request = everywhere.person.privacy_requests.get()

    services.export_person(person=everywhere.person, by=fabrique, privacy_request=request)

    request.refresh_from_db()
    assert request.completed_date is not None
    assert request.handled_by == fabrique
    entry = AuditEntry.objects.get(action="privacy.export")
    assert entry.actor == fabrique
    assert (entry.target_type, entry.target_id) == ("programmes.person", str(everywhere.person.pk))
    assert entry.details["request"] == request.pk
    assert "Léa" not in json.dumps(entry.details)


def test_staff_outside_the_person_s_cohorts_cannot_export(everywhere, english):
    facilitator = UserFactory(role="facilitator")

    with pytest.raises(Exception, match="may not see"):
        services.export_person(person=everywhere.person, by=facilitator)
    assert not AuditEntry.objects.filter(action="privacy.export").exists()


def test_an_access_request_is_due_one_month_after_it_is_received(everywhere, fabrique):
    import datetime

    request = services.record_privacy_request(
        person=everywhere.person,
        kind=PrivacyRequest.Kind.ACCESS,
        received_date=datetime.date(2019, 1, 31),
        requested_by=PrivacyRequest.Requester.GUARDIAN,
        requester_name="Sophie Kerhuel",
        by=fabrique,
    )

    assert request.due_date == datetime.date(2019, 2, 28)
    assert request.is_overdue(datetime.date(2019, 3, 1))
    assert not request.is_overdue(datetime.date(2019, 2, 28))
    entry = AuditEntry.objects.get(action="privacy.request")
    assert entry.details == {"kind": "access", "requested_by": "guardian", "request": request.pk}

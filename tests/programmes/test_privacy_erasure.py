"""Erasure: the person is anonymised everywhere, every published figure stays the same, and erasing
twice changes nothing."""

import datetime
import io
import json
import os
import re

from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import call_command

from wagtail.contrib.forms.models import FormSubmission
from wagtail.images.models import Image

import pytest
from rest_framework.authtoken.models import Token

from cjs import selectors as cjs_selectors
from cjs.models import Decision, Meeting
from cms.demo import seed_site
from cms.selectors import programme_figures
from flashcoop import selectors as flashcoop_selectors
from flashcoop.models import Exit, FollowUp, MentoringMeeting
from lms.models import (
    CalendarFeed,
    Certificate,
    ConnectionLog,
    DigitalSkillsAssessment,
    DigitalSkillsRating,
    LessonTime,
    LiveAttendance,
    LiveSession,
)
from programmes import selectors
from programmes.models import (
    Answer,
    AuditEntry,
    Cohort,
    CoordinatorScope,
    FacilitatorAssignment,
    Invitation,
    PartnerContact,
    Person,
    PrivacyRequest,
    Programme,
    Response,
)
from programmes.models.people import age_on
from programmes.privacy import anonymise, services
from programmes.statistics import edition_statistics
from tests.programmes.factories import UserFactory
from tests.programmes.privacy_data import EMAIL, network_around, person_in_every_app

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def everywhere():
    found = person_in_every_app()
    network_around(found)
    return found


@pytest.fixture
def fabrique():
    return UserFactory(role="fabrique")


def page(client, path: str) -> str:
    cache.clear()
    response = client.get(path)
    assert response.status_code == 200, path
    return CSRF.sub("", response.content.decode())


def published(client, fabrique) -> dict:
    """Every figure the network publishes or reports, computed afresh."""
    cjs, flashcoop = Programme.objects.get(slug="cjs"), Programme.objects.get(slug="flashcoop")
    cjs_cohorts = Cohort.objects.filter(edition__programme=cjs)
    flashcoop_cohorts = Cohort.objects.filter(edition__programme=flashcoop)
    season = cjs_selectors.season_summary(cjs_cohorts.get(name="CJS Nantes Bellevue"))
    client.force_login(fabrique)
    api = client.get("/api/v1/stats/?programme=cjs&edition=2018").json()
    api_flashcoop = client.get("/api/v1/stats/?programme=flashcoop&edition=2019").json()
    client.logout()
    directory = seed_site_once()
    return {
        "cjs": edition_statistics(programme=cjs, edition_year=2018),
        "flashcoop": edition_statistics(programme=flashcoop, edition_year=2019),
        "api": (api, api_flashcoop),
        "public_figures": [
            (figure.key, figure.value)
            for slug in ["cjs", "flashcoop"]
            for figure in programme_figures(programme_slug=slug).figures
        ],
        "home_page": page(client, "/"),
        "directory_page": page(client, directory),
        "turnover": cjs_selectors.statistics(cjs_cohorts),
        "season": [
            season[key] for key in ["turnover", "invoiced_contracts", "hours", "status_counts", "result"]
        ],
        "shares": sorted(season["distribution"].shares.values_list("hours", "amount")),
        "hours_by_member": sorted(
            cjs_selectors.hours_by_member(cjs_cohorts.get(name="CJS Nantes Bellevue")).values()
        ),
        "flashcoop_dashboard": [
            (
                row.label,
                row.participants,
                row.completed,
                row.exits,
                row.m6_asked,
                row.at_exit.counts,
                row.at_m6.counts,
            )
            for row in flashcoop_selectors.edition_dashboard(flashcoop_cohorts, overall_label="all")
        ],
        "esf_file": [
            {key: value for key, value in row.items() if key not in {"first_name", "last_name", "birth_date"}}
            for row in sorted(
                flashcoop_selectors.esf_rows(flashcoop_cohorts), key=lambda row: row["participant_id"]
            )
        ],
        "cohort_table": [
            (row.cohort.name, row.members, row.retained, row.retention, row.attendance_rate, row.alerts.total)
            for row in selectors.cohort_table(selectors.with_table_figures(cjs_cohorts).order_by("name"))
        ],
    }


def seed_site_once() -> str:
    from cms.models import CjsDirectoryPage

    if not CjsDirectoryPage.objects.exists():
        seed_site()
    return CjsDirectoryPage.objects.get().url


def database_dump() -> str:
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def test_erasure_keeps_every_published_figure_identical(client, everywhere, fabrique):
    before = published(client, fabrique)
    assert before["cjs"]["participants"] == 15
    assert before["turnover"]["turnover_eur"] == "600.00"

    assert services.erase_person(person=everywhere.person, by=fabrique) is True

    after = published(client, fabrique)
    for key in before:
        assert after[key] == before[key], key


def test_erasure_leaves_no_identity_anywhere_in_the_database(
    everywhere, fabrique, django_capture_on_commit_callbacks
):
    image_path = everywhere.image.file.path
    assert "Kerhuel" in database_dump()

    # Files go once the erasure is committed (a rolled-back erasure keeps them).
    with django_capture_on_commit_callbacks(execute=True):
        services.erase_person(person=everywhere.person, by=fabrique)

    dump = database_dump()
    for trace in [
        "Kerhuel",
        "KERHUEL",
        EMAIL,
        "06 11 22 33 44",
        "fleuriste",
        "Parle de ses projets",
        '"lea"',
    ]:
        assert trace not in dump, trace
    assert not Image.objects.filter(pk=everywhere.image.pk).exists()
    assert not os.path.exists(image_path)


def test_erasure_keeps_what_statistics_count_and_removes_what_identifies(everywhere, fabrique):
    person = everywhere.person
    ages = {enrolment.cohort.name: enrolment.person.birth_date for enrolment in person.enrolments.all()}

    services.erase_person(person=person, by=fabrique)

    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Anonyme", f"#{person.pk}")
    assert (person.email, person.phone) == ("", "")
    assert person.is_erased
    assert (person.gender, person.is_qpv_resident, person.education_level, person.employment_status) == (
        "f",
        True,
        "lower_secondary",
        "in_education",
    )
    assert person.birth_date != datetime.date(2002, 3, 1)
    for enrolment in person.enrolments.select_related("cohort"):
        reference = enrolment.cohort.reference_date
        assert age_on(person.birth_date, reference) == age_on(ages[enrolment.cohort.name], reference)
    assert sorted(person.enrolments.values_list("status", flat=True)) == ["completed", "completed"]
    assert list(person.guardians.values_list("name", "email", "phone")) == [("Anonyme", "", "")]
    assert set(person.consents.values_list("given_by", flat=True)) == {""}
    assert person.consents.count() == 3
    assert list(PrivacyRequest.objects.filter(person=person).values_list("requester_name", flat=True)) == [""]

    meeting = Meeting.objects.get()
    assert meeting.agenda == "Comptes présentés par [effacé]"
    assert meeting.minutes == "[effacé] présente les comptes ; [effacé] répond aux questions."
    assert Decision.objects.get().text == "Proposée par [effacé]."
    follow_up = FollowUp.objects.get(enrolment=everywhere.flashcoop_enrolment)
    assert (follow_up.token_hash, follow_up.situation_note, follow_up.situation) == (None, "", "employment")
    assert Exit.objects.get(enrolment=everywhere.flashcoop_enrolment).note == ""
    assert MentoringMeeting.objects.get().notes == ""
    assert not FormSubmission.objects.exists()


def test_erasure_in_training_and_evaluation(client, everywhere, fabrique, django_capture_on_commit_callbacks):
    user, person = everywhere.user, everywhere.person
    certificate = Certificate.objects.get(user=user, status="valid")
    pdf_path = certificate.pdf.path
    counts = {
        model: model.objects.filter(user=user).count()
        for model in [LiveAttendance, LessonTime, DigitalSkillsAssessment, Certificate]
    }
    assert client.get(f"/verify/{certificate.code}/").content.decode().count("Léa K.") == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.erase_person(person=person, by=fabrique)

    # Certificates stay (funders' counts, the public check) without a name, a reason or a file.
    assert set(
        Certificate.objects.filter(user=user).values_list("holder_first_name", "holder_last_name")
    ) == {("Anonyme", "")}
    assert set(Certificate.objects.filter(user=user).values_list("revocation_reason", "pdf")) == {("", "")}
    assert not os.path.exists(pdf_path)
    verify = client.get(f"/verify/{certificate.code}/").content.decode()
    assert "Léa" not in verify and "Kerhuel" not in verify and "Anonyme" in verify
    # Attendance, time and self-assessments stay on the anonymised account (reports do not move).
    for model, count in counts.items():
        assert model.objects.filter(user=user).count() == count, model
    assert DigitalSkillsRating.objects.filter(assessment__user=user).exists()
    assert LiveSession.objects.get().notes == "[effacé] a présenté son projet."
    assert not CalendarFeed.objects.filter(user=user).exists()
    assert not ConnectionLog.objects.filter(user=user).exists()
    # Evaluation: the response stays on the anonymised person, without identifier, words or live link.
    invitation = Invitation.objects.get(enrolment=everywhere.cjs_enrolment)
    assert invitation.token_hash is None and invitation.sent_at is not None
    response = Response.objects.get()
    assert (response.person_id, response.respondent_ref, response.is_submitted) == (person.pk, "", True)
    assert list(Answer.objects.filter(response=response).values_list("text", flat=True)) == [""]


def test_erasure_closes_the_account_for_good(client, everywhere, fabrique):
    user = everywhere.user
    client.force_login(user)

    services.erase_person(person=everywhere.person, by=fabrique)

    user.refresh_from_db()
    assert user.username == f"erased-{user.pk}"
    assert (user.first_name, user.last_name, user.email) == ("", "", "")
    assert not user.is_active and not user.has_usable_password()
    assert not Group.objects.filter(user=user).exists()
    assert not Token.objects.filter(user=user).exists()
    for model in [FacilitatorAssignment, CoordinatorScope, PartnerContact]:
        assert not model.objects.filter(user=user).exists()
    assert client.get("/learn/").status_code == 302  # the open session ended


def test_erasure_is_idempotent(client, everywhere, fabrique):
    services.erase_person(person=everywhere.person, by=fabrique)
    figures = published(client, fabrique)
    dump = re.sub(r'"last_login": "[^"]*"', "", database_dump())

    assert services.erase_person(person=Person.objects.get(pk=everywhere.person.pk), by=fabrique) is False

    # Compared before publishing again: the staff member's login there adds a row to the connection log.
    assert re.sub(r'"last_login": "[^"]*"', "", database_dump()) == dump
    assert published(client, fabrique) == figures
    assert AuditEntry.objects.filter(action="privacy.erase").count() == 1


def test_the_audit_log_records_the_erasure_without_the_identity(everywhere, fabrique):
    expected_hash = anonymise.identity_hash(everywhere.person)
    request = PrivacyRequest.objects.create(
        person=everywhere.person, kind=PrivacyRequest.Kind.ERASURE, received_date=datetime.date(2019, 1, 2)
    )

    services.erase_person(person=everywhere.person, by=fabrique, privacy_request=request)

    entry = AuditEntry.objects.get(action="privacy.erase")
    assert entry.actor == fabrique
    assert (entry.target_type, entry.target_id) == ("programmes.person", str(everywhere.person.pk))
    assert entry.details["identity_hash"] == expected_hash
    assert entry.details["request"] == request.pk
    assert entry.details["reason"] == "request"
    assert "Kerhuel" not in json.dumps(entry.details) and "Léa" not in json.dumps(entry.details)
    request.refresh_from_db()
    assert request.completed_date is not None


def test_the_identity_hash_is_keyed_and_ignores_case_and_accents(settings):
    person = Person(first_name="Léa", last_name="Kerhuel", birth_date=datetime.date(2002, 3, 1))
    same = Person(first_name="LEA", last_name="kerhuel", birth_date=datetime.date(2002, 3, 1))

    fingerprint = anonymise.identity_hash(person)

    assert fingerprint == anonymise.identity_hash(same)
    settings.SECRET_KEY = "another-key"
    assert anonymise.identity_hash(person) != fingerprint


def test_staff_who_may_not_see_the_person_cannot_erase_them(everywhere):
    facilitator = UserFactory(role="facilitator")

    with pytest.raises(ValidationError):
        services.erase_person(person=everywhere.person, by=facilitator)

    everywhere.person.refresh_from_db()
    assert not everywhere.person.is_erased


def test_an_erased_minor_raises_no_missing_guardian_alert(everywhere, fabrique):
    enrolment = everywhere.cjs_enrolment
    enrolment.status = "active"
    enrolment.save()

    services.erase_person(person=everywhere.person, by=fabrique)

    enrolment.refresh_from_db()
    assert enrolment.is_minor
    assert enrolment.guardian_problems() == []
    assert selectors.cohort_alerts([enrolment.cohort_id])[enrolment.cohort_id].minors_without_guardian == 0


def test_erasure_changes_neither_a_published_report_nor_its_figures_computed_again(
    client, everywhere, fabrique
):
    """A published impact report on the person's season: its frozen version, its public page and the same
    report computed afresh from today's data are identical before and after the erasure."""
    from cms.models import HomePage, ImpactReportIndexPage, ImpactReportPage, ReportSnapshot
    from cms.reports import compute_report

    seed_site_once()
    index = ImpactReportIndexPage(title="Rapports d'impact", slug="rapports-impact-erasure")
    HomePage.objects.get().add_child(instance=index)
    index.save_revision().publish()
    page = ImpactReportPage(
        title="La saison 2018",
        slug="saison-2018",
        intro="Les chiffres de la saison.",
        methodology="<p>Statistiques de la saison.</p>",
        body=[
            (
                "indicators",
                {
                    "heading": "2018",
                    "programme": "cjs",
                    "edition_year": 2018,
                    "indicators": ["cohorts", "participants", "girls_share", "turnover_eur"],
                },
            )
        ],
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    snapshot = ReportSnapshot.objects.get(page=page)
    frozen, public_page = snapshot.content, page_html(client, page.url)
    live = compute_report(ImpactReportPage.objects.get(pk=page.pk))
    assert live["blocks"] == frozen["blocks"]

    assert services.erase_person(person=everywhere.person, by=fabrique) is True

    snapshot.refresh_from_db()
    assert snapshot.content == frozen
    assert page_html(client, page.url) == public_page
    assert compute_report(ImpactReportPage.objects.get(pk=page.pk))["blocks"] == frozen["blocks"]


def page_html(client, url: str) -> str:
    cache.clear()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", client.get(url).content.decode())

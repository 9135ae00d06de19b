"""Retention, with time travel: the daily beat task anonymises what is past its term, per programme
and per purpose, and nothing before; twice the same day changes nothing more."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings as django_settings
from django.utils import timezone

from wagtail.contrib.forms.models import FormSubmission
from wagtail.models import Page

import pytest
import time_machine

from cjs.models import Client, Contract, ServiceRequest
from flashcoop.models import AgendaItem, Mentor
from lms.choices import CertificateKind
from lms.models import Certificate, ConnectionLog
from programmes import tasks
from programmes.models import AuditEntry, Person, PrivacyRequest, Programme
from programmes.privacy import retention
from programmes.statistics import edition_statistics
from tests.cjs.factories import ContractFactory, ServiceRequestFactory
from tests.flashcoop.factories import AgendaItemFactory, MentorFactory, ParticipantFactory
from tests.lms.factories import CertificateFactory
from tests.programmes.factories import EnrolmentFactory, PersonFactory, UserFactory
from tests.programmes.privacy_data import cjs_cohort

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def on(day: datetime.date) -> dict[str, int]:
    """One daily round of the beat task on `day` (at 3 am in Paris), through Celery."""
    with time_machine.travel(datetime.datetime.combine(day, datetime.time(3), tzinfo=PARIS), tick=False):
        assert timezone.localdate() == day
        return tasks.apply_retention.delay().get()


def is_erased(person: Person) -> bool:
    person.refresh_from_db()
    return person.is_erased


@pytest.fixture
def cjs_member():
    """A member of a CJS that ended on 31 August 2018 (default rule: 3 years)."""
    return EnrolmentFactory(cohort=cjs_cohort(), status="completed").person


@pytest.fixture
def flashcoop_participant():
    """A participant of a Flashcoop that ended on 15 March 2019 (ESF-funded: 10 years)."""
    return ParticipantFactory().person


def test_the_task_is_scheduled_daily_by_celery_beat():
    schedule = django_settings.CELERY_BEAT_SCHEDULE["privacy-retention"]

    assert schedule["task"] == "programmes.tasks.apply_retention"
    assert schedule["schedule"] == 60 * 60 * 24


def test_a_cjs_member_is_anonymised_three_years_after_the_cohort_ends_not_a_day_before(cjs_member):
    on(datetime.date(2021, 8, 31))
    assert not is_erased(cjs_member)

    counts = on(datetime.date(2021, 9, 1))

    assert counts["people"] == 1
    assert is_erased(cjs_member)
    assert cjs_member.first_name == "Anonyme"
    entry = AuditEntry.objects.get(action="privacy.erase")
    assert entry.actor is None and entry.details["reason"] == "retention"


def test_esf_funded_evidence_is_kept_ten_years(flashcoop_participant):
    on(datetime.date(2025, 1, 1))
    on(datetime.date(2029, 3, 15))
    assert not is_erased(flashcoop_participant)

    on(datetime.date(2029, 3, 16))

    assert is_erased(flashcoop_participant)


def test_an_edition_flagged_esf_funded_keeps_its_evidence_ten_years_whatever_the_programme(cjs_member):
    edition = cjs_member.enrolments.get().cohort.edition
    edition.is_esf_funded = True
    edition.save()

    on(datetime.date(2021, 9, 1))
    assert not is_erased(cjs_member)

    on(datetime.date(2028, 9, 1))
    assert is_erased(cjs_member)


def test_the_years_are_settings_per_programme(settings, cjs_member):
    settings.ESSAIM_RETENTION_YEARS_BY_PROGRAMME = {"cjs": 5}

    on(datetime.date(2021, 9, 1))
    assert not is_erased(cjs_member)

    on(datetime.date(2023, 9, 1))
    assert is_erased(cjs_member)


def test_the_default_is_a_setting(settings, cjs_member):
    settings.ESSAIM_RETENTION_YEARS_DEFAULT = 1

    on(datetime.date(2019, 9, 1))

    assert is_erased(cjs_member)


def test_someone_in_two_programmes_is_kept_until_the_longest_term(cjs_member):
    ParticipantFactory(person=cjs_member)

    on(datetime.date(2021, 9, 1))
    assert not is_erased(cjs_member)

    on(datetime.date(2029, 3, 16))
    assert is_erased(cjs_member)


def test_someone_who_never_joined_a_cohort_is_anonymised_years_after_their_record_was_created():
    with time_machine.travel(datetime.datetime(2020, 5, 4, 12, tzinfo=PARIS), tick=False):
        person = PersonFactory()

    on(datetime.date(2023, 5, 4))
    assert not is_erased(person)

    on(datetime.date(2023, 5, 5))
    assert is_erased(person)


def test_running_twice_the_same_day_changes_nothing_more(cjs_member, flashcoop_participant):
    first = on(datetime.date(2021, 9, 1))
    entries = AuditEntry.objects.count()

    second = on(datetime.date(2021, 9, 1))

    assert first["people"] == 1
    assert not any(second.values())
    assert AuditEntry.objects.count() == entries


def test_the_statistics_do_not_move_when_retention_anonymises(cjs_member):
    cohort = cjs_member.enrolments.get().cohort
    for _index in range(12):
        EnrolmentFactory(cohort=cohort, status="completed", person__minor=True)
    programme = Programme.objects.get(slug="cjs")
    before = edition_statistics(programme=programme, edition_year=2018)

    assert on(datetime.date(2021, 9, 1))["people"] == 13

    assert edition_statistics(programme=programme, edition_year=2018) == before


def test_requests_from_the_public_site_go_one_year_after_they_were_received():
    with time_machine.travel(datetime.datetime(2018, 6, 1, 10, tzinfo=PARIS), tick=False):
        request = ServiceRequestFactory(cohort=cjs_cohort())

    assert on(datetime.date(2019, 6, 1)).get("cjs.service_requests", 0) == 0
    assert ServiceRequest.objects.filter(pk=request.pk).exists()

    assert on(datetime.date(2019, 6, 2))["cjs.service_requests"] == 1
    assert not ServiceRequest.objects.filter(pk=request.pk).exists()


def test_individual_clients_are_anonymised_when_the_accounting_records_may_go():
    contract = ContractFactory(cohort=cjs_cohort(), status="paid", description="Chez M. Durand, 3 rue Haute")
    client = contract.client

    on(datetime.date(2028, 8, 31))
    client.refresh_from_db()
    assert client.email

    counts = on(datetime.date(2028, 9, 1))

    client.refresh_from_db()
    assert counts["cjs.clients"] == 1
    assert client.name == f"Client anonymisé #{client.pk}"
    assert (client.contact_name, client.email, client.phone, client.address) == ("", "", "", "")
    assert Contract.objects.get(pk=contract.pk).description == ""
    assert Contract.objects.get(pk=contract.pk).price == contract.price
    assert on(datetime.date(2028, 9, 2)).get("cjs.clients") == 0


def test_company_clients_are_not_personal_data_and_stay():
    contract = ContractFactory(cohort=cjs_cohort(), client__kind="company", client__name="Mairie de Rezé")

    on(datetime.date(2030, 1, 1))

    assert Client.objects.get(pk=contract.client_id).name == "Mairie de Rezé"


def test_mentors_and_who_led_activities_go_with_the_flashcoop_s_retention():
    mentor = MentorFactory(name="Isabelle Roux", contact="isabelle@example.org")
    item = AgendaItemFactory(cohort=mentor.cohort, led_by="Karim Benali")

    on(datetime.date(2029, 3, 15))
    assert Mentor.objects.get(pk=mentor.pk).name == "Isabelle Roux"

    on(datetime.date(2029, 3, 16))

    mentor.refresh_from_db()
    assert (mentor.name, mentor.contact) == ("Anonyme", "")
    assert AgendaItem.objects.get(pk=item.pk).led_by == ""


def test_contact_messages_go_one_year_after_they_were_sent():
    with time_machine.travel(datetime.datetime(2024, 2, 1, 10, tzinfo=PARIS), tick=False):
        FormSubmission.objects.create(page=Page.objects.get(depth=1), form_data={"message": "Bonjour"})

    on(datetime.date(2025, 2, 1))
    assert FormSubmission.objects.count() == 1

    on(datetime.date(2025, 2, 2))
    assert FormSubmission.objects.count() == 0


def test_answered_privacy_requests_are_kept_five_years_as_proof(cjs_member):
    request = PrivacyRequest.objects.create(
        person=cjs_member,
        kind=PrivacyRequest.Kind.ACCESS,
        received_date=datetime.date(2019, 1, 10),
        completed_date=datetime.date(2019, 1, 20),
    )

    on(datetime.date(2024, 1, 20))
    assert PrivacyRequest.objects.filter(pk=request.pk).exists()

    on(datetime.date(2024, 1, 21))
    assert not PrivacyRequest.objects.filter(pk=request.pk).exists()


def test_a_leap_day_end_keeps_its_term():
    assert retention.add_years(datetime.date(2020, 2, 29), 3) == datetime.date(2023, 2, 28)
    assert retention.add_years(datetime.date(2020, 2, 29), 4) == datetime.date(2024, 2, 29)


def test_a_funded_training_s_certificate_holds_the_person_until_the_funders_term(cjs_member):
    """Certificat de réalisation completed in June 2020: kept 3 years after the end of 2020, although the
    CJS data would go on 1 September 2021; an attestation of an unfunded course holds nothing."""
    cjs_member.user = UserFactory(role="learner")
    cjs_member.save()
    CertificateFactory(user=cjs_member.user, holder_first_name="Noa", holder_last_name="Le Goff")
    CertificateFactory(
        user=cjs_member.user,
        kind=CertificateKind.REALISATION,
        holder_first_name="Noa",
        holder_last_name="Le Goff",
        start_date=datetime.date(2020, 6, 1),
        completion_date=datetime.date(2020, 6, 10),
    )

    on(datetime.date(2021, 9, 1))
    on(datetime.date(2023, 12, 31))
    assert not is_erased(cjs_member)
    assert Certificate.objects.filter(holder_last_name="Le Goff").count() == 2

    assert on(datetime.date(2024, 1, 1))["people"] == 1
    assert is_erased(cjs_member)
    assert not Certificate.objects.filter(holder_last_name="Le Goff").exists()
    assert on(datetime.date(2024, 1, 1))["people"] == 0


def test_only_an_unfunded_attestation_does_not_hold_the_person(cjs_member):
    cjs_member.user = UserFactory(role="learner")
    cjs_member.save()
    CertificateFactory(user=cjs_member.user, completion_date=datetime.date(2025, 3, 14))

    on(datetime.date(2021, 9, 1))

    assert is_erased(cjs_member)


def test_logins_go_after_the_connection_log_term(settings):
    settings.ESSAIM_LMS_CONNECTION_LOG_DAYS = 365
    user = UserFactory(role="learner")
    with time_machine.travel(datetime.datetime(2020, 3, 1, 10, tzinfo=PARIS), tick=False):
        ConnectionLog.objects.create(user=user, device="Firefox · Linux", network="192.0.2.0/24")
    with time_machine.travel(datetime.datetime(2020, 6, 1, 10, tzinfo=PARIS), tick=False):
        ConnectionLog.objects.create(user=user, device="Firefox · Linux", network="192.0.2.0/24")

    assert on(datetime.date(2021, 3, 1)).get("lms.connection_log", 0) == 0
    assert on(datetime.date(2021, 3, 2))["lms.connection_log"] == 1
    assert list(ConnectionLog.objects.values_list("logged_in_at__month", flat=True)) == [6]
    assert "365" in retention.describe("connection_log")

"""Facilitator and coordinator screens: the plan of a Flashcoop, a participant's entry and exit, the
experimentation dashboard; who sees what; queries that stay flat with the number of rows."""

import datetime

from django.conf import settings

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from flashcoop.choices import FollowUpStatus, Situation, Wave
from flashcoop.models import AgendaItem, EntryProfile, Exit, FlashcoopPlan
from programmes.choices import EnrolmentStatus, ExitReason
from programmes.models import AuditEntry, Cohort, Enrolment, Session
from programmes.roles import Role
from tests.flashcoop.factories import (
    AgendaItemFactory,
    EntryProfileFactory,
    ExitFactory,
    FlashcoopCohortFactory,
    FlashcoopPlanFactory,
    FlashcoopProgrammeFactory,
    FollowUpFactory,
    MentorFactory,
    ParticipantFactory,
)
from tests.programmes.factories import (
    CoordinatorScopeFactory,
    FacilitatorAssignmentFactory,
    SessionFactory,
    UserFactory,
    department,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture(autouse=True)
def english_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def nantes():
    return FlashcoopCohortFactory(name="Flashcoop Nantes Nord", department=department("44"))


@pytest.fixture
def lille():
    return FlashcoopCohortFactory(name="Flashcoop Lille Moulins", department=department("59"))


@pytest.fixture
def facilitator(nantes):
    return FacilitatorAssignmentFactory(cohort=nantes).user


@pytest.fixture
def coordinator():
    return CoordinatorScopeFactory(programme=FlashcoopProgrammeFactory(), regions=[region("52")]).user


# --- Access -------------------------------------------------------------------------------------------


def test_a_facilitator_sees_their_flashcoop_and_not_another(client, facilitator, nantes, lille):
    ours = ParticipantFactory(cohort=nantes, person__last_name="Benali")
    theirs = ParticipantFactory(cohort=lille, person__last_name="Lefebvre")
    EntryProfileFactory(enrolment=theirs)
    client.force_login(facilitator)

    home = client.get("/flashcoop/")
    assertContains(home, "Flashcoop Nantes Nord")
    assertNotContains(home, "Flashcoop Lille Moulins")
    assertContains(client.get(f"/flashcoop/cohorts/{nantes.pk}/"), "Benali")
    assert client.get(f"/flashcoop/cohorts/{lille.pk}/").status_code == 404
    assert client.get(f"/flashcoop/participants/{ours.pk}/").status_code == 200
    assert client.get(f"/flashcoop/participants/{theirs.pk}/").status_code == 404
    response = client.post(
        f"/flashcoop/participants/{theirs.pk}/", {"form": "exit", "exit-exit_date": "2019-03-15"}
    )
    assert response.status_code == 404


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.PARTNER, Role.LEARNER])
def test_only_coordinators_and_the_national_team_see_the_dashboard(client, role, nantes):
    client.force_login(UserFactory(role=role))

    assert client.get("/flashcoop/dashboard/?edition=2019").status_code == 403
    assert client.get("/flashcoop/new/").status_code == 403


@pytest.mark.parametrize("role", [Role.PARTNER, Role.LEARNER])
def test_partners_and_learners_have_no_flashcoop_screens(client, role, nantes):
    enrolment = ParticipantFactory(cohort=nantes)
    client.force_login(UserFactory(role=role))

    assert client.get("/flashcoop/").status_code == 403
    assert client.get(f"/flashcoop/cohorts/{nantes.pk}/").status_code == 403
    assert client.get(f"/flashcoop/participants/{enrolment.pk}/").status_code == 403


def test_anonymous_visitors_go_to_the_login_page(client, nantes):
    for url in ["/flashcoop/", f"/flashcoop/cohorts/{nantes.pk}/", "/flashcoop/dashboard/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_opening_a_participant_file_is_audit_logged(client, facilitator, nantes):
    enrolment = ParticipantFactory(cohort=nantes)
    client.force_login(facilitator)

    client.get(f"/flashcoop/participants/{enrolment.pk}/")

    assert AuditEntry.objects.filter(
        action="flashcoop.participant.view", actor=facilitator, target_id=str(enrolment.pk)
    ).exists()


# --- Creating and planning a Flashcoop ----------------------------------------------------------------


def test_a_coordinator_creates_a_five_day_flashcoop_in_their_region(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        "/flashcoop/new/",
        {
            "year": "2026",
            "name": "Flashcoop Angers Monplaisir",
            "department": department("49").pk,
            "start_date": "2026-10-05",
            "theme": "Réparation de vélos",
            "place": "Maison de quartier",
        },
    )

    cohort = Cohort.objects.get(name="Flashcoop Angers Monplaisir")
    assertRedirects(response, f"/flashcoop/cohorts/{cohort.pk}/", fetch_redirect_response=False)
    assert (cohort.edition.programme.slug, cohort.edition.year) == ("flashcoop", 2026)
    assert (cohort.start_date, cohort.end_date) == (datetime.date(2026, 10, 5), datetime.date(2026, 10, 9))
    assert FlashcoopPlan.objects.get(cohort=cohort).theme == "Réparation de vélos"
    page = client.get(f"/flashcoop/cohorts/{cohort.pk}/")
    for number in range(1, 6):
        assertContains(page, f"Day {number}")


def test_a_coordinator_cannot_create_a_flashcoop_outside_their_regions(client, coordinator):
    client.force_login(coordinator)

    response = client.post(
        "/flashcoop/new/",
        {
            "year": "2026",
            "name": "Flashcoop Lille",
            "department": department("59").pk,
            "start_date": "2026-10-05",
        },
    )

    assert response.status_code == 200
    assert not Cohort.objects.filter(name="Flashcoop Lille").exists()


def test_the_facilitator_plans_the_agenda_enrols_and_takes_attendance(client, facilitator, nantes):
    client.force_login(facilitator)
    url = f"/flashcoop/cohorts/{nantes.pk}/"

    client.post(
        url,
        {
            "form": "agenda",
            "agenda-date": "2019-03-12",
            "agenda-start_time": "09:30",
            "agenda-end_time": "12:00",
            "agenda-title": "Étude de marché",
            "agenda-led_by": "Isabelle",
        },
    )
    outside = client.post(
        url,
        {
            "form": "agenda",
            "agenda-date": "2019-04-01",
            "agenda-start_time": "09:30",
            "agenda-end_time": "12:00",
            "agenda-title": "Trop tard",
        },
    )
    client.post(
        url, {"form": "participant", "participant-first_name": "Aïcha", "participant-last_name": "Benali"}
    )
    response = client.post(url, {"form": "day_session", "date": "2019-03-12"})

    assert AgendaItem.objects.get(cohort=nantes).title == "Étude de marché"
    assertContains(outside, "outside the Flashcoop&#x27;s dates")
    enrolment = Enrolment.objects.get(cohort=nantes)
    assert enrolment.status == EnrolmentStatus.ENROLLED
    session = Session.objects.get(cohort=nantes)
    assert (session.date, session.title, session.start_time) == (
        datetime.date(2019, 3, 12),
        "Day 2",
        datetime.time(9, 30),
    )
    assertRedirects(response, f"/facilitate/sessions/{session.pk}/attendance/", fetch_redirect_response=False)
    assert client.post(url, {"form": "day_session", "date": "2019-03-12"})["Location"].endswith(
        f"/facilitate/sessions/{session.pk}/attendance/"
    )
    assertContains(client.get(session_url := f"/facilitate/sessions/{session.pk}/attendance/"), "Benali")
    assert session_url


def test_mentors_meetings_and_production(client, facilitator, nantes):
    enrolment = ParticipantFactory(cohort=nantes, person__last_name="Benali")
    client.force_login(facilitator)
    url = f"/flashcoop/cohorts/{nantes.pk}/"

    client.post(url, {"form": "mentor", "mentor-name": "Isabelle Roux", "mentor-mentees": [enrolment.pk]})
    mentor = nantes.flashcoop_mentors.get()
    client.post(
        url,
        {
            "form": "meeting",
            "meeting-mentor": mentor.pk,
            "meeting-enrolment": enrolment.pk,
            "meeting-meeting_date": "2019-03-20",
            "meeting-notes": "Projet en CAE",
        },
    )
    client.post(
        url, {"form": "production", "production-label": "Repas servis", "production-amount_eur": "420"}
    )
    empty = client.post(url, {"form": "mentor"})

    page = client.get(url)
    assertContains(page, "Isabelle Roux")
    assertContains(page, "Projet en CAE")
    assertContains(page, "Repas servis")
    assertContains(empty, "Give the mentor&#x27;s name or organisation.")


# --- Entry profile and exit ---------------------------------------------------------------------------


PROFILE = {
    "form": "profile",
    "profile-employment_status": "long_term_unemployed",
    "profile-minimum_income": "refused",
    "profile-education_level": "isced_3_4",
    "profile-qpv_resident": "yes",
    "profile-rural": "no",
    "profile-referrer": "social_services",
}


def test_the_entry_profile_records_refusals_as_answers(client, facilitator, nantes):
    enrolment = ParticipantFactory(cohort=nantes)
    client.force_login(facilitator)

    client.post(f"/flashcoop/participants/{enrolment.pk}/", PROFILE)

    profile = EntryProfile.objects.get(enrolment=enrolment)
    assert (profile.minimum_income, profile.disability, profile.recorded_by) == ("refused", "", facilitator)


def test_every_entry_question_needs_an_answer_even_refused(client, facilitator, nantes):
    enrolment = ParticipantFactory(cohort=nantes)
    client.force_login(facilitator)

    response = client.post(f"/flashcoop/participants/{enrolment.pk}/", {**PROFILE, "profile-referrer": ""})

    assertContains(response, "This field is required.")
    assert not EntryProfile.objects.exists()


def test_a_disability_is_refused_without_the_consent_date(client, facilitator, nantes):
    enrolment = ParticipantFactory(cohort=nantes)
    client.force_login(facilitator)
    url = f"/flashcoop/participants/{enrolment.pk}/"

    refused = client.post(url, {**PROFILE, "profile-disability": "yes"})
    client.post(
        url, {**PROFILE, "profile-disability": "yes", "profile-disability_consent_date": "2019-03-11"}
    )

    assertContains(refused, "explicit consent")
    assert EntryProfile.objects.get().disability_consent_date == datetime.date(2019, 3, 11)


def test_recording_exits_completes_or_withdraws_the_enrolment(client, facilitator, nantes):
    stays = ParticipantFactory(cohort=nantes, status="active")
    leaves = ParticipantFactory(cohort=nantes, status="active")
    client.force_login(facilitator)

    client.post(
        f"/flashcoop/participants/{stays.pk}/",
        {
            "form": "exit",
            "exit-exit_date": "2019-03-15",
            "exit-is_completed": "on",
            "exit-situation": "joined_cae",
        },
    )
    no_reason = client.post(
        f"/flashcoop/participants/{leaves.pk}/",
        {"form": "exit", "exit-exit_date": "2019-03-13", "exit-situation": "employment"},
    )
    client.post(
        f"/flashcoop/participants/{leaves.pk}/",
        {
            "form": "exit",
            "exit-exit_date": "2019-03-13",
            "exit-early_reason": "found_job",
            "exit-situation": "employment",
        },
    )

    assertContains(no_reason, "left early")
    stays.refresh_from_db()
    leaves.refresh_from_db()
    assert (stays.status, stays.flashcoop_exit.situation) == (EnrolmentStatus.COMPLETED, Situation.JOINED_CAE)
    assert (leaves.status, leaves.exit_reason) == (EnrolmentStatus.WITHDRAWN, ExitReason.FOUND_JOB)
    assert Exit.objects.get(enrolment=leaves).is_completed is False


def test_a_phone_follow_up_from_the_participant_page(client, facilitator, nantes):
    enrolment = ParticipantFactory(cohort=nantes)
    ExitFactory(enrolment=enrolment)
    client.force_login(facilitator)

    client.post(
        f"/flashcoop/participants/{enrolment.pk}/",
        {"form": "phone", "phone-wave": "m6", "phone-situation": "education_training", "phone-note": "BTS"},
    )

    follow_up = enrolment.flashcoop_follow_ups.get()
    assert (follow_up.wave, follow_up.status, follow_up.due_date) == (
        Wave.M6,
        FollowUpStatus.PHONED,
        datetime.date(2019, 9, 15),
    )


# --- Dashboard ----------------------------------------------------------------------------------------


def test_the_dashboard_counts_situations_with_n_per_cohort_and_overall(client, coordinator, nantes):
    other = FlashcoopCohortFactory(name="Flashcoop Angers", department=department("49"))
    for cohort, situation, completed, m6 in [
        (nantes, Situation.EMPLOYMENT, True, Situation.EMPLOYMENT),
        (nantes, Situation.JOB_SEARCHING, True, None),
        (other, Situation.JOB_SEARCHING, False, Situation.JOINED_CAE),
    ]:
        exit_ = ExitFactory(
            enrolment__cohort=cohort,
            situation=situation,
            is_completed=completed,
            early_reason="" if completed else "health",
        )
        if m6:
            FollowUpFactory(enrolment=exit_.enrolment, status=FollowUpStatus.ANSWERED, situation=m6)
        else:
            FollowUpFactory(enrolment=exit_.enrolment, status=FollowUpStatus.UNREACHABLE)
    client.force_login(coordinator)

    response = client.get("/flashcoop/dashboard/?edition=2019")

    table = {line["row"].label: line["row"] for line in response.context["table"]}
    assert set(table) == {"Flashcoop Nantes Nord", "Flashcoop Angers", "All Flashcoops"}
    overall = table["All Flashcoops"]
    assert (overall.participants, overall.exits, overall.completed) == (3, 3, 2)
    assert overall.at_exit.counts == {Situation.EMPLOYMENT: 1, Situation.JOB_SEARCHING: 2}
    assert (overall.at_m6.n, overall.m6_asked) == (2, 3)
    assert table["Flashcoop Nantes Nord"].at_m6.counts == {Situation.EMPLOYMENT: 1}
    assertContains(response, "67%")


# --- Query counts: the same bound at 5 and 50 rows ----------------------------------------------------


def populate(cohort, count):
    for index in range(count):
        enrolment = ParticipantFactory(cohort=cohort)
        EntryProfileFactory(enrolment=enrolment)
        ExitFactory(enrolment=enrolment)
        FollowUpFactory(
            enrolment=enrolment, wave=Wave.M3, status=FollowUpStatus.ANSWERED, situation="employment"
        )
        FollowUpFactory(enrolment=enrolment, wave=Wave.M6)
        if index % 5 == 0:
            mentor = MentorFactory(cohort=cohort)
            mentor.mentees.add(enrolment)
            AgendaItemFactory(cohort=cohort)
            SessionFactory(cohort=cohort, date=cohort.start_date)


@pytest.mark.parametrize("count", [5, 50])
def test_the_plan_page_runs_a_fixed_number_of_queries(
    client, facilitator, nantes, count, django_assert_max_num_queries
):
    FlashcoopPlanFactory(cohort=nantes)
    populate(nantes, count)
    client.force_login(facilitator)

    with django_assert_max_num_queries(40):
        response = client.get(f"/flashcoop/cohorts/{nantes.pk}/")

    assert response.status_code == 200


@pytest.mark.parametrize("count", [5, 50])
def test_the_dashboard_and_exports_run_a_fixed_number_of_queries(
    client, coordinator, nantes, count, django_assert_max_num_queries
):
    populate(nantes, count)
    populate(FlashcoopCohortFactory(department=department("49")), count)
    client.force_login(coordinator)

    for url in [
        "/flashcoop/dashboard/?edition=2019",
        "/flashcoop/export/esf.csv?edition=2019",
        "/flashcoop/export/esf.xlsx?edition=2019",
        "/flashcoop/",
    ]:
        with django_assert_max_num_queries(20):
            assert client.get(url).status_code == 200

"""Flashcoop API: scoped by the access policy, writes through the services."""

import pytest

from flashcoop.choices import FollowUpStatus, Wave
from flashcoop.models import EntryProfile
from programmes.choices import EnrolmentStatus
from programmes.roles import Role
from tests.flashcoop.factories import (
    AgendaItemFactory,
    EntryProfileFactory,
    ExitFactory,
    FlashcoopCohortFactory,
    FlashcoopPlanFactory,
    FollowUpFactory,
    MentorFactory,
    ParticipantFactory,
)
from tests.programmes.factories import FacilitatorAssignmentFactory, UserFactory, department

pytestmark = pytest.mark.django_db
LISTS = [
    "plans",
    "agenda-items",
    "mentors",
    "mentoring-meetings",
    "productions",
    "entry-profiles",
    "exits",
    "follow-ups",
]


@pytest.fixture
def nantes():
    return FlashcoopCohortFactory(name="Flashcoop Nantes Nord")


@pytest.fixture
def lille():
    return FlashcoopCohortFactory(name="Flashcoop Lille Moulins", department=department("59"))


@pytest.fixture
def facilitator(nantes):
    return FacilitatorAssignmentFactory(cohort=nantes).user


def fill(cohort):
    enrolment = ParticipantFactory(cohort=cohort)
    FlashcoopPlanFactory(cohort=cohort)
    AgendaItemFactory(cohort=cohort)
    MentorFactory(cohort=cohort).mentees.add(enrolment)
    EntryProfileFactory(enrolment=enrolment)
    ExitFactory(enrolment=enrolment)
    FollowUpFactory(enrolment=enrolment)
    return enrolment


@pytest.mark.parametrize("name", LISTS)
def test_lists_show_only_the_flashcoops_the_caller_runs(client, facilitator, nantes, lille, name):
    fill(nantes)
    other = fill(lille)
    client.force_login(facilitator)

    response = client.get(f"/api/v1/flashcoop/{name}/")

    assert response.status_code == 200
    assert str(other.pk) not in {str(item.get("enrolment")) for item in response.json()["results"]}
    assert all(item.get("cohort", nantes.pk) == nantes.pk for item in response.json()["results"])


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("role", [Role.LEARNER, Role.PARTNER])
def test_learners_and_partners_see_nothing(client, nantes, name, role):
    fill(nantes)
    client.force_login(UserFactory(role=role))

    assert client.get(f"/api/v1/flashcoop/{name}/").json()["results"] == []


def test_anonymous_callers_are_refused(client):
    assert client.get("/api/v1/flashcoop/entry-profiles/").status_code in (401, 403)


def test_a_facilitator_records_an_entry_profile_and_an_exit(client, facilitator, nantes):
    enrolment = ParticipantFactory(cohort=nantes, status="active")
    client.force_login(facilitator)

    created = client.post(
        "/api/v1/flashcoop/entry-profiles/",
        {
            "enrolment": enrolment.pk,
            "employment_status": "refused",
            "minimum_income": "no",
            "education_level": "isced_5_8",
            "qpv_resident": "refused",
            "rural": "no",
            "referrer": "association",
        },
        content_type="application/json",
    )
    no_consent = client.patch(
        f"/api/v1/flashcoop/entry-profiles/{created.json()['id']}/",
        {"disability": "yes"},
        content_type="application/json",
    )
    exited = client.post(
        "/api/v1/flashcoop/exits/",
        {
            "enrolment": enrolment.pk,
            "exit_date": "2019-03-15",
            "is_completed": True,
            "situation": "employment",
        },
        content_type="application/json",
    )

    assert created.status_code == 201, created.json()
    assert EntryProfile.objects.get().employment_status == "refused"
    assert no_consent.status_code == 400
    assert "disability" in no_consent.json()
    assert exited.status_code == 201, exited.json()
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.COMPLETED


def test_writing_to_another_flashcoop_is_refused(client, facilitator, lille):
    theirs = ParticipantFactory(cohort=lille)
    client.force_login(facilitator)

    response = client.post(
        "/api/v1/flashcoop/agenda-items/",
        {"cohort": lille.pk, "date": "2019-03-11", "start_time": "09:00", "end_time": "10:00", "title": "X"},
        content_type="application/json",
    )
    phone = client.post(
        "/api/v1/flashcoop/follow-ups/phone/",
        {"enrolment": theirs.pk, "wave": "m3", "situation": "employment"},
        content_type="application/json",
    )

    assert response.status_code == phone.status_code == 400
    assert not theirs.flashcoop_follow_ups.exists()


def test_a_phone_follow_up_through_the_api(client, facilitator, nantes):
    enrolment = ParticipantFactory(cohort=nantes)
    ExitFactory(enrolment=enrolment)
    FollowUpFactory(enrolment=enrolment, wave=Wave.M3, status=FollowUpStatus.REMINDED)
    client.force_login(facilitator)

    response = client.post(
        "/api/v1/flashcoop/follow-ups/phone/",
        {
            "enrolment": enrolment.pk,
            "wave": "m3",
            "situation": "joined_cae",
            "note": "Entrepreneure salariée",
        },
        content_type="application/json",
    )

    assert response.status_code == 201, response.json()
    assert response.json()["status"] == "phoned"
    assert "token_hash" not in response.json()


def test_agenda_items_outside_the_flashcoop_dates_are_refused(client, facilitator, nantes):
    client.force_login(facilitator)

    response = client.post(
        "/api/v1/flashcoop/agenda-items/",
        {"cohort": nantes.pk, "date": "2019-05-01", "start_time": "09:00", "end_time": "10:00", "title": "X"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "date" in response.json()


@pytest.mark.parametrize("count", [5, 50])
def test_the_follow_up_list_runs_a_fixed_number_of_queries(
    client, nantes, count, django_assert_max_num_queries
):
    for _index in range(count):
        fill(FlashcoopCohortFactory())
    client.force_login(UserFactory(role=Role.FABRIQUE))

    for name in LISTS:
        with django_assert_max_num_queries(8):
            assert client.get(f"/api/v1/flashcoop/{name}/").status_code == 200

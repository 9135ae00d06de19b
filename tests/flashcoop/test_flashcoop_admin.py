"""Back office: one smoke test per Flashcoop viewset, and listings scoped by the access policy."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

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
from tests.programmes.factories import CoordinatorScopeFactory, UserFactory, department, region

pytestmark = pytest.mark.django_db
VIEWSETS = [
    "flashcoop-plans",
    "flashcoop-agenda",
    "flashcoop-mentors",
    "flashcoop-meetings",
    "flashcoop-productions",
    "flashcoop-entry-profiles",
    "flashcoop-exits",
    "flashcoop-follow-ups",
]


@pytest.mark.parametrize("name", VIEWSETS)
def test_every_viewset_lists_for_the_national_team(client, roles, name):
    enrolment = ParticipantFactory()
    FlashcoopPlanFactory(cohort=enrolment.cohort)
    AgendaItemFactory(cohort=enrolment.cohort)
    MentorFactory(cohort=enrolment.cohort)
    EntryProfileFactory(enrolment=enrolment)
    ExitFactory(enrolment=enrolment)
    FollowUpFactory(enrolment=enrolment)
    client.force_login(UserFactory(role=Role.FABRIQUE))

    assert client.get(f"/admin/{name}/").status_code == 200


def test_a_coordinator_sees_the_entry_profiles_of_their_scope_only(client, roles):
    coordinator = CoordinatorScopeFactory(programme=FlashcoopProgrammeFactory(), regions=[region("52")]).user
    ours = EntryProfileFactory(enrolment__person__last_name="Benali")
    theirs = EntryProfileFactory(
        enrolment__cohort=FlashcoopCohortFactory(department=department("59")),
        enrolment__person__last_name="Lefebvre",
    )
    client.force_login(coordinator)

    listing = client.get("/admin/flashcoop-entry-profiles/")

    assertContains(listing, "Benali")
    assertNotContains(listing, "Lefebvre")
    assert client.get(f"/admin/flashcoop-entry-profiles/edit/{ours.pk}/").status_code == 200
    assert client.get(f"/admin/flashcoop-entry-profiles/edit/{theirs.pk}/").status_code == 404


def test_a_follow_up_never_shows_its_token_hash(client, roles):
    follow_up = FollowUpFactory(token_hash="a" * 64)
    client.force_login(UserFactory(role=Role.FABRIQUE))

    response = client.get(f"/admin/flashcoop-follow-ups/inspect/{follow_up.pk}/")

    assert response.status_code == 200
    assertNotContains(response, "a" * 64)

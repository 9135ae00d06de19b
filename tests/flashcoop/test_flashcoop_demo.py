"""The Flashcoop part of seed_demo: built on programmes' 2019 Flashcoops, idempotent, robust alone."""

import pytest

from flashcoop.choices import REFUSED, FollowUpStatus
from flashcoop.demo import seed_flashcoop
from flashcoop.models import AgendaItem, EntryProfile, Exit, FlashcoopPlan, FollowUp, Mentor, MentoringMeeting
from programmes.choices import STARTED_STATUSES
from programmes.demo import seed_accounts
from programmes.demo_network import seed_network
from programmes.models import CoordinatorScope, Enrolment

pytestmark = pytest.mark.django_db


def test_without_the_2019_flashcoops_the_seeder_does_nothing():
    seed_flashcoop()

    assert not FlashcoopPlan.objects.exists()


@pytest.mark.slow
def test_the_2019_flashcoops_get_plans_profiles_exits_and_follow_ups_once(roles):
    seed_accounts()
    seed_network()

    seed_flashcoop()
    counts = [
        model.objects.count()
        for model in (AgendaItem, Mentor, MentoringMeeting, EntryProfile, Exit, FollowUp)
    ]
    seed_flashcoop()

    assert [
        model.objects.count()
        for model in (AgendaItem, Mentor, MentoringMeeting, EntryProfile, Exit, FollowUp)
    ] == counts
    assert FlashcoopPlan.objects.count() == 10
    participants = Enrolment.objects.filter(
        cohort__edition__programme__slug="flashcoop", status__in=STARTED_STATUSES
    )
    assert EntryProfile.objects.count() == participants.count()
    assert EntryProfile.objects.filter(employment_status=REFUSED).exists()
    assert Exit.objects.filter(is_completed=False).exists()
    statuses = set(FollowUp.objects.values_list("status", flat=True))
    assert {FollowUpStatus.ANSWERED, FollowUpStatus.PHONED, FollowUpStatus.UNREACHABLE} <= statuses
    assert CoordinatorScope.objects.filter(
        user__username="coordinatrice", programme__slug="flashcoop"
    ).exists()

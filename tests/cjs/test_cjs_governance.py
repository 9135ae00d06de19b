import datetime

from django.core.exceptions import ValidationError

import pytest

from cjs import selectors, services
from cjs.choices import MeetingKind
from tests.programmes.factories import CohortFactory, EnrolmentFactory, FacilitatorAssignmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DAY = datetime.date(2018, 7, 20)


@pytest.fixture
def cohort():
    return CohortFactory()


@pytest.fixture
def members(cohort):
    return [EnrolmentFactory(cohort=cohort) for _ in range(4)]


@pytest.fixture
def facilitator(cohort):
    return FacilitatorAssignmentFactory(cohort=cohort).user


def assembly(cohort, attendees, by):
    return services.record_meeting(cohort=cohort, meeting_date=DAY, attendees=attendees, agenda="Prix", by=by)


@pytest.mark.parametrize(("present", "has_quorum"), [(1, False), (2, True), (4, True)])
def test_the_quorum_is_a_share_of_current_members(cohort, members, facilitator, present, has_quorum):
    meeting = assembly(cohort, members[:present], facilitator)

    assert selectors.has_quorum(meeting) is has_quorum


def test_the_quorum_follows_the_setting(cohort, members, facilitator, settings):
    settings.ESSAIM_CJS_QUORUM = 0.75
    meeting = assembly(cohort, members[:2], facilitator)

    assert not selectors.has_quorum(meeting)


def test_members_who_left_do_not_count_for_the_quorum(cohort, members, facilitator):
    EnrolmentFactory(cohort=cohort, withdrawn=True)
    meeting = assembly(cohort, members[:2], facilitator)

    assert selectors.has_quorum(meeting)


def test_a_decision_is_adopted_by_a_majority_of_votes_cast(cohort, members, facilitator):
    meeting = assembly(cohort, members[:3], facilitator)

    decision = services.record_decision(
        meeting=meeting,
        title="Tarif horaire à 15 €",
        votes={members[0].pk: "for", members[1].pk: "abstention", members[2].pk: "for"},
        by=facilitator,
    )

    assert selectors.decision_result(decision) == {
        "for": 2,
        "against": 0,
        "abstention": 1,
        "is_adopted": True,
    }


def test_a_tie_is_not_adopted(cohort, members, facilitator):
    meeting = assembly(cohort, members, facilitator)

    decision = services.record_decision(
        meeting=meeting, title="Logo", votes={members[0].pk: "for", members[1].pk: "against"}, by=facilitator
    )

    assert selectors.decision_result(decision)["is_adopted"] is False


def test_without_quorum_nobody_votes(cohort, members, facilitator):
    meeting = assembly(cohort, members[:1], facilitator)

    with pytest.raises(ValidationError, match="quorum"):
        services.record_decision(meeting=meeting, title="Logo", votes={members[0].pk: "for"}, by=facilitator)


def test_only_attendees_vote_and_only_once(cohort, members, facilitator):
    meeting = assembly(cohort, members[:3], facilitator)
    with pytest.raises(ValidationError, match="present at the meeting"):
        services.record_decision(meeting=meeting, title="Logo", votes={members[3].pk: "for"}, by=facilitator)
    decision = services.record_decision(
        meeting=meeting, title="Logo", votes={members[0].pk: "for"}, by=facilitator
    )

    services.cast_vote(decision=decision, enrolment=members[1], choice="against", by=facilitator)
    with pytest.raises(ValidationError, match="already voted"):
        services.cast_vote(decision=decision, enrolment=members[0], choice="against", by=facilitator)
    with pytest.raises(ValidationError, match="present at the meeting"):
        services.cast_vote(decision=decision, enrolment=members[3], choice="for", by=facilitator)

    assert selectors.decision_result(decision) == {
        "for": 1,
        "against": 1,
        "abstention": 0,
        "is_adopted": False,
    }


def test_attendees_and_committee_members_are_current_members_of_the_cjs(cohort, members, facilitator):
    stranger = EnrolmentFactory()
    with pytest.raises(ValidationError):
        assembly(cohort, [stranger], facilitator)
    with pytest.raises(ValidationError):
        services.create_committee(cohort=cohort, name="Finances", members=[stranger], by=facilitator)

    committee = services.create_committee(cohort=cohort, name="Finances", members=members[:2], by=facilitator)
    meeting = services.record_meeting(
        cohort=cohort,
        meeting_date=DAY,
        kind=MeetingKind.COMMITTEE,
        committee=committee,
        attendees=members[:2],
        by=facilitator,
    )

    assert set(committee.members.all()) == set(members[:2])
    assert meeting.committee == committee and meeting.attendees.count() == 2


def test_only_the_cjs_staff_records_meetings(cohort, members):
    other_facilitator = FacilitatorAssignmentFactory().user

    with pytest.raises(ValidationError, match="do not run this CJS"):
        assembly(cohort, members, other_facilitator)

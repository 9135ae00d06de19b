import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest

from cjs import selectors, services
from cjs.choices import MeetingKind
from cjs.models import Decision
from tests.cjs.factories import ServiceRequestFactory
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


# --- Committees: the quorum and the voters are the committee's members ---------------------------------


def committee_meeting(cohort, committee, attendees, by):
    return services.record_meeting(
        cohort=cohort,
        meeting_date=DAY,
        kind=MeetingKind.COMMITTEE,
        committee=committee,
        attendees=attendees,
        by=by,
    )


def test_a_committee_meeting_has_its_quorum_among_the_committee_members(cohort, members, facilitator):
    committee = services.create_committee(cohort=cohort, name="Finances", members=members[:2], by=facilitator)

    meeting = committee_meeting(cohort, committee, members[:1], facilitator)

    # One of the two committee members is there: 50 %, although the CJS has four members.
    assert selectors.meeting_quorum(meeting) == selectors.Quorum(present=1, members=2, required=1)
    assert selectors.has_quorum(meeting)


def test_only_committee_members_attend_its_meetings(cohort, members, facilitator):
    committee = services.create_committee(cohort=cohort, name="Finances", members=members[:2], by=facilitator)

    with pytest.raises(ValidationError, match="Only members of the committee “Finances” attend"):
        committee_meeting(cohort, committee, [members[0], members[3]], facilitator)


def test_a_committee_meeting_needs_its_committee(cohort, members, facilitator):
    with pytest.raises(ValidationError, match="Choose the committee that met"):
        services.record_meeting(
            cohort=cohort, meeting_date=DAY, kind=MeetingKind.COMMITTEE, attendees=[], by=facilitator
        )


def test_committee_names_are_unique_in_a_cjs_whatever_the_case(cohort, members, facilitator):
    services.create_committee(cohort=cohort, name="Finances", by=facilitator)

    with pytest.raises(ValidationError, match="already has a committee with this name"):
        services.create_committee(cohort=cohort, name=" finances ", by=facilitator)


def test_members_are_added_to_and_removed_from_a_committee(cohort, members, facilitator):
    committee = services.create_committee(cohort=cohort, name="Finances", members=members[:1], by=facilitator)

    services.add_committee_members(committee=committee, members=members[1:3], by=facilitator)
    services.remove_committee_member(committee=committee, enrolment=members[0], by=facilitator)

    assert set(committee.members.all()) == set(members[1:3])
    with pytest.raises(ValidationError, match="not a member of this committee"):
        services.remove_committee_member(committee=committee, enrolment=members[0], by=facilitator)
    with pytest.raises(ValidationError, match="Only current members"):
        services.add_committee_members(committee=committee, members=[EnrolmentFactory()], by=facilitator)
    with pytest.raises(ValidationError, match="do not run this CJS"):
        services.add_committee_members(
            committee=committee, members=members[3:], by=FacilitatorAssignmentFactory().user
        )


# --- Dates ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "message"),
    [
        (datetime.date(2018, 6, 30), "The CJS starts on 01/07/2018"),
        (datetime.date(2018, 9, 1), "The CJS ends on 31/08/2018"),
    ],
)
def test_a_meeting_happens_during_the_season(cohort, members, facilitator, day, message):
    with pytest.raises(ValidationError, match=message):
        services.record_meeting(cohort=cohort, meeting_date=day, attendees=members, by=facilitator)


def test_a_meeting_to_come_has_no_attendees_and_no_votes_yet(members, facilitator, cohort):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    cohort.start_date, cohort.end_date = tomorrow - datetime.timedelta(days=30), None
    cohort.save()

    with pytest.raises(ValidationError, match="has not taken place yet"):
        services.record_meeting(cohort=cohort, meeting_date=tomorrow, attendees=members, by=facilitator)
    planned = services.record_meeting(
        cohort=cohort, meeting_date=tomorrow, attendees=[], agenda="Budget", by=facilitator
    )
    with pytest.raises(ValidationError, match="has not taken place yet"):
        services.record_decision(meeting=planned, title="X", votes={members[0].pk: "for"}, by=facilitator)


# --- Votes ------------------------------------------------------------------------------------------------


def test_a_member_given_twice_in_a_vote_is_refused(cohort, members, facilitator):
    meeting = assembly(cohort, members[:3], facilitator)
    name = str(members[0].person)

    with pytest.raises(ValidationError, match=f"{name} votes twice: one member, one vote"):
        services.record_decision(
            meeting=meeting,
            title="Logo",
            votes=[(members[0], "for"), (members[1].pk, "for"), (members[0].pk, "against")],
            by=facilitator,
        )

    assert not Decision.objects.exists()


@pytest.mark.parametrize(("votes", "message"), [({}, "at least one member"), ({0: "maybe"}, "is not a vote")])
def test_a_vote_needs_a_member_and_a_choice(cohort, members, facilitator, votes, message):
    meeting = assembly(cohort, members[:3], facilitator)
    votes = {members[0].pk if key == 0 else key: value for key, value in votes.items()}

    with pytest.raises(ValidationError, match=message):
        services.record_decision(meeting=meeting, title="Logo", votes=votes, by=facilitator)


def test_a_member_who_left_after_the_meeting_no_longer_votes(cohort, members, facilitator):
    meeting = assembly(cohort, members[:3], facilitator)
    members[2].status = "withdrawn"
    members[2].exit_reason = "found_job"
    members[2].save()

    with pytest.raises(ValidationError, match="present at the meeting"):
        services.record_decision(meeting=meeting, title="Logo", votes={members[2].pk: "for"}, by=facilitator)


# --- Correcting a meeting ---------------------------------------------------------------------------------


def test_a_planned_meeting_is_completed_after_the_fact(cohort, members, facilitator):
    meeting = services.record_meeting(cohort=cohort, meeting_date=DAY, attendees=[], by=facilitator)

    services.update_meeting(
        meeting=meeting,
        kind=MeetingKind.ASSEMBLY,
        meeting_date=DAY,
        attendees=members[:3],
        minutes="Tarifs votés",
        by=facilitator,
    )

    meeting.refresh_from_db()
    assert meeting.minutes == "Tarifs votés" and meeting.attendees.count() == 3


def test_a_meeting_that_voted_keeps_its_voters_and_its_quorum(cohort, members, facilitator):
    meeting = assembly(cohort, members[:3], facilitator)
    services.record_decision(meeting=meeting, title="Logo", votes={members[0].pk: "for"}, by=facilitator)
    fields = {"kind": MeetingKind.ASSEMBLY, "meeting_date": DAY, "by": facilitator}

    with pytest.raises(ValidationError, match="voted in this meeting and must stay among the attendees"):
        services.update_meeting(meeting=meeting, attendees=members[1:3], **fields)
    with pytest.raises(ValidationError, match="it must keep its quorum"):
        services.update_meeting(meeting=meeting, attendees=members[:1], **fields)

    assert set(meeting.attendees.all()) == set(members[:3])


# --- Service requests --------------------------------------------------------------------------------------


def test_a_request_is_declined_then_reopened_but_never_quoted_by_hand(cohort, facilitator):
    service_request = ServiceRequestFactory(cohort=cohort)

    services.set_service_request_status(service_request=service_request, status="declined", by=facilitator)
    assert service_request.status == "declined"
    services.set_service_request_status(service_request=service_request, status="new", by=facilitator)
    assert service_request.status == "new"
    with pytest.raises(ValidationError, match="becomes quoted when you make its quote"):
        services.set_service_request_status(service_request=service_request, status="quoted", by=facilitator)
    with pytest.raises(ValidationError, match="Only a declined request can be reopened"):
        services.reopen_service_request(service_request=service_request, by=facilitator)

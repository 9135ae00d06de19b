"""The facilitator's governance screens: meetings with who attended, decisions with votes, committees."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from cjs import services
from cjs.models import Committee, Decision, Meeting, Vote
from tests.cjs.factories import (
    CommitteeFactory,
    DecisionFactory,
    MeetingFactory,
    ServiceRequestFactory,
    VoteFactory,
)
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    UserFactory,
    department,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "roles")]

DAY = datetime.date(2018, 7, 20)


@pytest.fixture
def cohort():
    return CohortFactory(department=department("44"))


@pytest.fixture
def members(cohort):
    return [
        EnrolmentFactory(cohort=cohort, person__first_name=first, person__last_name=last)
        for first, last in [("Awa", "Diallo"), ("Léo", "Martin"), ("Inès", "Petit"), ("Noah", "Robert")]
    ]


@pytest.fixture
def facilitator(cohort):
    return FacilitatorAssignmentFactory(cohort=cohort).user


@pytest.fixture
def staff_client(client, facilitator):
    client.force_login(facilitator)
    return client


def url(name, cohort, *args):
    return reverse(f"cjs:{name}", args=[cohort.pk, *args])


def record(cohort, attendees, by=None):
    return services.record_meeting(cohort=cohort, meeting_date=DAY, attendees=attendees, by=by)


# --- Meetings -----------------------------------------------------------------------------------------


def test_the_cjs_screens_lead_to_the_governance(staff_client, cohort):
    for page in [reverse("programmes:cohort_detail", args=[cohort.pk]), url("requests", cohort)]:
        assertContains(staff_client.get(page), url("meetings", cohort))
    assertContains(staff_client.get(url("meetings", cohort)), url("committees", cohort))


def test_a_facilitator_records_a_general_assembly_with_who_attended(staff_client, cohort, members):
    form = staff_client.get(url("meeting_new", cohort))
    for member in members:
        assertContains(form, f'value="{member.pk}"')

    response = staff_client.post(
        url("meeting_new", cohort),
        {
            "body": "assembly",
            "meeting_date": "2018-07-20",
            "agenda": "1. Tarifs",
            "attendees": [member.pk for member in members[:3]],
            "minutes": "Tarif voté",
        },
    )

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("meeting", cohort, meeting.pk)
    assert (meeting.kind, meeting.meeting_date, meeting.agenda) == ("assembly", DAY, "1. Tarifs")
    assert set(meeting.attendees.all()) == set(members[:3])
    page = staff_client.get(response["Location"])
    assertContains(page, "Quorum reached")
    assertContains(page, "3 present out of 4 members; at least 2 needed (50 %).")
    assertContains(page, "Léo Martin")
    assertContains(page, url("decision_new", cohort, meeting.pk))


def test_votes_are_recorded_for_the_members_present_and_the_result_shown(staff_client, cohort, members):
    meeting = record(cohort, members[:3])
    form = staff_client.get(url("decision_new", cohort, meeting.pk))
    for member in members[:3]:
        assertContains(form, f'name="vote-{member.pk}"')
    assertNotContains(form, f'name="vote-{members[3].pk}"')

    response = staff_client.post(
        url("decision_new", cohort, meeting.pk),
        {
            "title": "Tarif horaire à 15 €",
            f"vote-{members[0].pk}": "for",
            f"vote-{members[1].pk}": "against",
            f"vote-{members[2].pk}": "for",
        },
        follow=True,
    )

    decision = Decision.objects.get()
    assert sorted(decision.votes.values_list("choice", flat=True)) == ["against", "for", "for"]
    assertContains(response, "Decision and votes recorded.")
    assertContains(response, "Tarif horaire à 15 €")
    assertContains(response, "Adopted")
    assertContains(response, "For: 2 · Against: 1 · Abstentions: 0")
    listing = staff_client.get(url("meetings", cohort))
    assertContains(listing, "For: 2 · Against: 1 · Abstentions: 0")


def test_a_tie_and_members_who_do_not_vote(staff_client, cohort, members):
    meeting = record(cohort, members)

    response = staff_client.post(
        url("decision_new", cohort, meeting.pk),
        {
            "title": "Logo bleu",
            f"vote-{members[0].pk}": "for",
            f"vote-{members[1].pk}": "against",
            f"vote-{members[2].pk}": "abstention",
            f"vote-{members[3].pk}": "none",
        },
        follow=True,
    )

    assert Vote.objects.count() == 3
    assertContains(response, "Not adopted")
    assertContains(response, "For: 1 · Against: 1 · Abstentions: 1")


def test_without_quorum_the_screen_says_so_and_nobody_votes(staff_client, cohort, members):
    meeting = record(cohort, members[:1])

    page = staff_client.get(url("meeting", cohort, meeting.pk))
    attempt = staff_client.post(
        url("decision_new", cohort, meeting.pk),
        {"title": "Logo", f"vote-{members[0].pk}": "for"},
        follow=True,
    )

    assertContains(page, "Quorum not reached")
    assertContains(page, "1 present out of 4 members; at least 2 needed (50 %).")
    assertContains(page, "This meeting cannot vote.")
    assertNotContains(page, url("decision_new", cohort, meeting.pk))
    assertContains(attempt, "The quorum is not reached: this meeting cannot vote.")
    assert not Decision.objects.exists()
    assertContains(staff_client.get(url("meetings", cohort)), "Quorum not reached")


def test_the_quorum_follows_the_setting_on_screen(staff_client, cohort, members, settings):
    settings.ESSAIM_CJS_QUORUM = 0.75
    meeting = record(cohort, members[:2])

    page = staff_client.get(url("meeting", cohort, meeting.pk))

    assertContains(page, "2 present out of 4 members; at least 3 needed (75 %).")
    assertContains(page, "Quorum not reached")


def test_a_decision_without_any_vote_is_refused_with_a_message(staff_client, cohort, members):
    meeting = record(cohort, members)

    response = staff_client.post(url("decision_new", cohort, meeting.pk), {"title": "Logo"})

    assert response.status_code == 200
    assertContains(response, "Record the vote of at least one member present.")
    assert not Decision.objects.exists()


def test_votes_for_members_absent_from_the_meeting_are_not_taken(staff_client, cohort, members):
    meeting = record(cohort, members[:3])

    staff_client.post(
        url("decision_new", cohort, meeting.pk),
        {"title": "Logo", f"vote-{members[0].pk}": "for", f"vote-{members[3].pk}": "against"},
    )

    assert list(Vote.objects.values_list("enrolment", "choice")) == [(members[0].pk, "for")]


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2018-06-15", "The CJS starts on 01/07/2018: choose a date from then on."),
        ("", "This field is required."),
    ],
)
def test_a_meeting_out_of_the_season_is_refused_with_a_message(staff_client, cohort, members, date, message):
    response = staff_client.post(
        url("meeting_new", cohort), {"body": "assembly", "meeting_date": date, "attendees": [members[0].pk]}
    )

    assert response.status_code == 200
    assertContains(response, 'class="error-summary"')
    assertContains(response, message)
    assert not Meeting.objects.exists()


def test_a_meeting_is_completed_after_the_fact(staff_client, cohort, members):
    meeting = services.record_meeting(cohort=cohort, meeting_date=DAY, attendees=[], agenda="Budget", by=None)
    form = staff_client.get(url("meeting_edit", cohort, meeting.pk))
    assertContains(form, "Budget")

    staff_client.post(
        url("meeting_edit", cohort, meeting.pk),
        {
            "body": "assembly",
            "meeting_date": "2018-07-20",
            "agenda": "Budget",
            "attendees": [members[0].pk, members[1].pk],
            "minutes": "Budget adopté",
        },
    )

    meeting.refresh_from_db()
    assert meeting.minutes == "Budget adopté"
    assert set(meeting.attendees.all()) == set(members[:2])


def test_a_voter_cannot_be_removed_from_the_attendees(staff_client, cohort, members):
    meeting = record(cohort, members[:3])
    services.record_decision(meeting=meeting, title="Logo", votes={members[0].pk: "for"}, by=None)

    response = staff_client.post(
        url("meeting_edit", cohort, meeting.pk),
        {"body": "assembly", "meeting_date": "2018-07-20", "attendees": [members[1].pk, members[2].pk]},
    )

    assertContains(response, "Awa Diallo voted in this meeting and must stay among the attendees.")
    assert meeting.attendees.count() == 3


# --- Committees ---------------------------------------------------------------------------------------


def test_a_facilitator_creates_a_committee_and_changes_its_members(staff_client, cohort, members):
    response = staff_client.post(
        url("committees", cohort), {"name": "Finances", "members": [members[0].pk, members[1].pk]}
    )
    committee = Committee.objects.get()
    assert response["Location"] == url("committee", cohort, committee.pk)
    assert set(committee.members.all()) == set(members[:2])

    staff_client.post(url("committee_add_members", cohort, committee.pk), {"members": [members[2].pk]})
    staff_client.post(url("committee_remove_member", cohort, committee.pk, members[0].pk))

    assert set(committee.members.all()) == set(members[1:3])
    page = staff_client.get(url("committee", cohort, committee.pk))
    assertContains(page, "Members (2)")
    assertContains(page, url("committee_remove_member", cohort, committee.pk, members[1].pk))
    assertContains(staff_client.get(url("committees", cohort)), "Léo Martin, Inès Petit")


def test_a_second_committee_with_the_same_name_is_refused(staff_client, cohort):
    CommitteeFactory(cohort=cohort, name="Finances")

    response = staff_client.post(url("committees", cohort), {"name": "FINANCES"})

    assert response.status_code == 200
    assertContains(response, "This CJS already has a committee with this name.")
    assert Committee.objects.count() == 1


def test_adding_nobody_to_a_committee_says_so(staff_client, cohort, members):
    committee = CommitteeFactory(cohort=cohort)

    response = staff_client.post(url("committee_add_members", cohort, committee.pk), {"members": []})

    assert response.status_code == 200
    assertContains(response, "This field is required.")


def test_a_committee_meeting_is_recorded_from_the_committee_page(staff_client, cohort, members):
    committee = CommitteeFactory(cohort=cohort, name="Finances", members=members[:2])
    page = staff_client.get(url("committee", cohort, committee.pk))
    new_url = url("meeting_new", cohort) + f"?committee={committee.pk}"
    assertContains(page, new_url)

    form = staff_client.get(new_url)
    assertContains(form, f'<option value="committee-{committee.pk}" selected>')
    assertContains(form, f'value="{members[0].pk}"')
    assertNotContains(form, f'value="{members[2].pk}"')
    staff_client.post(
        new_url,
        {"body": f"committee-{committee.pk}", "meeting_date": "2018-07-22", "attendees": [members[0].pk]},
    )

    meeting = Meeting.objects.get()
    assert (meeting.kind, meeting.committee) == ("committee", committee)
    detail = staff_client.get(url("meeting", cohort, meeting.pk))
    assertContains(detail, "Committee meeting · Finances")
    assertContains(detail, "1 present out of 2 members; at least 1 needed (50 %).")


def test_a_committee_meeting_with_an_outsider_is_refused_with_a_message(staff_client, cohort, members):
    committee = CommitteeFactory(cohort=cohort, name="Finances", members=members[:2])

    response = staff_client.post(
        url("meeting_new", cohort),
        {"body": f"committee-{committee.pk}", "meeting_date": "2018-07-22", "attendees": [members[3].pk]},
    )

    assert response.status_code == 200
    assertContains(
        response, "Only members of the committee “Finances” attend its meetings: Noah Robert is not one."
    )
    assert not Meeting.objects.exists()


# --- Service requests -----------------------------------------------------------------------------------


def test_a_declined_request_is_reopened_from_the_requests_screen(staff_client, cohort):
    service_request = ServiceRequestFactory(cohort=cohort, status="declined")
    page = staff_client.get(url("requests", cohort))
    assertContains(page, url("request_reopen", cohort, service_request.pk))

    response = staff_client.post(url("request_reopen", cohort, service_request.pk), follow=True)
    again = staff_client.post(url("request_reopen", cohort, service_request.pk), follow=True)

    service_request.refresh_from_db()
    assert service_request.status == "new"
    assertContains(response, "Request reopened: it is back among those to answer.")
    assertContains(again, "Only a declined request can be reopened.")
    other = ServiceRequestFactory(status="declined")
    assert staff_client.post(url("request_reopen", other.cohort, other.pk)).status_code == 404
    assert staff_client.post(url("request_reopen", cohort, other.pk)).status_code == 404


# --- Access -------------------------------------------------------------------------------------------


def governance_urls(other):
    member = EnrolmentFactory(cohort=other)
    meeting = MeetingFactory(cohort=other, attendees=[member])
    committee = CommitteeFactory(cohort=other, members=[member])
    return [
        ("get", url("meetings", other)),
        ("get", url("meeting_new", other)),
        ("post", url("meeting_new", other)),
        ("get", url("meeting", other, meeting.pk)),
        ("get", url("meeting_edit", other, meeting.pk)),
        ("post", url("meeting_edit", other, meeting.pk)),
        ("get", url("decision_new", other, meeting.pk)),
        ("post", url("decision_new", other, meeting.pk)),
        ("get", url("committees", other)),
        ("post", url("committees", other)),
        ("get", url("committee", other, committee.pk)),
        ("post", url("committee_add_members", other, committee.pk)),
        ("post", url("committee_remove_member", other, committee.pk, member.pk)),
    ]


def test_a_facilitator_of_another_cjs_gets_404_everywhere(staff_client):
    other = CohortFactory()

    for method, path in governance_urls(other):
        assert getattr(staff_client, method)(path).status_code == 404, path
    assert Meeting.objects.get().attendees.count() == 1
    assert Committee.objects.get().members.count() == 1


def test_another_cjs_meeting_or_committee_is_404_under_my_own_cjs(staff_client, cohort):
    meeting = MeetingFactory(cohort=CohortFactory())
    committee = CommitteeFactory(cohort=CohortFactory())

    assert staff_client.get(url("meeting", cohort, meeting.pk)).status_code == 404
    assert staff_client.post(url("decision_new", cohort, meeting.pk)).status_code == 404
    assert staff_client.get(url("committee", cohort, committee.pk)).status_code == 404


@pytest.mark.parametrize("role", ["learner", "partner"])
def test_members_and_partners_are_refused(client, cohort, role):
    user = UserFactory(role=role)
    EnrolmentFactory(cohort=cohort, person__user=user)
    client.force_login(user)

    for name in ["meetings", "committees", "meeting_new"]:
        assert client.get(url(name, cohort)).status_code == 403


def test_anonymous_visitors_go_to_the_login_page(client, cohort):
    response = client.get(url("meetings", cohort))

    assert response.status_code == 302 and "login" in response["Location"]


def test_a_coordinator_manages_the_governance_of_their_scope_only(client, cohort, members):
    coordinator = CoordinatorScopeFactory(programme=cohort.edition.programme, regions=[region("52")]).user
    outside = CohortFactory(edition=cohort.edition, department=department("33"))
    client.force_login(coordinator)

    assert client.get(url("meetings", cohort)).status_code == 200
    response = client.post(url("committees", cohort), {"name": "Communication", "members": [members[0].pk]})
    assert response.status_code == 302
    assert client.get(url("meetings", outside)).status_code == 404


# --- Query counts ---------------------------------------------------------------------------------------


def queries(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context)


def add_meetings(cohort, members, committee, count):
    for index in range(count):
        meeting = MeetingFactory(
            cohort=cohort,
            meeting_date=DAY + datetime.timedelta(days=index % 30),
            **({"kind": "committee", "committee": committee} if index % 2 else {}),
            attendees=members,
        )
        for choice in ["for", "against"]:
            decision = DecisionFactory(meeting=meeting)
            VoteFactory(decision=decision, enrolment=members[0], choice=choice)
            VoteFactory(decision=decision, enrolment=members[1], choice="abstention")


def test_the_governance_lists_have_a_flat_query_count(staff_client, cohort, members):
    committee = CommitteeFactory(cohort=cohort, members=members[:2])
    pages = [url("meetings", cohort), url("committees", cohort)]
    staff_client.get(pages[0])
    add_meetings(cohort, members, committee, 5)
    CommitteeFactory.create_batch(4, cohort=cohort, members=members)
    at_5 = [queries(staff_client, page) for page in pages]

    add_meetings(cohort, members, committee, 45)
    CommitteeFactory.create_batch(45, cohort=cohort, members=members)
    at_50 = [queries(staff_client, page) for page in pages]

    assert at_5 == at_50
    assert max(at_50) <= 15


def test_a_meeting_and_a_committee_page_have_a_flat_query_count(staff_client, cohort):
    meeting = MeetingFactory(cohort=cohort)
    committee = CommitteeFactory(cohort=cohort)
    pages = [url("meeting", cohort, meeting.pk), url("committee", cohort, committee.pk)]

    def grow(count):
        people = EnrolmentFactory.create_batch(count, cohort=cohort)
        meeting.attendees.add(*people)
        committee.members.add(*people[: count // 2])
        for person in people:
            VoteFactory(decision=DecisionFactory(meeting=meeting), enrolment=person)

    staff_client.get(pages[0])
    grow(5)
    at_5 = [queries(staff_client, page) for page in pages]
    grow(45)
    at_50 = [queries(staff_client, page) for page in pages]

    assert at_5 == at_50

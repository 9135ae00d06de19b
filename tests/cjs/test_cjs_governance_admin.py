"""The back office's governance and service-request screens: scoped listings, object views and choices."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from cjs.models import Committee, Decision, Meeting, ServiceRequest
from programmes.roles import Role
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

LISTS = [
    "/admin/cjs/meetings/",
    "/admin/cjs/decisions/",
    "/admin/cjs/committees/",
    "/admin/cjs/service-requests/",
]


@pytest.fixture
def scope():
    inside = CohortFactory(department=department("44"))
    outside = CohortFactory(edition=inside.edition, department=department("33"))
    coordinator = CoordinatorScopeFactory(programme=inside.edition.programme, regions=[region("52")]).user
    return coordinator, inside, outside


def governance(cohort, label):
    member = EnrolmentFactory(cohort=cohort, person__last_name=f"Membre{label}")
    committee = CommitteeFactory(cohort=cohort, name=f"Comité {label}", members=[member])
    meeting = MeetingFactory(cohort=cohort, agenda=f"Ordre du jour {label}", attendees=[member])
    decision = VoteFactory(
        decision__meeting=meeting, decision__title=f"Décision {label}", enrolment=member
    ).decision
    service_request = ServiceRequestFactory(cohort=cohort, name=f"Demandeur {label}")
    return member, committee, meeting, decision, service_request


def test_a_coordinator_sees_the_governance_of_their_scope_only(client, scope):
    coordinator, inside, outside = scope
    governance(inside, "Dedans")
    _member, committee, meeting, decision, service_request = governance(outside, "Dehors")
    client.force_login(coordinator)

    pages = [client.get(path) for path in LISTS]

    for page in pages:
        assert page.status_code == 200
        assertNotContains(page, "Dehors")
    assertContains(pages[0], inside.name)
    assertContains(pages[1], "Décision Dedans")
    assertContains(pages[2], "Comité Dedans")
    assertContains(pages[3], "Demandeur Dedans")
    for path in [
        f"/admin/cjs/meetings/inspect/{meeting.pk}/",
        f"/admin/cjs/meetings/edit/{meeting.pk}/",
        f"/admin/cjs/decisions/inspect/{decision.pk}/",
        f"/admin/cjs/decisions/edit/{decision.pk}/",
        f"/admin/cjs/committees/edit/{committee.pk}/",
        f"/admin/cjs/committees/inspect/{committee.pk}/",
        f"/admin/cjs/service-requests/inspect/{service_request.pk}/",
        f"/admin/cjs/service-requests/edit/{service_request.pk}/",
    ]:
        assert client.get(path).status_code == 404, path


@pytest.mark.parametrize("path", LISTS)
def test_facilitators_and_learners_have_no_back_office(client, path):
    assignment = FacilitatorAssignmentFactory()
    governance(assignment.cohort, "X")
    for user in [assignment.user, UserFactory(role=Role.LEARNER)]:
        client.force_login(user)
        assert client.get(path).status_code == 302


def test_the_meeting_form_offers_the_scope_only_and_saves_through_the_service(client, scope):
    coordinator, inside, outside = scope
    mine = EnrolmentFactory(cohort=inside, person__last_name="Dedans")
    theirs = EnrolmentFactory(cohort=outside, person__last_name="Dehors")
    CommitteeFactory(cohort=inside, name="Comité Dedans")
    CommitteeFactory(cohort=outside, name="Comité Dehors")
    client.force_login(coordinator)

    form = client.get("/admin/cjs/meetings/new/")
    response = client.post(
        "/admin/cjs/meetings/new/",
        {"cohort": inside.pk, "kind": "assembly", "meeting_date": "2018-07-20", "attendees": [mine.pk]},
    )

    assertContains(form, "Dedans")
    assertNotContains(form, "Dehors")
    assertNotContains(form, f'value="{theirs.pk}"')
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.created_by, list(meeting.attendees.all())) == (coordinator, [mine])
    inspect = client.get(f"/admin/cjs/meetings/inspect/{meeting.pk}/")
    assertContains(inspect, "Quorum reached: 1 present out of 1 members, 1 needed")


def test_the_admin_shows_a_broken_governance_rule_on_the_form(client, scope):
    coordinator, inside, _outside = scope
    client.force_login(coordinator)

    out_of_season = client.post(
        "/admin/cjs/meetings/new/", {"cohort": inside.pk, "kind": "assembly", "meeting_date": "2018-10-01"}
    )
    no_committee = client.post(
        "/admin/cjs/meetings/new/", {"cohort": inside.pk, "kind": "committee", "meeting_date": "2018-07-20"}
    )

    assertContains(out_of_season, "The CJS ends on 31/08/2018: choose a date until then.")
    assertContains(no_committee, "Choose the committee that met.")
    assert not Meeting.objects.exists()


def test_a_voter_stays_among_the_attendees_when_the_meeting_is_edited_in_the_admin(client, scope):
    coordinator, inside, _outside = scope
    voter, other = EnrolmentFactory.create_batch(2, cohort=inside)
    meeting = MeetingFactory(cohort=inside, attendees=[voter, other])
    VoteFactory(decision__meeting=meeting, enrolment=voter)
    client.force_login(coordinator)

    response = client.post(
        f"/admin/cjs/meetings/edit/{meeting.pk}/",
        {"kind": "assembly", "meeting_date": "2018-07-20", "attendees": [other.pk]},
    )

    assert response.status_code == 200
    assertContains(response, "voted in this meeting and must stay among the attendees")
    assert meeting.attendees.count() == 2


def test_committees_are_created_and_edited_through_the_services(client, scope):
    coordinator, inside, outside = scope
    mine = EnrolmentFactory(cohort=inside)
    theirs = EnrolmentFactory(cohort=outside)
    client.force_login(coordinator)

    client.post("/admin/cjs/committees/new/", {"cohort": inside.pk, "name": "Finances", "members": [mine.pk]})
    committee = Committee.objects.get()
    refused = client.post(
        f"/admin/cjs/committees/edit/{committee.pk}/", {"name": "Finances", "members": [mine.pk, theirs.pk]}
    )
    client.post(f"/admin/cjs/committees/edit/{committee.pk}/", {"name": "Trésorerie", "members": []})

    assert refused.status_code == 200
    committee.refresh_from_db()
    assert committee.name == "Trésorerie"
    assert not committee.members.exists()


def test_decisions_are_not_added_by_hand_but_their_wording_is_corrected(client, scope):
    coordinator, inside, _outside = scope
    decision = DecisionFactory(meeting__cohort=inside, title="Tarif à 15")
    client.force_login(coordinator)

    assert client.get("/admin/cjs/decisions/new/").status_code in (302, 403)
    client.post(f"/admin/cjs/decisions/edit/{decision.pk}/", {"title": "Tarif horaire à 15 €", "text": ""})

    decision.refresh_from_db()
    assert decision.title == "Tarif horaire à 15 €"
    assert Decision.objects.count() == 1


def test_a_service_request_is_declined_in_the_admin_never_quoted_by_hand(client, scope):
    coordinator, inside, _outside = scope
    service_request = ServiceRequestFactory(cohort=inside)
    client.force_login(coordinator)

    assert client.get("/admin/cjs/service-requests/new/").status_code in (302, 403)
    client.post(f"/admin/cjs/service-requests/edit/{service_request.pk}/", {"status": "declined"})
    service_request.refresh_from_db()
    assert service_request.status == "declined"
    response = client.post(f"/admin/cjs/service-requests/edit/{service_request.pk}/", {"status": "quoted"})

    assertContains(response, "A request becomes quoted when you make its quote.")
    assert ServiceRequest.objects.get().status == "declined"


def queries(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context)


def add_rows(cohort, members, count):
    for index in range(count):
        meeting = MeetingFactory(
            cohort=cohort, meeting_date=datetime.date(2018, 7, 1 + index % 30), attendees=members
        )
        VoteFactory(decision__meeting=meeting, enrolment=members[0], choice="against")
        CommitteeFactory(cohort=cohort, members=members)
        ServiceRequestFactory(cohort=cohort)


@pytest.mark.parametrize("role", [Role.FABRIQUE, Role.COORDINATOR])
def test_the_admin_lists_keep_the_same_query_count(client, scope, role):
    coordinator, inside, _outside = scope
    members = EnrolmentFactory.create_batch(3, cohort=inside)
    client.force_login(coordinator if role == Role.COORDINATOR else UserFactory(role=role))
    for path in LISTS:
        client.get(path)
    add_rows(inside, members, 5)
    at_5 = [queries(client, path) for path in LISTS]

    add_rows(inside, members, 45)
    at_50 = [queries(client, path) for path in LISTS]

    assert at_5 == at_50

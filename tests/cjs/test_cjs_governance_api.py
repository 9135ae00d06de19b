"""The governance and service-request API: scoped by the access policy, writes through the services."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from cjs import services
from cjs.models import Committee, Contract, Decision, Meeting, ServiceRequest
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
    PartnerContactFactory,
    UserFactory,
    department,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DAY = datetime.date(2018, 7, 20)
API = "/api/v1/cjs/"


@pytest.fixture
def assignment():
    return FacilitatorAssignmentFactory()


@pytest.fixture
def members(assignment):
    return EnrolmentFactory.create_batch(4, cohort=assignment.cohort)


@pytest.fixture
def api(client, assignment):
    client.force_login(assignment.user)
    return client


def post(client, path, data):
    return client.post(API + path, data, content_type="application/json")


def patch(client, path, data):
    return client.patch(API + path, data, content_type="application/json")


def test_a_facilitator_records_an_assembly_and_a_decision_through_the_api(api, assignment, members):
    created = post(
        api,
        "meetings/",
        {
            "cohort": assignment.cohort.pk,
            "kind": "assembly",
            "meeting_date": "2018-07-20",
            "agenda": "Tarifs",
            "attendees": [member.pk for member in members[:3]],
        },
    )
    assert created.status_code == 201, created.json()
    meeting = created.json()
    assert meeting["quorum"] == {"present": 3, "members": 4, "required": 2, "is_reached": True}
    assert {item["enrolment"] for item in meeting["attendees"]} == {member.pk for member in members[:3]}
    assert f"{members[0].person.first_name} {members[0].person.last_name}" in [
        item["member"] for item in meeting["attendees"]
    ]

    decision = post(
        api,
        "decisions/",
        {
            "meeting": meeting["id"],
            "title": "Tarif horaire à 15 €",
            "votes": [
                {"enrolment": members[0].pk, "choice": "for"},
                {"enrolment": members[1].pk, "choice": "against"},
                {"enrolment": members[2].pk, "choice": "for"},
            ],
        },
    )

    assert decision.status_code == 201, decision.json()
    body = decision.json()
    assert body["tally"] == {"votes_for": 2, "votes_against": 1, "abstentions": 0, "is_adopted": True}
    assert {(vote["enrolment"], vote["choice"]) for vote in body["votes"]} == {
        (members[0].pk, "for"),
        (members[1].pk, "against"),
        (members[2].pk, "for"),
    }
    listed = api.get(API + "meetings/").json()["results"]
    assert listed[0]["decisions"] == [
        {
            "id": body["id"],
            "title": "Tarif horaire à 15 €",
            "text": "",
            "tally": {"votes_for": 2, "votes_against": 1, "abstentions": 0, "is_adopted": True},
        }
    ]


def test_a_late_vote_is_added_once(api, assignment, members):
    meeting = services.record_meeting(cohort=assignment.cohort, meeting_date=DAY, attendees=members, by=None)
    decision = services.record_decision(meeting=meeting, title="Logo", votes={members[0].pk: "for"}, by=None)

    first = post(api, f"decisions/{decision.pk}/votes/", {"enrolment": members[1].pk, "choice": "against"})
    again = post(api, f"decisions/{decision.pk}/votes/", {"enrolment": members[1].pk, "choice": "for"})

    assert first.status_code == 201
    assert first.json()["tally"]["votes_against"] == 1
    assert again.status_code == 400
    assert "This member has already voted." in str(again.json())


@pytest.mark.parametrize(
    ("votes", "message"),
    [
        ([("absent", "for")], "Only members present at the meeting can vote."),
        ([("first", "for"), ("first", "against")], "votes twice: one member, one vote."),
        ([], "Record the vote of at least one member present."),
        ([("first", "perhaps")], "is not a valid choice"),
    ],
)
def test_bad_votes_are_refused_with_a_clear_message(api, assignment, members, votes, message):
    meeting = services.record_meeting(
        cohort=assignment.cohort, meeting_date=DAY, attendees=members[:3], by=None
    )
    who = {"first": members[0].pk, "absent": members[3].pk}

    response = post(
        api,
        "decisions/",
        {
            "meeting": meeting.pk,
            "title": "Logo",
            "votes": [{"enrolment": who[key], "choice": choice} for key, choice in votes],
        },
    )

    assert response.status_code == 400
    assert message in str(response.json())
    assert not Decision.objects.exists()


def test_without_quorum_the_api_refuses_the_decision(api, assignment, members):
    meeting = services.record_meeting(
        cohort=assignment.cohort, meeting_date=DAY, attendees=members[:1], by=None
    )

    detail = api.get(f"{API}meetings/{meeting.pk}/").json()
    response = post(
        api,
        "decisions/",
        {"meeting": meeting.pk, "title": "X", "votes": [{"enrolment": members[0].pk, "choice": "for"}]},
    )

    assert detail["quorum"] == {"present": 1, "members": 4, "required": 2, "is_reached": False}
    assert response.status_code == 400
    assert "The quorum is not reached: this meeting cannot vote." in str(response.json())


def test_a_meeting_out_of_the_season_is_a_400(api, assignment, members):
    response = post(
        api, "meetings/", {"cohort": assignment.cohort.pk, "meeting_date": "2018-09-15", "attendees": []}
    )

    assert response.status_code == 400
    assert response.json() == {"meeting_date": ["The CJS ends on 31/08/2018: choose a date until then."]}


def test_a_meeting_is_completed_with_a_patch(api, assignment, members):
    meeting = services.record_meeting(cohort=assignment.cohort, meeting_date=DAY, attendees=[], by=None)

    response = patch(api, f"meetings/{meeting.pk}/", {"attendees": [members[0].pk], "minutes": "Court"})

    assert response.status_code == 200, response.json()
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.meeting_date) == ("Court", DAY)
    assert list(meeting.attendees.all()) == [members[0]]
    assert api.put(f"{API}meetings/{meeting.pk}/", {}, content_type="application/json").status_code == 405


def test_committees_with_their_members_through_the_api(api, assignment, members):
    created = post(
        api, "committees/", {"cohort": assignment.cohort.pk, "name": "Finances", "members": [members[0].pk]}
    )
    assert created.status_code == 201, created.json()
    path = f"committees/{created.json()['id']}/"

    added = post(api, path + "add-members/", {"members": [members[1].pk, members[2].pk]})
    removed = post(api, path + "remove-members/", {"members": [members[0].pk]})
    renamed = patch(api, path, {"name": "Finances et achats"})

    assert added.status_code == removed.status_code == renamed.status_code == 200
    assert renamed.json()["name"] == "Finances et achats"
    assert {member["enrolment"] for member in renamed.json()["members"]} == {members[1].pk, members[2].pk}
    duplicate = post(api, "committees/", {"cohort": assignment.cohort.pk, "name": "finances et achats"})
    assert duplicate.status_code == 400
    assert duplicate.json() == {"name": ["This CJS already has a committee with this name."]}


def test_a_committee_meeting_through_the_api(api, assignment, members):
    committee = CommitteeFactory(cohort=assignment.cohort, members=members[:2])

    response = post(
        api,
        "meetings/",
        {
            "cohort": assignment.cohort.pk,
            "kind": "committee",
            "committee": committee.pk,
            "meeting_date": "2018-07-21",
            "attendees": [members[0].pk],
        },
    )

    assert response.status_code == 201, response.json()
    assert response.json()["committee_name"] == committee.name
    assert response.json()["quorum"] == {"present": 1, "members": 2, "required": 1, "is_reached": True}
    assert [
        item["id"] for item in api.get(API + f"meetings/?committee={committee.pk}").json()["results"]
    ] == [response.json()["id"]]


# --- Service requests -----------------------------------------------------------------------------------


def test_service_requests_are_listed_declined_reopened_and_quoted(api, assignment):
    service_request = ServiceRequestFactory(cohort=assignment.cohort, name="Mme Roux")
    path = f"service-requests/{service_request.pk}/"

    listed = api.get(API + "service-requests/?status=new").json()["results"]
    declined = patch(api, path, {"status": "declined"})
    reopened = patch(api, path, {"status": "new"})
    refused = patch(api, path, {"status": "quoted"})
    quote = post(api, path + "quote/", {"price": "180.00", "start_date": "2018-07-25"})

    assert [item["name"] for item in listed] == ["Mme Roux"]
    assert declined.json()["status"] == "declined" and reopened.json()["status"] == "new"
    assert refused.status_code == 400
    assert quote.status_code == 201, quote.json()
    assert (quote.json()["price"], quote.json()["status"], quote.json()["client_name"]) == (
        "180.00",
        "quote",
        "Mme Roux",
    )
    service_request.refresh_from_db()
    assert service_request.status == "quoted"
    assert service_request.contract == Contract.objects.get()
    again = post(api, path + "quote/", {"price": "1", "start_date": "2018-07-25"})
    assert again.status_code == 400
    assert "This request has already been answered." in str(again.json())


# --- Access ---------------------------------------------------------------------------------------------


def other_cjs_rows():
    other = CohortFactory()
    member = EnrolmentFactory(cohort=other)
    meeting = MeetingFactory(cohort=other, attendees=[member])
    decision = VoteFactory(decision__meeting=meeting, enrolment=member).decision
    committee = CommitteeFactory(cohort=other, members=[member])
    service_request = ServiceRequestFactory(cohort=other)
    return other, member, meeting, decision, committee, service_request


def test_a_facilitator_never_sees_nor_writes_another_cjs_governance(api, assignment, members):
    other, member, meeting, decision, committee, service_request = other_cjs_rows()

    for path in ["meetings", "decisions", "committees", "service-requests"]:
        assert api.get(f"{API}{path}/").json()["results"] == []
    for path in [
        f"meetings/{meeting.pk}/",
        f"decisions/{decision.pk}/",
        f"committees/{committee.pk}/",
        f"service-requests/{service_request.pk}/",
    ]:
        assert api.get(API + path).status_code == 404, path
    assert patch(api, f"meetings/{meeting.pk}/", {"minutes": "x"}).status_code == 404
    assert (
        post(api, f"decisions/{decision.pk}/votes/", {"enrolment": member.pk, "choice": "for"}).status_code
        == 404
    )
    assert post(api, f"committees/{committee.pk}/add-members/", {"members": []}).status_code == 404
    assert patch(api, f"service-requests/{service_request.pk}/", {"status": "declined"}).status_code == 404
    assert post(api, f"service-requests/{service_request.pk}/quote/", {}).status_code == 404
    # Writing into another CJS, or naming its members, is refused.
    foreign = [
        ("meetings/", {"cohort": other.pk, "meeting_date": "2018-07-20", "attendees": []}),
        (
            "meetings/",
            {"cohort": assignment.cohort.pk, "meeting_date": "2018-07-20", "attendees": [member.pk]},
        ),
        (
            "decisions/",
            {"meeting": meeting.pk, "title": "X", "votes": [{"enrolment": member.pk, "choice": "for"}]},
        ),
        ("committees/", {"cohort": other.pk, "name": "X"}),
        ("committees/", {"cohort": assignment.cohort.pk, "name": "X", "members": [member.pk]}),
    ]
    for path, data in foreign:
        assert post(api, path, data).status_code == 400, (path, data)
    assert Meeting.objects.count() == Decision.objects.count() == Committee.objects.count() == 1
    assert ServiceRequest.objects.get().status == "new"


@pytest.mark.parametrize("role", [Role.PARTNER, Role.LEARNER])
def test_partners_and_members_see_no_governance(client, role):
    _other, member, meeting, *_rest = other_cjs_rows()
    user = UserFactory(role=role)
    if role == Role.PARTNER:
        PartnerContactFactory(user=user, organisation=meeting.cohort.host)
    else:
        member.person.user = user
        member.person.save()
    client.force_login(user)

    for path in ["meetings", "decisions", "committees", "service-requests"]:
        assert client.get(f"{API}{path}/").json()["results"] == []
    assert client.get(f"{API}meetings/{meeting.pk}/").status_code == 404


def test_anonymous_callers_are_refused(client):
    assert client.get(API + "meetings/").status_code in (401, 403)


def test_a_coordinator_sees_the_meetings_of_their_regions_only(client):
    inside = MeetingFactory(cohort=CohortFactory(department=department("44")))
    MeetingFactory(cohort=CohortFactory(department=department("33")))
    coordinator = CoordinatorScopeFactory(
        programme=inside.cohort.edition.programme, regions=[region("52")]
    ).user
    client.force_login(coordinator)

    ids = [item["id"] for item in client.get(API + "meetings/").json()["results"]]

    assert ids == [inside.pk]


# --- Schema and query counts ------------------------------------------------------------------------------


def test_the_schema_documents_the_governance_endpoints(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).json()

    paths = schema["paths"]
    for path in [
        "/api/v1/cjs/meetings/",
        "/api/v1/cjs/meetings/{id}/",
        "/api/v1/cjs/decisions/",
        "/api/v1/cjs/decisions/{id}/votes/",
        "/api/v1/cjs/committees/",
        "/api/v1/cjs/committees/{id}/add-members/",
        "/api/v1/cjs/service-requests/",
        "/api/v1/cjs/service-requests/{id}/quote/",
    ]:
        assert path in paths, path
    assert "put" not in paths["/api/v1/cjs/meetings/{id}/"]
    create = paths["/api/v1/cjs/decisions/"]["post"]
    assert create["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/DecisionCreate"
    }
    quorum = schema["components"]["schemas"]["Quorum"]["properties"]
    assert set(quorum) == {"present", "members", "required", "is_reached"}


def queries(client, path):
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context)


def add_rows(cohort, members, committee, count):
    for index in range(count):
        meeting = MeetingFactory(
            cohort=cohort,
            meeting_date=DAY + datetime.timedelta(days=index % 30),
            attendees=members,
            **({"kind": "committee", "committee": committee} if index % 2 else {}),
        )
        decision = DecisionFactory(meeting=meeting)
        VoteFactory(decision=decision, enrolment=members[0], choice="for")
        VoteFactory(decision=decision, enrolment=members[1], choice="against")
        CommitteeFactory(cohort=cohort, members=members)
        ServiceRequestFactory(cohort=cohort)


def test_the_governance_lists_keep_the_same_query_count(api, assignment, members):
    committee = CommitteeFactory(cohort=assignment.cohort, members=members[:2])
    paths = [API + path for path in ["meetings/", "decisions/", "committees/", "service-requests/"]]
    api.get(paths[0])
    add_rows(assignment.cohort, members, committee, 5)
    at_5 = [queries(api, path) for path in paths]

    add_rows(assignment.cohort, members, committee, 45)
    at_50 = [queries(api, path) for path in paths]

    assert at_5 == at_50
    assert max(at_50) <= 12

import pytest

from programmes.models import Attendance
from tests.programmes.factories import (
    CohortFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    PartnershipFactory,
    SessionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def facilitator_and_cohort():
    assignment = FacilitatorAssignmentFactory()
    return assignment.user, assignment.cohort


def test_a_facilitator_creates_a_session_and_records_attendance(client, facilitator_and_cohort):
    facilitator, cohort = facilitator_and_cohort
    members = [EnrolmentFactory(cohort=cohort) for _ in range(3)]
    client.force_login(facilitator)

    created = client.post(
        "/api/v1/sessions/",
        {"cohort": cohort.pk, "date": "2018-07-03", "kind": "work", "title": "Chantier peinture"},
        content_type="application/json",
    )
    session_id = created.json()["id"]
    marks = [
        {"enrolment": members[0].pk, "status": "present"},
        {"enrolment": members[1].pk, "status": "excused"},
    ]
    sheet = client.post(
        f"/api/v1/sessions/{session_id}/attendance/", {"marks": marks}, content_type="application/json"
    )
    again = client.post(
        f"/api/v1/sessions/{session_id}/attendance/",
        {"marks": [{"enrolment": members[1].pk, "status": "present"}]},
        content_type="application/json",
    )

    assert created.status_code == 201
    assert sheet.status_code == 200
    assert again.status_code == 200
    assert Attendance.objects.filter(session_id=session_id).count() == 2
    assert Attendance.objects.get(session_id=session_id, enrolment=members[1]).status == "present"


def test_a_facilitator_cannot_create_a_session_in_another_cohort(client, facilitator_and_cohort):
    facilitator, _ = facilitator_and_cohort
    client.force_login(facilitator)

    response = client.post(
        "/api/v1/sessions/",
        {"cohort": CohortFactory().pk, "date": "2018-07-03"},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "cohort" in response.json()


def test_attendance_refuses_people_of_another_cohort(client, facilitator_and_cohort):
    facilitator, cohort = facilitator_and_cohort
    session = SessionFactory(cohort=cohort)
    stranger = EnrolmentFactory()
    client.force_login(facilitator)

    response = client.post(
        f"/api/v1/sessions/{session.pk}/attendance/",
        {"marks": [{"enrolment": stranger.pk, "status": "present"}]},
        content_type="application/json",
    )

    assert response.status_code == 400
    assert not Attendance.objects.exists()


def test_another_cohorts_sessions_are_invisible(client, facilitator_and_cohort):
    facilitator, _ = facilitator_and_cohort
    other = SessionFactory()
    client.force_login(facilitator)

    assert client.get(f"/api/v1/sessions/{other.pk}/").status_code == 404
    assert client.get("/api/v1/sessions/").json()["results"] == []


def test_learners_cannot_see_sessions_attendance(client, facilitator_and_cohort):
    _, cohort = facilitator_and_cohort
    SessionFactory(cohort=cohort)
    client.force_login(UserFactory(role="learner"))

    assert client.get("/api/v1/sessions/").json()["results"] == []


@pytest.mark.parametrize("rows", [5, 50])
def test_session_and_partner_lists_keep_the_same_query_count(client, django_assert_max_num_queries, rows):
    assignment = FacilitatorAssignmentFactory()
    member = EnrolmentFactory(cohort=assignment.cohort)
    for day in range(rows):
        session = SessionFactory(cohort=assignment.cohort, date=f"2018-07-{day % 28 + 1:02d}")
        Attendance.objects.create(session=session, enrolment=member, status="present")
        PartnershipFactory(cohort=assignment.cohort)
    client.force_login(assignment.user)

    for path in ["/api/v1/sessions/", "/api/v1/partnerships/"]:
        with django_assert_max_num_queries(9):
            assert client.get(path).status_code == 200

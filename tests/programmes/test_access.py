"""The access matrix: every role against cohort list, people list, person file, enrolments."""

import pytest

from programmes import access
from programmes.models import AuditEntry
from programmes.roles import Role
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    PartnerContactFactory,
    PartnershipFactory,
    ProgrammeFactory,
    UserFactory,
    department,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def network():
    """Two CJS: one in Loire-Atlantique (Pays de la Loire), one in Gironde (Nouvelle-Aquitaine)."""
    nantes = CohortFactory(name="CJS Nantes", department=department("44"))
    bordeaux = CohortFactory(name="CJS Bordeaux", department=department("33"))
    nantes_member = EnrolmentFactory(cohort=nantes)
    bordeaux_member = EnrolmentFactory(cohort=bordeaux)
    learner = UserFactory(username="learner", role=Role.LEARNER)
    nantes_member.person.user = learner
    nantes_member.person.save()
    partnership = PartnershipFactory(cohort=nantes)
    return {
        "nantes": nantes,
        "bordeaux": bordeaux,
        "nantes_person": nantes_member.person,
        "bordeaux_person": bordeaux_member.person,
        "facilitator": FacilitatorAssignmentFactory(cohort=nantes).user,
        "coordinator": CoordinatorScopeFactory(
            programme=nantes.edition.programme, regions=[region("52")]
        ).user,
        "partner": PartnerContactFactory(organisation=partnership.organisation).user,
        "learner": learner,
        "fabrique": UserFactory(username="national", role=Role.FABRIQUE),
    }


@pytest.mark.parametrize(
    ("who", "cohorts", "people"),
    [
        ("facilitator", {"CJS Nantes"}, {"nantes_person"}),
        ("coordinator", {"CJS Nantes"}, {"nantes_person"}),
        ("partner", {"CJS Nantes"}, set()),
        ("learner", {"CJS Nantes"}, {"nantes_person"}),
        ("fabrique", {"CJS Nantes", "CJS Bordeaux"}, {"nantes_person", "bordeaux_person"}),
    ],
)
def test_each_role_sees_exactly_its_cohorts_and_people(client, network, who, cohorts, people):
    client.force_login(network[who])

    cohort_names = {item["name"] for item in client.get("/api/v1/cohorts/").json()["results"]}
    person_ids = {item["id"] for item in client.get("/api/v1/people/").json()["results"]}

    assert cohort_names == cohorts
    assert person_ids == {network[key].pk for key in people}


def test_a_learner_sees_themself_but_not_the_other_members_of_their_cohort(client, network):
    other_member = EnrolmentFactory(cohort=network["nantes"]).person
    client.force_login(network["learner"])

    assert client.get(f"/api/v1/people/{network['nantes_person'].pk}/").status_code == 200
    assert client.get(f"/api/v1/people/{other_member.pk}/").status_code == 404


def test_a_facilitator_is_refused_another_cohorts_people(client, network):
    client.force_login(network["facilitator"])

    response = client.get(f"/api/v1/people/{network['bordeaux_person'].pk}/")

    assert response.status_code == 404
    bordeaux_enrolment = network["bordeaux_person"].enrolments.get()
    assert client.get(f"/api/v1/enrolments/{bordeaux_enrolment.pk}/").status_code == 404
    assert client.get(f"/api/v1/cohorts/{network['bordeaux'].pk}/").status_code == 404


def test_a_coordinator_of_another_programme_sees_nothing_of_this_one(client, network):
    flashcoop = ProgrammeFactory(slug="flashcoop", name="Flashcoop")
    coordinator = CoordinatorScopeFactory(programme=flashcoop, regions=[region("52")]).user
    client.force_login(coordinator)

    assert client.get("/api/v1/cohorts/").json()["results"] == []
    assert client.get(f"/api/v1/people/{network['nantes_person'].pk}/").status_code == 404


def test_a_partner_sees_aggregates_but_no_names(client, network):
    client.force_login(network["partner"])

    cohort = client.get(f"/api/v1/cohorts/{network['nantes'].pk}/").json()

    assert cohort["members"] == 1
    assert client.get(f"/api/v1/people/{network['nantes_person'].pk}/").status_code == 404
    assert client.get("/api/v1/enrolments/").json()["results"] == []


@pytest.mark.parametrize("path", ["/api/v1/cohorts/", "/api/v1/people/", "/api/v1/enrolments/"])
def test_anonymous_callers_are_refused_everything(client, network, path):
    assert client.get(path).status_code in (401, 403)
    assert client.get(f"/api/v1/people/{network['nantes_person'].pk}/").status_code in (401, 403)


def test_opening_a_persons_file_is_audited(client, network):
    client.force_login(network["facilitator"])

    client.get(f"/api/v1/people/{network['nantes_person'].pk}/")

    entry = AuditEntry.objects.get(action="person.view")
    assert entry.actor == network["facilitator"]
    assert entry.target_id == str(network["nantes_person"].pk)


def test_the_policy_functions_agree_with_the_api(network):
    facilitator = network["facilitator"]

    assert access.can_view_person(facilitator, network["nantes_person"])
    assert not access.can_view_person(facilitator, network["bordeaux_person"])
    assert access.can_manage_cohort(facilitator, network["nantes"])
    assert not access.can_manage_cohort(network["partner"], network["nantes"])
    assert not access.can_manage_cohort(network["learner"], network["nantes"])


def test_the_enrolment_lifecycle_through_the_api(client, network):
    enrolment = network["nantes_person"].enrolments.get()
    client.force_login(network["facilitator"])

    refused = client.post(f"/api/v1/enrolments/{enrolment.pk}/transition/", {"status": "withdrawn"})
    accepted = client.post(
        f"/api/v1/enrolments/{enrolment.pk}/transition/",
        {"status": "withdrawn", "exit_reason": "found_job", "exit_note": "CDD"},
    )

    assert refused.status_code == 400
    assert "exit_reason" in refused.json()
    assert accepted.status_code == 200
    assert accepted.json()["status"] == "withdrawn"
    assert enrolment.status_changes.filter(to_status="withdrawn").exists()


def test_a_learner_cannot_change_their_own_status(client, network):
    enrolment = network["nantes_person"].enrolments.get()
    client.force_login(network["learner"])

    response = client.post(f"/api/v1/enrolments/{enrolment.pk}/transition/", {"status": "completed"})

    assert response.status_code == 400
    enrolment.refresh_from_db()
    assert enrolment.status == "active"


@pytest.mark.parametrize("rows", [5, 50])
def test_lists_keep_the_same_query_count(client, django_assert_max_num_queries, rows):
    fabrique = UserFactory(username="national", role=Role.FABRIQUE)
    cohort = CohortFactory()
    for _ in range(rows):
        EnrolmentFactory(cohort=cohort)
        PartnershipFactory(cohort=CohortFactory())
    client.force_login(fabrique)

    for path in ["/api/v1/cohorts/", "/api/v1/people/", "/api/v1/enrolments/"]:
        with django_assert_max_num_queries(8):
            assert client.get(path).status_code == 200

"""Back office: one smoke test per viewset, and the access policy applied to listings and objects."""

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from programmes.models import AuditEntry, Cohort
from programmes.roles import Role
from tests.programmes.factories import (
    CohortFactory,
    ConsentFactory,
    CoordinatorScopeFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    GuardianFactory,
    PartnershipFactory,
    SessionFactory,
    UserFactory,
    department,
    region,
)

pytestmark = pytest.mark.django_db

VIEWSETS = [
    "cohort",
    "person",
    "guardian",
    "consent",
    "enrolment",
    "session",
    "partnership",
    "organisation",
    "programme",
    "edition",
    "facilitatorassignment",
    "coordinatorscope",
    "auditentry",
]


@pytest.fixture
def national(roles):
    return UserFactory(username="national", role=Role.FABRIQUE)


@pytest.mark.parametrize("name", VIEWSETS)
def test_every_viewset_lists_for_the_national_team(client, national, name):
    FacilitatorAssignmentFactory()
    PartnershipFactory()
    SessionFactory()
    client.force_login(national)

    response = client.get(f"/admin/{name}/")

    assert response.status_code == 200


def test_the_national_team_creates_a_cohort_through_the_admin(client, national):
    cohort = CohortFactory()
    client.force_login(national)

    response = client.post(
        "/admin/cohort/new/",
        {
            "edition": cohort.edition.pk,
            "name": "CJS Saint-Nazaire",
            "department": department("44").pk,
            "status": "planned",
            "start_date": "2018-07-02",
            "end_date": "2018-06-01",
        },
    )

    assert response.status_code == 200  # the form comes back: the end date is before the start date
    assertContains(response, "error-message")
    assert not Cohort.objects.filter(name="CJS Saint-Nazaire").exists()


def test_a_coordinator_lists_and_opens_only_their_scope(client, roles):
    nantes = CohortFactory(name="CJS Nantes", department=department("44"))
    bordeaux = CohortFactory(name="CJS Bordeaux", department=department("33"))
    coordinator = CoordinatorScopeFactory(programme=nantes.edition.programme, regions=[region("52")]).user
    client.force_login(coordinator)

    listing = client.get("/admin/cohort/")

    assertContains(listing, "CJS Nantes")
    assertNotContains(listing, "CJS Bordeaux")
    assert client.get(f"/admin/cohort/edit/{nantes.pk}/").status_code == 200
    assert client.get(f"/admin/cohort/edit/{bordeaux.pk}/").status_code == 404
    assert client.get(f"/admin/cohort/inspect/{bordeaux.pk}/").status_code == 404
    assert client.get(f"/admin/cohort/history/{bordeaux.pk}/").status_code == 404


def test_a_coordinator_cannot_open_a_person_outside_their_scope_and_opening_one_is_audited(client, roles):
    inside = EnrolmentFactory(cohort=CohortFactory(department=department("44")))
    outside = EnrolmentFactory(cohort=CohortFactory(department=department("33")))
    coordinator = CoordinatorScopeFactory(
        programme=inside.cohort.edition.programme, regions=[region("52")]
    ).user
    client.force_login(coordinator)

    listing = client.get("/admin/person/")
    opened = client.get(f"/admin/person/inspect/{inside.person.pk}/")

    assertContains(listing, inside.person.last_name)
    assertNotContains(listing, outside.person.last_name)
    assert opened.status_code == 200
    assert "no-store" in opened["Cache-Control"]
    assert AuditEntry.objects.filter(action="person.view", target_id=str(inside.person.pk)).exists()
    assert client.get(f"/admin/person/inspect/{outside.person.pk}/").status_code == 404
    assert client.get(f"/admin/person/edit/{outside.person.pk}/").status_code == 404


def test_coordinators_do_not_see_the_audit_log_or_scopes(client, roles):
    coordinator = CoordinatorScopeFactory().user
    AuditEntry.objects.create(action="export.cohorts")
    client.force_login(coordinator)

    response = client.get("/admin/auditentry/")

    assert response.status_code in (200, 302, 403)
    assertNotContains(response, "export.cohorts", status_code=response.status_code)


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.LEARNER, Role.PARTNER])
def test_front_office_roles_have_no_back_office(client, roles, role):
    client.force_login(UserFactory(role=role))

    response = client.get("/admin/person/")

    assert response.status_code == 302


def test_guardians_and_consents_follow_the_people_they_belong_to(client, roles):
    inside = EnrolmentFactory(cohort=CohortFactory(department=department("44")))
    outside = EnrolmentFactory(cohort=CohortFactory(department=department("33")))
    GuardianFactory(person=inside.person, name="Inside Guardian")
    hidden = GuardianFactory(person=outside.person, name="Outside Guardian")
    ConsentFactory(person=outside.person, given_by="Outside Guardian")
    coordinator = CoordinatorScopeFactory(
        programme=inside.cohort.edition.programme, regions=[region("52")]
    ).user
    client.force_login(coordinator)

    guardians = client.get("/admin/guardian/")
    consents = client.get("/admin/consent/")

    assertContains(guardians, "Inside Guardian")
    assertNotContains(guardians, "Outside Guardian")
    assertNotContains(consents, "Outside Guardian")
    assert client.get(f"/admin/guardian/edit/{hidden.pk}/").status_code == 404


def test_form_choices_list_only_people_and_cohorts_of_the_scope(client, roles):
    inside = EnrolmentFactory(cohort=CohortFactory(name="CJS Nantes", department=department("44")))
    outside = EnrolmentFactory(cohort=CohortFactory(name="CJS Bordeaux", department=department("33")))
    coordinator = CoordinatorScopeFactory(
        programme=inside.cohort.edition.programme, regions=[region("52")]
    ).user
    client.force_login(coordinator)

    response = client.get("/admin/enrolment/new/")

    assert response.status_code == 200
    assertContains(response, inside.person.last_name)
    assertNotContains(response, outside.person.last_name)
    assertContains(response, "CJS Nantes")
    assertNotContains(response, "CJS Bordeaux")

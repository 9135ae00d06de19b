import datetime

import pytest

from programmes.choices import EnrolmentStatus
from programmes.models import Cohort, Commune
from programmes.roles import Role
from tests.programmes.factories import (
    AttendanceFactory,
    CohortFactory,
    CoordinatorScopeFactory,
    EditionFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    PartnerContactFactory,
    PartnershipFactory,
    PersonFactory,
    ProgrammeFactory,
    SessionFactory,
    UserFactory,
    department,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

URL = "/api/v1/stats/"
CJS_2018 = {"programme": "cjs", "edition": "2018"}


@pytest.fixture
def cohorts() -> dict[str, Cohort]:
    """CJS 2018: two cohorts in Pays de la Loire (52), one in Bretagne (53), one in Île-de-France (11).

    Each cohort has one member; the one in Bretagne is in a QPV and its member is a boy.
    """
    edition = EditionFactory(programme=ProgrammeFactory(slug="cjs"), year=2018)
    made = {}
    for name, department_code, in_qpv, gender in [
        ("Nantes", "44", False, "f"),
        ("Angers", "49", False, "f"),
        ("Rennes", "35", True, "m"),
        ("Saint-Denis", "93", False, "f"),
    ]:
        place = Commune.objects.create(name=name, department=department(department_code))
        made[name] = CohortFactory(
            edition=edition, name=name, department=place.department, commune=place, is_in_qpv=in_qpv
        )
        EnrolmentFactory(cohort=made[name], person=PersonFactory(gender=gender))
    return made


def get(client, user=None, **params):
    if user is not None:
        client.force_login(user)
    return client.get(URL, params)


def test_anonymous_callers_are_refused(client, cohorts):
    assert get(client, **CJS_2018).status_code in (401, 403)


@pytest.mark.parametrize("role", [Role.LEARNER, Role.FACILITATOR, Role.PARTNER, None])
def test_people_who_are_not_coordinators_or_the_national_team_are_forbidden(client, cohorts, role):
    # Given a user close to a cohort but without the right to programme figures
    user = UserFactory(role=role)
    nantes = cohorts["Nantes"]
    if role == Role.FACILITATOR:
        FacilitatorAssignmentFactory(user=user, cohort=nantes)
    elif role == Role.PARTNER:
        PartnerContactFactory(user=user, organisation=nantes.host)
    elif role == Role.LEARNER:
        EnrolmentFactory(cohort=nantes, person=PersonFactory(user=user))

    response = get(client, user, **CJS_2018)

    assert response.status_code == 403


def test_the_national_team_sees_national_figures(client, cohorts):
    response = get(client, UserFactory(role=Role.FABRIQUE), **CJS_2018)

    assert response.status_code == 200
    figures = response.json()
    assert (figures["programme"], figures["edition"], figures["region"]) == ("cjs", 2018, None)
    assert figures["cohorts"] == 4
    assert figures["regions"] == 3
    assert figures["departments"] == 4
    assert figures["communes"] == 4
    assert figures["new_communes"] == 4
    assert figures["cohorts_in_qpv"] == 1
    assert figures["host_cae_share"] == 1.0
    assert figures["local_partners"] == 4  # one CAE host each
    assert figures["participants"] == 4
    assert figures["girls_share"] == 0.75


def test_superusers_see_national_figures(client, cohorts):
    superuser = UserFactory(is_superuser=True)

    assert get(client, superuser, **CJS_2018).json()["cohorts"] == 4


def test_a_coordinator_sees_only_the_figures_of_their_regions(client, cohorts):
    # Given a coordinator of CJS in Pays de la Loire, where the two cohorts have girls and no QPV
    coordinator = CoordinatorScopeFactory(programme=ProgrammeFactory(slug="cjs"), regions=[region("52")]).user

    figures = get(client, coordinator, **CJS_2018).json()

    # Then the cohorts of Bretagne and Île-de-France, which change the national figures, are left out
    assert figures["cohorts"] == 2
    assert figures["regions"] == 1
    assert figures["departments"] == 2
    assert figures["cohorts_in_qpv"] == 0
    assert figures["participants"] == 2
    assert figures["girls_share"] == 1.0
    assert figures["local_partners"] == 2


def test_a_coordinator_asking_for_a_region_outside_their_scope_gets_zeros(client, cohorts):
    coordinator = CoordinatorScopeFactory(programme=ProgrammeFactory(slug="cjs"), regions=[region("52")]).user

    figures = get(client, coordinator, region="53", **CJS_2018).json()

    assert figures["region"] == "53"
    assert figures["cohorts"] == 0
    assert figures["participants"] == 0
    assert figures["girls_share"] is None


def test_a_coordinator_of_another_programme_gets_zeros_not_other_peoples_figures(client, cohorts):
    coordinator = CoordinatorScopeFactory(
        programme=ProgrammeFactory(slug="flashcoop"), regions=[region("52"), region("53")]
    ).user

    response = get(client, coordinator, **CJS_2018)

    assert response.status_code == 200
    assert response.json()["cohorts"] == 0
    assert response.json()["host_cae_share"] is None


def test_a_region_narrows_the_national_figures(client, cohorts):
    figures = get(client, UserFactory(role=Role.FABRIQUE), region="53", **CJS_2018).json()

    assert figures["region"] == "53"
    assert figures["cohorts"] == 1
    assert figures["cohorts_in_qpv"] == 1
    assert figures["girls_share"] == 0.0


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"edition": "2018"}, "programme", "Give the programme's code"),
        ({"programme": "cjs"}, "edition", "Give the edition's year"),
        ({"programme": "nope", "edition": "2018"}, "programme", "No programme has the code “nope”"),
        ({"programme": "cjs", "edition": "soon"}, "edition", "The edition is a year"),
        ({"programme": "cjs", "edition": "1990"}, "edition", "has no 1990 edition"),
        (
            {"programme": "cjs", "edition": "2018", "region": "99"},
            "region",
            "No region has the INSEE code “99”",
        ),
    ],
)
def test_missing_or_unknown_parameters_are_a_clear_400(client, cohorts, params, field, message):
    response = get(client, UserFactory(role=Role.FABRIQUE), **params)

    assert response.status_code == 400
    assert message in response.json()[field][0]


def test_a_forbidden_caller_learns_nothing_from_the_parameters(client, cohorts):
    assert get(client, UserFactory(role=Role.PARTNER), programme="nope").status_code == 403


def build_edition(*, year: int, cohort_count: int) -> None:
    edition = EditionFactory(programme=ProgrammeFactory(slug="cjs"), year=year)
    for index in range(cohort_count):
        place = Commune.objects.create(name=f"Commune {year}-{index}", department=department("44"))
        cohort = CohortFactory(edition=edition, department=place.department, commune=place)
        PartnershipFactory(cohort=cohort)
        session = SessionFactory(cohort=cohort, date=datetime.date(year, 7, 2))
        for status in (EnrolmentStatus.ACTIVE, EnrolmentStatus.COMPLETED):
            enrolment = EnrolmentFactory(cohort=cohort, status=status, status_date=datetime.date(year, 7, 1))
            AttendanceFactory(session=session, enrolment=enrolment)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.FABRIQUE])
def test_the_endpoint_takes_the_same_few_queries_for_5_and_50_cohorts(
    client, django_assert_max_num_queries, role
):
    # Given an edition of 5 cohorts and one of 50, in the coordinator's region
    build_edition(year=2018, cohort_count=5)
    build_edition(year=2019, cohort_count=50)
    if role == Role.COORDINATOR:
        user = CoordinatorScopeFactory(programme=ProgrammeFactory(slug="cjs"), regions=[region("52")]).user
    else:
        user = UserFactory(role=role)
    client.force_login(user)

    # 13: the 12 of the endpoint and the session's two-factor device.
    with django_assert_max_num_queries(13) as small:
        small_response = client.get(URL, {"programme": "cjs", "edition": "2018", "region": "52"})
    with django_assert_max_num_queries(13) as large:
        large_response = client.get(URL, {"programme": "cjs", "edition": "2019", "region": "52"})

    assert len(small) == len(large)
    assert small_response.json()["cohorts"] == 5
    assert large_response.json()["participants"] == 100
    assert large_response.json()["completion_rate"] == 0.5


def test_the_endpoint_is_documented_with_its_parameters(client):
    schema = client.get("/api/schema/", headers={"Accept": "application/json"}).json()

    operation = schema["paths"]["/api/v1/stats/"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"programme", "edition", "region"}
    response = operation["responses"]["200"]["content"]["application/json"]
    [example] = response["examples"].values()
    assert example["value"]["cohorts"] == 54
    assert example["value"]["host_cae_share"] == 0.83

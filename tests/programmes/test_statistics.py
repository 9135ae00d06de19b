import datetime
from dataclasses import dataclass

import pytest

from programmes import statistics
from programmes.choices import AttendanceStatus, CohortStatus, EnrolmentStatus, ExitReason, OrganisationType
from programmes.models import Cohort, Commune, Programme
from programmes.models.people import age_on
from programmes.statistics import (
    contributor,
    edition_statistics,
    register_contributor,
    unregister_contributor,
)
from tests.programmes.factories import (
    AttendanceFactory,
    CohortFactory,
    EditionFactory,
    EnrolmentFactory,
    OrganisationFactory,
    PartnershipFactory,
    PersonFactory,
    ProgrammeFactory,
    SessionFactory,
    department,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

EMPTY = {
    "cohorts": 0,
    "regions": 0,
    "departments": 0,
    "communes": 0,
    "new_communes": 0,
    "cohorts_in_qpv": 0,
    "host_cae_share": None,
    "local_partners": 0,
    "participants": 0,
    "girls_share": None,
    "qpv_residents_share": None,
    "mean_age": None,
    "completion_rate": None,
    "dropout_rate": None,
    "attendance_rate": None,
}


@pytest.fixture(autouse=True)
def core_figures_only(monkeypatch):
    """These tests check the core's figures: leave out what apps (cjs) contribute."""
    monkeypatch.setattr(statistics, "_contributors", [])


@dataclass
class Network:
    programme: Programme
    nantes_cohort: Cohort  # A
    rennes_cohort: Cohort  # B
    saint_denis_cohort: Cohort  # C
    second_nantes_cohort: Cohort  # D
    earlier_nantes_cohort: Cohort  # X


def commune(name: str, department_code: str) -> Commune:
    return Commune.objects.create(name=name, department=department(department_code))


@pytest.fixture
def network() -> Network:
    """CJS 2018: four counted cohorts, one cancelled, and cohorts of other editions and programmes.

    Cohorts of the 2018 CJS edition (A-D counted, E cancelled):
      A  Nantes (44, region 52)       QPV  host H1 (cae)          starts 2018-07-01
      B  Rennes (35, region 53)       QPV  host H2 (association)  starts 2018-07-01
      C  Saint-Denis (93, region 11)  -    host H1 (cae)          starts 2018-09-15
      D  Nantes (44, region 52)       -    no host                no start date: ages on 2018-07-01
      E  Angers (49, region 52)       QPV  host H3 (cae)          CANCELLED: ignored everywhere
    Other cohorts: X CJS 2017 Nantes; Y CJS 2016 Rennes, cancelled; F Flashcoop 2017 Saint-Denis;
    Z CJS 2019 Saint-Denis. Only X makes a commune "not new": Nantes.
    """
    cjs = ProgrammeFactory(slug="cjs")
    flashcoop = ProgrammeFactory(slug="flashcoop")
    edition = EditionFactory(programme=cjs, year=2018)
    nantes, rennes = commune("Nantes", "44"), commune("Rennes", "35")
    saint_denis, angers = commune("Saint-Denis", "93"), commune("Angers", "49")
    h1 = OrganisationFactory(name="Coopaname", type=OrganisationType.CAE)
    h2 = OrganisationFactory(name="Maison de quartier", type=OrganisationType.ASSOCIATION)
    h3 = OrganisationFactory(name="Oxalis", type=OrganisationType.CAE)

    def cohort(name: str, place: Commune, **kwargs) -> Cohort:
        kwargs.setdefault("edition", edition)
        return CohortFactory(name=name, department=place.department, commune=place, **kwargs)

    a = cohort("A", nantes, is_in_qpv=True, host=h1)
    b = cohort("B", rennes, is_in_qpv=True, host=h2)
    c = cohort(
        "C",
        saint_denis,
        host=h1,
        start_date=datetime.date(2018, 9, 15),
        end_date=datetime.date(2018, 10, 31),
    )
    d = cohort("D", nantes, host=None, start_date=None, end_date=None)
    e = cohort("E", angers, is_in_qpv=True, host=h3, status=CohortStatus.CANCELLED)
    x = cohort("X", nantes, edition=EditionFactory(programme=cjs, year=2017))
    cohort("Y", rennes, edition=EditionFactory(programme=cjs, year=2016), status=CohortStatus.CANCELLED)
    cohort("F", saint_denis, edition=EditionFactory(programme=flashcoop, year=2017))
    cohort("Z", saint_denis, edition=EditionFactory(programme=cjs, year=2019))

    # Local partners: H1 (host of A and C, and a partnership of A), H2 (host of B, funder of D), P1 (A, B),
    # P2 (A, D), P3 (B) = 5 organisations. P8 (2017 cohort) and P9, H3 (cancelled cohort) don't count.
    p1, p2, p3 = (OrganisationFactory(name=name) for name in ("P1", "P2", "P3"))
    for cohort_, organisation, role in [
        (a, p1, "economic_sponsor"),
        (a, p2, "youth_sponsor"),
        (a, h1, "host"),
        (b, p1, "economic_sponsor"),
        (b, p3, "municipality"),
        (d, p2, "youth_sponsor"),
        (d, h2, "funder"),
        (e, OrganisationFactory(name="P9"), "funder"),
        (x, OrganisationFactory(name="P8"), "funder"),
    ]:
        PartnershipFactory(cohort=cohort_, organisation=organisation, role=role)

    # People: gender, QPV resident, birth date.
    alice = PersonFactory(
        first_name="Alice", gender="f", is_qpv_resident=True, birth_date=datetime.date(2001, 7, 1)
    )
    bruno = PersonFactory(
        first_name="Bruno", gender="m", is_qpv_resident=False, birth_date=datetime.date(2000, 7, 2)
    )
    chloe = PersonFactory(
        first_name="Chloé", gender="f", is_qpv_resident=None, birth_date=datetime.date(1998, 1, 15)
    )
    dylan = PersonFactory(first_name="Dylan", gender="x", is_qpv_resident=True, birth_date=None)
    eva = PersonFactory(
        first_name="Eva", gender="undisclosed", is_qpv_resident=False, birth_date=datetime.date(2002, 7, 2)
    )
    farid = PersonFactory(
        first_name="Farid", gender="m", is_qpv_resident=True, birth_date=datetime.date(2001, 9, 15)
    )
    gaelle = PersonFactory(first_name="Gaëlle", gender="f", is_qpv_resident=True)
    hugo = PersonFactory(first_name="Hugo", gender="m", is_qpv_resident=True)
    ines = PersonFactory(first_name="Inès", gender="f", is_qpv_resident=True)
    jules = PersonFactory(first_name="Jules", gender="m", is_qpv_resident=True)

    # Enrolments, with the age on the cohort's reference date.
    alice_a = EnrolmentFactory(
        person=alice, cohort=a, status=EnrolmentStatus.COMPLETED
    )  # 17 (birthday that day)
    alice_c = EnrolmentFactory(person=alice, cohort=c, status=EnrolmentStatus.ACTIVE)  # 17
    bruno_a = EnrolmentFactory(person=bruno, cohort=a, withdrawn=True)  # 17 (18 the next day)
    chloe_b = EnrolmentFactory(person=chloe, cohort=b, status=EnrolmentStatus.COMPLETED)  # 20
    dylan_b = EnrolmentFactory(
        person=dylan, cohort=b, status=EnrolmentStatus.EXCLUDED, exit_reason=ExitReason.BEHAVIOUR
    )  # no birth date
    EnrolmentFactory(person=eva, cohort=d, status=EnrolmentStatus.ENROLLED)  # 15 on 1 July 2018
    farid_c = EnrolmentFactory(person=farid, cohort=c, status=EnrolmentStatus.COMPLETED)  # 17 on 15 Sept.
    EnrolmentFactory(person=gaelle, cohort=a, status=EnrolmentStatus.APPLIED)  # not started
    EnrolmentFactory(person=hugo, cohort=c, status=EnrolmentStatus.WAITLISTED)  # not started
    ines_e = EnrolmentFactory(person=ines, cohort=e, status=EnrolmentStatus.ACTIVE)  # cancelled cohort
    jules_x = EnrolmentFactory(person=jules, cohort=x, status=EnrolmentStatus.COMPLETED)  # 2017

    # Attendance: 8 rows in counted cohorts, 5 present. The cancelled and 2017 cohorts' rows don't count.
    present, excused, unexcused = (
        AttendanceStatus.PRESENT,
        AttendanceStatus.EXCUSED,
        AttendanceStatus.UNEXCUSED,
    )
    sessions = {cohort_: SessionFactory(cohort=cohort_) for cohort_ in (a, b, c, e, x)}
    second_a_session = SessionFactory(cohort=a, date=datetime.date(2018, 7, 3))
    for session, enrolment, status in [
        (sessions[a], alice_a, present),
        (sessions[a], bruno_a, unexcused),
        (second_a_session, alice_a, present),
        (second_a_session, bruno_a, excused),
        (sessions[c], alice_c, present),
        (sessions[c], farid_c, present),
        (sessions[b], chloe_b, present),
        (sessions[b], dylan_b, unexcused),
        (sessions[e], ines_e, present),
        (sessions[x], jules_x, present),
    ]:
        AttendanceFactory(session=session, enrolment=enrolment, status=status)

    return Network(
        programme=cjs,
        nantes_cohort=a,
        rennes_cohort=b,
        saint_denis_cohort=c,
        second_nantes_cohort=d,
        earlier_nantes_cohort=x,
    )


def test_every_figure_of_an_edition_is_computed_by_the_definition(network):
    figures = edition_statistics(programme=network.programme, edition_year=2018)

    assert figures == {
        "cohorts": 4,  # A, B, C, D (E is cancelled)
        "regions": 3,  # 52, 53, 11
        "departments": 3,  # 44, 35, 93
        "communes": 3,  # Nantes, Rennes, Saint-Denis
        # Rennes (only a cancelled 2016 cohort before) and Saint-Denis (Flashcoop 2017 and CJS 2019 don't
        # count); Nantes had X in 2017.
        "new_communes": 2,
        "cohorts_in_qpv": 2,  # A, B
        "host_cae_share": 0.5,  # A and C (H1) over 4 cohorts, D without host in the denominator
        "local_partners": 5,  # H1, H2, P1, P2, P3
        # Alice (twice), Bruno, Chloé, Dylan, Eva, Farid; not Gaëlle (applied), Hugo (waitlisted), Inès
        # (cancelled cohort), Jules (2017).
        "participants": 6,
        "girls_share": 0.4,  # Alice, Chloé over 5 people with f/m/x (Eva undisclosed)
        "qpv_residents_share": 0.6,  # Alice, Dylan, Farid over 5 known (Chloé unknown)
        "mean_age": 17.2,  # (17 + 17 + 17 + 20 + 15 + 17) / 6 enrolments with a birth date = 17.17
        "completion_rate": 0.5,  # Alice, Chloé, Farid over 6
        "dropout_rate": 0.3333,  # Bruno (withdrawn), Dylan (excluded) over 6
        "attendance_rate": 0.625,  # 5 present over 8 rows
    }


def test_the_ages_in_sql_match_age_on_at_the_reference_date(network):
    # Given the members with a birth date of the counted cohorts
    enrolments = [
        enrolment
        for cohort in Cohort.objects.filter(edition__year=2018).not_cancelled()
        for enrolment in cohort.enrolments.started().select_related("person")
        if enrolment.person.birth_date
    ]
    ages = [age_on(e.person.birth_date, e.cohort.reference_date) for e in enrolments]

    # Then the SQL mean is the mean of the Python ages
    assert sorted(ages) == [15, 17, 17, 17, 17, 20]
    assert edition_statistics(programme=network.programme, edition_year=2018)["mean_age"] == round(
        sum(ages) / len(ages), 1
    )


def test_a_region_narrows_every_figure(network):
    figures = edition_statistics(programme=network.programme, edition_year=2018, region=region("52"))

    assert figures == {
        "cohorts": 2,  # A, D (E, in Angers, is cancelled)
        "regions": 1,
        "departments": 1,  # 44
        "communes": 1,  # Nantes
        "new_communes": 0,  # X in 2017
        "cohorts_in_qpv": 1,  # A
        "host_cae_share": 0.5,  # A over A, D
        "local_partners": 4,  # H1, P1, P2 (A); P2, H2 (D)
        "participants": 3,  # Alice, Bruno (A), Eva (D)
        "girls_share": 0.5,  # Alice over Alice, Bruno
        "qpv_residents_share": 0.3333,  # Alice over Alice, Bruno, Eva
        "mean_age": 16.3,  # (17 + 17 + 15) / 3
        "completion_rate": 0.3333,  # Alice
        "dropout_rate": 0.3333,  # Bruno
        "attendance_rate": 0.5,  # 2 present over 4 rows, both sessions of A
    }


def test_a_commune_is_new_only_when_no_earlier_cohort_reached_it_whatever_the_scope(network):
    # Given a scope with the 2018 Nantes cohort but not the 2017 one
    scope = Cohort.objects.filter(pk__in=[network.nantes_cohort.pk, network.rennes_cohort.pk])
    assert network.earlier_nantes_cohort not in scope

    figures = edition_statistics(programme=network.programme, edition_year=2018, cohorts=scope)

    # Then Nantes is still not new, Rennes is (its 2016 cohort was cancelled)
    assert figures["communes"] == 2
    assert figures["new_communes"] == 1


def test_a_scope_limits_the_cohorts_counted(network):
    scope = Cohort.objects.filter(pk=network.saint_denis_cohort.pk)

    figures = edition_statistics(programme=network.programme, edition_year=2018, cohorts=scope)

    assert figures["cohorts"] == 1
    assert figures["participants"] == 2  # Alice, Farid (Hugo is waitlisted)
    assert figures["completion_rate"] == 0.5  # Farid
    assert figures["local_partners"] == 1  # H1, its host
    assert figures["new_communes"] == 1  # Saint-Denis


def test_an_empty_scope_gives_zeros_and_no_shares(network):
    figures = edition_statistics(
        programme=network.programme, edition_year=2018, cohorts=Cohort.objects.none()
    )

    assert figures == EMPTY


def test_an_edition_without_cohorts_gives_zeros_and_no_shares(network):
    assert edition_statistics(programme=network.programme, edition_year=2030) == EMPTY
    assert edition_statistics(programme=ProgrammeFactory(slug="flashcoop"), edition_year=2018) == EMPTY


def test_contributors_add_their_keys_for_their_programme_only(network):
    # Given a contributor for CJS, one for every programme and one for Flashcoop
    def cjs_figures(cohorts):
        return {"turnover_eur": "1234.50", "contracts": cohorts.count()}

    def everyone_figures(cohorts):
        return {"counted_names": sorted(cohorts.values_list("name", flat=True))}

    def flashcoop_figures(cohorts):
        raise AssertionError("Flashcoop figures asked for a CJS edition.")

    with (
        contributor("cjs", cjs_figures),
        contributor(None, everyone_figures),
        contributor("flashcoop", flashcoop_figures),
    ):
        figures = edition_statistics(programme=network.programme, edition_year=2018, region=region("52"))

    # Then their keys come with the core ones, computed over the same cohorts
    assert figures["turnover_eur"] == "1234.50"
    assert figures["contracts"] == 2
    assert figures["counted_names"] == ["A", "D"]
    assert figures["cohorts"] == 2
    # And they are gone once unregistered
    assert "turnover_eur" not in edition_statistics(programme=network.programme, edition_year=2018)


def test_a_contributor_may_not_override_a_core_figure(network):
    with (
        contributor("cjs", lambda cohorts: {"participants": 1000}),
        pytest.raises(ValueError, match="participants"),
    ):
        edition_statistics(programme=network.programme, edition_year=2018)


def test_register_contributor_returns_the_function_for_use_from_app_ready():
    def figures(cohorts):
        return {}

    assert register_contributor("cjs", figures) is figures
    unregister_contributor("cjs", figures)


def build_edition(*, year: int, cohort_count: int) -> None:
    """An edition where every cohort has a commune, a host, a partner, members, a session and attendance."""
    edition = EditionFactory(programme=ProgrammeFactory(slug="cjs"), year=year)
    for index in range(cohort_count):
        place = commune(f"Commune {year}-{index}", "44")
        cohort = CohortFactory(
            edition=edition, department=place.department, commune=place, is_in_qpv=index % 2 == 0
        )
        PartnershipFactory(cohort=cohort)
        session = SessionFactory(cohort=cohort, date=datetime.date(year, 7, 2))
        for _ in range(2):
            enrolment = EnrolmentFactory(cohort=cohort, status_date=datetime.date(year, 7, 1))
            AttendanceFactory(session=session, enrolment=enrolment)


def test_the_statistics_take_the_same_few_queries_for_5_and_50_cohorts(django_assert_max_num_queries):
    # Given an edition of 5 cohorts and a later one of 50
    build_edition(year=2018, cohort_count=5)
    build_edition(year=2019, cohort_count=50)
    programme = ProgrammeFactory(slug="cjs")
    pays_de_la_loire = region("52")
    scope = Cohort.objects.filter(department__region=pays_de_la_loire)

    # When both are counted over a scope and a region
    with django_assert_max_num_queries(4) as small:
        small_figures = edition_statistics(
            programme=programme, edition_year=2018, cohorts=scope, region=pays_de_la_loire
        )
    with django_assert_max_num_queries(4) as large:
        large_figures = edition_statistics(
            programme=programme, edition_year=2019, cohorts=scope, region=pays_de_la_loire
        )

    # Then the query count doesn't depend on the number of cohorts
    assert len(small) == len(large)
    assert (small_figures["cohorts"], small_figures["participants"]) == (5, 10)
    assert (large_figures["cohorts"], large_figures["participants"]) == (50, 100)
    assert large_figures["new_communes"] == 50

from decimal import Decimal

import pytest

from cjs import selectors
from cjs.choices import ContractStatus
from programmes.models import Cohort
from programmes.roles import Role
from tests.cjs.factories import ContractFactory, WorkLogFactory
from tests.programmes.factories import CohortFactory, CoordinatorScopeFactory, UserFactory, department, region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def season():
    """Three CJS in 2018: 1500 + 1000.50 of invoiced or paid work, and work not counted."""
    nantes, bordeaux = CohortFactory(department=department("44")), CohortFactory(department=department("33"))
    CohortFactory(department=department("44"))  # a CJS without contracts still counts in the mean
    with_logs = ContractFactory(
        cohort=nantes, status=ContractStatus.PAID, price=Decimal("1500.00"), hours=Decimal("99")
    )
    WorkLogFactory(contract=with_logs, hours=Decimal("4.5"))
    WorkLogFactory(contract=with_logs, hours=Decimal("3"))
    ContractFactory(
        cohort=bordeaux, status=ContractStatus.INVOICED, price=Decimal("1000.50"), hours=Decimal("12.25")
    )
    ContractFactory(cohort=bordeaux, status=ContractStatus.INVOICED, price=Decimal("0.00"))
    for status in [
        ContractStatus.QUOTE,
        ContractStatus.ACCEPTED,
        ContractStatus.DONE,
        ContractStatus.CANCELLED,
    ]:
        ContractFactory(cohort=nantes, status=status, price=Decimal("777.00"), hours=Decimal("5"))
    return nantes, bordeaux


def test_the_statistics_gain_turnover_contracts_and_hours(client, season):
    client.force_login(UserFactory(role=Role.FABRIQUE))

    body = client.get("/api/v1/stats/", {"programme": "cjs", "edition": 2018}).json()

    assert body["turnover_eur"] == "2500.50"
    assert body["turnover_per_cohort_eur"] == "833.50"
    assert body["contracts"] == 3
    # Work logs where there are some (7.5, not the contract's 99), else the contract's own hours.
    assert body["hours_worked"] == 19.75


def test_a_coordinator_gets_the_figures_of_their_scope(client, season):
    nantes, _bordeaux = season
    coordinator = CoordinatorScopeFactory(programme=nantes.edition.programme, regions=[region("52")]).user
    client.force_login(coordinator)

    body = client.get("/api/v1/stats/", {"programme": "cjs", "edition": 2018}).json()

    assert (body["turnover_eur"], body["turnover_per_cohort_eur"], body["contracts"]) == (
        "1500.00",
        "750.00",
        1,
    )


def test_an_edition_without_contracts_says_zero(client):
    CohortFactory()
    client.force_login(UserFactory(role=Role.FABRIQUE))

    body = client.get("/api/v1/stats/", {"programme": "cjs", "edition": 2018}).json()

    assert (
        body["turnover_eur"],
        body["turnover_per_cohort_eur"],
        body["contracts"],
        body["hours_worked"],
    ) == (
        "0.00",
        "0.00",
        0,
        0.0,
    )


@pytest.mark.parametrize("cohorts", [5, 50])
def test_the_cjs_figures_take_the_same_number_of_queries(django_assert_num_queries, cohorts):
    for _index in range(cohorts):
        contract = ContractFactory(status=ContractStatus.PAID)
        WorkLogFactory(contract=contract)

    with django_assert_num_queries(2):
        figures = selectors.statistics(Cohort.objects.all())

    assert figures["contracts"] == cohorts

from decimal import Decimal

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from cjs.choices import ContractStatus
from cjs.models import Contract, Expense
from programmes.roles import Role
from tests.cjs.factories import ClientFactory, ContractFactory, ExpenseFactory
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    FacilitatorAssignmentFactory,
    UserFactory,
    department,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

LISTS = ["/admin/cjs/clients/", "/admin/cjs/contracts/", "/admin/cjs/expenses/", "/admin/cjs/distributions/"]


@pytest.fixture
def coordinator_and_cohorts(roles):
    inside = CohortFactory(department=department("44"))
    outside = CohortFactory(department=department("33"))
    coordinator = CoordinatorScopeFactory(programme=inside.edition.programme, regions=[region("52")]).user
    return coordinator, inside, outside


def test_a_coordinator_sees_the_clients_and_contracts_of_their_scope_only(client, coordinator_and_cohorts):
    coordinator, inside, outside = coordinator_and_cohorts
    ContractFactory(cohort=inside, client__name="Inside Client")
    hidden = ContractFactory(cohort=outside, client__name="Outside Client")
    client.force_login(coordinator)

    clients = client.get("/admin/cjs/clients/")
    contracts = client.get("/admin/cjs/contracts/")

    assertContains(clients, "Inside Client")
    assertNotContains(clients, "Outside Client")
    assertContains(contracts, "Inside Client")
    assertNotContains(contracts, "Outside Client")
    assert client.get(f"/admin/cjs/clients/edit/{hidden.client.pk}/").status_code == 404
    assert client.get(f"/admin/cjs/contracts/inspect/{hidden.pk}/").status_code == 404


@pytest.mark.parametrize("path", LISTS)
def test_facilitators_have_no_back_office(client, roles, path):
    assignment = FacilitatorAssignmentFactory()
    ContractFactory(cohort=assignment.cohort)
    client.force_login(assignment.user)

    assert client.get(path).status_code == 302


@pytest.mark.parametrize("path", LISTS)
def test_every_cjs_admin_list_opens_for_the_national_team(client, roles, path):
    ContractFactory(status=ContractStatus.PAID)
    client.force_login(UserFactory(role=Role.FABRIQUE))

    assert client.get(path).status_code == 200


def test_a_contract_created_in_the_admin_is_a_quote_offered_in_the_scope_only(
    client, coordinator_and_cohorts
):
    coordinator, inside, outside = coordinator_and_cohorts
    mine, theirs = ClientFactory(cohort=inside), ClientFactory(cohort=outside)
    client.force_login(coordinator)

    form = client.get("/admin/cjs/contracts/new/")
    response = client.post(
        "/admin/cjs/contracts/new/",
        {
            "cohort": inside.pk,
            "client": mine.pk,
            "service": "gardening",
            "start_date": "2018-07-10",
            "price": "120.00",
        },
    )

    assertContains(form, mine.name)
    assertNotContains(form, theirs.name)
    assert response.status_code == 302
    contract = Contract.objects.get()
    assert (contract.status, contract.created_by) == (ContractStatus.QUOTE, coordinator)


def test_the_admin_shows_a_broken_rule_on_the_form(client, coordinator_and_cohorts):
    coordinator, inside, _outside = coordinator_and_cohorts
    other_client = ClientFactory(cohort=CohortFactory(department=department("44")))
    client.force_login(coordinator)

    response = client.post(
        "/admin/cjs/contracts/new/",
        {
            "cohort": inside.pk,
            "client": other_client.pk,
            "service": "gardening",
            "start_date": "2018-07-10",
            "price": "120.00",
        },
    )

    assert response.status_code == 200
    assertContains(response, "This client belongs to another CJS.")
    assert not Contract.objects.exists()


def test_an_expense_added_in_the_admin_is_recorded_by_the_user(client, coordinator_and_cohorts):
    coordinator, inside, _outside = coordinator_and_cohorts
    client.force_login(coordinator)

    client.post(
        "/admin/cjs/expenses/new/",
        {"cohort": inside.pk, "expense_date": "2018-07-03", "label": "Peinture", "amount": "30.00"},
    )

    assert Expense.objects.get().created_by == coordinator


def test_distributions_cannot_be_added_by_hand(client, roles):
    client.force_login(UserFactory(role=Role.FABRIQUE))

    response = client.get("/admin/cjs/distributions/new/")

    assert response.status_code in (302, 403)


@pytest.mark.parametrize("rows", [5, 50])
def test_admin_lists_keep_the_same_query_count(client, roles, django_assert_max_num_queries, rows):
    user = UserFactory(role=Role.FABRIQUE)
    cohort = CohortFactory()
    for _index in range(rows):
        ContractFactory(cohort=cohort, price=Decimal("10.00"))
        ExpenseFactory(cohort=cohort)
    client.force_login(user)

    # A fixed budget whatever the rows (16: Wagtail's listing, the scope, and the two-factor check).
    for path in LISTS:
        with django_assert_max_num_queries(16):
            assert client.get(path).status_code == 200


def test_a_client_stays_with_its_cjs_when_edited(client, coordinator_and_cohorts):
    coordinator, inside, _outside = coordinator_and_cohorts
    mine = ClientFactory(cohort=inside, name="Boulangerie Roux")
    client.force_login(coordinator)

    form = client.get(f"/admin/cjs/clients/edit/{mine.pk}/")

    assert form.status_code == 200
    assert 'name="cohort"' not in form.content.decode()
    assertContains(form, "Boulangerie Roux")

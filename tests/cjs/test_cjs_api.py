import datetime
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from cjs import services
from cjs.choices import ContractStatus
from cjs.models import Contract, SurplusDistribution
from programmes.roles import Role
from tests.cjs.factories import ClientFactory, ContractFactory, ExpenseFactory, WorkLogFactory
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


@pytest.fixture
def assignment():
    return FacilitatorAssignmentFactory()


def test_a_facilitator_runs_a_contract_from_quote_to_payment_through_the_api(client, assignment):
    members = EnrolmentFactory.create_batch(2, cohort=assignment.cohort)
    client.force_login(assignment.user)
    created = client.post(
        "/api/v1/cjs/clients/",
        {"cohort": assignment.cohort.pk, "kind": "company", "name": "Garage des Acacias"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()

    quote = client.post(
        "/api/v1/cjs/contracts/",
        {
            "cohort": assignment.cohort.pk,
            "client": created.json()["id"],
            "service": "car_washing",
            "start_date": "2018-07-16",
            "price": "275.50",
        },
        content_type="application/json",
    )
    assert quote.status_code == 201, quote.json()
    url = f"/api/v1/cjs/contracts/{quote.json()['id']}/"
    assert (
        client.post(url + "accept/", {"on": "2018-07-10"}, content_type="application/json").status_code == 200
    )
    done = client.post(
        url + "done/",
        {"work_logs": [{"enrolment": m.pk, "work_date": "2018-07-16", "hours": "4.5"} for m in members]},
        content_type="application/json",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["hours_worked"] == "9.00"
    invoiced = client.post(url + "invoice/", {}, content_type="application/json")
    paid = client.post(url + "pay/", {}, content_type="application/json")

    assert invoiced.json()["invoice_number"] == f"{datetime.date.today().year}-0001"
    assert paid.json()["status"] == "paid"
    assert paid.json()["price"] == "275.50"
    assert len(paid.json()["work_logs"]) == 2


def test_a_refused_step_is_a_400_with_the_reason(client, assignment):
    contract = ContractFactory(cohort=assignment.cohort)
    client.force_login(assignment.user)

    response = client.post(f"/api/v1/cjs/contracts/{contract.pk}/pay/", {}, content_type="application/json")

    assert response.status_code == 400
    assert "A contract cannot go from Quote to Paid." in str(response.json())


def test_work_logs_name_members_of_the_facilitators_cjs_only(client, assignment):
    contract = ContractFactory(cohort=assignment.cohort, accepted=True)
    stranger = EnrolmentFactory()
    client.force_login(assignment.user)

    response = client.post(
        f"/api/v1/cjs/contracts/{contract.pk}/done/",
        {"work_logs": [{"enrolment": stranger.pk, "work_date": "2018-07-16", "hours": "2"}]},
        content_type="application/json",
    )

    assert response.status_code == 400
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACCEPTED


def test_a_facilitator_never_sees_another_cjs_clients_or_contracts(client, assignment):
    mine = ContractFactory(cohort=assignment.cohort, client__name="Mme Mine")
    theirs = ContractFactory(client__name="Mme Theirs")
    client.force_login(assignment.user)

    clients = client.get("/api/v1/cjs/clients/").json()["results"]
    contracts = client.get("/api/v1/cjs/contracts/").json()["results"]

    assert [item["name"] for item in clients] == ["Mme Mine"]
    assert [item["id"] for item in contracts] == [mine.pk]
    for path in [
        f"/api/v1/cjs/clients/{theirs.client.pk}/",
        f"/api/v1/cjs/contracts/{theirs.pk}/",
        f"/api/v1/cjs/contracts/{theirs.pk}/quote-pdf/",
    ]:
        assert client.get(path).status_code == 404
    assert client.post(f"/api/v1/cjs/contracts/{theirs.pk}/accept/").status_code == 404


def test_a_facilitator_cannot_write_into_another_cjs(client, assignment):
    other = CohortFactory()
    other_client = ClientFactory(cohort=other)
    client.force_login(assignment.user)

    new_client = client.post(
        "/api/v1/cjs/clients/",
        {"cohort": other.pk, "kind": "company", "name": "X"},
        content_type="application/json",
    )
    quote = client.post(
        "/api/v1/cjs/contracts/",
        {
            "cohort": assignment.cohort.pk,
            "client": other_client.pk,
            "service": "gardening",
            "start_date": "2018-07-16",
            "price": "10",
        },
        content_type="application/json",
    )
    expense = client.post(
        "/api/v1/cjs/expenses/",
        {"cohort": other.pk, "expense_date": "2018-07-02", "label": "X", "amount": "1"},
        content_type="application/json",
    )

    assert (new_client.status_code, quote.status_code, expense.status_code) == (400, 400, 400)
    assert not Contract.objects.filter(cohort=assignment.cohort).exists()


@pytest.mark.parametrize("role", [Role.PARTNER, Role.LEARNER])
def test_partners_and_members_see_no_clients(client, role):
    contract = ContractFactory()
    user = UserFactory(role=role)
    if role == Role.PARTNER:
        PartnerContactFactory(user=user, organisation=contract.cohort.host)
    else:
        EnrolmentFactory(cohort=contract.cohort, person__user=user)
    client.force_login(user)

    for path in ["clients", "contracts", "expenses", "distributions"]:
        assert client.get(f"/api/v1/cjs/{path}/").json()["results"] == []


def test_a_coordinator_sees_the_clients_of_their_regions_only(client):
    inside = ClientFactory(cohort=CohortFactory(department=department("44")), name="Inside")
    ClientFactory(cohort=CohortFactory(department=department("33")), name="Outside")
    coordinator = CoordinatorScopeFactory(
        programme=inside.cohort.edition.programme, regions=[region("52")]
    ).user
    client.force_login(coordinator)

    names = [item["name"] for item in client.get("/api/v1/cjs/clients/").json()["results"]]

    assert names == ["Inside"]


def test_the_invoice_pdf_shows_the_number_and_the_amount(client, assignment):
    contract = ContractFactory(cohort=assignment.cohort, done=True, price=Decimal("1234.50"))
    client.force_login(assignment.user)
    client.post(
        f"/api/v1/cjs/contracts/{contract.pk}/invoice/", {"on": "2018-07-20"}, content_type="application/json"
    )

    response = client.get(f"/api/v1/cjs/contracts/{contract.pk}/invoice-pdf/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "2018-0001" in text
    assert "1,234.50" in text


def test_an_invoice_pdf_needs_an_invoice(client, assignment):
    contract = ContractFactory(cohort=assignment.cohort)
    client.force_login(assignment.user)

    response = client.get(f"/api/v1/cjs/contracts/{contract.pk}/invoice-pdf/")

    assert response.status_code == 400
    assert client.get(f"/api/v1/cjs/contracts/{contract.pk}/quote-pdf/").status_code == 200


def test_expenses_and_a_distribution_through_the_api(client, assignment):
    member = EnrolmentFactory(cohort=assignment.cohort)
    contract = ContractFactory(cohort=assignment.cohort, status=ContractStatus.PAID, price=Decimal("500.00"))
    WorkLogFactory(contract=contract, enrolment=member, hours=Decimal("6"))
    client.force_login(assignment.user)

    expense = client.post(
        "/api/v1/cjs/expenses/",
        {"cohort": assignment.cohort.pk, "expense_date": "2018-07-02", "label": "Gants", "amount": "20.00"},
        content_type="application/json",
    )
    distribution = client.post(
        "/api/v1/cjs/distributions/",
        {"cohort": assignment.cohort.pk, "method": "by_hours", "reserve": "80.00"},
        content_type="application/json",
    )

    assert expense.status_code == 201
    assert distribution.status_code == 201, distribution.json()
    body = distribution.json()
    assert (body["turnover"], body["expenses"], body["distributed"]) == ("500.00", "20.00", "400.00")
    assert body["shares"] == [
        {
            "enrolment": member.pk,
            "member": f"{member.person.first_name} {member.person.last_name}",
            "hours": "6.00",
            "amount": "400.00",
        }
    ]
    again = client.post(
        "/api/v1/cjs/distributions/",
        {"cohort": assignment.cohort.pk, "method": "equal", "reserve": "0"},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert SurplusDistribution.objects.count() == 1


@pytest.mark.parametrize("rows", [5, 50])
def test_lists_keep_the_same_query_count(client, django_assert_max_num_queries, rows):
    assignment = FacilitatorAssignmentFactory()
    member = EnrolmentFactory(cohort=assignment.cohort)
    for index in range(rows):
        contract = ContractFactory(
            cohort=assignment.cohort, paid=True, start_date=datetime.date(2018, 7, 1 + index % 28)
        )
        WorkLogFactory(contract=contract, enrolment=member, work_date=contract.start_date)
        ExpenseFactory(cohort=assignment.cohort)
    EnrolmentFactory(cohort=assignment.cohort)
    services.distribute_surplus(cohort=assignment.cohort, method="equal", reserve=Decimal(0), by=None)
    client.force_login(assignment.user)

    for path in ["clients", "contracts", "expenses", "distributions"]:
        with django_assert_max_num_queries(10):
            response = client.get(f"/api/v1/cjs/{path}/")
        assert response.status_code == 200

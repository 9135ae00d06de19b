import io
from decimal import Decimal

from django.urls import reverse

import pytest
from pypdf import PdfReader

from cjs.choices import ContractStatus, ServiceRequestStatus
from cjs.models import Client, Contract, Expense, ServiceRequest, SurplusDistribution, WorkLog
from tests.cjs.factories import ContractFactory, ServiceRequestFactory
from tests.programmes.factories import (
    CohortFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "roles")]


@pytest.fixture
def cohort():
    return CohortFactory()


@pytest.fixture
def facilitator(cohort):
    return FacilitatorAssignmentFactory(cohort=cohort).user


@pytest.fixture
def staff_client(client, facilitator):
    client.force_login(facilitator)
    return client


def test_a_facilitator_turns_a_request_into_a_quote(staff_client, cohort, facilitator):
    service_request = ServiceRequestFactory(cohort=cohort, name="Martine Durand", client_kind="individual")
    assert "Martine Durand" in staff_client.get(reverse("cjs:requests", args=[cohort.pk])).content.decode()
    url = reverse("cjs:request_quote", args=[cohort.pk, service_request.pk])
    assert staff_client.get(url).status_code == 200

    response = staff_client.post(
        url, {"price": "180.50", "start_date": "2018-07-20", "end_date": "", "description": ""}
    )

    contract = Contract.objects.get()
    assert response.status_code == 302
    assert (contract.price, contract.status, contract.service) == (
        Decimal("180.50"),
        ContractStatus.QUOTE,
        "gardening",
    )
    assert contract.description == service_request.description
    assert contract.client.name == "Martine Durand" and contract.client.email == service_request.email
    service_request.refresh_from_db()
    assert (service_request.status, service_request.contract) == (ServiceRequestStatus.QUOTED, contract)
    # A second quote for the same request is refused.
    assert staff_client.post(url, {"price": "1", "start_date": "2018-07-20"}).status_code == 302
    assert Contract.objects.count() == 1


def test_a_second_request_from_the_same_client_reuses_the_client(staff_client, cohort):
    first = ServiceRequestFactory(cohort=cohort, name="Mairie de Nantes", client_kind="local_authority")
    second = ServiceRequestFactory(cohort=cohort, name="MAIRIE de nantes", client_kind="local_authority")
    for service_request in (first, second):
        staff_client.post(
            reverse("cjs:request_quote", args=[cohort.pk, service_request.pk]),
            {"price": "100", "start_date": "2018-07-20"},
        )

    assert Client.objects.count() == 1
    assert Contract.objects.count() == 2


def test_declining_a_request(staff_client, cohort):
    service_request = ServiceRequestFactory(cohort=cohort)

    staff_client.post(reverse("cjs:request_decline", args=[cohort.pk, service_request.pk]))

    service_request.refresh_from_db()
    assert service_request.status == ServiceRequestStatus.DECLINED


def test_the_whole_contract_lifecycle_from_the_screens(staff_client, cohort):
    members = [EnrolmentFactory(cohort=cohort) for _ in range(3)]
    contract = ContractFactory(cohort=cohort, price=Decimal("420.00"))
    base = [cohort.pk, contract.pk]

    staff_client.post(reverse("cjs:contract_step", args=[*base, "accept"]))
    done_url = reverse("cjs:contract_done", args=base)
    page = staff_client.get(done_url)
    for member in members:
        assert f'name="hours-{member.pk}"' in page.content.decode()
    staff_client.post(
        done_url,
        {
            "work_date": "2018-07-12",
            f"hours-{members[0].pk}": "3.5",
            f"hours-{members[1].pk}": "4",
            f"hours-{members[2].pk}": "",
        },
    )
    staff_client.post(reverse("cjs:contract_step", args=[*base, "invoice"]))
    contract.refresh_from_db()
    assert contract.status == ContractStatus.INVOICED and contract.invoice_number
    listing = staff_client.get(reverse("cjs:contracts", args=[cohort.pk])).content.decode()
    assert reverse("cjs:invoice_pdf", args=base) in listing
    pdf = staff_client.get(reverse("cjs:invoice_pdf", args=base))
    assert pdf["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert contract.invoice_number in text and "420.00" in text
    staff_client.post(reverse("cjs:contract_step", args=[*base, "pay"]))

    contract.refresh_from_db()
    assert contract.status == ContractStatus.PAID
    assert sorted(WorkLog.objects.values_list("hours", flat=True)) == [Decimal("3.50"), Decimal("4.00")]
    summary = staff_client.get(reverse("cjs:summary", args=[cohort.pk])).content.decode()
    assert "420.00 €" in summary


def test_mark_done_needs_hours(staff_client, cohort):
    EnrolmentFactory(cohort=cohort)
    contract = ContractFactory(cohort=cohort, accepted=True)

    response = staff_client.post(
        reverse("cjs:contract_done", args=[cohort.pk, contract.pk]), {"work_date": "2018-07-12"}
    )

    assert response.status_code == 200
    assert "Give the hours of at least one member." in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACCEPTED


def test_a_wrong_step_shows_a_message_and_changes_nothing(staff_client, cohort):
    contract = ContractFactory(cohort=cohort)

    response = staff_client.post(
        reverse("cjs:contract_step", args=[cohort.pk, contract.pk, "pay"]), follow=True
    )

    assert "cannot go from" in response.content.decode()
    contract.refresh_from_db()
    assert contract.status == ContractStatus.QUOTE


def test_cancelling_a_contract_with_a_reason(staff_client, cohort):
    contract = ContractFactory(cohort=cohort)

    staff_client.post(
        reverse("cjs:contract_cancel", args=[cohort.pk, contract.pk]), {"reason": "Client injoignable"}
    )

    contract.refresh_from_db()
    assert (contract.status, contract.cancellation_reason) == (ContractStatus.CANCELLED, "Client injoignable")


def test_expenses_and_the_surplus_distribution(staff_client, cohort):
    members = [EnrolmentFactory(cohort=cohort) for _ in range(3)]
    ContractFactory(cohort=cohort, status=ContractStatus.PAID, price=Decimal("1000.00"))

    staff_client.post(
        reverse("cjs:expenses", args=[cohort.pk]),
        {"expense_date": "2018-07-05", "label": "Gants", "amount": "99.99"},
    )
    staff_client.post(reverse("cjs:distribute", args=[cohort.pk]), {"method": "equal", "reserve": "100.00"})

    assert Expense.objects.get().amount == Decimal("99.99")
    distribution = SurplusDistribution.objects.get()
    assert distribution.distributed == Decimal("800.01")
    assert sum(share.amount for share in distribution.shares.all()) == Decimal("800.01")
    summary = staff_client.get(reverse("cjs:summary", args=[cohort.pk])).content.decode()
    assert members[0].person.last_name in summary
    pdf = staff_client.get(reverse("cjs:summary_pdf", args=[cohort.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_a_bad_expense_or_distribution_shows_errors(staff_client, cohort):
    response = staff_client.post(
        reverse("cjs:expenses", args=[cohort.pk]), {"expense_date": "", "label": "", "amount": "-1"}
    )
    assert response.status_code == 200 and 'class="error-summary"' in response.content.decode()

    response = staff_client.post(
        reverse("cjs:distribute", args=[cohort.pk]), {"method": "by_hours", "reserve": "0"}
    )
    assert response.status_code == 200
    assert "No hours were recorded" in response.content.decode()


# --- Access ---------------------------------------------------------------------------------------------------


def other_cjs_urls(other):
    contract = ContractFactory(cohort=other)
    service_request = ServiceRequestFactory(cohort=other)
    return [
        ("get", reverse("cjs:requests", args=[other.pk])),
        ("get", reverse("cjs:request_quote", args=[other.pk, service_request.pk])),
        ("post", reverse("cjs:request_decline", args=[other.pk, service_request.pk])),
        ("get", reverse("cjs:contracts", args=[other.pk])),
        ("get", reverse("cjs:contract_done", args=[other.pk, contract.pk])),
        ("post", reverse("cjs:contract_step", args=[other.pk, contract.pk, "accept"])),
        ("post", reverse("cjs:contract_cancel", args=[other.pk, contract.pk])),
        ("get", reverse("cjs:quote_pdf", args=[other.pk, contract.pk])),
        ("get", reverse("cjs:expenses", args=[other.pk])),
        ("get", reverse("cjs:summary", args=[other.pk])),
        ("get", reverse("cjs:summary_pdf", args=[other.pk])),
        ("post", reverse("cjs:distribute", args=[other.pk])),
    ]


def test_a_facilitator_never_sees_another_cjs(staff_client, cohort):
    other = CohortFactory()

    for method, url in other_cjs_urls(other):
        assert getattr(staff_client, method)(url).status_code == 404, url
    assert Contract.objects.get().status == ContractStatus.QUOTE
    assert ServiceRequest.objects.get().status == ServiceRequestStatus.NEW


def test_a_contract_of_another_cjs_is_404_under_my_own_cjs(staff_client, cohort):
    contract = ContractFactory(cohort=CohortFactory())
    request = ServiceRequestFactory(cohort=CohortFactory())

    assert staff_client.get(reverse("cjs:contract_done", args=[cohort.pk, contract.pk])).status_code == 404
    assert (
        staff_client.post(reverse("cjs:contract_step", args=[cohort.pk, contract.pk, "accept"])).status_code
        == 404
    )
    assert staff_client.get(reverse("cjs:request_quote", args=[cohort.pk, request.pk])).status_code == 404


@pytest.mark.parametrize("role", ["learner", "partner"])
def test_members_and_partners_are_refused(client, cohort, role):
    client.force_login(UserFactory(role=role))

    assert client.get(reverse("cjs:requests", args=[cohort.pk])).status_code == 403


def test_anonymous_visitors_go_to_the_login_page(client, cohort):
    response = client.get(reverse("cjs:contracts", args=[cohort.pk]))

    assert response.status_code == 302 and "login" in response["Location"]


def test_the_cohort_page_links_to_the_cjs_screens(staff_client, cohort):
    response = staff_client.get(reverse("programmes:cohort_detail", args=[cohort.pk]))

    assert reverse("cjs:requests", args=[cohort.pk]) in response.content.decode()


# --- Query counts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 50])
def test_the_requests_list_has_a_flat_query_count(staff_client, cohort, rows, django_assert_max_num_queries):
    for index in range(rows):
        contract = ContractFactory(cohort=cohort) if index % 2 else None
        ServiceRequestFactory(cohort=cohort, contract=contract, status="quoted" if contract else "new")

    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("cjs:requests", args=[cohort.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 50])
def test_the_contracts_list_has_a_flat_query_count(staff_client, cohort, rows, django_assert_max_num_queries):
    statuses = list(ContractStatus.values)
    for index in range(rows):
        ContractFactory(cohort=cohort, status=statuses[index % len(statuses)])

    with django_assert_max_num_queries(12):
        response = staff_client.get(reverse("cjs:contracts", args=[cohort.pk]))

    assert response.status_code == 200

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

import pytest

from cjs import selectors, services
from cjs.choices import ClientKind, ContractStatus, DistributionMethod, ServiceType
from cjs.models import Contract, InvoiceSequence, WorkLog
from programmes.models import AuditEntry
from tests.cjs.factories import ClientFactory, ContractFactory, ExpenseFactory, WorkLogFactory
from tests.programmes.factories import (
    CohortFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

DAY = datetime.date(2018, 7, 12)


def facilitated_cohort(**kwargs):
    assignment = FacilitatorAssignmentFactory(**kwargs)
    return assignment.cohort, assignment.user


def test_a_contract_goes_from_quote_to_paid_with_the_date_of_each_step():
    cohort, facilitator = facilitated_cohort()
    members = EnrolmentFactory.create_batch(2, cohort=cohort)
    client = services.create_client(
        cohort=cohort, kind=ClientKind.COMPANY, name="Boulangerie Roux", by=facilitator
    )

    contract = services.create_quote(
        cohort=cohort,
        client=client,
        service=ServiceType.PAINTING,
        start_date=DAY,
        price=Decimal("480.00"),
        on=datetime.date(2018, 7, 3),
        by=facilitator,
    )
    services.accept_quote(contract=contract, on=datetime.date(2018, 7, 4), by=facilitator)
    services.mark_done(
        contract=contract,
        work_logs=[(members[0], DAY, Decimal("4")), (members[1], DAY, Decimal("3.5"))],
        on=DAY,
        by=facilitator,
    )
    services.invoice_contract(contract=contract, on=datetime.date(2018, 7, 13), by=facilitator)
    services.record_payment(contract=contract, on=datetime.date(2018, 7, 30), by=facilitator)

    contract.refresh_from_db()
    assert contract.status == ContractStatus.PAID
    assert (contract.quoted_date, contract.accepted_date, contract.done_date) == (
        datetime.date(2018, 7, 3),
        datetime.date(2018, 7, 4),
        DAY,
    )
    assert (contract.invoiced_date, contract.paid_date) == (
        datetime.date(2018, 7, 13),
        datetime.date(2018, 7, 30),
    )
    assert contract.invoice_number == "2018-0001"
    assert contract.invoice_issuer == cohort.host
    assert sorted(contract.work_logs.values_list("hours", flat=True)) == [Decimal("3.50"), Decimal("4.00")]
    assert AuditEntry.objects.filter(action__startswith="cjs.contract.").count() == 5


@pytest.mark.parametrize(
    ("status", "operation"),
    [
        (ContractStatus.QUOTE, "invoice_contract"),
        (ContractStatus.QUOTE, "record_payment"),
        (ContractStatus.ACCEPTED, "accept_quote"),
        (ContractStatus.ACCEPTED, "invoice_contract"),
        (ContractStatus.DONE, "record_payment"),
        (ContractStatus.INVOICED, "cancel_contract"),
        (ContractStatus.PAID, "cancel_contract"),
        (ContractStatus.CANCELLED, "accept_quote"),
    ],
)
def test_refused_transitions_change_nothing(status, operation):
    contract = ContractFactory(status=status)

    with pytest.raises(ValidationError, match="A contract cannot go from"):
        getattr(services, operation)(contract=contract, by=None)

    contract.refresh_from_db()
    assert contract.status == status
    assert contract.invoice_number == ""
    assert not InvoiceSequence.objects.exists()


def test_a_stale_copy_cannot_move_a_contract_twice():
    contract = ContractFactory(done=True)
    stale = Contract.objects.get(pk=contract.pk)
    services.invoice_contract(contract=contract, by=None)

    with pytest.raises(ValidationError):
        services.invoice_contract(contract=stale, by=None)

    assert InvoiceSequence.objects.get().last_number == 1


def test_marking_done_needs_hours_from_members_of_the_cjs():
    contract = ContractFactory(accepted=True)
    outsider = EnrolmentFactory()

    with pytest.raises(ValidationError, match="Give the hours"):
        services.mark_done(contract=contract, work_logs=[], by=None)
    with pytest.raises(ValidationError, match="not a member of the contract's CJS"):
        services.mark_done(contract=contract, work_logs=[(outsider, DAY, Decimal("2"))], by=None)
    member = EnrolmentFactory(cohort=contract.cohort)
    with pytest.raises(ValidationError, match="more than 0 and at most 24"):
        services.mark_done(contract=contract, work_logs=[(member, DAY, Decimal("0"))], by=None)
    with pytest.raises(ValidationError, match="given twice"):
        services.mark_done(
            contract=contract, work_logs=[(member, DAY, Decimal("2")), (member, DAY, Decimal("1"))], by=None
        )

    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACCEPTED
    assert not WorkLog.objects.exists()


def test_cancelling_keeps_the_reason():
    contract = ContractFactory(accepted=True)

    services.cancel_contract(contract=contract, reason="Client moved away", on=DAY, by=None)

    contract.refresh_from_db()
    assert (contract.status, contract.cancelled_date, contract.cancellation_reason) == (
        ContractStatus.CANCELLED,
        DAY,
        "Client moved away",
    )


def test_someone_who_does_not_run_the_cjs_cannot_write():
    contract = ContractFactory()
    other_facilitator = FacilitatorAssignmentFactory().user

    with pytest.raises(ValidationError, match="You do not run this CJS"):
        services.accept_quote(contract=contract, by=other_facilitator)
    with pytest.raises(ValidationError, match="You do not run this CJS"):
        services.create_client(
            cohort=contract.cohort, kind="company", name="X", by=UserFactory(role="partner")
        )


def test_a_client_of_another_cjs_cannot_be_quoted():
    cohort = CohortFactory()

    with pytest.raises(ValidationError, match="belongs to another CJS"):
        services.create_quote(
            cohort=cohort,
            client=ClientFactory(),
            service="gardening",
            start_date=DAY,
            price=Decimal(10),
            by=None,
        )


def test_a_negative_price_is_refused():
    client = ClientFactory()

    with pytest.raises(ValidationError) as error:
        services.create_quote(
            cohort=client.cohort,
            client=client,
            service="gardening",
            start_date=DAY,
            price=Decimal(-1),
            by=None,
        )

    assert "price" in error.value.message_dict


def test_turnover_counts_invoiced_and_paid_contracts_only():
    cohort = CohortFactory()
    for status, price in [
        (ContractStatus.QUOTE, "100"),
        (ContractStatus.ACCEPTED, "200"),
        (ContractStatus.DONE, "400"),
        (ContractStatus.INVOICED, "800.50"),
        (ContractStatus.PAID, "1600.25"),
        (ContractStatus.CANCELLED, "3200"),
    ]:
        ContractFactory(cohort=cohort, status=status, price=Decimal(price))
    ContractFactory(paid=True, price=Decimal("9999"))  # another CJS

    assert selectors.cohort_turnover(cohort) == Decimal("2400.75")


def test_invoice_numbers_are_sequential_per_host_organisation_and_year():
    first_cjs = CohortFactory()
    same_host = CohortFactory(host=first_cjs.host)
    other_host = CohortFactory()
    contracts = [
        ContractFactory(cohort=cohort, done=True) for cohort in (first_cjs, same_host, other_host, first_cjs)
    ]
    next_year = ContractFactory(cohort=first_cjs, done=True)

    numbers = [services.invoice_contract(contract=c, on=DAY, by=None).invoice_number for c in contracts]
    services.invoice_contract(contract=next_year, on=datetime.date(2019, 1, 3), by=None)

    assert numbers == ["2018-0001", "2018-0002", "2018-0001", "2018-0003"]
    assert next_year.invoice_number == "2019-0001"


def test_a_refused_invoice_uses_no_number():
    without_host = ContractFactory(cohort=CohortFactory(host=None), done=True)
    contract = ContractFactory(done=True)

    with pytest.raises(ValidationError, match="no host organisation"):
        services.invoice_contract(contract=without_host, on=DAY, by=None)
    services.invoice_contract(contract=contract, on=DAY, by=None)

    assert contract.invoice_number == "2018-0001"


def test_the_surplus_is_shared_by_hours_to_the_cent():
    cohort = CohortFactory()
    alice, bob, carol = EnrolmentFactory.create_batch(3, cohort=cohort)
    contract = ContractFactory(cohort=cohort, status=ContractStatus.PAID, price=Decimal("1000.00"))
    WorkLogFactory(contract=contract, enrolment=alice, hours=Decimal("1"))
    WorkLogFactory(contract=contract, enrolment=bob, hours=Decimal("1"))
    WorkLogFactory(contract=contract, enrolment=carol, hours=Decimal("1"))
    ExpenseFactory(cohort=cohort, amount=Decimal("99.99"))

    distribution = services.distribute_surplus(
        cohort=cohort,
        method=DistributionMethod.BY_HOURS,
        reserve=Decimal("100.00"),
        decided_date=DAY,
        by=None,
    )

    assert (distribution.turnover, distribution.expenses, distribution.distributed) == (
        Decimal("1000.00"),
        Decimal("99.99"),
        Decimal("800.01"),
    )
    shares = {share.enrolment_id: share.amount for share in distribution.shares.all()}
    # 800.01 / 3 = 266.67: the cent left over goes to the smallest enrolment id (deterministic).
    assert shares == {alice.pk: Decimal("266.67"), bob.pk: Decimal("266.67"), carol.pk: Decimal("266.67")}
    assert sum(shares.values()) == distribution.distributed


def test_the_surplus_is_shared_equally_among_members_still_in_the_cjs():
    cohort = CohortFactory()
    members = EnrolmentFactory.create_batch(3, cohort=cohort)
    EnrolmentFactory(cohort=cohort, withdrawn=True)
    ContractFactory(cohort=cohort, status=ContractStatus.INVOICED, price=Decimal("100.00"))

    distribution = services.distribute_surplus(
        cohort=cohort, method=DistributionMethod.EQUAL, reserve=Decimal("0"), by=None
    )

    amounts = sorted(distribution.shares.values_list("enrolment_id", "amount"))
    assert amounts == [
        (members[0].pk, Decimal("33.34")),
        (members[1].pk, Decimal("33.33")),
        (members[2].pk, Decimal("33.33")),
    ]


def test_a_negative_surplus_is_refused_with_the_figures():
    cohort = CohortFactory()
    EnrolmentFactory(cohort=cohort)
    ContractFactory(cohort=cohort, status=ContractStatus.PAID, price=Decimal("300.00"))
    ExpenseFactory(cohort=cohort, amount=Decimal("250.00"))

    with pytest.raises(ValidationError, match=r"Nothing to distribute.*leaves -50\.00"):
        services.distribute_surplus(cohort=cohort, method="equal", reserve=Decimal("100.00"), by=None)


def test_the_surplus_is_distributed_once():
    cohort = CohortFactory()
    EnrolmentFactory(cohort=cohort)
    services.distribute_surplus(cohort=cohort, method="equal", reserve=Decimal("0"), by=None)

    with pytest.raises(ValidationError, match="already been distributed"):
        services.distribute_surplus(cohort=cohort, method="equal", reserve=Decimal("0"), by=None)


def test_sharing_by_hours_needs_hours():
    cohort = CohortFactory()
    EnrolmentFactory(cohort=cohort)

    with pytest.raises(ValidationError, match="No hours were recorded"):
        services.distribute_surplus(cohort=cohort, method="by_hours", reserve=Decimal("0"), by=None)


def test_an_expense_is_recorded_by_who_runs_the_cjs():
    cohort, facilitator = facilitated_cohort()

    expense = services.add_expense(
        cohort=cohort, expense_date=DAY, label="Peinture", amount=Decimal("62.40"), by=facilitator
    )

    assert expense.created_by == facilitator
    assert selectors.cohort_expenses(cohort) == Decimal("62.40")

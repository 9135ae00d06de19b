"""Two facilitators invoicing at the same moment get distinct, consecutive numbers (PostgreSQL:
the host's invoice sequence row is locked until each invoicing transaction ends)."""

import datetime
import threading
import time

from django.db import connection, connections, transaction

import pytest

from cjs import services
from cjs.models import Contract, InvoiceSequence
from tests.cjs.factories import ContractFactory
from tests.conftest import require_service
from tests.programmes.factories import CohortFactory

# Serialized rollback restores the reference data (regions, departments) the flush after each test removes.
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.services,
    pytest.mark.usefixtures("english"),
]

DAY = datetime.date(2018, 7, 20)


@pytest.fixture
def postgresql():
    require_service(
        "PostgreSQL",
        connection.vendor == "postgresql",
        "row locks need it: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/essaim",
    )


def invoice_together(contracts: list[Contract]) -> list[BaseException]:
    """Invoice each contract in its own thread and connection, all starting at once; each transaction
    holds on a moment after invoicing so the others really run into its lock."""
    start = threading.Barrier(len(contracts))
    errors: list[BaseException] = []

    def invoice(contract_id: int) -> None:
        try:
            contract = Contract.objects.get(pk=contract_id)
            start.wait(timeout=10)
            with transaction.atomic():
                services.invoice_contract(contract=contract, on=DAY, by=None)
                time.sleep(0.2)
        except BaseException as error:  # reported to the test's thread
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=invoice, args=(contract.pk,)) for contract in contracts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@pytest.mark.parametrize("sequence_exists", [False, True], ids=["first-invoice-of-the-year", "later-invoice"])
def test_concurrent_invoices_get_distinct_consecutive_numbers(postgresql, sequence_exists):
    first = CohortFactory()
    second = CohortFactory(host=first.host)  # two CJS of the same host organisation
    contracts = [
        ContractFactory(cohort=cohort, done=True) for cohort in (first, second, first, second, first)
    ]
    if sequence_exists:
        InvoiceSequence.objects.create(organisation=first.host, year=2018, last_number=41)
    offset = 41 if sequence_exists else 0

    errors = invoice_together(contracts)

    assert errors == []
    numbers = sorted(Contract.objects.values_list("invoice_number", flat=True))
    assert numbers == [f"2018-{offset + n:04d}" for n in range(1, 6)]
    assert InvoiceSequence.objects.get(organisation=first.host, year=2018).last_number == offset + 5


def test_the_same_contract_invoiced_twice_at_once_gets_one_number(postgresql):
    contract = ContractFactory(done=True)

    errors = invoice_together([contract, Contract.objects.get(pk=contract.pk)])

    assert len(errors) == 1
    assert "A contract cannot go from Invoiced to Invoiced" in str(errors[0])
    contract.refresh_from_db()
    assert contract.invoice_number == "2018-0001"
    assert InvoiceSequence.objects.get().last_number == 1

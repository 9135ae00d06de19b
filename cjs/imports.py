"""`import_csv contracts`: a CJS's contracts as kept in spreadsheets (DESIGN §5 rules).

Columns: programme, edition, cohort, client, client_type, service, date, hours, amount_eur, status.
A row is matched on cohort + client name (case and accents ignored) + service + date, so re-importing
a file updates the contracts it created. The client is created in the CJS when new. The status is set
as given (the file mirrors the spreadsheet; it does not walk the lifecycle), and imported contracts
keep their own hours (no work logs).
"""

import datetime
from collections.abc import Hashable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from cjs.choices import ClientKind, ContractStatus, ServiceType
from cjs.models import Client, Contract
from programmes.imports import Importer
from programmes.imports.importers import assign
from programmes.imports.parsing import (
    CellError,
    Row,
    choice_of,
    parse_amount,
    parse_date,
    parse_decimal,
    text_of,
)
from programmes.imports.results import CREATED, UNCHANGED, UPDATED
from programmes.models import Cohort
from programmes.text import normalise

CJS_SLUG = "cjs"


def parse_hours(value: str) -> Decimal:
    hours = parse_decimal(value)
    if hours < 0:
        raise CellError(_("Hours cannot be negative."))
    if hours != hours.quantize(Decimal("0.01")) or hours >= Decimal("100000"):
        raise CellError(_("“%(value)s” is not a number of hours.") % {"value": value})
    return hours


@dataclass
class ContractPlan:
    cohort: Cohort
    client_name: str
    client_kind: str | None
    service: str
    start_date: datetime.date
    hours: Decimal | None
    price: Decimal
    status: str | None


class ContractImporter(Importer[ContractPlan]):
    """Contracts of existing CJS cohorts, with their clients."""

    kind = "contracts"
    columns = (
        "programme",
        "edition",
        "cohort",
        "client",
        "client_type",
        "service",
        "date",
        "hours",
        "amount_eur",
        "status",
    )
    required_columns = ("programme", "edition", "cohort", "client", "service", "date", "amount_eur")
    key_column = "client"
    field_columns = {
        "name": "client",
        "kind": "client_type",
        "client": "client",
        "service": "service",
        "start_date": "date",
        "hours": "hours",
        "price": "amount_eur",
        "status": "status",
    }

    def parse(self, row: Row) -> ContractPlan | None:
        cohort = self.read_cohort(row)
        if cohort is not None and cohort.edition.programme.slug != CJS_SLUG:
            row.error("cohort", _("Contracts belong to CJS cohorts only."))
        client_name = row.get("client", text_of(200), required=True)
        if client_name is not None and not normalise(client_name):
            row.error("client", _("“%(value)s” is not a client name.") % {"value": client_name})
        client_kind = row.get("client_type", choice_of(ClientKind))
        service = row.get("service", choice_of(ServiceType), required=True)
        start_date = row.get("date", parse_date, required=True)
        hours = row.get("hours", parse_hours)
        price = row.get("amount_eur", parse_amount, required=True)
        status = row.get("status", choice_of(ContractStatus))
        if row.errors or None in (cohort, client_name, service, start_date, price):
            return None
        return ContractPlan(
            cohort=cohort,
            client_name=client_name,
            client_kind=client_kind,
            service=service,
            start_date=start_date,
            hours=hours,
            price=price,
            status=status,
        )

    def key(self, plan: ContractPlan) -> Hashable:
        return (plan.cohort.pk, normalise(plan.client_name), plan.service, plan.start_date)

    def apply(self, plan: ContractPlan) -> tuple[str, str]:
        client = Client.objects.filter(
            cohort=plan.cohort, normalised_name=normalise(plan.client_name)
        ).first()
        client_changed = False
        if client is None:
            client = Client(
                cohort=plan.cohort, name=plan.client_name, kind=plan.client_kind or ClientKind.INDIVIDUAL
            )
            client_changed = True
        else:
            client_changed = assign(client, {"kind": plan.client_kind})
        if client_changed:
            client.full_clean()
            client.save()
        contract = (
            Contract.objects.filter(
                cohort=plan.cohort, client=client, service=plan.service, start_date=plan.start_date
            )
            .order_by("pk")
            .first()
        )
        values = {"price": plan.price, "hours": plan.hours, "status": plan.status}
        if contract is None:
            contract = Contract(
                cohort=plan.cohort,
                client=client,
                service=plan.service,
                start_date=plan.start_date,
                created_by=self.actor,
            )
            assign(contract, values)
            action = CREATED
        else:
            action = UPDATED if assign(contract, values) or client_changed else UNCHANGED
        if action != UNCHANGED:
            contract.full_clean()
            contract.save()
        description = (
            f"{client} · {ServiceType(plan.service).label} · {plan.start_date:%d/%m/%Y} · {plan.price} € · "
            f"{contract.get_status_display()} · {plan.cohort}"
        )
        return action, description

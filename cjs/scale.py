"""CJS volumes for `generate_scale_data`: clients and 100,000 contracts at S=1 (50 per CJS), with
work logs on a share of them, so turnover and hours come out of the same queries as in a season."""

import datetime
from decimal import Decimal

from django.db.models.functions import Mod
from django.utils import timezone

from cjs.choices import ClientKind, ContractStatus, ServiceType
from cjs.models import Client, Contract, WorkLog
from programmes.models import Cohort
from programmes.scale import ScaleContext, insert_rows
from programmes.text import normalise

CONTRACTS_PER_CJS = 50
CLIENTS_PER_CJS = 20
SERVICES = [choice.value for choice in ServiceType]
KINDS = [choice.value for choice in ClientKind]
STATUSES = [ContractStatus.PAID] * 6 + [ContractStatus.INVOICED, ContractStatus.DONE, ContractStatus.QUOTE]


def generate(context: ScaleContext) -> dict[str, int]:
    rng = context.rng
    now = timezone.now()
    clients = insert_rows(
        Client,
        ["cohort_id", "kind", "name", "normalised_name", "contact_name", "email", "phone", "address",
         "created_at"],
        (
            (cohort_id, KINDS[index % len(KINDS)], f"Client {index + 1:02d}", normalise(f"Client {index + 1:02d}"),
             "", "", "", "", now)
            for cohort_id in context.cjs_cohort_ids
            for index in range(CLIENTS_PER_CJS)
        ),
    )  # fmt: skip
    clients_of: dict[int, list[int]] = {}
    for pk, cohort_id in Client.objects.filter(cohort_id__in=context.cjs_cohort_ids).values_list(
        "pk", "cohort_id"
    ):
        clients_of.setdefault(cohort_id, []).append(pk)
    starts = dict(Cohort.objects.filter(pk__in=context.cjs_cohort_ids).values_list("pk", "start_date"))
    rows = []
    for cohort_id in context.cjs_cohort_ids:
        start: datetime.date = starts[cohort_id]
        for index in range(CONTRACTS_PER_CJS):
            status = STATUSES[(cohort_id + index) % len(STATUSES)]
            day = start + datetime.timedelta(days=index % 55)
            price = Decimal(rng.randrange(4000, 30000)) / 100
            hours = Decimal(rng.randrange(4, 40)) / 2
            done = (
                day if status in (ContractStatus.DONE, ContractStatus.INVOICED, ContractStatus.PAID) else None
            )
            invoiced = day if status in (ContractStatus.INVOICED, ContractStatus.PAID) else None
            paid = day if status == ContractStatus.PAID else None
            rows.append(
                (cohort_id, clients_of[cohort_id][index % CLIENTS_PER_CJS], SERVICES[index % len(SERVICES)], "",
                 day, day, price, hours, status, day, day, done, invoiced, paid, "", "", now)
            )  # fmt: skip
    contracts = insert_rows(
        Contract,
        ["cohort_id", "client_id", "service", "description", "start_date", "end_date", "price", "hours",
         "status", "quoted_date", "accepted_date", "done_date", "invoiced_date", "paid_date",
         "cancellation_reason", "invoice_number", "created_at"],
        rows,
    )  # fmt: skip
    # Work logs on every fifth contract: three members, the contract's hours shared between them.
    members_of: dict[int, list[int]] = {}
    for enrolment_id, cohort_id, _user_id in context.members:
        members_of.setdefault(cohort_id, []).append(enrolment_id)
    # Read before inserting: no other query may run on the connection while a COPY is open.
    logged = list(
        Contract.objects.filter(cohort_id__in=context.cjs_cohort_ids)
        .annotate(fifth=Mod("pk", 5))
        .filter(fifth=0)
        .values_list("pk", "cohort_id", "start_date")
    )
    work_logs = insert_rows(
        WorkLog,
        ["contract_id", "enrolment_id", "work_date", "hours"],
        (
            (contract_id, enrolment_id, day, Decimal("3.50"))
            for contract_id, cohort_id, day in logged
            for enrolment_id in members_of.get(cohort_id, [])[contract_id % 3 :: 5][:3]
        ),
    )
    return {"clients": clients, "contracts": contracts, "work_logs": work_logs}

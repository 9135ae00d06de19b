"""Demo data of the CJS app for `seed_demo` (registered from CjsConfig.ready, run after the core's
network): the 2018 season's contracts, invoices, hours, expenses and surplus distributions (260 000 €
over the 54 CJS, as the 2018 activity report says), and a few contracts at every step for this year's
CJS of the demo facilitator, with a general assembly that voted and a committee. Running it again adds
nothing."""

import datetime
import math
import random
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from cjs import selectors, services
from cjs.choices import ClientKind, ContractStatus, DistributionMethod, ServiceType
from cjs.models import (
    Client,
    Contract,
    DistributionShare,
    Expense,
    HostLegalDetails,
    InvoiceSequence,
    SurplusDistribution,
    WorkLog,
)
from programmes.choices import STARTED_STATUSES, EnrolmentStatus
from programmes.demo import seeded_random
from programmes.models import Cohort, Enrolment, Organisation
from programmes.text import normalise

TURNOVER_2018 = 260_000
DEMO_FACILITATOR = "animateur"

SERVICES = [
    (ServiceType.GARDENING, 8, "Tonte, désherbage et taille de haies"),
    (ServiceType.CLEANING, 5, "Nettoyage de locaux et de vitres"),
    (ServiceType.PAINTING, 5, "Peinture d'une cage d'escalier"),
    (ServiceType.MOVING_HELP, 4, "Aide au déménagement"),
    (ServiceType.EVENT_HELP, 3, "Installation et service lors d'une fête de quartier"),
    (ServiceType.CAR_WASHING, 2, "Lavage de véhicules"),
    (ServiceType.ERRANDS, 2, "Courses et livraisons"),
    (ServiceType.LEAFLETING, 2, "Distribution de flyers"),
    (ServiceType.COMPUTER_HELP, 1, "Initiation à l'informatique"),
]
INDIVIDUALS = ["Mme Lefèvre", "M. Garnier", "Mme Roussel", "M. Faure", "Mme Chevalier", "M. Perrin"]
COMPANIES = ["Boulangerie du Marché", "Garage des Acacias", "Fleurs et Jardins", "Supérette Centrale"]
EXPENSES = [
    ("Gants, sacs et petit outillage", 40, 120),
    ("Peinture et rouleaux", 60, 220),
    ("Tickets de transport", 20, 90),
    ("Flyers et affiches", 30, 110),
    ("Goûter de l'assemblée générale", 25, 80),
]


def seed_cjs() -> None:
    """The CJS demo data (idempotent: a CJS that has clients is left as it is)."""
    seed_season_2018()
    seed_live_cjs()
    seed_live_governance()


# The 2018 season


def _targets(names: list[str]) -> dict[str, int]:
    """Each CJS's 2018 turnover in euros (multiples of 10), adding up to TURNOVER_2018."""
    rng = seeded_random("cjs-turnover-2018")
    weights = {name: rng.randint(60, 140) for name in sorted(names)}
    total = sum(weights.values())
    tens = {name: TURNOVER_2018 // 10 * weight // total for name, weight in weights.items()}
    left = TURNOVER_2018 // 10 - sum(tens.values())
    for name in sorted(tens, key=lambda name: (-weights[name], name))[:left]:
        tens[name] += 1
    return {name: value * 10 for name, value in tens.items()}


def _clients(cohort: Cohort, rng: random.Random) -> list[Client]:
    town = cohort.commune.name if cohort.commune else cohort.department.name
    pool = [
        (ClientKind.LOCAL_AUTHORITY, f"Mairie de {town}"),
        (ClientKind.SOCIAL_LANDLORD, f"{town} Habitat"),
        (ClientKind.ASSOCIATION, f"Centre social de {town}"),
        *[(ClientKind.COMPANY, name) for name in rng.sample(COMPANIES, 2)],
        *[(ClientKind.INDIVIDUAL, name) for name in rng.sample(INDIVIDUALS, rng.randint(2, 3))],
    ]
    return [
        Client(
            cohort=cohort,
            kind=kind,
            name=name,
            normalised_name=normalise(name),
            contact_name="" if kind == ClientKind.INDIVIDUAL else "Accueil",
            address=town,
        )
        for kind, name in pool
    ]


def _prices(target: int, rng: random.Random) -> list[Decimal]:
    """Contract prices in multiples of 5 € adding up to the target."""
    weights = [rng.randint(2, 12) for _ in range(rng.randint(9, 14))]
    prices = [target * weight // sum(weights) // 5 * 5 for weight in weights[:-1]]
    prices.append(target - sum(prices))
    return [Decimal(price) for price in prices]


def _work_logs(
    contract: Contract, members: list[Enrolment], rng: random.Random, day: datetime.date
) -> list[WorkLog]:
    """Two to four members sharing the contract's hours (about 13 € an hour), at most 6 h a day each."""
    hours = contract.price / Decimal(rng.uniform(11, 16))
    team = rng.sample(members, min(len(members), rng.randint(2, 4)))
    each = max(Decimal("1"), (hours / len(team) * 2).quantize(Decimal("1")) / 2)
    days = math.ceil(each / 6)
    logs = []
    for enrolment in team:
        per_day = (each / days * 4).quantize(Decimal("1")) / 4
        for offset in range(days):
            logs.append(
                WorkLog(
                    contract=contract,
                    enrolment=enrolment,
                    work_date=day + datetime.timedelta(days=offset),
                    hours=per_day,
                )
            )
    return logs


def seed_season_2018() -> None:
    cohorts = list(
        Cohort.objects.filter(edition__programme__slug="cjs", edition__year=2018)
        .select_related("commune", "department", "host")
        .order_by("name")
    )
    if not cohorts:
        return
    targets = _targets([cohort.name for cohort in cohorts])
    seeded = set(Client.objects.filter(cohort__in=cohorts).values_list("cohort_id", flat=True))
    cohorts = [cohort for cohort in cohorts if cohort.pk not in seeded]
    if not cohorts:
        return
    members: dict[int, list[Enrolment]] = defaultdict(list)
    for enrolment in Enrolment.objects.filter(cohort__in=cohorts, status__in=STARTED_STATUSES).order_by("pk"):
        members[enrolment.cohort_id].append(enrolment)

    clients_by_cohort = {
        cohort.pk: _clients(cohort, seeded_random(f"cjs-clients:{cohort.name}")) for cohort in cohorts
    }
    Client.objects.bulk_create([client for clients in clients_by_cohort.values() for client in clients])
    contracts: list[Contract] = []
    plans: list[tuple[Contract, random.Random, datetime.date]] = []
    for cohort in cohorts:
        rng = seeded_random(f"cjs-contracts-2018:{cohort.name}")
        start, end = (
            cohort.start_date or datetime.date(2018, 7, 2),
            cohort.end_date or datetime.date(2018, 8, 24),
        )
        span = max(1, (end - start).days - 6)
        for price in _prices(targets[cohort.name], rng):
            service, _weight, description = rng.choices(SERVICES, weights=[s[1] for s in SERVICES])[0]
            day = start + datetime.timedelta(days=rng.randint(3, span))
            invoiced = day + datetime.timedelta(days=rng.randint(1, 4))
            is_paid = rng.random() < 0.95
            contract = Contract(
                cohort=cohort,
                client=rng.choice(clients_by_cohort[cohort.pk]),
                service=service,
                description=description,
                start_date=day,
                price=price,
                status=ContractStatus.PAID if is_paid else ContractStatus.INVOICED,
                quoted_date=day - datetime.timedelta(days=rng.randint(4, 9)),
                accepted_date=day - datetime.timedelta(days=rng.randint(1, 3)),
                done_date=day,
                invoiced_date=invoiced,
                paid_date=invoiced + datetime.timedelta(days=rng.randint(5, 25)) if is_paid else None,
                invoice_issuer=cohort.host,
            )
            contracts.append(contract)
            plans.append((contract, rng, day))
    _number_invoices(contracts, year=2018)
    Contract.objects.bulk_create(contracts)
    logs = [
        log
        for contract, rng, day in plans
        if members[contract.cohort_id]
        for log in _work_logs(contract, members[contract.cohort_id], rng, day)
    ]
    WorkLog.objects.bulk_create(logs)
    expenses = []
    for cohort in cohorts:
        rng = seeded_random(f"cjs-expenses-2018:{cohort.name}")
        for label, low, high in rng.sample(EXPENSES, rng.randint(2, 4)):
            expenses.append(
                Expense(
                    cohort=cohort,
                    expense_date=(cohort.start_date or datetime.date(2018, 7, 2))
                    + datetime.timedelta(days=rng.randint(0, 30)),
                    label=label,
                    amount=Decimal(rng.randint(low, high)),
                )
            )
    Expense.objects.bulk_create(expenses)
    _distribute_2018(cohorts, contracts, expenses, logs)
    _legal_details({cohort.host for cohort in cohorts if cohort.host})


def _number_invoices(contracts: list[Contract], *, year: int) -> None:
    """Invoice numbers per host organisation in the order of invoicing, continuing its sequence."""
    by_host: dict[int, list[Contract]] = defaultdict(list)
    for contract in contracts:
        if contract.invoice_issuer is not None:
            by_host[contract.invoice_issuer.pk].append(contract)
    sequences = {
        sequence.organisation_id: sequence
        for sequence in InvoiceSequence.objects.filter(organisation_id__in=by_host, year=year)
    }
    for host_id, invoices in by_host.items():
        sequence = sequences.setdefault(host_id, InvoiceSequence(organisation_id=host_id, year=year))
        for contract in sorted(
            invoices, key=lambda c: (c.invoiced_date, c.cohort.name, c.start_date, c.price)
        ):
            sequence.last_number += 1
            contract.invoice_number = InvoiceSequence.format(year, sequence.last_number)
    InvoiceSequence.objects.bulk_create([s for s in sequences.values() if s.pk is None])
    InvoiceSequence.objects.bulk_update([s for s in sequences.values() if s.pk is not None], ["last_number"])


def _distribute_2018(
    cohorts: list[Cohort], contracts: list[Contract], expenses: list[Expense], logs: list[WorkLog]
) -> None:
    """Each 2018 CJS shared its surplus by hours worked, keeping about a tenth in reserve."""
    turnover: dict[int, Decimal] = defaultdict(Decimal)
    spent: dict[int, Decimal] = defaultdict(Decimal)
    hours: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for contract in contracts:
        turnover[contract.cohort_id] += contract.price
    for expense in expenses:
        spent[expense.cohort_id] += expense.amount
    for log in logs:
        hours[log.contract.cohort_id][log.enrolment_id] += log.hours
    distributions, shares = [], []
    for cohort in cohorts:
        if not hours[cohort.pk]:
            continue
        reserve = (turnover[cohort.pk] / 100).quantize(Decimal("1")) * 10
        distributed = turnover[cohort.pk] - spent[cohort.pk] - reserve
        distribution = SurplusDistribution(
            cohort=cohort,
            decided_date=cohort.end_date or datetime.date(2018, 8, 24),
            method=DistributionMethod.BY_HOURS,
            turnover=turnover[cohort.pk],
            expenses=spent[cohort.pk],
            reserve=reserve,
            distributed=distributed,
        )
        distributions.append(distribution)
        amounts = services.split_largest_remainder(distributed, hours[cohort.pk])
        shares.extend(
            DistributionShare(
                distribution=distribution,
                enrolment_id=enrolment_id,
                hours=hours[cohort.pk][enrolment_id],
                amount=amount,
            )
            for enrolment_id, amount in sorted(amounts.items())
        )
    SurplusDistribution.objects.bulk_create(distributions)
    DistributionShare.objects.bulk_create(shares)


def _legal_details(hosts: set[Organisation]) -> None:
    known = set(
        HostLegalDetails.objects.filter(organisation__in=hosts).values_list("organisation_id", flat=True)
    )
    HostLegalDetails.objects.bulk_create(
        HostLegalDetails(
            organisation=host,
            legal_form="SCOP SARL à capital variable" if host.type == "cae" else "Association loi 1901",
            address="1 rue de la Coopération",
            payment_details="Paiement à 30 jours par virement ou chèque à l'ordre de la structure.",
        )
        for host in sorted(hosts, key=lambda host: host.pk)
        if host.pk not in known
    )


# This year's CJS of the demo facilitator


def seed_live_cjs() -> None:
    today = timezone.localdate()
    cohorts = list(
        Cohort.objects.filter(
            edition__programme__slug="cjs",
            edition__year=today.year,
            facilitators__username=DEMO_FACILITATOR,
            start_date__lte=today,
        )
        .exclude(clients__isnull=False)
        .select_related("commune", "department", "host")
        .order_by("name")
    )
    for cohort in cohorts:
        _seed_live(cohort, today)
    _legal_details({cohort.host for cohort in cohorts if cohort.host})


def _seed_live(cohort: Cohort, today: datetime.date) -> None:
    rng = seeded_random(f"cjs-live:{cohort.name}")
    members = list(
        cohort.enrolments.filter(status=EnrolmentStatus.ACTIVE).select_related("person").order_by("pk")
    )
    clients = _clients(cohort, rng)
    for client in clients:
        client.full_clean()
    Client.objects.bulk_create(clients)
    start = cohort.start_date or today

    team = rng.sample(members, min(3, len(members)))
    # Without active members yet, the done contracts carry their own hours instead of work logs.
    own_hours = None if team else Decimal("10.00")

    def quote(client: Client, service: str, description: str, price: str, days: int) -> Contract:
        return services.create_quote(
            cohort=cohort,
            client=client,
            service=service,
            description=description,
            start_date=today + datetime.timedelta(days=days),
            price=Decimal(price),
            hours=own_hours,
            on=max(start, today - datetime.timedelta(days=14)),
            by=None,
        )

    quote(clients[0], ServiceType.GARDENING, "Désherbage des massifs de la place", "320.00", 6)
    accepted = quote(clients[1], ServiceType.PAINTING, "Peinture du local à vélos", "540.00", 3)
    services.accept_quote(contract=accepted, on=today - datetime.timedelta(days=2), by=None)
    done = quote(clients[2], ServiceType.EVENT_HELP, "Aide à la fête de quartier", "380.00", -6)
    invoiced = quote(clients[3], ServiceType.CLEANING, "Nettoyage de la vitrine", "150.00", -9)
    for contract, days_ago in [(done, 6), (invoiced, 9)]:
        day = today - datetime.timedelta(days=days_ago)
        services.accept_quote(contract=contract, on=day - datetime.timedelta(days=2), by=None)
        work_logs = [(member, day, Decimal("3.5")) for member in team]
        services.mark_done(contract=contract, work_logs=work_logs, on=day, by=None)
    services.invoice_contract(contract=invoiced, on=today - datetime.timedelta(days=8), by=None)
    services.add_expense(
        cohort=cohort,
        expense_date=start + datetime.timedelta(days=2),
        label="Gants, sacs et petit outillage",
        amount=Decimal("86.40"),
        by=None,
    )


# The governance of this year's CJS of the demo facilitator

ASSEMBLY_AGENDA = "1. Tarif horaire des petits travaux\n2. Nom et logo de la coopérative\n3. Comités"
ASSEMBLY_MINUTES = (
    "Tour de table des premiers contrats. Le tarif horaire est mis au vote. Le nom et le logo seront "
    "proposés à la prochaine assemblée par le comité communication."
)


def seed_live_governance() -> None:
    """A general assembly that voted on the hourly rate, and a commercial committee, for each of the demo
    facilitator's CJS that has started (a CJS that has a meeting or a committee is left as it is)."""
    today = timezone.localdate()
    cohorts = (
        Cohort.objects.filter(
            edition__programme__slug="cjs",
            edition__year=today.year,
            facilitators__username=DEMO_FACILITATOR,
            start_date__lte=today,
            cjs_meetings__isnull=True,
            cjs_committees__isnull=True,
        )
        .distinct()
        .order_by("name")
    )
    for cohort in cohorts:
        _seed_governance(cohort, today)


def _seed_governance(cohort: Cohort, today: datetime.date) -> None:
    members = list(selectors.current_members(cohort))
    if len(members) < 3:
        return
    services.create_committee(cohort=cohort, name="Commercial", members=members[:3], by=None)
    present = members[: max(selectors.quorum_required(len(members)), len(members) - 2)]
    assert cohort.start_date is not None  # type narrowing  # nosec B101
    meeting = services.record_meeting(
        cohort=cohort,
        meeting_date=max(cohort.start_date, today - datetime.timedelta(days=3)),
        attendees=present,
        agenda=ASSEMBLY_AGENDA,
        minutes=ASSEMBLY_MINUTES,
        by=None,
    )
    choices = ["for"] * len(present)
    if len(present) >= 4:
        choices[-2:] = ["against", "abstention"]
    services.record_decision(
        meeting=meeting,
        title="Tarif horaire de 15 € pour les petits travaux",
        text="Les prestations au forfait restent calculées sur ce tarif.",
        votes={enrolment.pk: choice for enrolment, choice in zip(present, choices, strict=True)},
        by=None,
    )

import datetime
import io
from decimal import Decimal

from django.core.management import CommandError, call_command

import pytest

from cjs import selectors
from cjs.choices import ClientKind, ContractStatus
from cjs.models import Client, Contract, WorkLog
from programmes.imports import run_import
from programmes.models import Cohort
from tests.cjs.factories import ClientFactory, ContractFactory
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    EditionFactory,
    ProgrammeFactory,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADER = "programme,edition,cohort,client,client_type,service,date,hours,amount_eur,status"


@pytest.fixture
def cohort():
    return CohortFactory(name="CJS Nantes Bellevue", edition=EditionFactory(year=2018))


def write_csv(tmp_path, lines, *, encoding="utf-8"):
    path = tmp_path / "contracts.csv"
    path.write_bytes("\r\n".join(lines).encode(encoding) + b"\r\n")
    return path


def import_csv(path, *options):
    out = io.StringIO()
    call_command("import_csv", "contracts", str(path), *options, stdout=out)
    return out.getvalue()


def refused(path):
    with pytest.raises(CommandError) as error:
        import_csv(path)
    return str(error.value)


def test_contracts_are_imported_with_their_clients_and_own_hours(tmp_path, cohort):
    path = write_csv(
        tmp_path,
        [
            HEADER,
            "cjs,2018,CJS Nantes Bellevue,Mairie de Nantes,local_authority,gardening,2018-07-10,24,480.00,paid",
            "cjs,2018,CJS Nantes Bellevue,Mme Lefèvre,individual,painting,2018-07-12,8,160,invoiced",
            "cjs,2018,CJS Nantes Bellevue,Mme Lefèvre,,cleaning,2018-07-20,,90,quote",
        ],
    )

    import_csv(path)

    contracts = Contract.objects.order_by("start_date")
    assert [(c.client.name, c.service, c.price, c.hours, c.status) for c in contracts] == [
        ("Mairie de Nantes", "gardening", Decimal("480.00"), Decimal("24.00"), "paid"),
        ("Mme Lefèvre", "painting", Decimal("160.00"), Decimal("8.00"), "invoiced"),
        ("Mme Lefèvre", "cleaning", Decimal("90.00"), None, "quote"),
    ]
    assert Client.objects.filter(cohort=cohort).count() == 2
    assert Client.objects.get(name="Mairie de Nantes").kind == ClientKind.LOCAL_AUTHORITY
    assert not WorkLog.objects.exists()
    assert selectors.statistics(Cohort.objects.all())["hours_worked"] == 32.0


def test_spreadsheet_tolerances(tmp_path, cohort):
    path = write_csv(
        tmp_path,
        [
            "Programme;Edition;Cohort;Client;Client type;Service;Date;Hours;Amount EUR;Status",
            "CJS;2018;cjs nantes bellevue;MAIRIE DE NANTES;Local authority;Gardening;10/07/2018;7,5;1 200,50 €;Paid",
        ],
        encoding="cp1252",
    )

    import_csv(path)

    contract = Contract.objects.get()
    assert (contract.start_date, contract.hours, contract.price, contract.status) == (
        datetime.date(2018, 7, 10),
        Decimal("7.50"),
        Decimal("1200.50"),
        ContractStatus.PAID,
    )
    assert contract.client.kind == ClientKind.LOCAL_AUTHORITY


def test_reimporting_updates_and_never_duplicates(tmp_path, cohort):
    existing = ClientFactory(cohort=cohort, name="Mairie de Nantes", kind=ClientKind.LOCAL_AUTHORITY)
    ContractFactory(
        cohort=cohort, client=existing, service="gardening", start_date=datetime.date(2018, 7, 10)
    )
    first = write_csv(
        tmp_path,
        [HEADER, "cjs,2018,CJS Nantes Bellevue,Mairie de Nantes,,gardening,2018-07-10,10,300,invoiced"],
    )
    import_csv(first)
    second = write_csv(
        tmp_path, [HEADER, "cjs,2018,CJS Nantes Bellevue,mairie de nantes,,gardening,10/07/2018,,300,paid"]
    )

    output = import_csv(second)

    contract = Contract.objects.get()
    assert (contract.status, contract.hours, contract.price) == ("paid", Decimal("10.00"), Decimal("300.00"))
    assert Client.objects.count() == 1
    assert "Imported: 0 created, 1 updated, 0 unchanged." in output
    assert "Imported: 0 created, 0 updated, 1 unchanged." in import_csv(second)


def test_a_bad_row_refuses_the_whole_file_and_says_where(tmp_path, cohort):
    path = write_csv(
        tmp_path,
        [
            HEADER,
            "cjs,2018,CJS Nantes Bellevue,Mairie de Nantes,local_authority,gardening,2018-07-10,24,480.00,paid",
            "cjs,2018,CJS Nantes Bellevue,Mairie de Nantes,,gardening,2018-07-11,-2,-480,delivered",
            "cjs,2018,CJS Unknown,X,,teleportation,2018-13-01,,12,",
            "cjs,2018,CJS Nantes Bellevue,Mairie de Nantes,,gardening,2018-07-10,1,1,paid",
        ],
    )

    message = refused(path)

    for expected in [
        "line 3: hours: Hours cannot be negative.",
        "line 3: amount_eur: An amount cannot be negative.",
        "line 3: status: “delivered” is not one of: quote, accepted, done, invoiced, paid, cancelled.",
        "line 4: cohort: No cohort “CJS Unknown” in cjs 2018",
        "line 4: service: “teleportation” is not one of",
        "line 4: date: “2018-13-01” is not a valid date.",
        "line 5: client: Same row as line 2.",
    ]:
        assert expected in message
    assert not Contract.objects.exists()
    assert not Client.objects.exists()


def test_contracts_belong_to_cjs_cohorts_only(tmp_path):
    CohortFactory(
        name="Flashcoop Lille",
        edition=EditionFactory(programme=ProgrammeFactory(slug="flashcoop"), year=2019),
    )
    path = write_csv(tmp_path, [HEADER, "flashcoop,2019,Flashcoop Lille,X,,other,2019-05-13,,10,paid"])

    assert "line 2: cohort: Contracts belong to CJS cohorts only." in refused(path)


def test_a_coordinator_imports_into_their_scope_only(cohort):
    coordinator = CoordinatorScopeFactory(programme=cohort.edition.programme, regions=[region("11")]).user
    data = f"{HEADER}\ncjs,2018,CJS Nantes Bellevue,X,,other,2018-07-10,,10,paid\n".encode()

    result = run_import("contracts", data, by=coordinator)

    assert [str(error) for error in result.errors] == ["line 2: cohort: outside your scope"]


def test_a_dry_run_writes_nothing(tmp_path, cohort):
    path = write_csv(tmp_path, [HEADER, "cjs,2018,CJS Nantes Bellevue,X,,other,2018-07-10,,10,paid"])

    import_csv(path, "--dry-run")

    assert not Contract.objects.exists()
    assert not Client.objects.exists()

"""CSV and XLSX exports of the coordinator's cohort table: content, filters, scope, audit, query count."""

import csv
import datetime
import io

from django.conf import settings

import openpyxl
import pytest

from programmes.choices import AttendanceStatus
from programmes.models import AuditEntry
from programmes.roles import Role
from tests.programmes.factories import (
    AttendanceFactory,
    CohortFactory,
    CoordinatorScopeFactory,
    EnrolmentFactory,
    PartnershipFactory,
    PersonFactory,
    SessionFactory,
    UserFactory,
    department,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

HEADERS = [
    "Programme",
    "Edition",
    "Cohort",
    "Region",
    "Department",
    "Commune",
    "Status",
    "Start date",
    "End date",
    "Members (started)",
    "Members still in",
    "Retention",
    "Attendance rate",
    "Partners",
    "Minors without guardian contact or authorisation",
    "Members absent 3 sessions in a row",
]


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def coordinator():
    return CoordinatorScopeFactory(regions=[region("52")]).user


@pytest.fixture
def nantes():
    """A CJS with three started members (one withdrawn), a minor without guardian, two partners."""
    cohort = CohortFactory(name="CJS Nantes", department=department("44"))
    present, absent = EnrolmentFactory.create_batch(2, cohort=cohort)
    EnrolmentFactory(cohort=cohort, withdrawn=True)
    EnrolmentFactory(cohort=cohort, applied=True)
    EnrolmentFactory(cohort=cohort, person=PersonFactory(minor=True, last_name="Mineur"), status="enrolled")
    PartnershipFactory.create_batch(2, cohort=cohort)
    session = SessionFactory(cohort=cohort)
    AttendanceFactory(session=session, enrolment=present, status=AttendanceStatus.PRESENT)
    AttendanceFactory(session=session, enrolment=absent, status=AttendanceStatus.UNEXCUSED)
    return cohort


def read_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_the_csv_export_lists_the_cohort_table_and_is_audited(client, coordinator, nantes):
    CohortFactory(name="CJS Bordeaux", department=department("33"))
    client.force_login(coordinator)

    response = client.get("/coordinate/export.csv?programme=cjs&year=2018")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cohorts-cjs-2018.csv"'
    assert "no-store" in response["Cache-Control"]
    header, *rows = read_csv(response)
    assert header == HEADERS
    assert rows == [
        [
            "Coopératives Jeunesse de Services (CJS)",
            "2018",
            "CJS Nantes",
            "Pays de la Loire",
            "44",
            "",
            "Running",
            "2018-07-01",
            "2018-08-31",
            "4",
            "3",
            "0.75",
            "0.5",
            "2",
            "1",
            "0",
        ]
    ]
    entry = AuditEntry.objects.get(action="export.cohorts")
    assert entry.actor == coordinator
    assert entry.details == {"format": "csv", "rows": 1, "filters": {"programme": "cjs", "year": "2018"}}


def test_the_xlsx_export_opens_with_the_same_table(client, coordinator, nantes):
    client.force_login(coordinator)

    response = client.get("/coordinate/export.xlsx")

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 2
    row = dict(zip(HEADERS, rows[1], strict=True))
    assert row["Cohort"] == "CJS Nantes"
    assert row["Edition"] == 2018
    assert row["Start date"] == datetime.datetime(2018, 7, 1)
    assert (row["Members (started)"], row["Retention"], row["Attendance rate"]) == (4, 0.75, 0.5)
    assert row["Minors without guardian contact or authorisation"] == 1
    assert AuditEntry.objects.get(action="export.cohorts").details["format"] == "xlsx"


def test_the_exports_never_name_a_member(client, coordinator, nantes):
    client.force_login(coordinator)

    csv_response = client.get("/coordinate/export.csv")
    xlsx_response = client.get("/coordinate/export.xlsx")

    assert "Mineur" not in csv_response.content.decode("utf-8")
    cells = {
        cell
        for row in openpyxl.load_workbook(io.BytesIO(xlsx_response.content)).active.iter_rows(
            values_only=True
        )
        for cell in row
    }
    assert "Mineur" not in cells


def test_the_exports_follow_the_dashboard_filters(client, nantes):
    CohortFactory(name="CJS Bordeaux", department=department("33"))
    client.force_login(UserFactory(role=Role.FABRIQUE))

    everywhere = read_csv(client.get("/coordinate/export.csv?programme=cjs&year=2018"))
    loire = read_csv(client.get("/coordinate/export.csv?programme=cjs&year=2018&region=52"))
    other_year = read_csv(client.get("/coordinate/export.csv?programme=cjs&year=2019"))

    assert sorted(row[2] for row in everywhere[1:]) == ["CJS Bordeaux", "CJS Nantes"]
    assert [row[2] for row in loire[1:]] == ["CJS Nantes"]
    # 2019 is not an edition: the latest one is exported instead.
    assert len(other_year) == 3
    assert AuditEntry.objects.get(details__filters__region="52").details["rows"] == 1


def test_the_exports_stay_within_the_coordinator_scope(client, coordinator):
    CohortFactory(name="CJS Bordeaux", department=department("33"))
    client.force_login(coordinator)

    response = client.get("/coordinate/export.csv?programme=cjs&year=2018&region=75")

    assert read_csv(response) == [HEADERS]
    assert AuditEntry.objects.get(action="export.cohorts").details["rows"] == 0


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.PARTNER, Role.LEARNER])
def test_other_roles_cannot_export(client, role):
    client.force_login(UserFactory(role=role))

    assert client.get("/coordinate/export.csv").status_code == 403
    assert client.get("/coordinate/export.xlsx").status_code == 403
    assert not AuditEntry.objects.filter(action__startswith="export").exists()  # giving the role is audited


@pytest.mark.parametrize("count", [5, 50])
@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_exports_run_a_flat_number_of_queries(
    client, coordinator, django_assert_max_num_queries, count, extension
):
    for index in range(count):
        cohort = CohortFactory(name=f"CJS {index:03}", department=department("44"))
        member = EnrolmentFactory(cohort=cohort)
        EnrolmentFactory(cohort=cohort, person=PersonFactory(minor=True))
        PartnershipFactory(cohort=cohort)
        AttendanceFactory(session=SessionFactory(cohort=cohort), enrolment=member)
    client.force_login(coordinator)

    with django_assert_max_num_queries(22):
        response = client.get(f"/coordinate/export.{extension}")

    assert response.status_code == 200
    assert AuditEntry.objects.get(action="export.cohorts").details["rows"] == count

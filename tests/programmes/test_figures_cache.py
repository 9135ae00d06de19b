"""Dashboards and statistics are cached per scope and data generation: any change shows at once."""

import re

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from programmes import figures, services
from programmes.choices import AttendanceStatus, EnrolmentStatus, ExitReason
from programmes.roles import Role
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    SessionFactory,
    UserFactory,
    department,
    region,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"


@pytest.fixture
def coordinator():
    return CoordinatorScopeFactory(regions=[region("52")]).user


@pytest.fixture
def nantes():
    return CohortFactory(name="CJS Nantes", department=department("44"))


def dashboard_members(client) -> int:
    """The members of the first cohort, as the table and chart show them (both come from the cache)."""
    cohorts = client.get("/coordinate/").context["cohorts"]
    from_chart = re.findall(r'class="chart-value">(\d+)<', cohorts.chart)
    from_table = re.findall(r'class="number">(\d+)</td>', cohorts.table)
    assert from_chart[0] == from_table[0]
    return int(from_chart[0])


def key_figure(client, name: str) -> str:
    return dict(client.get("/coordinate/").context["key_figures"])[name]


def queries_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_second_visit_reads_the_figures_from_the_cache_until_a_change_is_committed(client):
    """Committed writes (autocommit here, as between requests): the cache serves, a change renews it."""
    coordinator = CoordinatorScopeFactory(regions=[region("52")]).user
    nantes = CohortFactory(name="CJS Nantes", department=department("44"))
    EnrolmentFactory.create_batch(3, cohort=nantes)
    client.force_login(coordinator)

    first = queries_of(client, "/coordinate/")
    second = queries_of(client, "/coordinate/")
    EnrolmentFactory(cohort=nantes)
    CohortFactory(name="CJS Rezé", department=department("44"))
    third = client.get("/coordinate/")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    in_french = client.get("/coordinate/")

    assert second < first
    assert third.context["rows"][0].members == 4
    # The rendered table is cached too: renewed with the data, and kept per language.
    assert "CJS Rezé" in third.content.decode()
    assert 'data-label="Cohort"' in third.content.decode()
    assert 'data-label="Cohorte"' in in_french.content.decode()


def test_inside_a_transaction_that_wrote_figures_are_computed_afresh_and_not_stored():
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    CohortFactory()  # an uncommitted write: the test runs inside a transaction

    assert figures.cached(("test",), compute) == 1
    assert figures.cached(("test",), compute) == 2


def test_a_new_member_shows_on_the_dashboard_at_once(client, coordinator, nantes):
    EnrolmentFactory.create_batch(2, cohort=nantes)
    client.force_login(coordinator)
    assert (dashboard_members(client), key_figure(client, "Participants")) == (2, "2")

    EnrolmentFactory(cohort=nantes)

    assert (dashboard_members(client), key_figure(client, "Participants")) == (3, "3")


def test_a_status_change_shows_on_the_dashboard_at_once(client, coordinator, nantes):
    members = EnrolmentFactory.create_batch(2, cohort=nantes)
    client.force_login(coordinator)
    assert client.get("/coordinate/").context["rows"][0].retained == 2

    services.change_enrolment_status(
        enrolment=members[0],
        status=EnrolmentStatus.WITHDRAWN,
        exit_reason=ExitReason.FOUND_JOB,
        exit_note="Found a job",
        by=FacilitatorAssignmentFactory(cohort=nantes).user,
    )

    assert client.get("/coordinate/").context["rows"][0].retained == 1


def test_an_attendance_sheet_saved_in_bulk_shows_on_the_dashboard_at_once(client, coordinator, nantes):
    member = EnrolmentFactory(cohort=nantes)
    session = SessionFactory(cohort=nantes)
    facilitator = FacilitatorAssignmentFactory(cohort=nantes).user
    client.force_login(coordinator)
    assert client.get("/coordinate/").context["rows"][0].attendance_recorded == 0

    services.record_attendance(session=session, marks={member.pk: AttendanceStatus.PRESENT}, by=facilitator)

    assert client.get("/coordinate/").context["rows"][0].attendance_recorded == 1


def test_each_scope_has_its_own_figures(client, nantes):
    CohortFactory(name="CJS Bordeaux", department=department("33"))
    EnrolmentFactory.create_batch(2, cohort=nantes)
    west = CoordinatorScopeFactory(regions=[region("52")]).user
    south_west = CoordinatorScopeFactory(regions=[region("75")]).user
    national = UserFactory(role=Role.FABRIQUE)

    seen = {}
    for user in (west, south_west, national):
        client.force_login(user)
        seen[user.pk] = [row.cohort.name for row in client.get("/coordinate/").context["rows"]]

    assert seen[west.pk] == ["CJS Nantes"]
    assert seen[south_west.pk] == ["CJS Bordeaux"]
    assert seen[national.pk] == ["CJS Bordeaux", "CJS Nantes"]


def test_a_change_of_scope_shows_at_once(client, nantes):
    CohortFactory(name="CJS Bordeaux", department=department("33"))
    scope = CoordinatorScopeFactory(regions=[region("52")])
    client.force_login(scope.user)
    assert [row.cohort.name for row in client.get("/coordinate/").context["rows"]] == ["CJS Nantes"]

    scope.regions.add(region("75"))

    assert [row.cohort.name for row in client.get("/coordinate/").context["rows"]] == [
        "CJS Bordeaux",
        "CJS Nantes",
    ]


def test_the_statistics_api_shows_a_change_at_once(client, nantes):
    national = UserFactory(role=Role.FABRIQUE)
    EnrolmentFactory(cohort=nantes)
    client.force_login(national)
    url = f"/api/v1/stats/?programme={nantes.edition.programme.slug}&edition={nantes.edition.year}"
    assert client.get(url).json()["participants"] == 1

    EnrolmentFactory(cohort=nantes)

    assert client.get(url).json()["participants"] == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_login_does_not_renew_the_figures_a_change_of_name_does():
    user = UserFactory()
    before = figures.generation()

    user.save(update_fields=["last_login"])
    after_login = figures.generation()
    user.save(update_fields=["first_name"])

    assert after_login == before
    assert figures.generation() != before


def test_a_figure_is_computed_once_per_generation(django_capture_on_commit_callbacks):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert figures.cached(("test",), compute) == 1
    assert figures.cached(("test",), compute) == 1
    before = figures.generation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        figures.data_changed()
        figures.data_changed()

    assert len(callbacks) == 1  # once per transaction, however many rows it wrote
    assert figures.generation() != before

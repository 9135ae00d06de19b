"""The privacy area of the admin and the audit log viewer: for the national team only, every action
audited, the log read-only."""

import datetime
import io
import zipfile

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from programmes.models import AuditEntry, Consent, Person, PrivacyRequest
from tests.programmes.factories import (
    CohortFactory,
    ConsentFactory,
    CoordinatorScopeFactory,
    EnrolmentFactory,
    PersonFactory,
    UserFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "roles")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def fabrique(client):
    user = UserFactory(role="fabrique")
    client.force_login(user)
    return user


@pytest.fixture
def minor():
    person = EnrolmentFactory(
        person__first_name="Léa", person__last_name="Kerhuel", person__minor=True
    ).person
    ConsentFactory(person=person, kind="image_rights", given_by="Sophie Kerhuel")
    return person


def test_the_privacy_area_is_for_the_national_team_only(client, minor):
    coordinator = CoordinatorScopeFactory().user
    client.force_login(coordinator)

    for path in [
        "/admin/privacy/",
        f"/admin/privacy/people/{minor.pk}/",
        f"/admin/privacy/people/{minor.pk}/erase/",
    ]:
        response = client.get(path)
        assert response.status_code in {302, 403}, path  # Wagtail sends a refused user back to the dashboard
        assert "Kerhuel" not in response.content.decode()
    assert client.post(f"/admin/privacy/people/{minor.pk}/export/").status_code in {302, 403}
    assert not AuditEntry.objects.filter(action__in=["person.view", "privacy.export"]).exists()
    assertNotContains(client.get("/admin/"), '"url": "/admin/privacy/"')


def test_the_national_team_finds_a_person_by_name(client, fabrique, minor):
    PersonFactory(first_name="Léa", last_name="Dupont")

    response = client.get("/admin/privacy/", {"q": "léa KERHUEL"})

    assert [person.pk for person in response.context["people"]] == [minor.pk]
    assertContains(response, f'href="/admin/privacy/people/{minor.pk}/"')
    assertContains(client.get("/admin/"), '"url": "/admin/privacy/"')


def test_the_search_costs_the_same_queries_for_5_or_50_people(client, fabrique):
    def queries(count: int) -> int:
        Person.objects.all().delete()
        for _index in range(count):
            person = PersonFactory(last_name="Kerhuel")
            PrivacyRequest.objects.create(person=person, received_date=datetime.date(2019, 1, 2))
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/admin/privacy/", {"q": "Kerhuel"})
        assert len(response.context["people"]) == count
        assert len(response.context["open_requests"]) == count
        return len(captured)

    assert queries(5) == queries(50)


def test_opening_a_file_is_audited_and_never_cached(client, fabrique, minor):
    response = client.get(f"/admin/privacy/people/{minor.pk}/")

    assertContains(response, "Léa Kerhuel")
    assertContains(response, "Sophie Kerhuel")
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="person.view")
    assert (entry.actor, entry.target_id, entry.details) == (fabrique, str(minor.pk), {"via": "privacy"})


def test_a_parent_s_access_request_is_recorded_then_answered_by_the_export(client, fabrique, minor):
    response = client.post(
        f"/admin/privacy/people/{minor.pk}/requests/",
        {
            "kind": "access",
            "requested_by": "guardian",
            "requester_name": "Sophie Kerhuel",
            "received_date": "2019-01-31",
            "notes": "",
        },
    )
    assert response.status_code == 302
    request = PrivacyRequest.objects.get()
    assert (request.requested_by, request.due_date) == ("guardian", datetime.date(2019, 2, 28))

    response = client.post(f"/admin/privacy/people/{minor.pk}/export/", {"privacy_request": request.pk})

    assert response["Content-Type"] == "application/zip"
    assert f'filename="donnees-personnelles-{minor.pk}.zip"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert {"donnees.json", "donnees.html"} <= set(archive.namelist())
    request.refresh_from_db()
    assert request.completed_date == datetime.date.today()
    assert AuditEntry.objects.filter(action="privacy.export", target_id=str(minor.pk)).count() == 1


def test_a_request_received_in_the_future_is_refused(client, fabrique, minor):
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)

    response = client.post(
        f"/admin/privacy/people/{minor.pk}/requests/",
        {"kind": "access", "requested_by": "person", "received_date": tomorrow.isoformat()},
    )

    assertContains(response, "cannot be received in the future")
    assert not PrivacyRequest.objects.exists()


def test_erasing_needs_the_person_s_name_typed_again(client, fabrique, minor):
    url = f"/admin/privacy/people/{minor.pk}/erase/"
    assertContains(client.get(url), "Erase for good")

    response = client.post(url, {"confirm_name": "Léa Dupont"})

    assertContains(response, "This is not the person&#x27;s name.")
    minor.refresh_from_db()
    assert not minor.is_erased

    response = client.post(url, {"confirm_name": "  léa   KERHUEL "}, follow=True)

    minor.refresh_from_db()
    assert minor.is_erased
    assertContains(response, f"Anonyme #{minor.pk}")
    assert AuditEntry.objects.get(action="privacy.erase").actor == fabrique
    assert client.get(url).status_code == 302  # nothing left to erase


def test_consents_are_recorded_and_withdrawn_from_the_person_s_file(client, fabrique, minor):
    client.post(
        f"/admin/privacy/people/{minor.pk}/consents/",
        {"kind": "data_processing", "given_by": "Sophie Kerhuel", "given_date": "2019-05-02"},
    )
    consent = Consent.objects.get(kind="data_processing")

    client.post(f"/admin/privacy/consents/{consent.pk}/withdraw/")

    consent.refresh_from_db()
    assert consent.withdrawn_date == datetime.date.today()
    assert list(
        AuditEntry.objects.filter(action__startswith="consent.")
        .values_list("action", flat=True)
        .order_by("pk")
    ) == ["consent.give", "consent.withdraw"]


def test_the_person_chooser_lists_only_the_people_in_scope(client):
    mine = EnrolmentFactory(person__last_name="Kerhuel").person
    other = PersonFactory(last_name="Kermarrec")  # in no cohort of the coordinator's scope
    coordinator = CoordinatorScopeFactory().user  # CJS in Pays de la Loire, where `mine`'s cohort is
    client.force_login(coordinator)

    response = client.get("/admin/person_chooser/", {"q": "Ker"})

    assertContains(response, mine.last_name)
    assertNotContains(response, other.last_name)


# The audit log


def test_the_audit_log_lists_and_filters_entries(client, fabrique, minor):
    someone = UserFactory(role="coordinator")
    AuditEntry.objects.create(actor=someone, action="export.cohorts", details={"rows": 3})
    AuditEntry.objects.create(
        actor=fabrique, action="privacy.erase", target_type="programmes.person", target_id="7"
    )

    everything = client.get("/admin/auditentry/")
    by_action = client.get("/admin/auditentry/", {"action": "privacy.erase"})
    by_actor = client.get("/admin/auditentry/", {"actor": someone.pk})

    assertContains(everything, "export.cohorts")
    assertContains(by_action, "privacy.erase")
    assertNotContains(by_action, "export.cohorts")
    assertContains(by_actor, "export.cohorts")
    assertNotContains(by_actor, "privacy.erase")
    assert "no-store" in everything["Cache-Control"]


def test_the_audit_log_listing_costs_the_same_queries_for_5_or_50_entries(client, fabrique):
    def queries(count: int) -> int:
        for _index in range(count - AuditEntry.objects.count()):
            AuditEntry.objects.create(actor=fabrique, action="person.view", target_type="programmes.person")
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/admin/auditentry/").status_code == 200
        return len(captured)

    assert queries(5) == queries(50)


@pytest.mark.parametrize("path", ["new/", "edit/{pk}/", "delete/{pk}/"])
def test_nobody_adds_changes_or_deletes_audit_entries_in_the_admin(client, path):
    superuser = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(superuser)
    entry = AuditEntry.objects.create(actor=superuser, action="person.view")

    assert client.get(f"/admin/auditentry/{path.format(pk=entry.pk)}").status_code in {302, 403}
    assert client.post(f"/admin/auditentry/{path.format(pk=entry.pk)}", {"action": "x"}).status_code in {
        302,
        403,
    }
    entry.refresh_from_db()
    assert entry.action == "person.view"


def test_the_log_is_append_only_in_code_too():
    entry = AuditEntry.objects.create(action="person.view")

    for attempt in [
        entry.save,
        entry.delete,
        AuditEntry.objects.all().delete,
        lambda: AuditEntry.objects.update(action="x"),
    ]:
        with pytest.raises(ValueError, match="append-only"):
            attempt()
    assert AuditEntry.objects.get().action == "person.view"


def test_a_person_downloads_their_own_data_from_their_account(client):
    person = EnrolmentFactory(cohort=CohortFactory()).person
    person.user = UserFactory(role="learner")
    person.save()
    client.force_login(person.user)

    assertContains(client.get("/accounts/me/"), "Download my data (ZIP)")
    response = client.post("/accounts/me/my-data.zip")

    assert response["Content-Type"] == "application/zip"
    entry = AuditEntry.objects.get(action="privacy.export")
    assert (entry.actor, entry.details["via"]) == (person.user, "self")


def test_an_account_without_a_person_has_no_data_to_download(client):
    client.force_login(UserFactory(role="coordinator"))

    assertNotContains(client.get("/accounts/me/"), "Download my data")
    assert client.post("/accounts/me/my-data.zip").status_code == 404

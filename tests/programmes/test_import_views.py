from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from programmes.import_views import SESSION_KEY
from programmes.models import AuditEntry, Cohort
from tests.programmes.factories import CoordinatorScopeFactory, UserFactory, region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
UPLOAD_URL = "/coordinate/import/"
CONFIRM_URL = "/coordinate/import/confirm/"
HEADER = "programme,edition,name,region,department,start_date"


@pytest.fixture
def coordinator(client):
    """A coordinator of CJS in Pays de la Loire, logged in, reading the pages in English."""
    user = CoordinatorScopeFactory(regions=[region("52")]).user
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return user


def csv_file(*rows, name="cohorts.csv"):
    return SimpleUploadedFile(name, "\n".join([HEADER, *rows]).encode(), content_type="text/csv")


def upload(client, *rows, kind="cohorts", name="cohorts.csv"):
    return client.post(UPLOAD_URL, {"kind": kind, "file": csv_file(*rows, name=name)})


def test_the_upload_page_shows_the_form_and_the_expected_columns(client, coordinator):
    response = client.get(UPLOAD_URL)

    assertContains(response, 'enctype="multipart/form-data"')
    assertContains(response, 'name="kind"')
    assertContains(response, "host_organisation")


def test_uploading_shows_a_preview_and_writes_nothing(client, coordinator):
    response = upload(client, "cjs,2025,CJS Nantes Nord,52,44,2025-07-01", "cjs,2025,CJS Rezé,52,44,")

    assert response.status_code == 200
    assert response.context["result"].created == 2
    assertContains(response, "CJS Nantes Nord")
    assertContains(response, CONFIRM_URL)
    assert not Cohort.objects.exists()
    assert SESSION_KEY in client.session


def test_confirming_imports_the_previewed_file(client, coordinator):
    preview = upload(client, "cjs,2025,CJS Nantes Nord,52,44,2025-07-01")

    response = client.post(CONFIRM_URL, {"digest": preview.context["digest"]})

    assertRedirects(response, UPLOAD_URL)
    assert Cohort.objects.get().name == "CJS Nantes Nord"
    assert AuditEntry.objects.get(action="import.cohorts").actor == coordinator
    assert SESSION_KEY not in client.session


def test_confirming_twice_imports_once(client, coordinator):
    preview = upload(client, "cjs,2025,CJS Nantes Nord,52,44,2025-07-01")
    client.post(CONFIRM_URL, {"digest": preview.context["digest"]})

    response = client.post(CONFIRM_URL, {"digest": preview.context["digest"]}, follow=True)

    assertContains(response, "upload it again")
    assert AuditEntry.objects.filter(action="import.cohorts").count() == 1


def test_errors_are_listed_with_their_line_and_column_and_nothing_can_be_confirmed(client, coordinator):
    response = upload(client, "cjs,2025,CJS A,52,44,2025-07-01", "cjs,2025,CJS B,52,44,someday")

    assertContains(response, "error-summary")
    errors = [str(error) for error in response.context["result"].errors]
    assert len(errors) == 1
    assert errors[0].startswith("line 3: start_date: ")
    assertContains(response, "<td>start_date</td>", html=False)
    assertNotContains(response, CONFIRM_URL)
    assert SESSION_KEY not in client.session


def test_a_row_outside_the_coordinators_scope_is_refused(client, coordinator):
    response = upload(client, "cjs,2025,CJS Nantes,52,44,", "cjs,2025,CJS Rennes,53,35,")

    errors = [str(error) for error in response.context["result"].errors]
    assert errors == ["line 3: region: outside your scope"]
    assertNotContains(response, CONFIRM_URL)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cohorts.xlsx", HEADER.encode()),
        ("cohorts.csv", b"PK\x03\x04\x00\x00binary"),
    ],
)
def test_files_that_are_not_csv_text_are_refused(client, coordinator, name, content):
    response = client.post(UPLOAD_URL, {"kind": "cohorts", "file": SimpleUploadedFile(name, content)})

    assertContains(response, "error-summary")
    assert response.context["form"].errors["file"]


def test_files_over_5_mb_are_refused(client, coordinator):
    big = SimpleUploadedFile("cohorts.csv", HEADER.encode() + b"\n" + b"x" * (5 * 1024 * 1024))

    response = client.post(UPLOAD_URL, {"kind": "cohorts", "file": big})

    assert "5 MB" in response.context["form"].errors["file"][0]


def test_the_national_team_may_import_anywhere(client):
    client.force_login(UserFactory(role="fabrique"))

    preview = upload(client, "cjs,2025,CJS Rennes,53,35,")
    client.post(CONFIRM_URL, {"digest": preview.context["digest"]})

    assert Cohort.objects.get().department.code == "35"


def test_a_facilitator_gets_403(client):
    client.force_login(UserFactory(role="facilitator"))

    assert client.get(UPLOAD_URL).status_code == 403
    assert client.post(CONFIRM_URL).status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(UPLOAD_URL)

    assertRedirects(response, f"/accounts/login/?next={UPLOAD_URL}", fetch_redirect_response=False)

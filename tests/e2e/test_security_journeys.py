"""Authentication in a browser: a coordinator sets up two-factor authentication by scanning the QR code,
then logs in with her code; repeated wrong passwords show the lockout page; the main back-office
pages work under their Content Security Policy (the page fixtures fail on any violation)."""

import base64
import re
from urllib.parse import parse_qs, urlparse

from django.conf import settings

from wagtail.models import Site

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from programmes.roles import Role
from tests.e2e.helpers import login, submit_password_form, submit_totp_code
from tests.programmes.factories import CoordinatorScopeFactory, ProgrammeFactory, UserFactory, region

PASSWORD = "correct horse battery staple"
LOCKED = re.compile(r"Compte verrouillé|Account locked", re.I)
TWO_FACTOR_SETTINGS = re.compile(r"deux facteurs|Two Factor", re.I)


def path_of(page: Page) -> str:
    return urlparse(page.url).path


@pytest.fixture
def reference_data(transactional_db, django_db_serialized_rollback) -> None:
    """Regions, departments and role groups created by migrations, restored after each test's flush."""


def code_from_otpauth_url(url: str) -> str:
    """What an authenticator app shows after scanning the QR code: TOTP of the URL's base32 secret."""
    query = parse_qs(urlparse(url).query)
    secret = query["secret"][0]
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key, step=int(query.get("period", ["30"])[0]), digits=int(query.get("digits", ["6"])[0]))
    return f"{totp.token():06d}"


def test_a_coordinator_sets_up_two_factor_then_logs_in_with_her_code(page: Page, live_server, reference_data):
    user = UserFactory(username="claire", role=Role.COORDINATOR, password=PASSWORD)
    CoordinatorScopeFactory(user=user, programme=ProgrammeFactory(), regions=[region("52")])

    # Her first login: the password, then the two-factor setup page with a QR code to scan
    page.goto(f"{live_server.url}/accounts/login/")
    submit_password_form(page, "claire", PASSWORD)
    assert path_of(page) == "/admin/2fa/devices/new"
    expect(page.get_by_role("heading", name=TWO_FACTOR_SETTINGS)).to_be_visible()
    qr_code = page.locator("img[src$='/admin/2fa/devices/qr-code']")
    expect(qr_code).to_be_visible()
    assert qr_code.evaluate("image => image.naturalWidth") > 0
    otpauth_url = page.locator("code").filter(has_text="otpauth://").inner_text().strip()
    assert "issuer=Essaim" in otpauth_url

    # She names her phone, types the code her app shows and her password: she reaches her dashboard
    page.locator("input[name=name]").fill("Mon téléphone")
    page.locator("input[name=otp_token]").fill(code_from_otpauth_url(otpauth_url))
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form input[type=submit]").click()
    assert path_of(page) == "/coordinate/"

    # Next time, after her password the site asks for the code before anything else
    with page.expect_navigation():
        page.locator("nav.site-nav form[action='/accounts/logout/'] button").click()
    page.goto(f"{live_server.url}/accounts/login/")
    submit_password_form(page, "claire", PASSWORD)
    assert path_of(page) == "/admin/2fa/auth"
    page.goto(f"{live_server.url}/coordinate/")
    assert path_of(page) == "/admin/2fa/auth"
    page.locator("input[name=otp_token]").fill("000000")
    with page.expect_navigation():
        page.locator("form:has(input[name=otp_token]) button[type=submit]").first.click()
    assert path_of(page) == "/admin/2fa/auth"
    page.wait_for_timeout(1100)  # a wrong code makes the device wait a second
    submit_totp_code(page, "claire")
    assert path_of(page) == "/coordinate/"


def test_repeated_wrong_passwords_lock_the_account_out(page: Page, live_server, reference_data):
    UserFactory(username="karim", role=Role.FACILITATOR, password=PASSWORD)
    page.goto(f"{live_server.url}/accounts/login/")

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        submit_password_form(page, "karim", "not-the-password")
        assert path_of(page) == "/accounts/login/"
        expect(page.get_by_role("alert")).to_be_visible()
    with page.expect_response(lambda response: response.request.method == "POST") as last_failure:
        submit_password_form(page, "karim", "not-the-password")
    assert last_failure.value.status == 429
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible()

    # Even the right password is refused for a while
    page.goto(f"{live_server.url}/accounts/login/")
    with page.expect_response(lambda response: response.request.method == "POST") as right_password:
        submit_password_form(page, "karim", PASSWORD)
    assert right_password.value.status == 429
    expect(page.get_by_role("heading", name=LOCKED)).to_be_visible()


@pytest.mark.usefixtures("demo_data")
def test_the_admin_and_the_api_docs_work_under_their_content_security_policy(page: Page, live_server):
    login(page, live_server.url, "admin")
    assert path_of(page) == "/admin/"
    for path in ["/admin/pages/", "/admin/images/", "/admin/documents/", "/admin/snippets/", "/admin/users/"]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.ok, path
        expect(page.locator("main, #main").first).to_be_visible()
    # The page editor, the heaviest admin screen (StreamField, rich text, live preview)
    home = Site.objects.get(is_default_site=True).root_page
    page.goto(f"{live_server.url}/admin/pages/{home.pk}/edit/")
    expect(page.locator("form#page-edit-form")).to_be_visible()
    page.wait_for_load_state("networkidle")

    response = page.goto(f"{live_server.url}/api/docs/")
    assert response is not None and response.ok
    expect(page.locator(".swagger-ui .information-container")).to_be_visible()
    expect(page.get_by_text("/api/v1/cohorts/").first).to_be_visible()

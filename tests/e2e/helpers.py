"""Steps that browser journeys share."""

from urllib.parse import urlparse

from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page

from programmes.demo import DEMO_PASSWORD
from programmes.models import User
from programmes.security import requires_two_factor
from tests.config.two_factor import fresh_code

TWO_FACTOR_PATH = "/admin/2fa/auth"


def login(page: Page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page (and the TOTP step for accounts under two-factor authentication,
    given a device first if they have none) and wait for the page it redirects to."""
    ensure_totp_device(username)
    page.goto(f"{base_url}/accounts/login/")
    submit_login_form(page, username, password)


def submit_login_form(page: Page, username: str, password: str) -> None:
    """Submit the open login form, then type the TOTP code when the site asks for it."""
    submit_password_form(page, username, password)
    if urlparse(page.url).path == TWO_FACTOR_PATH:
        submit_totp_code(page, username)


def submit_password_form(page: Page, username: str, password: str) -> None:
    """Fill the open login form by its field names (language-independent) and submit it."""
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()


def submit_totp_code(page: Page, username: str) -> None:
    """On the TOTP step, type the code the account's authenticator app shows (computed from its device)."""
    device = TOTPDevice.objects.filter(user__username=username, confirmed=True).get()
    page.locator("input[name=otp_token]").fill(fresh_code(device))
    with page.expect_navigation():
        page.locator("form:has(input[name=otp_token]) button[type=submit]").first.click()


def ensure_totp_device(username: str) -> None:
    """An account under two-factor authentication needs a device to log in: give it one if missing."""
    user = User.objects.filter(username=username).first()
    if (
        user is not None
        and requires_two_factor(user)
        and not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    ):
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)

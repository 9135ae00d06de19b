"""Steps that browser journeys share."""

from playwright.sync_api import Page

from programmes.demo import DEMO_PASSWORD


def login(page: Page, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page and wait for the page it redirects to."""
    page.goto(f"{base_url}/accounts/login/")
    submit_login_form(page, username, password)


def submit_login_form(page: Page, username: str, password: str) -> None:
    """Fill the open login form by its field names (language-independent) and submit it."""
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    with page.expect_navigation():
        page.locator("form:has(input[name=password]) button[type=submit]").click()

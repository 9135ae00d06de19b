"""From the public home page to each demo role's own space, and back out."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import login, submit_login_form

SKIP_LINK_TEXT = re.compile(r"^\s*(Aller au contenu|Skip to content)\s*$")
# Django's own French catalogue says "Connexion" / "Déconnexion" until the project's catalogue overrides it.
LOG_IN_TEXT = re.compile(r"^\s*(Se connecter|Connexion|Log in)\s*$")
LOG_OUT_TEXT = re.compile(r"^\s*(Se déconnecter|Déconnexion|Log out)\s*$")
LEARNER_HEADING = re.compile(r"Mes formations|My training")


def path_of(page: Page) -> str:
    return urlparse(page.url).path


@pytest.mark.parametrize(
    ("username", "start_path"),
    [
        ("jeune", "/learn/"),
        ("animateur", "/facilitate/"),
        ("coordinatrice", "/coordinate/"),
        ("partenaire", "/partner/"),
        ("fabrique", "/admin/"),
        ("admin", "/admin/"),
    ],
)
def test_each_demo_role_logs_in_from_the_home_page_and_lands_on_its_space(
    page: Page, demo_data, username: str, start_path: str
):
    page.goto("/")
    expect(page.locator("h1")).to_be_visible()
    page.keyboard.press("Tab")
    skip_link = page.locator("a.skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_text(SKIP_LINK_TEXT)

    page.locator("nav.site-nav").get_by_role("link", name=LOG_IN_TEXT).click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))
    submit_login_form(page, username, "essaim-demo")

    assert path_of(page) == start_path
    if start_path == "/admin/":
        return  # Wagtail's admin has its own layout and logout menu.
    heading = page.locator("main h1")
    expect(heading).to_be_visible()
    if username == "jeune":
        expect(heading).to_have_text(LEARNER_HEADING)

    with page.expect_navigation():
        page.locator("nav.site-nav").get_by_role("button", name=LOG_OUT_TEXT).click()
    assert path_of(page) == "/"
    expect(page.locator("nav.site-nav").get_by_role("link", name=LOG_IN_TEXT)).to_be_visible()


def test_a_wrong_password_keeps_the_visitor_on_the_login_page_with_an_error(
    page: Page, live_server, demo_data
):
    login(page, live_server.url, "jeune", password="not-the-password")

    assert path_of(page) == "/accounts/login/"
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator("nav.site-nav").get_by_role("link", name=LOG_IN_TEXT)).to_be_visible()

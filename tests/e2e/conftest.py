"""Browser journeys: Chromium through Playwright against pytest-django's live server."""

import os
import re
import time
from collections.abc import Iterator
from pathlib import Path

from django.core.management import call_command
from django.db import connections

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, sync_playwright

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}
PHONE_VIEWPORT = {"width": 390, "height": 844}
DEFAULT_TIMEOUT_MS = 15_000
E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test of this folder `e2e` (so `-m "not e2e"` leaves the browser out) and run them last:
    while the browser lives, Playwright's event loop runs in the main thread and no other test should."""
    others, journeys = [], []
    for item in items:
        (journeys if E2E_DIR in item.path.resolve().parents else others).append(item)
    for item in journeys:
        item.add_marker(pytest.mark.e2e)
    items[:] = others + journeys


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Keep each phase's report on the item (`rep_setup`, `rep_call`) for the page fixtures' teardown."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium, shared by the whole session (Playwright never downloads a browser here)."""
    if not CHROMIUM_PATH.exists():
        reason = f"service unavailable: chromium ({CHROMIUM_PATH} not found)"
        if os.environ.get("ESSAIM_REQUIRE_SERVICES") == "1":
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    opened = list(connections.all(initialized_only=True))
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Playwright's sync API runs an event loop in this thread: Django would refuse ORM calls beside it,
        # and would keep connections per async context instead of per thread. Hand it the connections
        # opened so far, which hold the test database and the copy that serialized rollback restores.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for connection in opened:
            connections[connection.alias] = connection
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


def _open_page(request: pytest.FixtureRequest, context: BrowserContext) -> Iterator[Page]:
    """Yield a page of a fresh context; on failure save a full-page screenshot, then close the context.
    Any Content Security Policy violation reported in the console fails the journey: the policy must
    let every page work as shipped (tests/config/test_headers.py checks the policy itself)."""
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    violations: list[str] = []
    page.on("console", lambda message: _collect_csp_violation(message, violations))
    try:
        yield page
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            _save_screenshot(request, page)
    finally:
        context.close()
        # What the page sent as it closed (a SCORM beacon, a last heartbeat) must be answered before the
        # database is flushed: a request still in a transaction then deadlocks the flush on PostgreSQL.
        time.sleep(0.5)
    report = getattr(request.node, "rep_call", None)
    if violations and (report is None or report.passed):
        pytest.fail("Content Security Policy violations:\n" + "\n".join(violations), pytrace=False)


def _collect_csp_violation(message: ConsoleMessage, violations: list[str]) -> None:
    if message.type == "error" and "Content Security Policy" in message.text:
        violations.append(f"{message.location.get('url', '')}: {message.text}")


def _save_screenshot(request: pytest.FixtureRequest, page: Page) -> None:
    folder = request.config.rootpath / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^\w.\[\]-]+", "_", request.node.name)
    try:
        page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    except Exception as error:  # A crashed page must not hide the test's own failure.
        print(f"Could not save a screenshot for {request.node.nodeid}: {error}")


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Browser, live_server, transactional_db) -> Iterator[Page]:
    """A desktop page in French, in its own context (cookies do not leak between tests). It comes after
    the test database, so it is closed before the database is flushed."""
    context = browser.new_context(locale="fr-FR", viewport=DESKTOP_VIEWPORT, base_url=live_server.url)
    yield from _open_page(request, context)


@pytest.fixture
def phone_page(
    request: pytest.FixtureRequest, browser: Browser, live_server, transactional_db
) -> Iterator[Page]:
    """A phone-sized touch page in French (iPhone-like, 390x844)."""
    context = browser.new_context(
        locale="fr-FR",
        viewport=PHONE_VIEWPORT,
        device_scale_factor=3,
        is_mobile=True,
        has_touch=True,
        base_url=live_server.url,
    )
    yield from _open_page(request, context)


@pytest.fixture(autouse=True)
def _restore_migrated_data(django_db_serialized_rollback) -> None:
    """Journeys run against a live server, so each test flushes the database: serialized rollback
    restores what migrations created (Wagtail's page tree and site, the role groups, content types)
    for every journey, whatever fixtures the previous one used."""


@pytest.fixture
def demo_data(transactional_db, django_db_serialized_rollback) -> None:
    """The demo network (`seed_demo`). Serialized rollback restores what migrations created (Wagtail's
    page tree and site, the role groups) after each test's flush."""
    call_command("seed_demo", "--quiet", "--force")

"""The demo learner rates her digital skills again on a phone, partly with the keyboard, and sees her radar
and her history; the coordinator reads the group results. axe-core checks each screen."""

import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Page, expect

from lms import digcomp
from tests.e2e.helpers import login
from tests.e2e.test_public_site import blocking_violations

# French first; English while the catalogue lacks a string.
MY_SKILLS = re.compile(r"Mes compétences numériques|My digital skills", re.I)
AGAIN = re.compile(r"Refaire mon autopositionnement|Take the self-assessment again", re.I)
NEXT = re.compile(r"^\s*(Suivant|Next)\s*$", re.I)
SEE_RESULT = re.compile(r"Voir mon résultat|See my result", re.I)
MISSING = re.compile(r"réponse manque|answer is missing", re.I)
SAVED = re.compile(r"enregistré|is saved", re.I)
GROUP_RESULTS = re.compile(r"Compétences numériques des cohortes|Digital skills of the cohorts", re.I)
NOT_ENOUGH = re.compile(r"Pas assez de répondant|Not enough respondents", re.I)

AREAS = {area.code: [c.code for c in area.competences] for area in digcomp.load("en").areas}


def slug(code: str) -> str:
    return code.replace(".", "")


def tap_level(page: Page, code: str, value: str) -> None:
    page.locator(f'label[for="level-{slug(code)}-{value}"]').tap()


def assert_accessible(page: Page, name: str) -> None:
    violations = blocking_violations(page)
    assert not violations, f"{name}: {violations}"


def test_the_learner_rates_her_digital_skills_on_a_phone_and_sees_her_progress(
    phone_page: Page, live_server, demo_data
):
    page = phone_page
    login(page, live_server.url, "jeune")
    assert urlparse(page.url).path == "/learn/"

    with page.expect_navigation():
        page.get_by_role("link", name=MY_SKILLS).tap()
    # The demo learner already rated herself twice: her latest result, and a button to start again.
    expect(page.locator("main h1")).to_have_text(MY_SKILLS)
    expect(page.locator(".digcomp-history li")).to_have_count(2)
    with page.expect_navigation():
        page.get_by_role("link", name=AGAIN).tap()

    # Step 1 with the keyboard: arrows choose inside a radio group, Tab goes to the next one, Enter sends.
    expect(page.locator("main h1")).to_contain_text(digcomp.load("fr").area("1").label)
    assert_accessible(page, "step 1")
    page.locator('input[name="1.1"]').first.focus()
    for _ in range(4):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.locator("#level-11-4")).to_be_checked()
    expect(page.locator("#level-12-3")).to_be_checked()
    expect(page.locator("#level-13-0")).to_be_checked()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Step 2 by touch, forgetting one competence: the error summary says which, the others stay chosen.
    expect(page.locator(".step-count")).to_contain_text("2")
    for code in AREAS["2"][:-1]:
        tap_level(page, code, "5")
    with page.expect_navigation():
        page.get_by_role("button", name=NEXT).tap()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text(MISSING)
    expect(summary).to_be_focused()
    expect(page.locator("#level-21-5")).to_be_checked()
    assert_accessible(page, "step 2 with an error")
    summary.get_by_role("link").tap()
    tap_level(page, AREAS["2"][-1], "unknown")
    with page.expect_navigation():
        page.get_by_role("button", name=NEXT).tap()

    for area, level in (("3", "4"), ("4", "5")):
        for code in AREAS[area]:
            tap_level(page, code, level)
        with page.expect_navigation():
            page.get_by_role("button", name=NEXT).tap()
    for code in AREAS["5"]:
        tap_level(page, code, "6")
    with page.expect_navigation():
        page.get_by_role("button", name=SEE_RESULT).tap()

    # The result: the radar over the previous one, the table, three self-assessments in the history.
    expect(page.locator(".messages")).to_contain_text(SAVED)
    radar = page.locator("svg.radar")
    expect(radar).to_be_visible()
    expect(radar.locator("title")).to_have_count(1)
    expect(radar.locator(".radar-current polygon")).to_have_count(1)
    expect(radar.locator(".radar-previous polygon")).to_have_count(1)
    expect(page.locator("table.digcomp-areas tbody tr")).to_have_count(5)
    expect(page.locator("table.digcomp-areas tbody tr").nth(4)).to_contain_text("6,0")
    history = page.locator(".digcomp-history li")
    expect(history).to_have_count(3)
    expect(history.first.locator("[aria-current=page]")).to_have_count(1)
    box = radar.bounding_box()
    assert box is not None and box["width"] <= 390
    assert_accessible(page, "result")

    # An earlier one from the history, compared with the one before it.
    with page.expect_navigation():
        history.nth(1).get_by_role("link").tap()
    expect(page.locator(".digcomp-history li").nth(1).locator("[aria-current=page]")).to_have_count(1)


@pytest.mark.usefixtures("demo_data")
def test_the_coordinator_reads_the_group_results_from_her_dashboard(page: Page, live_server):
    login(page, live_server.url, "coordinatrice")

    with page.expect_navigation():
        page.get_by_role("link", name=GROUP_RESULTS).click()
    table = page.locator("table.digcomp-groups")
    rennes = table.locator("tr", has_text="CJS Rennes Maurepas")
    expect(rennes.locator("td").first).to_have_text("12")
    nantes = table.locator("tr", has_text="CJS Nantes Bellevue")
    expect(nantes.locator("td").first).to_have_text("< 11")
    expect(nantes).to_contain_text(NOT_ENOUGH)
    with page.expect_navigation():
        rennes.get_by_role("link").click()
    expect(page.locator("#group-detail h2")).to_contain_text("CJS Rennes Maurepas")
    expect(page.locator("#group-detail svg.radar")).to_be_visible()
    expect(page.locator("table.digcomp-distribution")).to_have_count(5)
    assert "Moreau" not in page.content()  # the demo learner, who answered, is not named
    assert_accessible(page, "group results")

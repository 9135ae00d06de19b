"""The public site in a browser: axe-core audits every public page type, and visitors find a CJS near them
and search the site on a phone."""

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from cms.models import (
    CjsDirectoryPage,
    FormPage,
    ImpactReportIndexPage,
    ImpactReportPage,
    NewsIndexPage,
    NewsPage,
    PartnersPage,
    ProgrammePage,
    StandardPage,
)
from cms.selectors import CJS_SLUG, current_edition
from programmes.choices import EnrolmentStatus
from programmes.models import Cohort, Enrolment

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
BLOCKING_IMPACTS = {"serious", "critical"}
AXE_RUN = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
  }));
}"""

FIND_A_CJS = re.compile(r"Trouver une CJS", re.I)
SEND_APPLICATION = re.compile("Envoyer ma candidature|Send my application", re.I)
REGION = re.compile(r"^\s*(R[ée]gion)\s*$", re.I)
DEPARTMENT = re.compile(r"^\s*(D[ée]partement|Department)\s*$", re.I)
SEARCH = re.compile(r"^\s*(Rechercher|Search)\s*$", re.I)
PRIZE_NEWS = re.compile(r"prix de l.innovation sociale", re.I)
SEARCH_THE_SITE = re.compile(r"Rechercher sur le site|Search the site", re.I)


def blocking_violations(page: Page) -> list[dict]:
    """The serious and critical axe-core violations of the page shown."""
    # Evaluated through the DevTools protocol rather than added as a <script>: the page's Content Security
    # Policy (rightly) refuses inline scripts, and axe-core is a test tool, never served by the site.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate(AXE_RUN)
    return [violation for violation in violations if violation["impact"] in BLOCKING_IMPACTS]


def public_pages() -> dict[str, str]:
    """One URL per public page type of the demo site."""
    directory = CjsDirectoryPage.objects.get()
    edition = current_edition(CJS_SLUG)
    cohort = Cohort.objects.not_cancelled().filter(edition=edition).order_by("name").first()
    return {
        "home": "/",
        "programme": ProgrammePage.objects.live().first().url,
        "directory": f"{directory.url}?region=52",
        "cjs": directory.cohort_url(cohort),
        "news index": NewsIndexPage.objects.get().url,
        "news": NewsPage.objects.live().first().url,
        "standard": StandardPage.objects.live().first().url,
        "partners": PartnersPage.objects.get().url,
        "form": FormPage.objects.get().url,
        "impact reports": ImpactReportIndexPage.objects.get().url,
        "impact report": ImpactReportPage.objects.live().get().url,
        "search": "/search/?q=CJS",
    }


@pytest.mark.usefixtures("demo_data")
def test_every_public_page_type_passes_axe_core(page: Page, live_server):
    failures = {}
    for name, url in public_pages().items():
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.ok, f"{name}: {url} answered {response and response.status}"
        violations = blocking_violations(page)
        if violations:
            failures[name] = violations
    # The contact form showing its error summary.
    page.goto(f"{live_server.url}{FormPage.objects.get().url}")
    with page.expect_navigation():
        page.locator("form.public-form button[type=submit]").click()
    expect(page.locator("#error-summary")).to_be_visible()
    expect(page.locator("#error-summary")).to_be_focused()
    if violations := blocking_violations(page):
        failures["form with errors"] = violations

    assert not failures, json.dumps(failures, indent=2, ensure_ascii=False)


@pytest.mark.usefixtures("demo_data")
def test_a_visitor_finds_the_cjs_of_a_department_on_a_phone(phone_page: Page, live_server):
    page = phone_page
    page.goto(f"{live_server.url}/")

    with page.expect_navigation():
        page.get_by_role("main").get_by_role("link", name=FIND_A_CJS).first.tap()
    expect(page.get_by_role("heading", level=1)).to_have_text(FIND_A_CJS)
    page.get_by_label(REGION).select_option(label="Pays de la Loire")
    with page.expect_navigation():
        page.get_by_role("search").get_by_role("button", name=SEARCH).tap()
    expect(page.get_by_role("link", name="CJS Nantes Bellevue")).to_be_visible()
    expect(page.get_by_role("link", name="CJS Rennes Maurepas")).to_have_count(0)

    page.get_by_label(DEPARTMENT).select_option("44")
    with page.expect_navigation():
        page.get_by_role("search").get_by_role("button", name=SEARCH).tap()
    expect(page.get_by_role("link", name="CJS Angers Monplaisir")).to_have_count(0)
    with page.expect_navigation():
        page.get_by_role("link", name="CJS Nantes Bellevue").tap()

    expect(page.get_by_role("heading", level=1)).to_contain_text("CJS Nantes Bellevue")
    expect(page.get_by_text("Loire-Atlantique (44)")).to_be_visible()
    assert not blocking_violations(page)

    # Then a 16-year-old applies to join, with a parent's contact and consent to data processing
    join = page.locator(".cjs-public-form", has=page.locator("#join-first_name"))
    join.locator("#join-first_name").fill("Inès")
    join.locator("#join-last_name").fill("Garnier")
    join.locator("#join-birth_date").fill("2010-05-04")
    join.locator("#join-email").fill("ines.garnier@example.org")
    join.locator("#join-guardian_name").fill("Sophie Garnier")
    join.locator("#join-guardian_phone").fill("06 11 22 33 44")
    join.locator("#join-consent").check()
    with page.expect_navigation():
        join.get_by_role("button", name=SEND_APPLICATION).tap()

    expect(page.get_by_role("heading", level=1)).to_be_visible()
    applied = Enrolment.objects.get(
        person__first_name="Inès", person__last_name="Garnier", cohort__name="CJS Nantes Bellevue"
    )
    assert applied.status == EnrolmentStatus.APPLIED
    assert applied.person.guardians.get().phone == "06 11 22 33 44"


@pytest.mark.usefixtures("demo_data")
def test_a_visitor_searches_the_site(phone_page: Page, live_server):
    page = phone_page
    page.goto(f"{live_server.url}/")

    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name=SEARCH).tap()
    page.get_by_label(SEARCH_THE_SITE).fill("innovation sociale")
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("button", name=SEARCH).tap()
    with page.expect_navigation():
        page.get_by_role("main").get_by_role("link", name=PRIZE_NEWS).tap()

    expect(page.get_by_role("heading", level=1)).to_have_text(PRIZE_NEWS)
    expect(page.get_by_text("14 décembre 2018").first).to_be_visible()


def test_the_audit_catches_a_missing_alt_text(page: Page):
    page.set_content(
        '<html lang="fr"><head><title>t</title></head><body><main><img src="x.png"></main></body></html>'
    )

    assert [violation["id"] for violation in blocking_violations(page)] == ["image-alt"]

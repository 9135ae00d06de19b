"""An impact report in a browser: the national team composes one in the Wagtail admin, previews it and
publishes it; a visitor reads it, sees its charts and downloads its PDF and its open data."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from cms.models import ImpactReportIndexPage, ImpactReportPage, ReportSnapshot
from programmes.evaluation.demo import CJS_2018_CAMPAIGN
from programmes.models import Campaign
from tests.e2e.helpers import login
from tests.e2e.test_public_site import blocking_violations

ADD_CHILD_PAGE = re.compile(r"Ajouter une sous-page|Add child page", re.I)
MORE_ACTIONS = re.compile(r"Plus d.actions|More actions", re.I)
PUBLISH = re.compile(r"^\s*(Publier|Publish)\s*$", re.I)
SAVE_DRAFT = re.compile(r"Enregistrer le brouillon|Save draft", re.I)
REPORTS = re.compile(r"Rapports d.impact", re.I)
PDF = re.compile(r"Download the report|Télécharger le rapport", re.I)
CSV = re.compile(r"Download the data|Télécharger les données", re.I)
TITLE = "Les CJS 2018 vues par les jeunes"


def add_block(page: Page, label: re.Pattern[str]) -> None:
    """Open the last « insert a block » menu of the body and pick a block type."""
    page.locator("[data-contentpath=body] button.c-sf-add-button").last.click()
    page.get_by_role("option", name=label).click()


@pytest.mark.usefixtures("demo_data")
def test_the_national_team_builds_previews_and_publishes_a_report_a_visitor_reads_it(
    page: Page, browser: Browser, live_server, tmp_path: Path
):
    campaign = Campaign.objects.get(name=CJS_2018_CAMPAIGN)
    index = ImpactReportIndexPage.objects.get()
    login(page, live_server.url, "fabrique")

    # The national team opens the reports in the page explorer and adds one.
    page.goto(f"{live_server.url}/admin/pages/{index.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name=ADD_CHILD_PAGE).first.click()
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_intro").fill("L'estime de soi des coopérant·es à l'entrée et à la sortie.")

    add_block(page, re.compile(r"^(Graphique|Chart)$"))
    page.locator("[name=body-0-value-title]").fill("Estime de soi en fin de saison")
    page.locator("[name=body-0-value-description]").fill(
        "Réponses aux questions d'estime de soi à la sortie."
    )
    page.locator("[name=body-0-value-campaign]").select_option(str(campaign.pk))
    page.locator("[name=body-0-value-wave]").select_option("T1")
    page.locator("[name=body-0-value-items]").fill("estime_valeur, estime_qualites")

    add_block(page, re.compile(r"^(Tableau de résultats|Result table)$"))
    page.locator("[name=body-1-value-title]").fill("Les réponses à la sortie")
    page.locator("[name=body-1-value-campaign]").select_option(str(campaign.pk))
    page.locator("[name=body-1-value-items]").fill("estime_valeur, estime_qualites, priorites")

    add_block(page, re.compile(r"^(Analyse appariée|Paired analysis)$"))
    page.locator("[name=body-2-value-title]").fill("De l'entrée à la sortie")
    page.locator("[name=body-2-value-campaign]").select_option(str(campaign.pk))
    page.locator("[name=body-2-value-items]").fill("estime_valeur")
    page.locator("[name=body-2-value-scales]").fill("estime_de_soi")

    methodology = page.locator("[data-contentpath=methodology] [contenteditable=true]")
    methodology.scroll_into_view_if_needed()
    methodology.click()
    page.keyboard.type("Les mêmes jeunes ont répondu à l'entrée et à la sortie.", delay=10)
    expect(page.locator("input[name=methodology]")).to_have_value(re.compile("mêmes jeunes"))

    with page.expect_navigation():
        page.get_by_role("button", name=SAVE_DRAFT).click()
    report = ImpactReportPage.objects.get(title=TITLE)
    assert not report.live

    # The preview computes everything from today's data, charts included.
    page.locator("[data-side-panel-toggle=preview]").click()
    preview = page.frame_locator("#w-preview-iframe")
    expect(preview.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(preview.locator("svg[role=img]")).to_have_count(1)
    expect(preview.locator(".report-result_table table.report-table").first).to_be_visible()

    page.get_by_role("button", name=MORE_ACTIONS).first.click()
    with page.expect_navigation():
        page.get_by_role("button", name=PUBLISH).click()
    report.refresh_from_db()
    assert report.live
    snapshot = ReportSnapshot.objects.get(page=report)
    assert snapshot.number == 1
    assert [block["type"] for block in snapshot.content["blocks"]] == [
        "chart",
        "result_table",
        "paired_analysis",
    ]

    # A visitor finds it from the menu.
    visitor = browser.new_context(locale="fr-FR", base_url=live_server.url, accept_downloads=True)
    reader = visitor.new_page()
    reader.goto(f"{live_server.url}/")
    with reader.expect_navigation():
        reader.get_by_role("navigation").get_by_role("link", name=REPORTS).first.click()
    with reader.expect_navigation():
        reader.get_by_role("link", name=TITLE).click()
    expect(reader.get_by_role("heading", level=1)).to_have_text(TITLE)
    chart = reader.locator("svg[role=img]")
    expect(chart).to_have_count(1)
    expect(chart.locator("title").first).to_have_text("Estime de soi en fin de saison")
    expect(reader.locator(".report-paired_analysis table.report-table").first).to_be_visible()
    assert not blocking_violations(reader)

    with reader.expect_download() as pdf_download:
        reader.get_by_role("link", name=PDF).click()
    pdf = Path(pdf_download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    with reader.expect_download() as csv_download:
        reader.get_by_role("link", name=CSV).click()
    lines = Path(csv_download.value.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "table,table_title,row,row_label,column,column_label,value,hidden,rule"
    assert any(line.startswith("b2-results,Les réponses à la sortie,estime_valeur,") for line in lines)
    visitor.close()

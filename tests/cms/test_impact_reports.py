"""Impact reports: composed from blocks, frozen on publication, corrected by new versions, downloadable as
PDF and open-data CSV, and rendered from their snapshot only."""

import csv
import io
import re
from decimal import Decimal

from django.core.cache import cache
from django.core.exceptions import ValidationError

from wagtail.rich_text import RichText

import pypdf
import pytest
from pytest_django.asserts import assertContains, assertNotContains

from cms.models import HomePage, ImpactReportIndexPage, ImpactReportPage, ReportSnapshot
from cms.reports import compute_report, report_csv
from programmes.choices import NO_OPINION, ItemKind
from programmes.models import Answer, Response
from programmes.roles import Role
from tests.cjs.factories import ContractFactory
from tests.cms.factories import cjs
from tests.programmes.factories import EnrolmentFactory, UserFactory
from tests.programmes.results_factories import campaign, questionnaire, respond

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

APPORTS = [("argent", "Gagner de l'argent"), ("amis", "Se faire des amis"), ("experience", "Une expérience")]


def season(people_per_cohort=12, cohorts=2):
    """A CJS campaign, T0 and T1, with the answers of every member: most gain confidence."""
    survey = questionnaire(
        [
            {"code": "confiance", "text": "J'ai confiance en moi", "scale": "estime"},
            {"code": "parole", "text": "J'ose prendre la parole", "scale": "estime"},
            {"code": "recommande", "kind": ItemKind.YESNO, "text": "Je recommande la CJS"},
            {
                "code": "apports",
                "kind": ItemKind.RANKING,
                "options": APPORTS,
                "text": "Ce que la CJS apporte",
            },
        ],
        slug="cjs-parcours",
        title="Parcours CJS",
    )
    rows = [cjs(name=f"CJS {number}", year=2018) for number in range(cohorts)]
    season = campaign(survey, rows, name="CJS 2018")
    levels = ["pas-du-tout", "plutot-non", "plutot-oui", "tout-a-fait"]
    for cohort in rows:
        for number in range(people_per_cohort):
            person = EnrolmentFactory(cohort=cohort).person
            start = number % 3
            respond(
                survey,
                {
                    "confiance": levels[start],
                    "parole": levels[start],
                    "recommande": "no" if number % 2 else "yes",
                },
                wave="T0",
                cohort=cohort,
                person=person,
                campaign=season,
            )
            respond(
                survey,
                {
                    "confiance": levels[min(start + 1, 3)],
                    "parole": levels[start] if number % 4 else NO_OPINION,
                    "recommande": "yes",
                    "apports": ["experience", "amis", "argent"]
                    if number % 2
                    else ["amis", "experience", "argent"],
                },
                wave="T1",
                cohort=cohort,
                person=person,
                campaign=season,
            )
    return season


def body(campaign_id):
    key = str(campaign_id)
    return [
        ("heading", {"text": "Ce que disent les jeunes", "level": "h2"}),
        ("paragraph", RichText("<p>Les coopérant·es ont répondu en juin et en septembre.</p>")),
        (
            "indicators",
            {
                "heading": "La saison",
                "programme": "cjs",
                "edition_year": 2018,
                "indicators": ["cohorts", "participants", "turnover_eur"],
            },
        ),
        ("result_table", {"title": "Fin de saison", "campaign": key, "wave": "T1", "items": ""}),
        (
            "paired_analysis",
            {
                "title": "Évolution déclarée",
                "campaign": key,
                "before": "T0",
                "after": "T1",
                "items": "",
                "scales": "",
            },
        ),
        (
            "chart",
            {
                "title": "Confiance en fin de saison",
                "description": "Réponses à la fin de la saison, par question.",
                "kind": "distribution",
                "campaign": key,
                "wave": "T1",
                "before": "T0",
                "after": "T1",
                "items": "confiance,parole",
                "scales": "",
            },
        ),
        (
            "chart",
            {
                "title": "Évolution",
                "description": "Part des jeunes dont la réponse progresse.",
                "kind": "change",
                "campaign": key,
                "wave": "T1",
                "before": "T0",
                "after": "T1",
                "items": "confiance",
                "scales": "estime",
            },
        ),
    ]


@pytest.fixture
def report_page(site_tree):
    home = HomePage.objects.get()
    index = ImpactReportIndexPage(title="Rapports d'impact", slug="rapports-impact")
    home.add_child(instance=index)
    index.save_revision().publish()
    row = season()
    page = ImpactReportPage(
        title="Les CJS 2018",
        slug="cjs-2018",
        intro="Ce que la saison a changé, selon les jeunes.",
        methodology="<p>Questionnaires en début et en fin de saison.</p>",
        body=body(row.pk),
    )
    index.add_child(instance=page)
    return page


def without_csrf(content: bytes) -> str:
    """A page's HTML without the CSRF token of its forms (masked anew on every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content.decode())


def publish(page, note=""):
    page = ImpactReportPage.objects.get(pk=page.pk)
    page.correction_note = note
    page.save_revision().publish()
    return ReportSnapshot.objects.filter(page=page).order_by("number").last()


def test_publishing_freezes_every_block_into_version_one(client, report_page):
    snapshot = publish(report_page)

    assert snapshot.number == 1
    assert snapshot.rules_version == "disclosure-rules/1"
    types = [block["type"] for block in snapshot.content["blocks"]]
    assert types == [
        "heading",
        "paragraph",
        "indicators",
        "result_table",
        "paired_analysis",
        "chart",
        "chart",
    ]
    results = snapshot.content["blocks"][3]["tables"][0]
    confiance = next(row for row in results["rows"] if row["code"] == "confiance")
    cells = {cell["column"]: cell for cell in confiance["cells"]}
    # At T1, confiance is plutot-non for 8 people (start 0), plutot-oui for 8, tout-a-fait for 8 = 24.
    assert cells["plutot-non"]["value"] == 0 or cells["plutot-non"]["rule"]
    assert cells["__total__"]["value"] == 24
    response = client.get(report_page.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") == 2
    assertContains(response, "Ce que disent les jeunes")
    assertContains(response, "Declared change")
    assertContains(response, "disclosure-rules/1")


def test_later_data_changes_never_alter_a_published_version(client, report_page):
    publish(report_page)
    page_before = without_csrf(client.get(report_page.url).content)
    csv_before = client.get(f"{report_page.url}versions/1/csv/").content
    pdf_before = b"".join(client.get(f"{report_page.url}versions/1/pdf/").streaming_content)

    Answer.objects.filter(item__code="confiance").update(option_codes=["pas-du-tout"], score=1)
    Response.objects.filter(wave="T0").delete()

    assert without_csrf(client.get(report_page.url).content) == page_before
    assert client.get(f"{report_page.url}versions/1/csv/").content == csv_before
    assert b"".join(client.get(f"{report_page.url}versions/1/pdf/").streaming_content) == pdf_before
    live = compute_report(ImpactReportPage.objects.get(pk=report_page.pk))
    assert report_csv(live) != csv_before.decode()


def test_a_correction_is_a_new_version_and_the_old_one_stays_reachable(client, report_page):
    first = publish(report_page)
    Answer.objects.filter(item__code="confiance", response__wave="T1").update(
        option_codes=["tout-a-fait"], score=4
    )

    second = publish(report_page, note="Réponses de septembre complétées.")

    assert second.number == 2
    assert second.correction_note == "Réponses de septembre complétées."
    assert first.content != second.content
    latest = client.get(report_page.url)
    assertContains(latest, "Réponses de septembre complétées.")
    assertContains(latest, f'href="{report_page.url}versions/1/"')
    old = client.get(f"{report_page.url}versions/1/")
    assert old.status_code == 200
    assertContains(old, "See the latest version")
    assertNotContains(old, "Réponses de septembre complétées.</p>")
    assert client.get(f"{report_page.url}versions/3/").status_code == 404


def test_a_snapshot_is_never_rewritten(report_page):
    snapshot = publish(report_page)
    snapshot.content = {"blocks": []}

    with pytest.raises(ValidationError):
        snapshot.save()
    assert ReportSnapshot.objects.get(pk=snapshot.pk).content["blocks"]


def test_the_pdf_is_a_pdf_with_the_charts_drawn_from_the_same_svg(client, report_page):
    publish(report_page)

    response = client.get(f"{report_page.url}versions/1/pdf/")

    data = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/pdf"
    assert data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Les CJS 2018" in text
    assert "Confiance en fin de saison" in text
    # The SVG is drawn as vectors: its legend's words are text of the PDF.
    assert "Oui, tout à fait" in text or "tout-a-fait" in text


def test_the_csv_lists_every_cell_and_marks_hidden_ones_without_their_value(client, report_page):
    snapshot = publish(report_page)

    response = client.get(f"{report_page.url}versions/1/csv/")

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert rows[0].keys() == {
        "table",
        "table_title",
        "row",
        "row_label",
        "column",
        "column_label",
        "value",
        "hidden",
        "rule",
    }
    hidden = [row for row in rows if row["rule"]]
    assert hidden, "a season of 24 people has small cells"
    assert all(row["value"] == "" and row["hidden"] in ("< 11", "s") for row in hidden)
    published = {(row["table"], row["row"], row["column"]): row["value"] for row in rows}
    assert published[("b4-results", "confiance", "total")] == "24"
    assert snapshot.content["blocks"][3]["tables"][0]["id"] == "b4-results"


def test_the_preview_computes_from_live_data(report_page):
    publish(report_page)
    Answer.objects.filter(item__code="confiance", response__wave="T1").update(
        option_codes=["pas-du-tout"], score=1
    )
    page = ImpactReportPage.objects.get(pk=report_page.pk)

    response = page.make_preview_request()

    assert response.status_code == 200
    assertContains(response, "Preview computed from today")
    frozen = ReportSnapshot.objects.get(page=page).content["blocks"][3]["tables"][0]
    live = response.context_data["content"]["blocks"][3]["tables"][0]
    assert frozen != live
    confiance = next(row for row in live["rows"] if row["code"] == "confiance")
    cells = {cell["column"]: cell for cell in confiance["cells"]}
    # All 24 now answer « pas du tout »: 100 % of a group under 30 is not shown, even in the preview.
    assert (cells["pas-du-tout"]["value"], cells["pas-du-tout"]["rule"]) == (None, "extreme-share")
    assert cells["__total__"]["value"] == 24


def test_the_index_lists_published_reports_with_their_version(client, report_page):
    publish(report_page)

    response = client.get("/rapports-impact/")

    assertContains(response, "Les CJS 2018")
    assertContains(response, "Version 1, published on")


def test_the_public_page_reads_the_snapshot_not_the_responses(
    client, report_page, django_assert_max_num_queries
):
    publish(report_page)
    client.get(report_page.url)

    with django_assert_max_num_queries(12) as captured:
        client.get(report_page.url)

    assert not any("programmes_answer" in query["sql"] for query in captured.captured_queries)
    assert not any("programmes_response" in query["sql"] for query in captured.captured_queries)


def test_a_report_page_sits_under_the_index_only():
    assert ImpactReportPage.parent_page_types == ["cms.ImpactReportIndexPage"]
    assert "cms.ImpactReportIndexPage" in HomePage.subpage_types


def indicators_page(
    index, *, slug="indicateurs", indicators=("cohorts", "participants", "girls_share", "turnover_eur")
):
    page = ImpactReportPage(
        title="Indicateurs",
        slug=slug,
        intro="Les chiffres de la saison.",
        methodology="<p>Statistiques de la saison.</p>",
        body=[
            (
                "indicators",
                {"heading": "2018", "programme": "cjs", "edition_year": 2018, "indicators": list(indicators)},
            )
        ],
    )
    index.add_child(instance=page)
    return page


@pytest.fixture
def report_index(site_tree):
    home = HomePage.objects.get()
    index = ImpactReportIndexPage(title="Rapports d'impact", slug="rapports-impact")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def indicator_cells(snapshot):
    rows = snapshot.content["blocks"][0]["tables"][0]["rows"]
    return {row["code"]: row["cells"][0] for row in rows}


def test_indicators_hide_small_counts_and_money_of_fewer_than_three_cooperatives(report_index):
    first, second = cjs(name="CJS Nantes", year=2018), cjs(name="CJS Rennes", year=2018)
    for cohort in (first, second):
        for _number in range(4):
            EnrolmentFactory(cohort=cohort)
        ContractFactory(cohort=cohort, paid=True, price=Decimal("1000.00"))

    cells = indicator_cells(publish(indicators_page(report_index)))

    assert cells["cohorts"] == {"column": "value", "value": 2, "rule": None}
    assert cells["participants"] == {"column": "value", "value": None, "rule": "threshold"}
    assert cells["girls_share"]["rule"] == "share-base"
    assert cells["turnover_eur"] == {"column": "value", "value": None, "rule": "contributors"}


def test_money_is_published_with_three_cooperatives_none_above_85_percent(report_index):
    for name, price in [("CJS A", "3000.00"), ("CJS B", "2500.00"), ("CJS C", "2000.00")]:
        cohort = cjs(name=name, year=2018)
        for _number in range(5):
            EnrolmentFactory(cohort=cohort, person__gender="m")
        ContractFactory(cohort=cohort, paid=True, price=Decimal(price))

    cells = indicator_cells(publish(indicators_page(report_index)))

    assert cells["turnover_eur"] == {"column": "value", "value": "7500.00", "rule": None}
    assert cells["participants"]["value"] == 15
    assert cells["girls_share"] == {"column": "value", "value": None, "rule": "extreme-share"}  # 0 % of 15


def test_a_dominant_cooperative_hides_the_turnover(report_index):
    for name, price in [("CJS A", "9000.00"), ("CJS B", "500.00"), ("CJS C", "500.00")]:
        ContractFactory(cohort=cjs(name=name, year=2018), paid=True, price=Decimal(price))

    cells = indicator_cells(publish(indicators_page(report_index, indicators=["turnover_eur"])))

    assert cells["turnover_eur"]["rule"] == "dominance"


@pytest.mark.parametrize("count", [5, 50])
def test_the_index_runs_the_same_queries_for_5_or_50_reports(
    client, report_index, count, django_assert_num_queries
):
    for number in range(count):
        page = ImpactReportPage(
            title=f"Rapport {number}",
            slug=f"rapport-{number}",
            intro="Un rapport.",
            methodology="<p>Méthode.</p>",
            body=[("heading", {"text": "Titre", "level": "h2"})],
        )
        report_index.add_child(instance=page)
        page.save_revision().publish()
    client.get("/rapports-impact/")  # warm the site and page caches of this process
    cache.clear()

    with django_assert_num_queries(12):
        response = client.get("/rapports-impact/")

    assert response.content.decode().count('class="card-title"') == count


def test_the_national_team_may_edit_and_publish_the_site_pages(site_tree, roles):
    fabrique = UserFactory(role=Role.FABRIQUE)
    home = HomePage.objects.get()

    permissions = home.permissions_for_user(fabrique)

    assert permissions.can_add_subpage()
    assert permissions.can_edit()
    assert permissions.can_publish()
    assert not HomePage.objects.get().permissions_for_user(UserFactory(role=Role.COORDINATOR)).can_publish()

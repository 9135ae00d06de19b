"""The programme core in a browser: a coordinator imports cohorts and sees them on the dashboard, a
facilitator takes attendance on a phone."""

import re
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Locator, Page, expect

from programmes.choices import AttendanceStatus
from programmes.models import Cohort, Session, User
from programmes.selectors import current_members
from tests.e2e.helpers import login

# Texts in French or in English: the French catalogue may not translate every string yet.
FILTERS = re.compile(r"Filtres|Filters", re.I)
PROGRAMME = re.compile(r"^\s*(Programme|Program)\s*$", re.I)
EDITION = re.compile(r"^\s*([ÉE]dition)\s*$", re.I)
REGION = re.compile(r"^\s*(R[ée]gion)\s*$", re.I)
SHOW = re.compile(r"^\s*(Afficher|Show)\s*$", re.I)
COHORTS = re.compile(r"\b(Cohortes|Cohorts)\b", re.I)
IMPORT_A_FILE = re.compile(r"Importer|Import", re.I)
BACK_TO_DASHBOARD = re.compile(r"tableau de bord|dashboard", re.I)
CHECK_THE_FILE = re.compile(r"V[ée]rifier|Check", re.I)
TO_CREATE = re.compile(r"cr[ée]er|create", re.I)
CONFIRM_IMPORT = re.compile(r"Confirmer|Confirm", re.I)
IMPORTED = re.compile(r"import", re.I)
DEPARTMENT = re.compile(r"department|d[ée]partement", re.I)
NOTHING_IMPORTED = re.compile(r"rien n.a été importé|nothing was imported", re.I)
ADD_THE_SESSION = re.compile(r"Ajouter|Add", re.I)
NEW_SESSION = re.compile(r"Nouvelle séance|New session", re.I)
TITLE = re.compile(r"^\s*(Titre|Title)\b", re.I)  # Django adds " :" to labels in French
SESSION_ADDED = re.compile(r"[Ss]éance ajoutée|Session added", re.I)
SAVE_ATTENDANCE = re.compile(r"Enregistrer|Save", re.I)
ATTENDANCE_SAVED = re.compile(r"enregistrée|saved", re.I)
# A checked segment shows a "✓" (CSS generated content), which Chromium puts in the radio's name.
PRESENT = re.compile(r"^\W*(Présent|Present)", re.I)
EXCUSED = re.compile(r"^\W*(Excused|Excusée?|Justifiée?|Absences? (excusée?|justifiée?))", re.I)
UNEXCUSED = re.compile(
    r"^\W*(Unexcused|Non (excusée?|justifiée?)|Injustifiée?|Absences? (non|in)\s?(excusée?|justifiée?))", re.I
)

COHORT_COLUMNS = "programme;edition;name;region;department;commune;qpv;rural;host_organisation;host_type;start_date;end_date"


def path_of(page: Page) -> str:
    return urlparse(page.url).path


def submit(page: Page, button: Locator, *, tap: bool = False) -> None:
    """Press a submit button and wait for the page it leads to."""
    with page.expect_navigation():
        button.tap() if tap else button.click()


def show_dashboard(page: Page, *, programme: str, year: str, region: str) -> None:
    filters = page.get_by_role("form", name=FILTERS)
    filters.get_by_label(PROGRAMME).select_option(programme)
    filters.get_by_label(EDITION).select_option(year)
    filters.get_by_label(REGION).select_option(region)
    submit(page, filters.get_by_role("button", name=SHOW))
    assert path_of(page) == "/coordinate/"


def cohort_figure(page: Page, *, year: str) -> int:
    """The key figure "Cohorts" of the edition shown on the dashboard (its list is named after it)."""
    figures = page.get_by_role("list", name=re.compile(rf"\b{year}\b"))
    figure = figures.get_by_role("listitem").filter(has_text=COHORTS).locator(".figure")
    expect(figure).to_have_count(1)
    return int(re.sub(r"\D", "", figure.inner_text()))


def write_cohorts_csv(folder: Path, rows: list[str]) -> Path:
    path = folder / "cohortes.csv"
    path.write_text("\n".join([COHORT_COLUMNS, *rows]) + "\n", encoding="utf-8")
    return path


def upload_cohorts(page: Page, csv_path: Path) -> None:
    """On the import page: choose the cohorts kind, pick the file and ask for the check."""
    form = page.locator("main form").filter(has=page.locator("input[type=file]"))
    form.get_by_role("combobox").select_option("cohorts")
    form.locator("input[type=file]").set_input_files(csv_path)
    submit(page, form.get_by_role("button", name=CHECK_THE_FILE))


def test_a_coordinator_imports_two_cohorts_and_sees_them_on_the_dashboard(
    page: Page, live_server, demo_data, tmp_path: Path
):
    # Given the coordinator on her dashboard, filtered on the latest CJS edition in Pays de la Loire
    login(page, live_server.url, "coordinatrice")
    assert path_of(page) == "/coordinate/"
    year = page.get_by_role("form", name=FILTERS).get_by_label(EDITION).input_value()
    assert re.fullmatch(r"\d{4}", year), "the dashboard offers no CJS edition"
    show_dashboard(page, programme="cjs", year=year, region="52")
    cohorts_before = cohort_figure(page, year=year)
    names = ["CJS Laval Saint-Nicolas", "CJS Cholet Jean Monnet"]
    for name in names:
        expect(page.get_by_role("link", name=name, exact=True)).to_have_count(0)
    csv_path = write_cohorts_csv(
        tmp_path,
        [
            f"cjs;{year};{names[0]};pays de la loire;53;Laval;oui;non;Coopérative Laval Test;cae;"
            f"06/07/{year};21/08/{year}",
            f"CJS;{year};{names[1]};PAYS DE LA LOIRE;Maine-et-Loire;Cholet;non;oui;Cholet Coop Test;cae;"
            f"13/07/{year};28/08/{year}",
        ],
    )

    # When she follows the dashboard's import link, uploads a cohorts file, checks the preview and confirms
    submit(page, page.locator("main").get_by_role("link", name=IMPORT_A_FILE))
    assert path_of(page) == "/coordinate/import/"
    upload_cohorts(page, csv_path)
    created = page.locator(".card").filter(has_text=TO_CREATE).locator(".figure")
    expect(created).to_have_text("2")
    for name in names:
        expect(page.get_by_role("cell", name=re.compile(re.escape(name)))).to_be_visible()
    submit(page, page.get_by_role("button", name=CONFIRM_IMPORT))

    # Then the import is confirmed, and the dashboard counts and lists the two new cohorts
    assert path_of(page) == "/coordinate/import/"
    message = page.get_by_role("status")
    expect(message).to_contain_text(IMPORTED)
    expect(message).to_contain_text("cohortes.csv")
    expect(message).to_contain_text(re.compile(r"\b2\b"))
    submit(page, page.locator("main").get_by_role("link", name=BACK_TO_DASHBOARD))
    show_dashboard(page, programme="cjs", year=year, region="52")
    assert cohort_figure(page, year=year) == cohorts_before + 2
    table = page.get_by_role("table", name=COHORTS)
    for name in names:
        expect(table.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert set(
        Cohort.objects.filter(name__in=names, edition__year=int(year)).values_list(
            "department__code", flat=True
        )
    ) == {"53", "49"}


def test_a_cohorts_file_with_a_wrong_row_shows_its_line_and_imports_nothing(
    page: Page, live_server, demo_data, tmp_path: Path
):
    # Given a file whose second row puts a Breton department in Pays de la Loire, with a date that does not exist
    login(page, live_server.url, "coordinatrice")
    good_name, bad_name = "CJS Laval Saint-Nicolas", "CJS Quimper Kermoysan"
    csv_path = write_cohorts_csv(
        tmp_path,
        [
            f"cjs;2026;{good_name};pays de la loire;53;Laval;oui;non;;;06/07/2026;21/08/2026",
            f"cjs;2026;{bad_name};pays de la loire;29;Quimper;oui;non;;;31/02/2026;21/08/2026",
        ],
    )

    # When the coordinator uploads it
    page.goto("/coordinate/import/")
    upload_cohorts(page, csv_path)

    # Then she sees the problems of line 3, no way to confirm, and nothing was created
    expect(page.get_by_role("alert")).to_contain_text(NOTHING_IMPORTED)
    line_3 = page.get_by_role("row").filter(has=page.get_by_role("cell", name="3", exact=True))
    expect(line_3).to_have_count(2)
    expect(line_3.filter(has_text=DEPARTMENT).first).to_contain_text("29")
    expect(line_3.filter(has_text="31/02/2026")).to_have_count(1)
    expect(page.get_by_role("button", name=CONFIRM_IMPORT)).to_have_count(0)
    assert not Cohort.objects.filter(name__in=[good_name, bad_name]).exists()


def test_a_facilitator_takes_attendance_on_a_phone(phone_page: Page, live_server, demo_data):
    # Given the facilitator's running cohort with members to mark, on a phone
    page = phone_page
    facilitator = User.objects.get(username="animateur")
    cohort = next(
        cohort
        for cohort in Cohort.objects.filter(facilitator_assignments__user=facilitator).order_by("name")
        if current_members(cohort).count() >= 3
    )
    members = list(current_members(cohort))
    excused, unexcused = members[0], members[1]
    login(page, live_server.url, "animateur")
    assert path_of(page) == "/facilitate/"
    assert_no_horizontal_scroll(page)

    # When they open the cohort, add today's session and mark one member excused, one unexcused
    # Past editions of the same cohort have the same name: the card shows which edition it is.
    # Cards name the cohort with its year, since a facilitator may run the same CJS several summers
    title = f"{cohort.name} {cohort.edition.year}"
    card = (
        page.locator("main")
        .get_by_role("listitem")
        .filter(has=page.get_by_role("heading", name=title, exact=True))
    )
    submit(page, card.get_by_role("link", name=title, exact=True), tap=True)
    expect(page.locator("main h1")).to_have_text(cohort.name)
    assert_no_horizontal_scroll(page)
    new_session = page.get_by_role("region", name=NEW_SESSION)
    new_session.get_by_label(TITLE).fill("Atelier étude de marché")
    submit(page, new_session.get_by_role("button", name=ADD_THE_SESSION), tap=True)
    expect(page.get_by_role("status")).to_contain_text(SESSION_ADDED)
    assert_no_horizontal_scroll(page)
    for enrolment, choice in [(excused, EXCUSED), (unexcused, UNEXCUSED)]:
        group = page.get_by_role(
            "group", name=f"{enrolment.person.last_name} {enrolment.person.first_name}", exact=True
        )
        group.locator("label").filter(has_text=choice).tap()
        expect(group.get_by_role("radio", name=choice)).to_be_checked()
    for enrolment in members[2:]:
        group = page.get_by_role(
            "group", name=f"{enrolment.person.last_name} {enrolment.person.first_name}", exact=True
        )
        expect(group.get_by_role("radio", name=PRESENT)).to_be_checked()
    submit(page, page.get_by_role("button", name=SAVE_ATTENDANCE), tap=True)

    # Then the sheet confirms it, and every member's mark is saved as chosen
    expect(page.get_by_role("status")).to_contain_text(ATTENDANCE_SAVED)
    assert_no_horizontal_scroll(page)
    session = Session.objects.get(cohort=cohort, title="Atelier étude de marché")
    saved = dict(session.attendances.values_list("enrolment_id", "status"))
    expected = {enrolment.pk: AttendanceStatus.PRESENT for enrolment in members}
    expected[excused.pk] = AttendanceStatus.EXCUSED
    expected[unexcused.pk] = AttendanceStatus.UNEXCUSED
    assert saved == expected


def assert_no_horizontal_scroll(page: Page) -> None:
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{path_of(page)} scrolls sideways: {widths[0]}px for {widths[1]}px"

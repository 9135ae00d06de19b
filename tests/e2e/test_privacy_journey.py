"""The national team answers a parent's access request and an erasure from the admin: find the minor,
record the request, download the ZIP, erase, and see that the figures did not move."""

import io
import json
import re
import zipfile

from playwright.sync_api import Page, expect

from programmes.choices import STARTED_STATUSES
from programmes.models import Enrolment, Person
from tests.e2e.helpers import login

PRIVACY = re.compile(r"^\s*(Confidentialité|Privacy)\s*$", re.I)
FIND_A_PERSON = re.compile(r"Trouver une personne|Find a person", re.I)
FIND = re.compile(r"Rechercher|Search", re.I)
RECORD_A_REQUEST = re.compile(r"Enregistrer une demande|Record a request", re.I)
RECORD_THE_REQUEST = re.compile(r"Enregistrer la demande|Record the request", re.I)
REQUEST_RECORDED = re.compile(r"Demande enregistrée|Request recorded", re.I)
EXPORT = re.compile(r"Exporter les données|Export data", re.I)
ERASE = re.compile(r"^\s*(Effacer…|Erase…)\s*$", re.I)
ERASE_FOR_GOOD = re.compile(r"Effacer définitivement|Erase for good", re.I)
ERASED = re.compile(r"effacées|are erased", re.I)


def a_minor_of_the_demo() -> tuple[Person, Enrolment]:
    """A CJS member under 18 at their cohort's start, with a guardian, counted in the figures."""
    for enrolment in (
        Enrolment.objects.filter(
            cohort__edition__programme__slug="cjs",
            person__guardians__isnull=False,
            person__privacy_requests__isnull=True,  # the demo's own request is someone else's
            status__in=STARTED_STATUSES,
        )
        .select_related("person", "cohort__edition")
        .order_by("pk")
    ):
        if enrolment.is_minor and Person.objects.filter(last_name=enrolment.person.last_name).count() == 1:
            return enrolment.person, enrolment
    raise AssertionError("the demo has no minor with a guardian")


def key_figures(page: Page, base_url: str, enrolment: Enrolment) -> list[str]:
    """The coordinator dashboard's key figures of the minor's edition, as shown."""
    page.goto(f"{base_url}/coordinate/?programme=cjs&year={enrolment.cohort.edition.year}")
    figures = page.locator(".key-figures li")
    expect(figures.first).to_be_visible()
    return [" ".join(text.split()) for text in figures.all_inner_texts()]


def test_the_national_team_answers_a_parent_and_erases_a_minor(page: Page, live_server, demo_data):
    base_url = live_server.url
    person, enrolment = a_minor_of_the_demo()
    full_name = f"{person.first_name} {person.last_name}"
    login(page, base_url, "fabrique")
    figures_before = key_figures(page, base_url, enrolment)
    public_before = page.goto(f"{base_url}/") and page.locator(".figure").all_inner_texts()

    # The privacy area, from the admin's menu.
    page.goto(f"{base_url}/admin/")
    page.get_by_role("link", name=PRIVACY).click()
    expect(page).to_have_url(re.compile(r"/admin/privacy/$"))
    search = page.get_by_role("search", name=FIND_A_PERSON)
    search.get_by_role("textbox").fill(person.last_name)
    search.get_by_role("button", name=FIND).click()
    page.get_by_role("link", name=f"{person.last_name} {person.first_name}").click()
    expect(page.get_by_test_id("person-name")).to_have_text(full_name)

    # The parent's access request, received today: due in one month.
    page.get_by_text(RECORD_A_REQUEST).click()
    page.locator("select[name=requested_by]").select_option("guardian")
    guardian = person.guardians.first()
    page.locator("input[name=requester_name]").fill(guardian.name)
    page.get_by_role("button", name=RECORD_THE_REQUEST).click()
    expect(page.get_by_text(REQUEST_RECORDED)).to_be_visible()

    # The ZIP answers it: JSON and a readable page.
    with page.expect_download() as download_info:
        page.get_by_test_id("export").click()
    download = download_info.value
    assert download.suggested_filename == f"donnees-personnelles-{person.pk}.zip"
    with zipfile.ZipFile(io.BytesIO(open(download.path(), "rb").read())) as archive:
        names = archive.namelist()
        export = json.loads(archive.read("donnees.json"))
        html = archive.read("donnees.html").decode()
    assert {"donnees.json", "donnees.html"} <= set(names)
    assert export["person_id"] == person.pk
    assert person.last_name in html and guardian.name in html
    page.reload()
    expect(
        page.get_by_role("button", name=re.compile(r"Marquer comme répondue|Mark as answered", re.I))
    ).to_have_count(0)

    # The erasure, confirmed by typing the name again.
    page.get_by_role("link", name=ERASE).click()
    page.locator("input[name=confirm_name]").fill(full_name)
    page.get_by_role("button", name=ERASE_FOR_GOOD).click()
    expect(page.get_by_text(ERASED).first).to_be_visible()
    expect(page.get_by_test_id("person-name")).to_have_text(f"Anonyme #{person.pk}")

    # Every figure stays the same.
    assert key_figures(page, base_url, enrolment) == figures_before
    page.goto(f"{base_url}/")
    assert page.locator(".figure").all_inner_texts() == public_before
    person.refresh_from_db()
    assert person.is_erased and person.last_name == f"#{person.pk}"

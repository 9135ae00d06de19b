"""Flashcoop in a browser: a coordinator creates a five-day Flashcoop with its agenda, enrols
participants, takes attendance each day on the core attendance sheet and records exits; a participant
opens the +3-month link on a phone and answers."""

import datetime
import re
from urllib.parse import urlparse

from django.core import mail
from django.utils import timezone

import pytest
from playwright.sync_api import Locator, Page, expect

from flashcoop import services
from flashcoop.choices import FollowUpStatus, Situation
from flashcoop.models import AgendaItem, Exit, FollowUp
from flashcoop.selectors import add_months
from programmes.choices import AttendanceStatus, EnrolmentStatus
from programmes.models import Attendance, Cohort, Enrolment
from tests.e2e.helpers import login
from tests.flashcoop.factories import ExitFactory, FlashcoopProgrammeFactory, ParticipantFactory
from tests.programmes.factories import CoordinatorScopeFactory, UserFactory, department, region

PASSWORD = "correct horse battery staple"
SAVED = re.compile(r"enregistr|saved", re.I)
THANKS = re.compile(r"Merci|Thank you", re.I)
CANNOT_BE_USED = re.compile(r"ne peut pas|cannot be used", re.I)
LINK = re.compile(r"https?://[^\s]+(/flashcoop/follow-up/[\w-]+/)")


def path_of(page: Page) -> str:
    return urlparse(page.url).path


def submit(page: Page, button: Locator, *, tap: bool = False) -> None:
    with page.expect_navigation():
        button.tap() if tap else button.click()


def section_form(page: Page, name: str) -> Locator:
    """The form of the plan page posting `form=name` (opening its <details> when folded)."""
    form = page.locator(f"form:has(input[name=form][value={name}])")
    details = page.locator(f"details:has(input[name=form][value={name}])")
    if details.count() and not details.first.evaluate("element => element.open"):
        details.first.locator("summary").click()
    return form


def next_monday() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday())


@pytest.fixture
def reference_data(transactional_db, django_db_serialized_rollback) -> None:
    """Regions, departments and role groups created by migrations, restored after each test's flush."""


@pytest.fixture
def coordinator(reference_data):
    user = UserFactory(username="coordinatrice-flashcoop", role="coordinator", password=PASSWORD)
    CoordinatorScopeFactory(user=user, programme=FlashcoopProgrammeFactory(), regions=[region("52")])
    return user


def test_a_coordinator_runs_a_five_day_flashcoop(page: Page, live_server, coordinator):
    start = next_monday()
    login(page, live_server.url, coordinator.username, PASSWORD)

    # Given a new Flashcoop of five days, created from the Flashcoop space
    page.goto("/flashcoop/new/")
    form = page.locator("main form")
    form.locator("[name=year]").fill(str(start.year))
    form.locator("[name=name]").fill("Flashcoop Saint-Nazaire Ville-Ouest")
    form.locator("[name=department]").select_option(str(department("44").pk))
    form.locator("[name=start_date]").fill(start.isoformat())
    form.locator("[name=theme]").fill("Traiteur solidaire")
    form.locator("[name=place]").fill("Centre social Ville-Ouest")
    submit(page, form.locator("button[type=submit]"))
    cohort = Cohort.objects.get(name="Flashcoop Saint-Nazaire Ville-Ouest")
    assert path_of(page) == f"/flashcoop/cohorts/{cohort.pk}/"
    assert cohort.end_date == start + datetime.timedelta(days=4)
    expect(page.locator(".flashcoop-day")).to_have_count(5)

    # When she plans one activity a day
    for offset, title in enumerate(["Lancement", "Étude de marché", "Prestations", "Ventes", "Bilan"]):
        agenda = section_form(page, "agenda")
        agenda.locator("[name=agenda-date]").fill((start + datetime.timedelta(days=offset)).isoformat())
        agenda.locator("[name=agenda-start_time]").fill("09:30")
        agenda.locator("[name=agenda-end_time]").fill("12:00")
        agenda.locator("[name=agenda-title]").fill(title)
        agenda.locator("[name=agenda-led_by]").fill("Karim")
        submit(page, agenda.locator("button[type=submit]"))
        expect(page.locator(f"#day-{offset + 1}").locator("xpath=..")).to_contain_text(title)
    assert AgendaItem.objects.filter(cohort=cohort).count() == 5

    # And enrols three participants
    names = [("Aïcha", "Benali", "aicha"), ("Bruno", "Caron", "bruno"), ("Chloé", "Dumas", "chloe")]
    for first_name, last_name, mailbox in names:
        participant = section_form(page, "participant")
        participant.locator("[name=participant-first_name]").fill(first_name)
        participant.locator("[name=participant-last_name]").fill(last_name)
        participant.locator("[name=participant-email]").fill(f"{mailbox}@example.org")
        submit(page, participant.locator("button[type=submit]"))
        expect(page.locator("#participants ~ .table-scroll")).to_contain_text(last_name)

    # And takes attendance each day on the attendance sheet, Bruno absent on the last two days
    bruno = Enrolment.objects.get(cohort=cohort, person__last_name="Caron")
    for day in range(1, 6):
        day_card = page.locator(".flashcoop-day").nth(day - 1)
        submit(page, day_card.locator("button[type=submit], a.button").last)
        assert "/attendance/" in path_of(page)
        if day >= 4:
            group = page.get_by_role("group", name="Caron Bruno", exact=True)
            group.locator("label.segment-unexcused").click()
        submit(page, page.locator("main form button[type=submit]"))
        expect(page.get_by_role("status")).to_contain_text(SAVED)
        page.goto(f"/flashcoop/cohorts/{cohort.pk}/#agenda")
    assert Attendance.objects.filter(session__cohort=cohort).count() == 15
    assert Attendance.objects.filter(enrolment=bruno, status=AttendanceStatus.UNEXCUSED).count() == 2

    # And records the exits: two completed, Bruno left early for a job
    end = (start + datetime.timedelta(days=4)).isoformat()
    for last_name, completed, situation in [
        ("Benali", True, "joined_cae"),
        ("Dumas", True, "job_searching"),
        ("Caron", False, "employment"),
    ]:
        page.goto(f"/flashcoop/cohorts/{cohort.pk}/#participants")
        submit(
            page,
            page.locator("#participants ~ .table-scroll").get_by_role("link", name=re.compile(last_name)),
        )
        exit_form = page.locator("form:has(input[name=form][value=exit])")
        if completed:
            exit_form.locator("[name=exit-exit_date]").fill(end)
        else:
            exit_form.locator("[name=exit-exit_date]").fill((start + datetime.timedelta(days=3)).isoformat())
            exit_form.locator("[name=exit-is_completed]").uncheck()
            exit_form.locator("[name=exit-early_reason]").select_option("found_job")
        exit_form.locator("[name=exit-situation]").select_option(situation)
        submit(page, exit_form.locator("button[type=submit]"))
        expect(page.get_by_role("status")).to_contain_text(re.compile(r"Exit recorded|Sortie", re.I))

    # Then the enrolments are completed or withdrawn, and the exits are recorded
    statuses = dict(Enrolment.objects.filter(cohort=cohort).values_list("person__last_name", "status"))
    assert statuses == {
        "Benali": EnrolmentStatus.COMPLETED,
        "Dumas": EnrolmentStatus.COMPLETED,
        "Caron": EnrolmentStatus.WITHDRAWN,
    }
    assert Exit.objects.filter(enrolment__cohort=cohort).count() == 3


def test_a_participant_answers_the_three_month_link_on_a_phone(phone_page: Page, live_server, reference_data):
    # Given a participant who left three months ago, and the daily round that e-mailed her link
    page = phone_page
    today = timezone.localdate()
    exit_date = add_months(today, -3)
    if add_months(exit_date, 3) != today:  # e.g. today is 31 May: no 31 February
        exit_date = today - datetime.timedelta(days=92)
    ExitFactory(
        enrolment=ParticipantFactory(person__first_name="Aïcha", person__email="aicha@example.org"),
        exit_date=exit_date,
    )
    mail.outbox.clear()
    services.run_follow_ups()
    follow_up = FollowUp.objects.get()
    assert follow_up.status == FollowUpStatus.SENT
    link = LINK.search(mail.outbox[-1].body)
    assert link, mail.outbox[-1].body

    # When she opens it on her phone and says she joined a CAE
    page.goto(link.group(1))
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Aïcha")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    page.locator(f"input[name=situation][value={Situation.JOINED_CAE}]").tap()
    page.locator("[name=note]").fill("Je vends mes gâteaux avec la CAE.")
    submit(page, page.locator("main form button[type=submit]"), tap=True)

    # Then she is thanked, her answer is saved, and the link cannot be used again
    expect(page.locator("main h1")).to_contain_text(THANKS)
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.situation) == (FollowUpStatus.ANSWERED, Situation.JOINED_CAE)
    page.goto(link.group(1))
    expect(page.locator("main h1")).to_contain_text(CANNOT_BE_USED)

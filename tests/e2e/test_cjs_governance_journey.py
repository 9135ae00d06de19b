"""A CJS's governance on a phone: the demo facilitator records a general assembly with who attended,
puts a decision to the vote and sees it adopted with its tally, then sets up a committee and changes its
members. Assertions hold in French and English: they read classes, ids and numbers, not words."""

import re

from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from cjs import selectors
from cjs.models import Committee, Decision, Meeting
from programmes.models import Cohort
from tests.e2e.helpers import login

AGENDA = "1. Prix des petits travaux\n2. Rythme des réunions"
DECISION = "Tarif horaire de 16 € à partir de la semaine prochaine"


def submit(page: Page, button) -> None:
    with page.expect_navigation():
        button.click()


def numbers(text: str) -> list[int]:
    return [int(number) for number in re.findall(r"\d+", text)]


@pytest.mark.usefixtures("demo_data")
def test_the_facilitator_runs_an_assembly_and_a_committee_on_a_phone(phone_page: Page, live_server):
    page = phone_page
    today = timezone.localdate()
    cohort = Cohort.objects.get(
        name="CJS Nantes Bellevue", edition__year=today.year, edition__programme__slug="cjs"
    )
    members = list(selectors.current_members(cohort))
    login(page, live_server.url, "animateur")

    # From the cohort's page to its assemblies, then a new general assembly.
    page.goto(f"/facilitate/cohorts/{cohort.pk}/")
    submit(page, page.locator(f"a[href='/cjs/cohorts/{cohort.pk}/meetings/']").first)
    submit(page, page.locator("main a[href$='/meetings/new/']"))
    form = page.locator("main form.meeting-form")
    form.locator("[name=body]").select_option("assembly")
    expect(form.locator("[name=meeting_date]")).to_have_value(today.isoformat())
    form.locator("[name=agenda]").fill(AGENDA)
    boxes = form.locator(".member-choices label")
    assert boxes.count() == len(members)
    present = members[:-1]  # everyone but the last member
    for index in range(len(present)):
        boxes.nth(index).click()
    expect(form.locator(".member-choices input:checked")).to_have_count(len(present))
    form.locator("[name=minutes]").fill("Tour de table, puis vote du tarif.")
    submit(page, form.locator("button[type=submit]"))

    meeting = Meeting.objects.filter(cohort=cohort).latest("pk")
    assert "Prix des petits travaux" in meeting.agenda and meeting.meeting_date == today
    assert set(meeting.attendees.all()) == set(present)
    quorum = page.locator("#quorum")
    expect(quorum.locator(".verdict-ok")).to_be_visible()
    assert numbers(quorum.locator("p").first.inner_text())[:2] == [len(present), len(members)]

    # The decision and the votes of the members present: 3 against, 1 abstention, the others for.
    submit(page, page.locator("main a[href$='/decisions/new/']"))
    form = page.locator("main form.decision-form")
    form.locator("[name=title]").fill(DECISION)
    sheets = form.locator(".vote-segments")
    assert sheets.count() == len(present)
    for index in range(len(present)):
        choice = "against" if index < 3 else "abstention" if index == 3 else "for"
        sheets.nth(index).locator(f"label.segment-{choice}").click()
    submit(page, form.locator("button[type=submit]"))

    decision = Decision.objects.get(meeting=meeting, title=DECISION)
    votes_for = len(present) - 4
    assert selectors.decision_result(decision) == {
        "for": votes_for,
        "against": 3,
        "abstention": 1,
        "is_adopted": votes_for > 3,
    }
    card = page.locator(f"#decision-{decision.pk}")
    expect(card).to_contain_text(DECISION)
    expect(card.locator(".verdict-ok" if votes_for > 3 else ".verdict-no")).to_be_visible()
    assert numbers(card.locator(".tally-counts").inner_text()) == [votes_for, 3, 1]
    card.locator("summary").click()
    expect(card.locator(".vote-list li")).to_have_count(len(present))

    # The meetings list shows the new assembly with its result.
    submit(page, page.locator(f"nav.cjs-nav a[href='/cjs/cohorts/{cohort.pk}/meetings/']"))
    row = page.locator(f"#meeting-{meeting.pk}")
    expect(row).to_contain_text(DECISION)
    expect(row.locator(".verdict-ok").first).to_be_visible()

    # A committee with two members; a third joins, the first leaves.
    submit(page, page.locator(f"nav.cjs-nav a[href='/cjs/cohorts/{cohort.pk}/committees/']"))
    form = page.locator("#new-committee form")
    form.locator("[name=name]").fill("Communication")
    form.locator(".member-choices label").nth(0).click()
    form.locator(".member-choices label").nth(1).click()
    submit(page, form.locator("button[type=submit]"))

    committee = Committee.objects.get(cohort=cohort, name="Communication")
    assert set(committee.members.all()) == set(members[:2])
    expect(page.locator(".member-rows li")).to_have_count(2)
    add = page.locator("#add-members form")
    add.locator(".member-choices label").first.click()
    submit(page, add.locator("button[type=submit]"))
    expect(page.locator(".member-rows li")).to_have_count(3)
    submit(page, page.locator(f"#member-{members[0].pk} button[type=submit]"))
    expect(page.locator(".member-rows li")).to_have_count(2)
    assert members[0] not in committee.members.all() and committee.members.count() == 2

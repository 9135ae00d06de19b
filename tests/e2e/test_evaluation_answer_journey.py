"""Evaluation in a browser: a member gets the exit (T1) questionnaire by e-mail, answers part of it on
her phone, saves, comes back later with the same link, finishes and sends; the link then says it has
been used."""

import datetime
import re

from django.core import mail
from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from programmes.choices import EnrolmentStatus, Wave
from programmes.evaluation import services
from programmes.models import Response
from tests.programmes import evaluation_factories as ef
from tests.programmes.factories import CohortFactory, EnrolmentFactory

LINK = re.compile(r"https?://[^\s]+(/q/[\w-]+/)")
SAVED = re.compile(r"enregistr|saved", re.I)
THANKS = re.compile(r"Merci|Thank you", re.I)
ALREADY = re.compile(r"déjà|already", re.I)


@pytest.fixture
def reference_data(transactional_db, django_db_serialized_rollback) -> None:
    """Regions, departments and role groups created by migrations, restored after each test's flush."""


def tap_and_wait(page: Page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).tap()


def test_a_member_answers_the_exit_questionnaire_on_her_phone(phone_page: Page, live_server, reference_data):
    # Given a cohort ending today, and the daily round that e-mailed the exit questionnaire to a member
    page = phone_page
    today = timezone.localdate()
    cohort = CohortFactory(start_date=today - datetime.timedelta(days=50), end_date=today)
    EnrolmentFactory(
        cohort=cohort,
        status=EnrolmentStatus.COMPLETED,
        person__first_name="Aïcha",
        person__email="aicha@example.org",
    )
    ef.campaign([cohort], waves=(Wave.T1,))
    mail.outbox.clear()
    assert services.run_campaigns()["sent"] == 1
    link = LINK.search(mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    url = link.group(1)

    # When she opens it on her phone, answers the "before" block and a few questions, and saves
    page.goto(url)
    expect(page.locator("main h1")).to_have_text("My journey")
    expect(page.locator("main")).not_to_contain_text("Aïcha")
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1]
    expect(page.locator("#block-before")).to_be_visible()
    page.locator("input[name=se1__then][value=a1]").tap()
    page.locator("input[name=se2__then][value=a3]").tap()
    page.locator("input[name=se1][value=a3]").tap()
    page.locator("input[name=se1][value=nsp]").tap()  # "no opinion" sits apart from the scale
    page.locator("input[name=first_job][value=yes]").tap()
    tap_and_wait(page, "button[name=action][value=save]")

    # Then her answers are kept though not sent
    expect(page.locator(".messages")).to_contain_text(SAVED)
    response = Response.objects.get()
    assert response.submitted_at is None

    # When she comes back later with the same link, finishes (ranking with the selects) and sends
    page.goto("/")
    page.goto(url)
    expect(page.locator("input[name=se1__then][value=a1]")).to_be_checked()
    expect(page.locator("input[name=se1][value=nsp]")).to_be_checked()
    page.locator("input[name=se1][value=a4]").tap()
    page.locator("input[name=se2][value=a2]").tap()
    page.locator("input[name=heard][value=friend]").tap()
    page.locator("input[name=skills][value=sales]").tap()
    page.locator("input[name=hours]").fill("12,5")
    page.locator("textarea[name=word]").fill("Un été génial")
    page.locator("select[name=priorities__rank__learning]").select_option("1")
    page.locator("select[name=priorities__rank__money]").select_option("2")
    page.locator("select[name=priorities__rank__friends]").select_option("3")
    tap_and_wait(page, "button[name=action][value=submit]")

    # Then she is thanked, everything is recorded, and the link says it has been used
    expect(page.locator("main h1")).to_contain_text(THANKS)
    response.refresh_from_db()
    assert response.submitted_at is not None
    answers = {(a.item.code, a.is_retrospective): a for a in response.answers.select_related("item")}
    assert answers[("se1", True)].score == 1
    assert answers[("se1", False)].score == 4
    assert answers[("priorities", False)].option_codes == ["learning", "money", "friends"]
    assert answers[("word", False)].text == "Un été génial"
    page.goto(url)
    expect(page.locator("main h1")).to_contain_text(ALREADY)

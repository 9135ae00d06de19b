"""Live sessions and connected time in a browser: the demo learner joins her virtual class on a phone, her
facilitator confirms attendance and her attendance lesson shows completed; a lesson in view sends heartbeats."""

import datetime
import re
import time
from urllib.parse import urlparse

from django.utils import timezone

from playwright.sync_api import Page, Route, expect

from lms.models import ConnectionLog, LessonCompletion, LessonPage, LessonTime, LiveAttendance, LiveSession
from programmes.models import User
from tests.e2e.helpers import login

# Texts in French or in English: the French catalogue may not have every new string yet.
JOIN = re.compile(r"^\W*(Rejoindre|Join)\b", re.I)
RUN_SESSIONS = re.compile(r"(Sessions en direct que j.anime|Live sessions I run)", re.I)
CONFIRM = re.compile(r"(Confirmer les présences|Confirm attendance)", re.I)
CONFIRMED = re.compile(r"(Présences confirmées|Attendance confirmed)", re.I)
COMPLETED = re.compile(r"Termin[ée]e?|Completed", re.I)
LESSON_COMPLETED = re.compile(r"(Séquence|Leçon) terminée|Lesson completed", re.I)
MINUTES = re.compile(r"(Compte rendu|Minutes of the session)", re.I)
PRESENT = re.compile(r"^\W*(Présente?|Present)", re.I)

DISCOVER = "decouvrir-la-cooperative"
LIVE_LESSON = "Classe virtuelle : notre première assemblée"


def test_the_learner_joins_her_virtual_class_and_the_facilitator_confirms_it(
    phone_page: Page, page: Page, live_server, demo_data
):
    session = LiveSession.objects.get(course__slug=DISCOVER)
    # The class started two minutes ago: joining is open, and attendance can be confirmed.
    session.starts_at = timezone.now() - datetime.timedelta(minutes=2)
    session.save(update_fields=["starts_at"])
    jeune = User.objects.get(username="jeune")
    sent_to: list[str] = []

    def join(route: Route) -> None:
        """Let Essaim record the arrival, but stop at its redirect: nothing leaves the machine."""
        response = route.fetch(max_redirects=0)
        sent_to.append(response.headers.get("location", ""))
        route.fulfill(
            status=200, content_type="text/html; charset=utf-8", body="<h1>Salle Jitsi (simulée)</h1>"
        )

    phone_page.route("**/learn/live/*/join/", join)
    phone_page.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())

    # The learner, on her phone, sees the class on her space and joins it.
    login(phone_page, live_server.url, "jeune")
    assert urlparse(phone_page.url).path == "/learn/"
    assert ConnectionLog.objects.filter(user=jeune).count() == 4  # three demo logins and this one
    upcoming = phone_page.locator(".upcoming-sessions .live-session").filter(
        has_text="Notre première assemblée"
    )
    expect(upcoming).to_be_visible()
    with phone_page.expect_navigation():
        upcoming.get_by_role("button", name=JOIN).tap()
    expect(phone_page.locator("h1")).to_have_text("Salle Jitsi (simulée)")
    assert sent_to == [session.join_url]
    arrival = LiveAttendance.objects.get(session=session, user=jeune)
    assert arrival.arrived_at is not None and arrival.confirmed_at is None
    assert not LessonCompletion.objects.filter(user=jeune, lesson__title=LIVE_LESSON).exists()

    # Her facilitator confirms attendance from his space.
    login(page, live_server.url, "animateur")
    assert urlparse(page.url).path == "/facilitate/"
    with page.expect_navigation():
        page.get_by_role("link", name=RUN_SESSIONS).click()
    card = page.locator(".run-sessions li").filter(has_text="Notre première assemblée")
    with page.expect_navigation():
        card.get_by_role("link", name=CONFIRM).click()
    row = page.locator(".attendance-list li").filter(has_text="Lina Moreau")
    expect(row.get_by_role("radio", name=PRESENT)).to_be_checked()  # she joined: proposed present
    page.get_by_label(MINUTES).fill("Ordre du jour de la première assemblée préparé ensemble.")
    with page.expect_navigation():
        page.locator(".sticky-submit").get_by_role("button", name=CONFIRM).click()
    expect(page.locator(".messages")).to_contain_text(CONFIRMED)
    arrival.refresh_from_db()
    assert arrival.confirmed_at is not None and arrival.minutes_attended == session.duration_minutes

    # Back on her phone: the attendance lesson is completed.
    phone_page.goto(f"{live_server.url}/learn/")
    with phone_page.expect_navigation():
        phone_page.locator(".course-card").filter(has_text="Découvrir la coopérative").get_by_role(
            "link", name="Découvrir la coopérative", exact=True
        ).tap()
    item = phone_page.locator(".lesson-item").filter(has_text=LIVE_LESSON)
    expect(item.locator(".status")).to_have_text(COMPLETED)
    with phone_page.expect_navigation():
        item.get_by_role("link", name=LIVE_LESSON).tap()
    expect(phone_page.locator(".lesson-completion")).to_contain_text(LESSON_COMPLETED)


def test_a_lesson_in_view_sends_heartbeats_and_stops_when_hidden(
    page: Page, live_server, demo_data, settings
):
    settings.ESSAIM_LMS_HEARTBEAT_SECONDS = 1  # instead of 30, to keep the journey short
    lesson = LessonPage.objects.get(slug="parler-a-un-client")
    jeune = User.objects.get(username="jeune")
    beats: list[str] = []

    def count(route: Route) -> None:
        beats.append(route.request.method)
        route.continue_()

    page.route("**/api/v1/lms/lessons/*/heartbeat/", count)
    login(page, live_server.url, "jeune")
    page.goto(f"{live_server.url}{lesson.url}")

    page.wait_for_function("() => document.visibilityState === 'visible'")
    deadline = time.monotonic() + 10
    while len(beats) < 3 and time.monotonic() < deadline:
        page.wait_for_timeout(250)
    assert len(beats) >= 3 and set(beats) == {"POST"}
    assert LessonTime.objects.filter(user=jeune, lesson=lesson, activity_date=timezone.localdate()).exists()

    page.evaluate(
        """() => {
            Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "hidden"});
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    page.wait_for_timeout(300)
    when_hidden = len(beats)
    page.wait_for_timeout(2500)
    assert len(beats) == when_hidden  # nothing while hidden

    page.evaluate(
        """() => {
            Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "visible"});
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    page.wait_for_timeout(1500)
    assert len(beats) > when_hidden  # back in view: heartbeats again

"""Learning records as xAPI files in a browser: the demo learner downloads hers from her space, and her
facilitator downloads a course's file from its report (only the learners of his cohorts)."""

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from lms import xapi
from lms.models import CourseEnrolment, CoursePage, LessonCompletion
from programmes import access
from programmes.models import AuditEntry, Enrolment, User
from tests.e2e.helpers import login

# Texts in French or in English: the French catalogue may not have every new string yet.
DOWNLOAD_MINE = re.compile(
    r"(Télécharger mes traces d.apprentissage|Download my learning records) \(xAPI\)", re.I
)
COURSE_RECORDS = re.compile(r"(Traces d.apprentissage|Learning records) \(xAPI\)", re.I)
DISCOVER = "decouvrir-la-cooperative"


def _statements(path: str | None) -> list[dict]:
    assert path is not None
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _activity_ids(statement: dict) -> set[str]:
    """The object and every context activity of a statement."""
    found = {statement["object"]["id"]}
    for activities in statement.get("context", {}).get("contextActivities", {}).values():
        found |= {activity["id"] for activity in activities}
    return found


def test_the_learner_downloads_her_learning_records(page: Page, live_server, demo_data):
    jeune = User.objects.get(username="jeune")
    login(page, live_server.url, "jeune")
    page.goto(f"{live_server.url}/learn/")
    section = page.locator(".xapi-records")
    expect(section.locator(".xapi-identifier")).to_have_text(xapi.pseudonym(jeune.pk))

    with page.expect_download() as download_info:
        section.get_by_role("link", name=DOWNLOAD_MINE).click()
    download = download_info.value

    assert download.suggested_filename == "xapi-my-learning-records.json"
    statements = _statements(download.path())
    assert {item["actor"]["account"]["name"] for item in statements} == {xapi.pseudonym(jeune.pk)}
    lessons = [item for item in statements if item["object"]["id"].rsplit("/", 2)[-2] == "lesson"]
    assert len(lessons) == LessonCompletion.objects.filter(user=jeune).count() > 0
    courses_done = CourseEnrolment.objects.filter(user=jeune, completed_at__isnull=False).count()
    assert sum(1 for item in statements if "/activities/course/" in item["object"]["id"]) == courses_done
    assert all(item["version"] == "1.0.0" and item["verb"]["display"]["fr"] for item in statements)
    assert jeune.email not in json.dumps(statements)
    assert AuditEntry.objects.filter(actor=jeune, action="export.lms_xapi", details__scope="self").exists()


def test_the_facilitator_downloads_a_course_file_from_its_report(page: Page, live_server, demo_data):
    animateur = User.objects.get(username="animateur")
    course = CoursePage.objects.get(slug=DISCOVER)
    login(page, live_server.url, "animateur")
    page.goto(f"{live_server.url}/learn/reports/")
    with page.expect_navigation():
        page.locator(".report-courses").get_by_role("link", name=course.title).click()

    with page.expect_download() as download_info:
        page.get_by_role("link", name=COURSE_RECORDS).click()
    download = download_info.value

    assert download.suggested_filename == f"xapi-course-{course.pk}.json"
    statements = _statements(download.path())
    assert statements
    in_scope = {
        xapi.pseudonym(user_id)
        for user_id in Enrolment.objects.filter(
            cohort__in=access.staffed_cohorts(animateur), person__user__isnull=False
        ).values_list("person__user_id", flat=True)
    }
    names = {item["actor"]["account"]["name"] for item in statements}
    assert xapi.pseudonym(User.objects.get(username="jeune").pk) in names
    assert names <= in_scope
    course_iri = f"{xapi.base_url()}/xapi/activities/course/{course.pk}"
    assert all(course_iri in _activity_ids(item) for item in statements)
    assert AuditEntry.objects.filter(
        actor=animateur, action="export.lms_xapi", target_id=str(course.pk)
    ).exists()

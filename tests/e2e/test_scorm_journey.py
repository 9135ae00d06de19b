"""An editor uploads a SCORM 1.2 package in the admin and puts it in a lesson; a learner plays it to the
end on a phone: the lesson is completed with its score and time. Malicious archives are refused with a
clear message."""

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from lms.models import LessonCompletion, LessonPage, ScormAttempt, ScormPackage
from lms.scorm import samples
from tests.e2e.conftest import PHONE_VIEWPORT
from tests.e2e.helpers import login
from tests.lms import factories, scorm_archives
from tests.lms.factories import CourseEnrolmentFactory
from tests.programmes.factories import UserFactory

SAVE = re.compile(r"^\s*(Enregistrer|Save)\s*$", re.I)
REFUSED = re.compile(r"(Ce paquet est refusé|This package is refused)", re.I)
OUTSIDE = re.compile(r"(hors de son propre dossier|outside its own folder)", re.I)
SUSPICIOUS = re.compile(r"(anormalement compressé|compressed suspiciously)", re.I)
CHOOSE_PACKAGE = re.compile(r"(Choisir|Choose) (un |a )?(paquet SCORM|SCORM package)", re.I)
MORE_ACTIONS = re.compile(r"(Plus d'actions|More actions)", re.I)
PUBLISH = re.compile(r"^\s*(Publier|Publish)\s*$", re.I)
LESSON_COMPLETED = re.compile(r"(Séquence|Leçon) terminée|Lesson completed", re.I)
SCORE = re.compile(r"80/100")
NEXT_PART = re.compile(r"(Partie suivante|Next part)", re.I)

PACKAGE_TITLE = "Accueillir un client"
LESSON_TITLE = "Accueillir un client (module)"


def upload_package(page: Page, base_url: str, tmp_path: Path, name: str, content: bytes, title: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    page.goto(f"{base_url}/admin/snippets/lms/scormpackage/add/")
    page.locator("#id_title").fill(title)
    page.locator("input[name=archive]").set_input_files(str(path))
    with page.expect_navigation():
        page.get_by_role("button", name=SAVE).first.click()


def test_an_editor_uploads_a_scorm_package_and_a_learner_completes_it_on_a_phone(
    page: Page, phone_page: Page, live_server, demo_data, tmp_path: Path
):
    login(page, live_server.url, "fabrique")

    # Malicious archives are refused, with the reason, and nothing is kept.
    upload_package(page, live_server.url, tmp_path, "evil.zip", scorm_archives.traversal_package(), "Piège")
    expect(page.get_by_text(REFUSED)).to_be_visible()
    expect(page.get_by_text(OUTSIDE)).to_be_visible()
    upload_package(page, live_server.url, tmp_path, "bomb.zip", scorm_archives.bomb_package(), "Bombe")
    expect(page.get_by_text(SUSPICIOUS)).to_be_visible()
    assert not ScormPackage.objects.filter(title__in=["Piège", "Bombe"]).exists()

    # A real package is accepted.
    archive = samples.build_package(title=PACKAGE_TITLE, scos=[("accueil", "Accueillir un client")])
    upload_package(page, live_server.url, tmp_path, "accueil.zip", archive, PACKAGE_TITLE)
    package = ScormPackage.objects.get(title=PACKAGE_TITLE)
    assert package.version == "1.2"

    # The editor adds a lesson to the learner's course and attaches the package to it.
    module = LessonPage.objects.get(title="Parler à un client").get_parent()
    page.goto(f"{live_server.url}/admin/pages/add/lms/lessonpage/{module.pk}/")
    page.locator("#id_title").fill(LESSON_TITLE)
    page.locator("#id_completion_rule").select_option("scorm")
    page.get_by_role("button", name=CHOOSE_PACKAGE).click()
    modal = page.locator(".modal-content")
    modal.get_by_role("link", name=PACKAGE_TITLE).click()
    expect(page.locator("[data-chooser-title]").filter(has_text=PACKAGE_TITLE)).to_be_visible()
    page.get_by_role("button", name=MORE_ACTIONS).first.click()
    with page.expect_navigation():
        page.get_by_role("button", name=PUBLISH).click()
    lesson = LessonPage.objects.get(title=LESSON_TITLE)
    assert lesson.live and lesson.scorm_package_id == package.pk

    # The learner plays it to the end on a phone.
    learner = phone_page
    context = phone_page.context
    login(learner, live_server.url, "jeune")
    learner.goto(f"{live_server.url}{lesson.url}")
    frame = learner.frame_locator("#scorm-player iframe")
    expect(frame.locator("#status")).to_have_text("Connecté")
    box = learner.locator("#scorm-player iframe").bounding_box()
    assert box is not None and box["width"] <= PHONE_VIEWPORT["width"] and box["width"] > 300
    frame.get_by_role("button", name="Suivant").tap()
    expect(frame.get_by_role("button", name="Terminer")).to_be_visible()

    # She leaves and comes back: the module resumes on its second screen.
    learner.reload()
    expect(frame.locator("#status")).to_contain_text("Reprise à l'écran 2")
    expect(frame.get_by_role("button", name="Terminer")).to_be_visible()

    # The network drops as she finishes: the commit is kept and sent again once back online.
    learner.wait_for_timeout(1200)  # a little time spent on the last screen
    context.set_offline(True)
    frame.get_by_role("button", name="Terminer").tap()
    expect(frame.get_by_text("Module terminé")).to_be_visible()
    assert not LessonCompletion.objects.filter(lesson=lesson).exists()
    context.set_offline(False)
    status = learner.locator("[data-scorm-status]")
    expect(status).to_have_text(LESSON_COMPLETED)
    expect(status).to_contain_text(SCORE)

    attempt = ScormAttempt.objects.get(lesson=lesson)
    assert (attempt.completion_status, attempt.success_status) == ("completed", "passed")
    assert attempt.score_raw == 80
    assert attempt.total_seconds >= 1
    assert LessonCompletion.objects.filter(user=attempt.user, lesson=lesson).exists()

    # Back on the lesson later: completed, and the module resumes where she was.
    learner.reload()
    expect(learner.locator("[data-lesson-completion]")).to_have_text(LESSON_COMPLETED)
    expect(learner.locator("[data-scorm-status]")).to_contain_text(SCORE)


def test_a_learner_plays_a_two_sco_scorm_2004_package_on_a_phone(phone_page: Page, live_server):
    """SCORM 2004, several SCOs: one button per SCO, completion and success reported apart, the lesson
    completed once both are done."""
    course = factories.course(is_open=True)
    package = scorm_archives.scorm_package(
        version="2004", title="Deux étapes", scos=[("un", "Première étape"), ("deux", "Seconde étape")]
    )
    lesson = scorm_archives.scorm_lesson(factories.module(course), package, title="Deux étapes")
    learner = UserFactory(username="lina", role="learner", password="correct horse battery staple")
    CourseEnrolmentFactory(user=learner, course=course)
    page = phone_page
    login(page, live_server.url, "lina", "correct horse battery staple")
    page.goto(f"{live_server.url}{lesson.url}")

    frame = page.frame_locator("#scorm-player iframe")
    steps = page.locator("#scorm-player [data-sco-index]")
    expect(steps).to_have_count(2)
    for index, title in enumerate(["Première étape", "Seconde étape"]):
        if index:  # after the first part, the player offers the next one
            page.get_by_role("button", name=NEXT_PART).tap()
        expect(frame.get_by_role("heading", level=1)).to_have_text(title)
        expect(frame.locator("#status")).to_have_text("Connecté")
        frame.get_by_role("button", name="Suivant").tap()
        frame.get_by_role("button", name="Terminer").tap()
        expect(frame.get_by_text("Module terminé")).to_be_visible()
        expect(steps.nth(index)).to_have_class(re.compile("is-completed"))

    expect(page.locator("[data-scorm-status]")).to_have_text(LESSON_COMPLETED)
    attempts = ScormAttempt.objects.filter(lesson=lesson, user=learner).order_by("sco__position")
    assert [(a.completion_status, a.success_status, a.score_scaled) for a in attempts] == [
        ("completed", "passed", 0.8),
        ("completed", "passed", 0.8),
    ]
    assert LessonCompletion.objects.filter(user=learner, lesson=lesson).exists()

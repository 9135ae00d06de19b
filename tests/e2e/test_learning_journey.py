"""The demo learner follows her course to the end on a phone: continue, mark done, fail and pass the quiz,
download her certificate; then an anonymous visitor checks it by its code."""

import re
from pathlib import Path
from urllib.parse import urlparse

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import DESKTOP_VIEWPORT
from tests.e2e.helpers import login

# Texts in French or in English: the French catalogue may not translate every string yet.
CONTINUE = re.compile(r"^\s*(Continuer|Continue)\b", re.I)
MARK_DONE = re.compile(r"Marquer comme (termin[ée]e?|fait)|Mark as done", re.I)
LESSON_COMPLETED = re.compile(r"(Séquence|Leçon) terminée|Lesson completed", re.I)
SUBMIT_ANSWERS = re.compile(r"Valider|Envoyer|Submit", re.I)
NOT_PASSED = re.compile(r"pas encore réussi|not passed yet", re.I)
PASSED = re.compile(r"Quiz réussi|Quiz passed", re.I)
COMPLETED = re.compile(r"Termin[ée]|Completed", re.I)
DOWNLOAD = re.compile(r"(Télécharger|Download).*PDF", re.I)
VERIFY = re.compile(r"^\s*(Vérifier|Verify)\s*$", re.I)
VALID = re.compile(r"valide|valid", re.I)

WRONG = ["Autant de voix que d'heures travaillées", "Le temps de travail", "Faux"]
RIGHT = [
    "Une voix, quel que soit son temps de travail",
    "Le temps de travail",
    "Le matériel et les déplacements",
    "Vrai",
]


def progress_value(page: Page) -> int:
    return int(page.locator("main progress").first.get_attribute("value") or 0)


def answer(page: Page, choices: list[str]) -> None:
    for label in choices:
        page.get_by_label(label, exact=True).check()
    with page.expect_navigation():
        page.get_by_role("button", name=SUBMIT_ANSWERS).tap()


def test_the_learner_continues_her_course_and_passes_the_quiz_on_a_phone(
    phone_page: Page, browser: Browser, live_server, demo_data, tmp_path: Path
):
    page = phone_page
    login(page, live_server.url, "jeune")
    assert urlparse(page.url).path == "/learn/"
    card = page.locator(".course-card").filter(has_text="Découvrir la coopérative")
    expect(card.locator("progress")).to_have_attribute("value", "50")

    with page.expect_navigation():
        card.get_by_role("link", name=CONTINUE).tap()
    expect(page.locator("main h1")).to_have_text("Parler à un client")
    assert progress_value(page) == 50

    with page.expect_navigation():
        page.get_by_role("button", name=MARK_DONE).tap()
    expect(page.locator(".lesson-completion")).to_contain_text(LESSON_COMPLETED)
    assert progress_value(page) == 67

    with page.expect_navigation():
        page.locator("a[rel=next]").tap()
    expect(page.locator("main h1")).to_have_text("La sécurité au travail")
    with page.expect_navigation():
        page.get_by_role("button", name=MARK_DONE).tap()
    assert progress_value(page) == 83

    with page.expect_navigation():
        page.locator("a[rel=next]").tap()
    quiz = page.locator("#quiz")
    expect(quiz.locator("fieldset legend").first).to_contain_text("combien de voix")
    assert "explanation" not in page.content()

    answer(page, WRONG)
    result = page.locator("#quiz-result")
    expect(result).to_contain_text(NOT_PASSED)
    expect(result).to_contain_text("Une personne, une voix")  # the explanation, after submitting only
    assert progress_value(page) == 83

    answer(page, RIGHT)
    expect(page.locator("#quiz-result")).to_contain_text(PASSED)
    expect(page.locator(".lesson-completion")).to_contain_text(LESSON_COMPLETED)
    assert progress_value(page) == 100

    page.goto("/learn/")
    card = page.locator(".course-card").filter(has_text="Découvrir la coopérative")
    expect(card.locator("progress")).to_have_attribute("value", "100")
    expect(card).to_contain_text(COMPLETED)

    # Her certificate was issued on completion: she downloads it from her space.
    certificate = page.locator(".certificate-card").filter(has_text="Découvrir la coopérative")
    expect(certificate).to_be_visible()
    with page.expect_download() as download_info:
        certificate.get_by_role("link", name=DOWNLOAD).tap()
    download = download_info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert download.suggested_filename.endswith(".pdf")
    assert saved.read_bytes().startswith(b"%PDF")
    code = certificate.locator(".certificate-code").inner_text().strip()

    # Anyone she shows it to checks the code, without an account, and learns only her first name and initial.
    visitor = browser.new_context(locale="fr-FR", viewport=DESKTOP_VIEWPORT, base_url=live_server.url)
    try:
        check = visitor.new_page()
        check.goto("/verify/")
        check.locator("input[name=code]").fill(code.lower())
        with check.expect_navigation():
            check.get_by_role("button", name=VERIFY).click()
        expect(check.locator(".verification-status")).to_contain_text(VALID)
        expect(check.locator(".verification-holder")).to_have_text("Lina M.")
        expect(check.locator("main")).to_contain_text("Découvrir la coopérative")
        assert "Moreau" not in check.content()
        assert urlparse(check.url).path == f"/verify/{code}/"
    finally:
        visitor.close()

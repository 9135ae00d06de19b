"""The demo learner downloads her certificate as an Open Badge from her training space: a signed Open Badges
3.0 credential naming the course, that verifies (tests/lms/test_lms_open_badges_interop.py has the
independent verifier check it)."""

import json
import re

from playwright.sync_api import Page, expect

from lms import data_integrity
from tests.e2e.helpers import login

# French first; English while the catalogue lacks a string.
OPEN_BADGE = re.compile(r"Télécharger en Open Badge|Download as Open Badge", re.I)


def test_the_learner_downloads_her_certificate_as_an_open_badge(page: Page, live_server, demo_data):
    login(page, live_server.url, "jeune")
    page.goto(f"{live_server.url}/learn/")

    certificate = page.locator("#my-certificates + .certificate-cards .certificate-card").first
    expect(certificate).to_be_visible()
    course = certificate.locator(".card-title").inner_text().strip()
    with page.expect_download() as download_info:
        certificate.get_by_role("link", name=OPEN_BADGE).click()
    download = download_info.value

    assert re.fullmatch(r"open-badge-[A-Z0-9]{12}\.json", download.suggested_filename)
    with open(download.path(), encoding="utf-8") as handle:
        credential = json.load(handle)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["credentialSubject"]["achievement"]["name"] == course
    assert credential["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert data_integrity.verify(credential) == credential["issuer"]["id"]

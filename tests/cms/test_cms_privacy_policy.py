"""The privacy policy page's purposes, data, legal bases and retention come from the registry and the
settings: the page changes when the code does, never by hand."""

from django.core.cache import cache
from django.utils import translation
from django.utils.html import escape

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from cms.models import StandardPage
from programmes.privacy import registry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def privacy_page(site_tree):
    return StandardPage.objects.get(slug="donnees-personnelles")


def test_the_demo_privacy_page_lists_every_purpose_of_the_registry(client, privacy_page):
    response = client.get(privacy_page.url)

    for purpose in registry.purposes():
        assertContains(response, f'id="purpose-{purpose.key}"')
        assertContains(response, escape(purpose.label))
        assertContains(response, escape(purpose.legal_basis))
    assertContains(response, "3 years after the end of the person&#x27;s last cohort")
    assertContains(response, "at least 10 years for operations funded by the European Social Fund")
    assertContains(
        response, "<dt>Sensitive data, only with explicit consent</dt><dd>disability</dd>", html=False
    )
    assertContains(response, "lodge a complaint with the CNIL")


def test_the_page_follows_the_retention_settings(client, privacy_page, settings):
    settings.ESSAIM_RETENTION_YEARS_DEFAULT = 5
    settings.ESSAIM_RETENTION_YEARS_BY_PURPOSE = {
        **settings.ESSAIM_RETENTION_YEARS_BY_PURPOSE,
        "service_requests": 2,
    }
    cache.clear()

    response = client.get(privacy_page.url)

    assertContains(response, "5 years after the end of the person&#x27;s last cohort")
    assertContains(response, "2 years after the request was received")
    assertNotContains(response, "3 years after the end of the person&#x27;s last cohort")


def test_a_newly_registered_purpose_appears_without_editing_the_page(client, privacy_page, monkeypatch):
    monkeypatch.setitem(
        registry._purposes,
        "evaluation",
        registry.Purpose("evaluation", "Impact evaluation", "Questionnaires.", "Public interest", "cohort"),
    )
    cache.clear()

    assertContains(client.get(privacy_page.url), "Impact evaluation")


def test_the_page_is_in_french_for_visitors(client, privacy_page, settings):
    settings.LANGUAGE_CODE = "fr"
    cache.clear()

    with translation.override("fr"):
        response = client.get(privacy_page.url)

    # Field names come from the models' French names (the purposes' own sentences are new msgids
    # that the integrator's catalogue translates).
    assertContains(response, '<html lang="fr">')
    assertContains(response, "Personnes (prénom, nom")

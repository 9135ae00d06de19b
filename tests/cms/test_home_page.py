from django.core.management import call_command

import pytest
from pytest_django.asserts import assertContains

from cms.models import HomePage

pytestmark = pytest.mark.django_db


def test_the_home_page_is_served_at_the_root_with_accessible_landmarks(client):
    response = client.get("/")

    assert response.status_code == 200
    assertContains(response, 'class="skip-link" href="#main"')
    assertContains(response, '<main id="main"')
    assertContains(response, "<h1>")


def test_seed_demo_fills_the_home_page_once_and_keeps_editors_changes(client):
    call_command("seed_demo", "--quiet", "--force")
    home = HomePage.objects.get()
    home.hero_title = "Edited by an editor"
    home.save_revision().publish()

    call_command("seed_demo", "--quiet", "--force")

    response = client.get("/")
    assertContains(response, "Edited by an editor")
    assertContains(response, "Coopératives Jeunesse de Services")


def test_robots_and_sitemap_are_served(client):
    assert client.get("/robots.txt").status_code == 200
    assert client.get("/sitemap.xml").status_code == 200

import pytest

from cms.models import NewsPage, StandardPage
from tests.cms.factories import cjs
from tests.programmes.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("site_tree")]

LEGAL = "/mentions-legales/"


def test_an_anonymous_visitor_gets_the_cached_copy_the_second_time(client):
    first = client.get(LEGAL)
    second = client.get(LEGAL)

    assert first["X-Essaim-Cache"] == "miss"
    assert second["X-Essaim-Cache"] == "hit"
    assert second.content.decode().count("Éditeur du site") == 1


def test_publishing_a_page_refreshes_the_cached_copies(client):
    client.get(LEGAL)
    page = StandardPage.objects.get(slug="mentions-legales")
    page.title = "Mentions légales (mise à jour)"
    page.save_revision().publish()

    response = client.get(LEGAL)

    assert response["X-Essaim-Cache"] == "miss"
    assert "Mentions légales (mise à jour)" in response.content.decode()


def test_unpublishing_a_news_item_removes_it_from_the_cached_home_page(client):
    assert "Naissance de la Fabrique" in client.get("/").content.decode()

    NewsPage.objects.get(slug="naissance-de-la-fabrique-cooperative").unpublish()

    assert "Naissance de la Fabrique" not in client.get("/").content.decode()


def test_a_new_cohort_refreshes_the_cached_directory(client):
    client.get("/trouver-une-cjs/")

    cjs(name="CJS Nantes Bellevue")

    response = client.get("/trouver-une-cjs/")
    assert response["X-Essaim-Cache"] == "miss"
    assert "CJS Nantes Bellevue" in response.content.decode()


def test_logged_in_users_are_never_served_from_nor_stored_in_the_cache(client):
    client.force_login(UserFactory())
    first = client.get(LEGAL)
    second = client.get(LEGAL)

    assert "X-Essaim-Cache" not in first
    assert "X-Essaim-Cache" not in second
    client.logout()
    assert client.get(LEGAL)["X-Essaim-Cache"] == "miss"


def test_each_visitor_gets_their_own_csrf_token_from_a_cached_copy(client, django_user_model):
    from django.test import Client

    first = client.get(LEGAL)
    other = Client()
    second = other.get(LEGAL)

    token = _csrf_input(second.content.decode())
    assert second["X-Essaim-Cache"] == "hit"
    assert token != _csrf_input(first.content.decode())
    assert "@@csrf-token@@" not in second.content.decode()
    assert "csrftoken" in second.cookies


def test_form_pages_are_never_cached(client):
    client.get("/contact/")

    assert "X-Essaim-Cache" not in client.get("/contact/")


def _csrf_input(html: str) -> str:
    start = html.index('name="csrfmiddlewaretoken" value="') + len('name="csrfmiddlewaretoken" value="')
    return html[start : html.index('"', start)]

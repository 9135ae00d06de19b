from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

import pytest

from cms.models import NewsIndexPage, NewsPage
from tests.programmes.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def test_an_editor_creates_and_publishes_a_news_page_in_the_admin(client, site_tree, editor):
    index = NewsIndexPage.objects.get()
    data = nested_form_data(
        {
            "title": "Les CJS 2026 sont lancées",
            "slug": "les-cjs-2026-sont-lancees",
            "publication_date": "2026-06-15",
            "tags": "CJS, Saison",
            "intro": "Une nouvelle saison commence dans dix régions.",
            "body": streamfield(
                [
                    ("heading", {"text": "Inscriptions ouvertes", "level": "h2"}),
                    ("paragraph", rich_text("<p>Bienvenue.</p>")),
                ]
            ),
            "comments": inline_formset([]),
            "action-publish": "action-publish",
        }
    )

    response = client.post(f"/admin/pages/add/cms/newspage/{index.pk}/", data)

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    page = NewsPage.objects.get(slug="les-cjs-2026-sont-lancees")
    assert page.live
    assert sorted(tag.name for tag in page.tags.all()) == ["CJS", "Saison"]
    client.logout()
    public = client.get("/actualites/les-cjs-2026-sont-lancees/")
    assert public.status_code == 200
    assert "Inscriptions ouvertes" in public.content.decode()
    assert "Les CJS 2026 sont lancées" in client.get("/actualites/").content.decode()


def test_the_snippets_and_settings_of_the_public_site_open_in_the_admin(client, site_tree, editor):
    assert client.get("/admin/snippets/cms/mainmenu/").status_code == 200
    assert client.get("/admin/snippets/cms/organisationlogo/").status_code == 200
    assert client.get("/admin/settings/cms/sitesettings/").status_code in (200, 302)

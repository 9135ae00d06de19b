from django.core import mail

from wagtail.contrib.forms.models import FormSubmission

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from cms.models import (
    CjsDirectoryPage,
    FormPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    ProgrammePage,
    StandardPage,
)
from tests.cms.factories import cjs
from tests.programmes.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def a_cjs(site_tree):
    return cjs(name="CJS Nantes Bellevue")


@pytest.mark.parametrize(
    ("path", "content"),
    [
        ("/", "Coopérer pour apprendre"),
        ("/cooperatives-jeunesse-de-services/", "Un projet porté par tout un territoire"),
        ("/les-flashcoop/", "Des coopératives éphémères pour adultes"),
        ("/trouver-une-cjs/", "CJS Nantes Bellevue"),
        ("/actualites/", "Rencontres nationales des CJS"),
        ("/actualites/prix-innovation-sociale-assemblee-nationale/", "14 décembre 2018"),
        ("/mentions-legales/", "Éditeur du site"),
        ("/donnees-personnelles/", "Vos droits"),
        ("/partenaires/", "Plus de 600 partenaires locaux"),
        ("/contact/", "Votre adresse e-mail"),
        ("/search/?q=Flashcoop", "Flashcoop"),
    ],
)
def test_every_page_type_renders_with_its_content_and_landmarks(client, a_cjs, path, content):
    response = client.get(path)

    assert response.status_code == 200
    assertContains(response, content)
    assertContains(response, '<main id="main"')
    assertContains(response, "<h1")


def test_the_page_of_a_cjs_renders_under_the_directory(client, a_cjs):
    directory = CjsDirectoryPage.objects.get()

    response = client.get(directory.cohort_url(a_cjs))

    assert response.status_code == 200
    assertContains(response, "<h1>CJS Nantes Bellevue")
    assertContains(response, "Nantes")
    assertContains(response, a_cjs.host.name)


def test_the_tree_declares_parents_and_children():
    assert {ProgrammePage, CjsDirectoryPage, NewsIndexPage, StandardPage, FormPage} <= set(
        HomePage.allowed_subpage_models()
    )
    assert NewsPage.allowed_parent_page_models() == [NewsIndexPage]
    assert NewsIndexPage.allowed_subpage_models() == [NewsPage]
    assert CjsDirectoryPage.allowed_subpage_models() == []


def test_pages_carry_a_description_a_canonical_url_and_opengraph_tags(client, site_tree):
    response = client.get("/actualites/prix-innovation-sociale-assemblee-nationale/")

    assertContains(response, '<link rel="canonical" href="http://localhost/actualites/prix-innovation')
    assertContains(response, '<meta property="og:type" content="article">')
    assertContains(response, '<meta property="og:title" content="Les CJS reçoivent le prix')
    assertContains(response, '<meta name="description" content="Le 14 décembre 2018')


def test_the_sitemap_lists_the_pages_and_every_public_cjs(client, a_cjs):
    cancelled = cjs(name="CJS Annulée", status="cancelled")

    response = client.get("/sitemap.xml")

    assertContains(response, "/actualites/rencontres-nationales-des-cjs-2018/")
    assertContains(response, f"/trouver-une-cjs/{a_cjs.pk}-cjs-nantes-bellevue-")
    assertNotContains(response, f"/trouver-une-cjs/{cancelled.pk}-")


def test_the_main_menu_and_the_footer_show_for_visitors_and_members(client, site_tree):
    for _visitor in ("anonymous", "member"):
        response = client.get("/mentions-legales/")
        assertContains(response, '<a href="/trouver-une-cjs/">Trouver une CJS près de chez vous</a>')
        assertContains(response, '<a href="/search/">Search</a>')
        assertContains(response, '<a href="/donnees-personnelles/">Données personnelles</a>')
        assertContains(response, "contact@demo.essaim.localhost")
        client.force_login(UserFactory())
    assertContains(response, "Log out")


def test_the_news_index_paginates_and_filters_by_tag(client, site_tree):
    index = NewsIndexPage.objects.get()
    for number in range(12):
        page = NewsPage(
            title=f"Brève {number}", slug=f"breve-{number}", publication_date="2020-01-01", intro="…"
        )
        index.add_child(instance=page)
        page.save_revision().publish()

    first = client.get("/actualites/")
    second = client.get("/actualites/?page=2")
    tagged = client.get("/actualites/?tag=prix")

    assert len(first.context["news_page"]) == 10
    assertContains(first, 'rel="next" href="?page=2"')
    assert len(second.context["news_page"]) == 7
    assert [news.slug for news in tagged.context["news_page"]] == [
        "prix-innovation-sociale-assemblee-nationale"
    ]


def test_the_news_feed_is_rss(client, site_tree):
    response = client.get("/actualites/rss/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    assertContains(response, "Naissance de la Fabrique Coopérative")


def test_the_contact_form_validates_on_the_server_and_lists_the_errors(client, site_tree):
    response = client.post("/contact/", {"votre_nom": "", "votre_adresse_e_mail": "not an e-mail"})

    assert response.status_code == 200
    assertContains(response, 'class="error-summary"')
    assertContains(response, 'href="#id_votre_adresse_e_mail"')
    assert not FormSubmission.objects.exists()


def test_the_contact_form_stores_the_message_and_mails_the_team(
    client, site_tree, django_capture_on_commit_callbacks
):
    data = {
        "votre_nom": "Une visiteuse",
        "votre_adresse_e_mail": "visiteuse@example.org",
        "votre_demande_concerne": "Devenir partenaire",
        "votre_message": "Bonjour, notre commune voudrait accueillir une CJS.",
    }

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/contact/", data)

    assertContains(response, "votre message a bien été envoyé")
    assert FormSubmission.objects.count() == 1
    assert mail.outbox[0].to == ["contact@demo.essaim.localhost"]
    assert "notre commune voudrait accueillir une CJS" in mail.outbox[0].body


def test_the_search_finds_news_and_pages(client, site_tree):
    response = client.get("/search/?q=Assemblée")

    assertContains(response, "Les CJS reçoivent le prix de l&#x27;innovation sociale")
    assertContains(response, 'role="search"')


def test_an_empty_search_shows_only_the_form(client, site_tree):
    response = client.get("/search/")

    assert response.status_code == 200
    assert response.context["results"] is None

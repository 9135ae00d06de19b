import io
import re
from urllib.parse import urlparse

from django.core.management import call_command

import pypdf
import pytest

from cms.models import CjsDirectoryPage, HomePage, ImpactReportPage, MainMenu, NewsPage
from programmes.models import Person

pytestmark = pytest.mark.django_db

SITE_SLUGS = [
    "cooperatives-jeunesse-de-services",
    "les-flashcoop",
    "trouver-une-cjs",
    "actualites",
    "rapports-d-impact",
    "mentions-legales",
    "donnees-personnelles",
    "contact",
]


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--quiet", "--force")


def test_seed_demo_builds_the_whole_site_tree_once(demo):
    call_command("seed_demo", "--quiet", "--force")

    home = HomePage.objects.get()
    slugs = [page.slug for page in home.get_children()]
    for slug in SITE_SLUGS:
        assert slugs.count(slug) == 1
    assert 4 <= NewsPage.objects.live().count() <= 6
    assert MainMenu.objects.count() == 1


def test_no_public_page_names_a_participant(client, demo):
    people = list(Person.objects.values_list("first_name", "last_name"))
    assert len(people) > 100
    sitemap = client.get("/sitemap.xml").content.decode()
    paths = [urlparse(url).path for url in re.findall(r"<loc>([^<]+)</loc>", sitemap)]
    directory = CjsDirectoryPage.objects.get()
    assert any(path.startswith(directory.url) and path != directory.url for path in paths)
    paths += ["/search/?q=CJS", f"{directory.url}?q=Nantes", "/actualites/rss/"]
    report = ImpactReportPage.objects.live().get()
    assert report.url in paths and f"{report.url}versions/1/" in paths
    paths += [f"{report.url}versions/1/csv/"]

    for path in paths:
        response = client.get(path)
        if response.status_code == 302:  # Pages for members only (courses) send visitors to the login page.
            assert response["Location"].startswith("/accounts/login/"), path
            continue
        assert response.status_code == 200, path
        html = response.content.decode()
        for first_name, last_name in people:
            assert f"{first_name} {last_name}" not in html, path
            assert f"{last_name} {first_name}" not in html, path


def test_the_published_reports_pdf_names_no_participant(client, demo):
    people = list(Person.objects.values_list("first_name", "last_name"))
    report = ImpactReportPage.objects.live().get()

    response = client.get(f"{report.url}versions/1/pdf/")

    data = b"".join(response.streaming_content)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "Les CJS 2018" in text
    for first_name, last_name in people:
        assert f"{first_name} {last_name}" not in text

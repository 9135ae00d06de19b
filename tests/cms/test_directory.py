import pytest
from pytest_django.asserts import assertContains, assertNotContains

from cms.models import CjsDirectoryPage, OrganisationLogo
from tests.cms.factories import THIS_YEAR, chateaubriant, cjs, nantes, rennes
from tests.programmes.factories import (
    CohortFactory,
    EditionFactory,
    EnrolmentFactory,
    PartnershipFactory,
    PersonFactory,
    ProgrammeFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "site_tree")]

DIRECTORY = "/trouver-une-cjs/"


def names(response) -> list[str]:
    return [cohort.name for cohort in response.context["results"]]


@pytest.mark.parametrize("count", [5, 50])
def test_the_directory_takes_the_same_few_queries_for_5_and_50_cjs(
    client, django_assert_max_num_queries, count
):
    for number in range(count):
        cjs(nantes() if number % 2 else rennes(), name=f"CJS {number:02d}")
    client.get(DIRECTORY)  # Site root paths and settings are cached after the first request.

    with django_assert_max_num_queries(13):
        response = client.get(f"{DIRECTORY}?region=52&page=2")

    assert response.status_code == 200
    assert response["X-Essaim-Cache"] == "miss"


def test_the_directory_lists_this_editions_cjs_that_are_not_cancelled(client):
    cjs(name="CJS Nantes Bellevue")
    cjs(name="CJS Annulée", status="cancelled")
    cjs(name="CJS Nantes 2018", year=2018)
    CohortFactory(
        edition=EditionFactory(
            programme=ProgrammeFactory(slug="flashcoop", name="Flashcoop"), year=THIS_YEAR
        ),
        name="Flashcoop Nantes",
    )

    response = client.get(DIRECTORY)

    assert names(response) == ["CJS Nantes Bellevue"]
    assertContains(response, "1 CJS in")


def test_the_directory_filters_by_region_and_department(client):
    cjs(nantes(), name="CJS Nantes")
    cjs(rennes(), name="CJS Rennes")

    assert names(client.get(f"{DIRECTORY}?region=53")) == ["CJS Rennes"]
    assert names(client.get(f"{DIRECTORY}?department=44")) == ["CJS Nantes"]
    assert names(client.get(f"{DIRECTORY}?region=53&department=44")) == []
    assert sorted(names(client.get(f"{DIRECTORY}?region=unknown"))) == ["CJS Nantes", "CJS Rennes"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("44110", ["CJS Châteaubriant"]),
        ("44", ["CJS Nantes", "CJS Châteaubriant"]),
        ("35200", ["CJS Rennes"]),
        ("chateaubriant", ["CJS Châteaubriant"]),
        ("NANTES", ["CJS Nantes"]),
        ("Paris", []),
    ],
)
def test_the_directory_searches_by_commune_name_or_postcode(client, query, expected):
    cjs(nantes(), name="CJS Nantes")
    cjs(rennes(), name="CJS Rennes")
    cjs(chateaubriant(), name="CJS Châteaubriant")

    response = client.get(DIRECTORY, {"q": query})

    assert sorted(names(response)) == sorted(expected)


def test_the_directory_paginates_and_keeps_the_filters_in_its_links(client):
    for number in range(25):
        cjs(name=f"CJS {number:02d}")

    response = client.get(f"{DIRECTORY}?department=44")

    assert len(response.context["results"]) == 20
    assertContains(response, 'href="?department=44&amp;page=2"')
    assert len(client.get(f"{DIRECTORY}?department=44&page=2").context["results"]) == 5


def test_a_cjs_page_shows_territory_dates_host_and_partners_with_logos_but_no_member(client):
    cohort = cjs(name="CJS Nantes Bellevue", is_in_qpv=True)
    sponsor = PartnershipFactory(cohort=cohort, role="economic_sponsor").organisation
    OrganisationLogo.objects.create(organisation=sponsor, image=_image())
    member = EnrolmentFactory(
        cohort=cohort, person=PersonFactory(first_name="Zoé", last_name="Vasseur", minor=True)
    )
    directory = CjsDirectoryPage.objects.get()

    response = client.get(directory.cohort_url(cohort))

    assertContains(response, "Nantes, Loire-Atlantique (44), Pays de la Loire")
    assertContains(response, "priority neighbourhood (QPV)")
    assertContains(response, cohort.host.name)
    assertContains(response, sponsor.name)
    assertContains(response, f'alt="{sponsor.name}"')
    assertContains(response, "Economic sponsor")
    assertNotContains(response, member.person.last_name)
    assertNotContains(response, "Zoé")


def test_a_cjs_page_carries_the_order_and_join_forms_of_that_cjs(client):
    cohort = cjs(name="CJS Nantes Bellevue")
    directory = CjsDirectoryPage.objects.get()

    response = client.get(directory.cohort_url(cohort))

    assertContains(response, f'action="/cjs/{cohort.pk}/order/"')
    assertContains(response, f'action="/cjs/{cohort.pk}/join/"')
    assertContains(response, 'id="order-email"')
    assertContains(response, 'id="join-email"')


def test_a_cjs_page_redirects_a_wrong_slug_and_hides_what_is_not_public(client):
    cohort = cjs(name="CJS Nantes Bellevue")
    cancelled = cjs(name="CJS Annulée", status="cancelled")
    flashcoop = CohortFactory(
        edition=EditionFactory(programme=ProgrammeFactory(slug="flashcoop", name="Flashcoop"), year=THIS_YEAR)
    )
    directory = CjsDirectoryPage.objects.get()

    redirect = client.get(f"{DIRECTORY}{cohort.pk}-old-name/")

    assert redirect.status_code == 301
    assert redirect["Location"] == directory.cohort_url(cohort)
    assert client.get(f"{DIRECTORY}{cancelled.pk}-cjs-annulee-{THIS_YEAR}/").status_code == 404
    assert client.get(f"{DIRECTORY}{flashcoop.pk}-x/").status_code == 404
    assert client.get(f"{DIRECTORY}999999-x/").status_code == 404


def test_the_directory_says_when_no_cjs_is_announced(client):
    response = client.get(DIRECTORY)

    assertContains(response, "No CJS is announced yet")


def _image():
    from django.core.files.images import ImageFile

    from wagtail.images.models import Image

    from cms.demo import _lettered_png

    image = Image(title="Logo")
    image.file = ImageFile(_lettered_png("Logo Test", "#000000"), name="logo-test.png")
    image.save()
    return image

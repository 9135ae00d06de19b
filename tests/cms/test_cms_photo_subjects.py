"""People in photos: the national team says who appears in an image, choosing the person by name."""

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file

import pytest
from pytest_django.asserts import assertContains

from cms.models import PhotoSubject
from tests.programmes.factories import PersonFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "roles")]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_national_team_tags_a_person_on_a_photo(client):
    client.force_login(UserFactory(role="fabrique"))
    image = Image.objects.create(title="Chantier", file=get_test_image_file(filename="chantier.png"))
    person = PersonFactory(first_name="Léa", last_name="Kerhuel")

    form = client.get("/admin/snippets/cms/photosubject/add/")
    assertContains(form, "Choose a person")
    response = client.post("/admin/snippets/cms/photosubject/add/", {"image": image.pk, "person": person.pk})

    assert response.status_code == 302
    assert PhotoSubject.objects.get().person == person
    assertContains(client.get("/admin/snippets/cms/photosubject/"), "Léa Kerhuel")

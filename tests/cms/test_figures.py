from wagtail.blocks import StreamValue
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.models import Image

import pytest
from pytest_django.asserts import assertContains, assertNotContains

from cms.blocks import BaseStreamBlock, CallToActionBlock, RequiredAltImageBlock
from cms.selectors import disclosed_count, disclosed_share
from tests.cms.factories import cjs
from tests.programmes.factories import EnrolmentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.mark.parametrize(
    ("count", "shown"), [(0, "< 11"), (1, "< 11"), (10, "< 11"), (11, "11"), (1234, "1,234")]
)
def test_person_counts_below_the_threshold_are_never_published(count, shown):
    assert disclosed_count(count) == shown


def test_a_share_over_fewer_people_than_the_threshold_is_not_published():
    assert disclosed_share(0.5, base=10) is None
    assert disclosed_share(0.5, base=11) == "50 %"
    assert disclosed_share(None, base=100) is None


def test_all_or_none_of_a_small_group_is_not_published():
    assert disclosed_share(1.0, base=29) is None
    assert disclosed_share(0.0, base=29) is None
    assert disclosed_share(1.0, base=30) == "100 %"


def test_the_threshold_is_a_setting(settings):
    settings.ESSAIM_DISCLOSURE_THRESHOLD = 5

    assert disclosed_count(4) == "< 5"
    assert disclosed_count(5) == "5"


def test_the_home_page_shows_live_figures_with_small_counts_hidden(client, site_tree):
    cohort = cjs(name="CJS Nantes Bellevue")
    for _number in range(4):
        EnrolmentFactory(cohort=cohort)

    response = client.get("/")

    figures = {figure.key: figure.value for figure in response.context["key_figures"].figures}
    assert figures["participants"] == "< 11"
    assert figures["cohorts"] == "1"
    assert "girls_share" not in figures
    assertContains(response, '<span class="figure">&lt; 11</span> participants')
    assertNotContains(response, '<span class="figure">4</span> participants')


def test_the_home_page_shows_counts_from_the_threshold_up(client, site_tree):
    cohort = cjs(name="CJS Nantes Bellevue")
    for number in range(12):
        EnrolmentFactory(cohort=cohort, person__gender="f" if number % 2 else "m")

    response = client.get("/")

    assertContains(response, '<span class="figure">12</span> participants')
    assertContains(response, '<span class="figure">50 %</span> girls and women')


def test_the_home_page_hides_a_share_that_tells_every_members_gender(client, site_tree):
    cohort = cjs(name="CJS Nantes Bellevue")
    for _number in range(12):
        EnrolmentFactory(cohort=cohort, person__gender="f")

    response = client.get("/")

    assertContains(response, '<span class="figure">12</span> participants')
    assertNotContains(response, "girls and women")


def test_the_key_figures_block_renders_an_editions_figures_under_the_rules(site_tree):
    cohort = cjs(name="CJS Rennes", year=2018)
    EnrolmentFactory(cohort=cohort)
    block = BaseStreamBlock()
    value = StreamValue(
        block, [("key_figures", {"heading": "2018", "programme": "cjs", "edition_year": 2018})]
    )

    html = block.render(value)

    assert "<h2>2018</h2>" in html
    assert "&lt; 11" in html


def test_an_image_block_requires_alt_text_even_when_marked_decorative():
    image = Image.objects.create(title="Chantier", file="original_images/x.png", width=10, height=10)
    block = RequiredAltImageBlock()

    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"image": image.pk, "decorative": True, "alt_text": ""}))
    cleaned = block.clean(
        block.to_python({"image": image.pk, "decorative": False, "alt_text": "Des jeunes peignent"})
    )
    assert cleaned.contextual_alt_text == "Des jeunes peignent"


def test_a_call_to_action_needs_a_page_or_a_link():
    block = CallToActionBlock()

    with pytest.raises(StructBlockValidationError):
        block.clean(block.to_python({"text": "Go", "url": "", "page": None}))


def test_every_block_has_an_icon_a_template_and_a_label():
    for name, child in BaseStreamBlock().child_blocks.items():
        assert child.meta.icon and child.meta.icon != "placeholder", name
        assert child.meta.template, name
        assert child.label, name

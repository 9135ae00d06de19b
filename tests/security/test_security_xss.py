"""A script stored in any text field people can edit never runs: every text field of our models (and
Wagtail's page, image and document titles) holds an XSS payload, then every page of the URL conf and
of the public site is rendered, and none shows the payload unescaped.

Rich text fields hold HTML by design and are rendered as such: people write them only through the
admin's editor (Draftail), whose conversion keeps whitelisted tags and attributes only (last test)."""

from django.apps import apps
from django.core.management import call_command
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Cast, Concat

from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
from wagtail.fields import RichTextField
from wagtail.models import Page

import pytest

from cms.models import CjsDirectoryPage
from programmes.models import Cohort
from tests.programmes.factories import UserFactory
from tests.security.test_security_urlconf import concrete, model_ids, url_formats

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PAYLOAD = "<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
SHORT_PAYLOAD = "<x-xss>"  # for fields too short for the whole payload
RAW = ["<script>alert(1)", "<img src=x onerror", "<x-xss>"]
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
OUR_APPS = ["programmes", "cjs", "flashcoop", "lms", "cms"]
# Reference data loaded from INSEE files by migrations, not edited by people.
NOT_USER_EDITABLE = {
    "programmes.region",
    "programmes.department",
    "programmes.territory",
    "programmes.commune",
}
EXTRA_FIELDS = {
    "wagtailcore.page": ["title", "seo_title", "search_description"],
    "wagtailimages.image": ["title"],
    "wagtaildocs.document": ["title"],
}
SKIPPED_FIELDS = {"username", "password", "token_hash", "key"}


def text_fields(model) -> list[models.Field]:
    label = model._meta.label_lower
    if label in EXTRA_FIELDS:
        return [model._meta.get_field(name) for name in EXTRA_FIELDS[label]]
    if model._meta.app_label not in OUR_APPS or label in NOT_USER_EDITABLE or model._meta.proxy:
        return []
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField | models.URLField | RichTextField)
        and field.editable
        and not field.choices
        and not field.primary_key
        and field.name not in SKIPPED_FIELDS
        and field.model is model
        and (field.max_length is None or field.max_length >= len(SHORT_PAYLOAD) + 6)
    ]


def store_payload_everywhere() -> int:
    """Write the payload into every such field of every row; returns how many fields were filled."""
    filled = 0
    for model in apps.get_models():
        for field in text_fields(model):
            payload = (
                PAYLOAD if field.max_length is None or field.max_length >= len(PAYLOAD) + 6 else SHORT_PAYLOAD
            )
            # The row's id after the payload keeps unique fields and constraints unique.
            value = Concat(models.Value(payload), Cast("pk", models.CharField()))
            # A plain queryset: append-only models (the audit log) refuse bulk updates, not this test.
            rows = models.QuerySet(model)
            filled_rows = rows.exclude(**{field.name: ""}).exclude(**{f"{field.name}__isnull": True})
            filled_rows.update(**{field.name: value})
            try:
                # Empty ones too, unless a constraint ties the field to others (an invoice number needs an issuer).
                with transaction.atomic():
                    rows.update(**{field.name: value})
            except IntegrityError:
                pass
            filled += 1
    return filled


def html_pages(client, paths):
    for path in paths:
        response = client.get(path)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            yield path, response.content.decode()


def test_a_stored_payload_renders_escaped_on_every_page(client):
    call_command("seed_demo", "--quiet", "--force")
    assert store_payload_everywhere() > 50
    ids = model_ids()
    directory = CjsDirectoryPage.objects.live().first()
    public = [page.url for page in Page.objects.live().specific() if page.url]
    public += [directory.cohort_url(cohort) for cohort in Cohort.objects.all()[:5]] if directory else []
    public += ["/search/?q=alert", "/search/?q=<script>alert(1)</script>"]
    # Wagtail's /admin/failwhale/ raises on purpose (to test error reporting).
    # Logging out would end the walk.
    back_office = sorted(
        path
        for path in {concrete(fmt, ids) for fmt in url_formats()} - {"/admin/failwhale/"}
        if "logout" not in path
    )
    client.raise_request_exception = False

    unescaped, escaped_on, errors = [], 0, []
    anonymous = list(html_pages(client, public))
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    logged_in = list(html_pages(client, public + back_office))
    for path, html in anonymous + logged_in:
        unescaped += [f"{path}: {marker}" for marker in RAW if marker in html]
        escaped_on += ESCAPED in html

    # Our own pages must also survive the payload (Wagtail's admin views get made-up ids here).
    for path in (path for path in back_office if not path.startswith("/admin/")):
        status = client.get(path).status_code
        if status >= 500:
            errors.append(f"{path}: {status}")

    assert not unescaped, "\n".join(unescaped)
    assert not errors, "\n".join(errors)
    rendered = {path for path, _html in logged_in}
    cohort = ids["cohorts"]
    for page in ["/coordinate/", "/facilitate/", f"/facilitate/cohorts/{cohort}/", "/flashcoop/", "/admin/"]:
        assert page in rendered, (page, client.get(page).status_code)  # the walk rendered these
    assert len(logged_in) > 120
    assert escaped_on > 50  # the payload is shown, escaped, on many of them


@pytest.mark.parametrize(
    "features",
    [
        ["bold", "italic", "link"],
        ["bold", "italic", "link", "ul"],
        ["h2", "h3", "bold", "italic", "link", "ol", "ul", "image", "embed"],
    ],
)
def test_the_rich_text_editor_drops_scripts_and_event_handlers_when_saving(features):
    converter = ContentstateConverter(features)
    hostile = (
        '<p>Bonjour <b onmouseover="alert(1)">tous</b></p><script>alert(1)</script>'
        '<img src=x onerror=alert(1)><a href="javascript:alert(1)">lien</a><iframe src="https://evil.example"></iframe>'
    )

    saved = converter.to_database_format(converter.from_database_format(hostile))

    assert "Bonjour" in saved
    for marker in ["<script", "onerror", "onmouseover", "javascript:", "<iframe"]:
        assert marker not in saved

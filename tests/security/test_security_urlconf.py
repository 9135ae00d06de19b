"""Every URL of the URL conf refuses anonymous visitors unless it is declared public below: the URLs are
read from the resolver, so a new endpoint is covered the day it is added. Each is requested with real
ids (the demo network), by GET and by POST; a refusal is a redirect to a login page, 401, 403, 404,
405 or 410 — never a page."""

import re
from urllib.parse import urlparse

from django.apps import apps
from django.core.management import call_command
from django.urls import Resolver404, get_resolver, resolve
from django.utils.regex_helper import normalize

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Anonymous visitors may use these (view names, with their namespace): the public site and its forms,
# logging in and its helpers, the API's schema and docs, the token exchange, personal links, certificate
# verification.
PUBLIC = {
    "healthz",
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "set_language",
    "schema",
    "api-docs",
    "sitemap",
    "robots",
    "search",
    "api:token",
    "cjs:order",
    "cjs:order_sent",
    "cjs:join",
    "cjs:join_sent",
    "flashcoop:follow_up_answer",
    "flashcoop:follow_up_thanks",
    # Certificate verification: employers and funders check a code printed on a certificate (throttled).
    "lms:verify_form",
    "lms:verify",
    "api:certificate-verification",
    # Evaluation questionnaires answered by personal link (a 256-bit token), and the page after sending.
    "evaluation:answer_link",
    "evaluation:thanks",
    # A learner's calendar feed, fetched by calendar apps without a session: the token is the key.
    "lms:calendar_feed",
    "wagtail_serve",
    "wagtailcore_authenticate_with_password",
    "wagtailcore_login",
    "wagtaildocs_serve",
    "wagtaildocs_authenticate_with_password",
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_password_reset",
    "wagtailadmin_password_reset_done",
    "wagtailadmin_password_reset_confirm",
    "wagtailadmin_password_reset_complete",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
}
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")
REFUSALS = {401, 403, 404, 405, 410}
# The model an id stands for, by the path segment before it ("cohorts/<pk>/" is a cohort).
SEGMENT_ALIASES = {
    "people": "programmes.Person",
    "participants": "programmes.Enrolment",
    "requests": "cjs.ServiceRequest",
    "pages": "wagtailcore.Page",
    "images": "wagtailimages.Image",
    "documents": "wagtaildocs.Document",
    "users": "programmes.User",
}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def url_formats() -> set[str]:
    """Every URL of the conf as a format string ("facilitate/cohorts/%(pk)s/"), namespaces included."""
    formats: set[str] = set()

    def walk(resolver, prefix: str) -> None:
        for _key, entries in resolver.reverse_dict.lists():
            for possibilities, _pattern, _defaults, _converters in entries:
                formats.update(prefix + fmt for fmt, _params in possibilities)
        for _namespace, (namespace_prefix, sub_resolver) in resolver.namespace_dict.items():
            walk(sub_resolver, prefix + normalize(namespace_prefix)[0][0])

    walk(get_resolver(), "")
    return formats


def model_ids() -> dict[str, int]:
    """The smallest id of each model, by the plural path segment that names it."""
    ids = {}
    for model in apps.get_models():
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if isinstance(pk, int):
            ids[f"{model._meta.model_name}s"] = pk
    for segment, label in SEGMENT_ALIASES.items():
        model = apps.get_model(label)
        pk = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        if isinstance(pk, int):
            ids[segment] = pk
    return ids


def concrete(fmt: str, ids: dict[str, int]) -> str:
    """A URL for the format: ids of real objects, plausible strings elsewhere."""

    def value(match: re.Match) -> str:
        name = match.group(1)
        if name == "format":
            return ".json"
        if fmt == "%(_0)s":
            return ""  # Wagtail's page tree: the home page
        if name in {"token", "uidb64", "slug", "step", "app_label", "model_name"}:
            return {"uidb64": "MQ", "token": "x" * 43, "app_label": "programmes"}.get(name, "x")
        before = fmt[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        owner = {"cohort_id": "cohorts", "request_id": "requests", "contract_id": "contracts"}.get(
            name, before
        )
        return str(ids.get(owner, ids.get("cohorts", 1)))

    return "/" + PLACEHOLDER.sub(value, fmt)


def view_name(path: str) -> str | None:
    try:
        return resolve(urlparse(path).path).view_name
    except Resolver404:
        return None


def refused(response) -> bool:
    if response.status_code in REFUSALS:
        return True
    if response.status_code in (301, 302):
        return urlparse(response["Location"]).path in LOGIN_PATHS
    return False


def test_every_url_not_declared_public_refuses_anonymous_visitors(client):
    call_command("seed_demo", "--quiet", "--force")
    ids = model_ids()
    checked, failures, public_seen = 0, [], set()

    for fmt in sorted(url_formats()):
        path = concrete(fmt, ids)
        name = view_name(path)
        if name in PUBLIC:
            public_seen.add(name)
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            checked += 1
            if not refused(response):
                failures.append(f"{method.upper()} {path} ({name}) answered {response.status_code}")

    assert not failures, "\n".join(failures)
    assert checked > 500  # the walk did reach the whole conf (Wagtail's admin included)
    assert {"cjs:order", "wagtail_serve", "api:token", "flashcoop:follow_up_answer"} <= public_seen


def test_the_walk_covers_our_apps_and_the_api():
    formats = url_formats()

    for expected in [
        "facilitate/cohorts/%(pk)s/",
        "cjs/cohorts/%(pk)s/contracts/%(contract_id)s/invoice.pdf",
        "flashcoop/participants/%(pk)s/",
        "learn/cohorts/%(pk)s/progress/",
        "api/v1/people/%(pk)s/",
        "admin/",
    ]:
        assert expected in formats


def test_the_public_list_names_only_existing_views():
    names = set()
    for fmt in url_formats():
        name = view_name(concrete(fmt, {}))
        if name:
            names.add(name)

    assert PUBLIC - names == set()

"""Security headers: a strict Content Security Policy on the public site and the front office, a looser
one for Wagtail's admin only, HSTS and secure cookies in production."""

import json
import re
from pathlib import Path

import pytest

from cms.demo import seed_site
from programmes.roles import Role
from tests.config.test_settings import PRODUCTION_ENV, run_django
from tests.programmes.factories import UserFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict(response):
    policy = directives(response)
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["default-src"] == ["'self'"]
    # 'self', plus a nonce on the pages whose template asked for one (request.csp_nonce)
    assert policy["script-src"][0] == "'self'"
    assert all(re.fullmatch(r"'nonce-[\w+/=]{20,}'", value) for value in policy["script-src"][1:])
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_public_site_has_a_strict_policy(client):
    seed_site()

    for path in ["/", "/accounts/login/", "/search/?q=cjs"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict(response)


def test_the_front_office_has_a_strict_policy(client, roles):
    client.force_login(UserFactory(role=Role.COORDINATOR))

    for path in ["/coordinate/", "/accounts/me/", "/coordinate/import/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert_strict(response)


def test_only_the_admin_allows_inline_scripts_and_styles_and_framing_by_itself(client, roles):
    client.force_login(UserFactory(role=Role.FABRIQUE))

    response = client.get("/admin/")
    policy = directives(response)

    assert response.status_code == 200
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert "gravatar" not in response.content.decode()


def test_the_api_docs_allow_inline_styles_but_no_inline_script(client):
    policy = directives(client.get("/api/docs/"))

    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert "'unsafe-inline'" not in policy["script-src"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)


def test_our_web_templates_have_no_inline_script_handler_or_style():
    """What the strict policy would block: keep templates free of it (PDF templates are not web pages)."""
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        if "pdf" in template.relative_to(ROOT / "templates").parts:
            continue
        text = template.read_text(encoding="utf-8")
        for pattern in (INLINE_SCRIPT, INLINE_HANDLER, STYLE_ATTRIBUTE):
            offenders += [
                f"{template.relative_to(ROOT)}: {match.group(0)}" for match in pattern.finditer(text)
            ]

    assert offenders == []


PRODUCTION_DUMP = """
import django, json
django.setup()
from django.conf import settings
from django.test import Client
print(json.dumps({
    "hsts": settings.SECURE_HSTS_SECONDS,
    "hsts_subdomains": settings.SECURE_HSTS_INCLUDE_SUBDOMAINS,
    "ssl_redirect": settings.SECURE_SSL_REDIRECT,
    "session_secure": settings.SESSION_COOKIE_SECURE,
    "csrf_secure": settings.CSRF_COOKIE_SECURE,
    "upgrade": settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"],
    "two_factor": settings.WAGTAIL_2FA_REQUIRED,
    "axes": settings.AXES_ENABLED,
}))
"""


def test_production_sends_hsts_and_secure_cookies_only():
    result = run_django(PRODUCTION_DUMP, PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["hsts"] >= 31536000
    assert values["hsts_subdomains"] is True
    assert values["ssl_redirect"] is True
    assert values["session_secure"] is values["csrf_secure"] is True
    assert values["upgrade"] is True
    assert values["two_factor"] is values["axes"] is True

"""Settings come from the environment only: checked in fresh interpreters with chosen variables."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-with-enough-entropy-0123456789",
    "DJANGO_ALLOWED_HOSTS": "essaim.example.org",
    "DATABASE_URL": "postgres://essaim@db.example.org:5432/essaim",
    "REDIS_URL": "redis://cache.example.org:6379/0",
    "CELERY_BROKER_URL": "redis://cache.example.org:6379/1",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.org:587",
    # A test-only Open Badges key (a public seed): production sets its own secret one.
    "ESSAIM_BADGE_SIGNING_KEY": "z3u2ahPDVg4ggEhPeDQvok9Vh2HYfhVgNLSRgwpxVHaBFJQv",
}
VARIABLES = [*PRODUCTION_ENV, "DJANGO_SETTINGS_MODULE", "MEDIA_ROOT"]


def run_django(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if key not in VARIABLES}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


DUMP = """
import django, json
django.setup()
from django.conf import settings
print(json.dumps({
    "debug": settings.DEBUG,
    "engine": settings.DATABASES["default"]["ENGINE"],
    "cache": settings.CACHES["default"]["BACKEND"],
    "eager": settings.CELERY_TASK_ALWAYS_EAGER,
    "email": settings.EMAIL_BACKEND,
    "language": settings.LANGUAGE_CODE,
    "timezone": settings.TIME_ZONE,
}))
"""


def test_without_any_variable_it_runs_in_debug_on_sqlite_with_eager_tasks(tmp_path):
    result = run_django(DUMP, {"MEDIA_ROOT": str(tmp_path)})

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is True
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["cache"].endswith("LocMemCache")
    assert values["eager"] is True
    assert values["email"].endswith("console.EmailBackend")
    assert (values["language"], values["timezone"]) == ("fr", "Europe/Paris")


def test_production_variables_select_postgresql_redis_and_a_real_broker():
    result = run_django(DUMP, PRODUCTION_ENV)

    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["cache"].endswith("RedisCache")
    assert values["eager"] is False
    assert values["email"].endswith("smtp.EmailBackend")


def test_a_secret_key_is_required_when_debug_is_off():
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "DJANGO_SECRET_KEY"}

    result = run_django(DUMP, env)

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.slow
def test_check_deploy_is_clean_under_production_variables():
    code = (
        "import sys, django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )

    result = run_django(code, PRODUCTION_ENV)

    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_check_deploy_warns_without_an_open_badges_signing_key():
    code = (
        "import sys, django; django.setup(); from django.core.management import call_command; "
        "call_command('check', deploy=True, fail_level='WARNING')"
    )
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != "ESSAIM_BADGE_SIGNING_KEY"}

    result = run_django(code, env)

    assert result.returncode != 0
    assert "lms.W001" in result.stdout + result.stderr

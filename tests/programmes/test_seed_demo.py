from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.test import RequestFactory

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from programmes import demo
from programmes.models import User

pytestmark = pytest.mark.django_db
DEMO_USERS = ["jeune", "animateur", "coordinatrice", "fabrique", "partenaire", "admin"]


def test_seed_demo_creates_one_account_per_role_with_the_demo_password(capsys):
    call_command("seed_demo", "--force")

    for username in DEMO_USERS:
        request = RequestFactory().post("/accounts/login/")  # the lockout backend needs the request
        assert authenticate(request, username=username, password="essaim-demo") is not None
    assert User.objects.get(username="admin").is_superuser
    printed = capsys.readouterr().out
    assert all(username in printed for username in DEMO_USERS)
    assert demo.demo_totp_secret() in printed


def test_seed_demo_gives_the_accounts_under_two_factor_the_published_totp_device():
    call_command("seed_demo", "--quiet", "--force")
    call_command("seed_demo", "--quiet", "--force")

    devices = TOTPDevice.objects.filter(confirmed=True, key=demo.DEMO_TOTP_KEY)
    assert sorted(devices.values_list("user__username", flat=True)) == ["admin", "coordinatrice", "fabrique"]


def test_seed_demo_is_idempotent():
    call_command("seed_demo", "--quiet", "--force")
    call_command("seed_demo", "--quiet", "--force")

    assert User.objects.filter(username__in=DEMO_USERS).count() == len(DEMO_USERS)


def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_demo", "--quiet")
    call_command("seed_demo", "--quiet", "--force")
    assert User.objects.filter(username="jeune").exists()

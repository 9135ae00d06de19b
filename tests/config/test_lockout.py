"""django-axes: wrong passwords lock a username out from one address (429), on the login page, the
admin login and the API token endpoint; other addresses and other accounts are not affected."""

import datetime

from django.utils import timezone

import pytest
from axes.models import AccessAttempt
from pytest_django.asserts import assertContains, assertTemplateUsed

from programmes.roles import Role
from tests.programmes.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
LOGIN = "/accounts/login/"


def fail(client, times, *, path=LOGIN, username="karim", address="203.0.113.7"):
    for _ in range(times):
        client.post(path, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


@pytest.fixture
def karim(roles):
    return UserFactory(username="karim", role=Role.FACILITATOR)


def test_five_wrong_passwords_lock_the_account_out_with_a_429_page(client, karim, settings, english):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)
    assert (
        client.post(LOGIN, {"username": "karim", "password": "wrong"}, REMOTE_ADDR="203.0.113.7").status_code
        == 429
    )

    locked = client.post(LOGIN, {"username": "karim", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")

    assert locked.status_code == 429
    assertTemplateUsed(locked, "registration/locked_out.html")
    assertContains(locked, "Too many failed login attempts", status_code=429)
    assertContains(locked, "15 minutes", status_code=429)
    assert "_auth_user_id" not in client.session


def test_the_lockout_page_is_in_french_by_default(client, karim, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)

    locked = client.post(LOGIN, {"username": "karim", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")

    assertContains(locked, '<html lang="fr">', status_code=429)


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, karim, settings):
    fail(client, settings.AXES_FAILURE_LIMIT - 1)

    response = client.post(LOGIN, {"username": "karim", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()  # a success clears the failures


def test_the_lockout_holds_one_username_from_one_address(client, karim, settings):
    UserFactory(username="lina", role=Role.LEARNER)
    fail(client, settings.AXES_FAILURE_LIMIT)

    other_address = client.post(
        LOGIN, {"username": "karim", "password": PASSWORD}, REMOTE_ADDR="198.51.100.9"
    )
    client.post("/accounts/logout/")
    other_account = client.post(LOGIN, {"username": "lina", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")

    assert other_address.status_code == 302
    assert other_account.status_code == 302


def test_the_lockout_ends_after_the_cool_off_time(client, karim, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )

    response = client.post(LOGIN, {"username": "karim", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 302


def test_the_admin_login_locks_out_too(client, settings):
    UserFactory(username="root", is_superuser=True, is_staff=True)
    fail(client, settings.AXES_FAILURE_LIMIT, path="/admin/login/", username="root")

    locked = client.post(
        "/admin/login/", {"username": "root", "password": PASSWORD}, REMOTE_ADDR="203.0.113.7"
    )

    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_api_token_endpoint_locks_out_with_a_json_429(client, karim, settings, english):
    def ask(password):
        return client.post(
            "/api/v1/auth/token/",
            {"username": "karim", "password": password},
            content_type="application/json",
            REMOTE_ADDR="203.0.113.7",
        )

    answers = [ask("wrong").status_code for _ in range(settings.AXES_FAILURE_LIMIT)]
    locked = ask(PASSWORD)

    assert answers[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert answers[-1] == 429
    assert locked.status_code == 429
    assert "token" not in locked.json()
    assert "Too many failed login attempts" in locked.json()["detail"]


def test_failures_on_the_login_page_count_for_the_api_token_too(client, karim, settings):
    fail(client, settings.AXES_FAILURE_LIMIT)

    response = client.post(
        "/api/v1/auth/token/",
        {"username": "karim", "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR="203.0.113.7",
    )

    assert response.status_code == 429


def test_behind_trusted_proxies_the_forwarded_address_is_the_one_locked_out(client, karim, settings):
    settings.ESSAIM_TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": "karim", "password": "wrong"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7",
        )

    locked = client.post(
        LOGIN,
        {"username": "karim", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.7",
    )
    # A forged left-most entry does not change the address seen: the proxy's own entry counts.
    forged = client.post(
        LOGIN,
        {"username": "karim", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.7",
    )
    other = client.post(
        LOGIN,
        {"username": "karim", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.9",
    )

    assert locked.status_code == forged.status_code == 429
    assert other.status_code == 302

"""Passwords after the CNIL's recommendation (deliberation 2022-100), and sessions that expire."""

import datetime

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

import pytest
from pytest_django.asserts import assertContains

from programmes.passwords import CnilPasswordValidator, strength_bits
from programmes.roles import Role
from tests.programmes.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    [
        "Bv7#kq2!Lm9x",  # CNIL example 1: 12 characters, the four kinds
        "Bv7kq2Lm9xTr4p",  # CNIL example 2: 14 characters, upper-case, lower-case and digits
        "la mer monte doucement sous le vieux phare",  # CNIL example 3: a passphrase of 7 words
        "quatorzelettresetplusencore",  # long enough with lower-case letters alone
    ],
)
def test_the_cnil_examples_are_accepted(password):
    CnilPasswordValidator().validate(password)
    validate_password(password)


@pytest.mark.parametrize(
    "password",
    [
        "Bv7kq2Lm9xTr",  # 12 characters without a special one: 71 bits
        "bv7#kq2!lm9x",  # 12 characters without upper-case: 76 bits
        "abcdefghijklmnop",  # 16 lower-case letters: 75 bits
        "essaim-demo",
        "un deux trois",
    ],
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError) as error:
        CnilPasswordValidator().validate(password)

    assert error.value.code == "password_too_weak"


def test_the_strength_is_measured_as_the_cnil_does():
    assert round(strength_bits("Bv7#kq2!Lm9x")) == 80
    assert strength_bits("") == 0


def test_changing_ones_password_applies_the_policy(client, roles, english):
    user = UserFactory(username="karim", role=Role.FACILITATOR)
    client.force_login(user)

    weak = client.post(
        "/accounts/password-change/",
        {
            "old_password": "correct horse battery staple",
            "new_password1": "Bv7kq2Lm9xTr",
            "new_password2": "Bv7kq2Lm9xTr",
        },
    )
    strong = client.post(
        "/accounts/password-change/",
        {
            "old_password": "correct horse battery staple",
            "new_password1": "Bv7#kq2!Lm9x",
            "new_password2": "Bv7#kq2!Lm9x",
        },
    )

    assertContains(weak, "at least 12 characters mixing upper-case and lower-case letters")
    assert strong.status_code == 302


def test_a_session_ends_with_the_browser_and_after_eight_hours_at_most(client, roles, settings):
    user = UserFactory(username="karim", role=Role.FACILITATOR)
    response = client.post(
        "/accounts/login/", {"username": "karim", "password": "correct horse battery staple"}
    )

    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == ""  # no lasting cookie: it goes when the browser closes
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    session = client.session
    assert session.get_expiry_age() <= settings.SESSION_COOKIE_AGE
    assert client.get("/facilitate/").status_code == 200

    # Eight hours later the server no longer knows the session.
    session.set_expiry(datetime.timedelta(seconds=-1))
    session.save()
    later = client.get("/facilitate/")

    assert later.status_code == 302
    assert later.url.startswith("/accounts/login/")
    assert user.pk is not None

from django.core import mail

import pytest
from pytest_django.asserts import assertContains, assertRedirects

from programmes.roles import Role
from tests.programmes.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def test_the_login_page_is_in_french_by_default(client):
    response = client.get("/accounts/login/")

    assertContains(response, '<html lang="fr">')
    assertContains(response, "Se connecter")


def test_the_language_switcher_turns_the_interface_to_english(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})

    response = client.get("/accounts/login/")

    assertContains(response, '<html lang="en">')
    assertContains(response, "Log in")


@pytest.mark.parametrize(
    ("role", "start_page"),
    [
        (Role.LEARNER, "/learn/"),
        (Role.FACILITATOR, "/facilitate/"),
        (Role.PARTNER, "/partner/"),
    ],
)
def test_logging_in_lands_on_the_role_start_page(client, role, start_page):
    # Coordinators pass the TOTP step first: tests/config/test_two_factor.py.
    UserFactory(username="someone", role=role)

    response = client.post("/accounts/login/", {"username": "someone", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == start_page
    assert response.status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client):
    UserFactory(username="someone")

    response = client.post("/accounts/login/", {"username": "someone", "password": "wrong"})

    assert response.status_code == 200
    assertContains(response, "error-summary")
    assert "_auth_user_id" not in client.session


def test_logging_out_needs_a_post_and_returns_home(client):
    client.force_login(UserFactory())

    response = client.post("/accounts/logout/")

    assertRedirects(response, "/", fetch_redirect_response=False)
    assert "_auth_user_id" not in client.session


def test_password_reset_sends_a_french_e_mail_after_commit(client, django_capture_on_commit_callbacks):
    UserFactory(username="claire", email="claire@example.org")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": "claire@example.org"})

    assertRedirects(response, "/accounts/password-reset/sent/")
    assert len(mail.outbox) == 1
    assert "mot de passe" in mail.outbox[0].subject.lower()


def test_password_reset_does_not_reveal_unknown_addresses(client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password-reset/", {"email": "nobody@example.org"})

    assertRedirects(response, "/accounts/password-reset/sent/")
    assert mail.outbox == []


@pytest.mark.parametrize(
    "path", ["/learn/", "/facilitate/", "/coordinate/", "/partner/", "/accounts/me/", "/start/"]
)
def test_spaces_send_anonymous_visitors_to_the_login_page(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    ("role", "path"),
    [
        (Role.LEARNER, "/coordinate/"),
        (Role.LEARNER, "/facilitate/"),
        (Role.PARTNER, "/coordinate/"),
        (Role.FACILITATOR, "/partner/"),
    ],
)
def test_spaces_refuse_other_roles(client, role, path):
    client.force_login(UserFactory(role=role))

    assert client.get(path).status_code == 403

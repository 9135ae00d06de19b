"""Two-factor authentication (wagtail-2fa, TOTP): required of every account that can enter the admin
(coordinators, the national team, superusers), on the front office, the admin and the API token."""

import time

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from pytest_django.asserts import assertContains

from programmes.roles import Role
from tests.config.two_factor import current_code
from tests.programmes.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
SETUP_URL = "/admin/2fa/devices/new"
VERIFY_URL = "/admin/2fa/auth"


def wait_out_throttle() -> None:
    """After a wrong code, django-otp refuses the device's next try for 1 second (then 2, 4...)."""
    time.sleep(1.1)


def log_in(client, username, path="/accounts/login/"):
    return client.post(path, {"username": username, "password": PASSWORD})


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.FABRIQUE])
def test_a_first_login_of_an_admin_role_asks_to_set_up_a_device_before_anything_else(client, roles, role):
    UserFactory(username="claire", role=role)

    response = log_in(client, "claire")
    response = client.get(response.url)

    assert response.status_code == 302
    assert response.url.startswith(SETUP_URL)
    for page in ["/coordinate/", "/facilitate/", "/admin/", "/api/v1/people/", "/accounts/me/"]:
        answer = client.get(page)
        assert answer.status_code == 302, page
        assert answer.url.startswith(SETUP_URL), page


def test_a_coordinator_sets_up_a_device_with_the_qr_code_then_reaches_her_dashboard(client, roles):
    user = UserFactory(username="claire", role=Role.COORDINATOR)
    log_in(client, "claire")

    setup = client.get(f"{SETUP_URL}?next=/start/")
    assert setup.status_code == 200
    assertContains(setup, "/admin/2fa/devices/qr-code")
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    assertContains(setup, device.config_url.replace("&", "&amp;"))
    qr_code = client.get("/admin/2fa/devices/qr-code")
    assert qr_code["Content-Type"] == "image/svg+xml"

    wrong = client.post(
        f"{SETUP_URL}?next=/start/", {"name": "phone", "otp_token": "000000", "password": PASSWORD}
    )
    assert wrong.status_code == 200  # the form again, with its error
    device.refresh_from_db()
    assert not device.confirmed
    wait_out_throttle()

    done = client.post(
        f"{SETUP_URL}?next=/start/",
        {"name": "phone", "otp_token": current_code(device), "password": PASSWORD},
        follow=True,
    )

    device.refresh_from_db()
    assert device.confirmed
    assert done.redirect_chain[-1][0] == "/coordinate/"
    assert done.status_code == 200


def test_a_coordinator_with_a_device_gives_her_code_at_each_login(client, roles):
    user = UserFactory(username="claire", role=Role.COORDINATOR)
    device = confirmed_device(user)

    response = client.get(log_in(client, "claire").url)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY_URL)
    assert client.get("/coordinate/").url.startswith(VERIFY_URL)

    wrong = client.post(f"{VERIFY_URL}?next=/start/", {"otp_token": "000000", "next": "/start/"})
    assert wrong.status_code == 200
    assert client.get("/coordinate/").status_code == 302
    too_soon = client.post(VERIFY_URL, {"otp_token": current_code(device), "next": "/start/"})
    assert too_soon.status_code == 200  # after a wrong code the device waits (1 s, doubling each time)
    wait_out_throttle()

    right = client.post(VERIFY_URL, {"otp_token": current_code(device), "next": "/start/"}, follow=True)
    assert right.redirect_chain[-1][0] == "/coordinate/"
    assert client.get("/api/v1/people/").status_code == 200


def test_a_code_is_good_only_once(client, roles):
    user = UserFactory(username="claire", role=Role.COORDINATOR)
    device = confirmed_device(user)
    code = current_code(device)
    log_in(client, "claire")
    assert client.post(VERIFY_URL, {"otp_token": code, "next": "/start/"}).status_code == 302
    client.post("/accounts/logout/")

    log_in(client, "claire")
    replay = client.post(VERIFY_URL, {"otp_token": code, "next": "/start/"})

    assert replay.status_code == 200
    assert client.get("/coordinate/").status_code == 302


def test_the_admin_login_of_a_superuser_also_asks_for_the_code(client):
    user = UserFactory(username="root", is_superuser=True, is_staff=True)
    confirmed_device(user)

    response = log_in(client, "root", path="/admin/login/")
    answer = client.get("/admin/")

    assert response.status_code == 302
    assert answer.status_code == 302
    assert answer.url.startswith(VERIFY_URL)


@pytest.mark.parametrize(("role", "space"), [(Role.FACILITATOR, "/facilitate/"), (Role.LEARNER, "/learn/")])
def test_roles_without_admin_access_log_in_with_their_password_alone(client, roles, role, space):
    UserFactory(username="karim", role=role)

    response = client.post("/accounts/login/", {"username": "karim", "password": PASSWORD}, follow=True)

    assert response.redirect_chain[-1][0] == space
    assert not TOTPDevice.objects.exists()


def test_a_half_logged_in_coordinator_may_still_log_out(client, roles):
    confirmed_device(UserFactory(username="claire", role=Role.COORDINATOR))
    log_in(client, "claire")

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/coordinate/").url.startswith("/accounts/login/")


# --- The API token --------------------------------------------------------------------------------------


def ask_token(client, **data):
    return client.post("/api/v1/auth/token/", data, content_type="application/json")


def test_an_api_token_of_a_coordinator_needs_the_current_code(client, roles, english):
    device = confirmed_device(UserFactory(username="claire", role=Role.COORDINATOR))

    without = ask_token(client, username="claire", password=PASSWORD)
    wrong = ask_token(client, username="claire", password=PASSWORD, otp_token="000000")
    wait_out_throttle()
    right = ask_token(client, username="claire", password=PASSWORD, otp_token=current_code(device))

    assert without.status_code == wrong.status_code == 400
    assert "token" not in without.json()
    assert "authenticator" in without.json()["otp_token"][0]
    assert right.status_code == 200
    assert right.json()["token"]


def test_a_coordinator_without_a_device_gets_no_api_token(client, roles, english):
    UserFactory(username="claire", role=Role.COORDINATOR)

    response = ask_token(client, username="claire", password=PASSWORD, otp_token="123456")

    assert response.status_code == 400
    assert "Set up two-factor authentication" in response.json()["otp_token"][0]


def test_a_facilitator_gets_an_api_token_with_the_password_alone(client, roles):
    UserFactory(username="karim", role=Role.FACILITATOR)

    response = ask_token(client, username="karim", password=PASSWORD)

    assert response.status_code == 200
    assert response.json()["token"]

from django.contrib.auth.models import Group

import pytest

from programmes.roles import ROLE_PERMISSIONS, Role, role_names, sync_role_permissions
from programmes.selectors import start_url_for
from tests.programmes.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_migration_creates_one_group_per_role():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)


def test_roles_receive_their_declared_permissions(roles):
    fabrique = Group.objects.get(name=Role.FABRIQUE)
    coordinator = Group.objects.get(name=Role.COORDINATOR)

    assert fabrique.permissions.filter(codename="access_admin").exists()
    assert fabrique.permissions.filter(content_type__app_label="wagtailcore", codename="add_page").exists()
    assert coordinator.permissions.filter(codename="access_admin").exists()
    assert not Group.objects.get(name=Role.LEARNER).permissions.exists()
    assert set(ROLE_PERMISSIONS) == set(Role.values)


def test_syncing_permissions_twice_changes_nothing(roles):
    before = {
        group.name: set(group.permissions.values_list("pk", flat=True)) for group in Group.objects.all()
    }

    sync_role_permissions()

    after = {group.name: set(group.permissions.values_list("pk", flat=True)) for group in Group.objects.all()}
    assert before == after


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.LEARNER, "/learn/"),
        (Role.FACILITATOR, "/facilitate/"),
        (Role.COORDINATOR, "/coordinate/"),
        (Role.PARTNER, "/partner/"),
        (Role.FABRIQUE, "/admin/"),
    ],
)
def test_each_role_starts_on_its_own_page(role, expected):
    assert start_url_for(UserFactory(role=role)) == expected


def test_the_strongest_role_decides_the_start_page():
    user = UserFactory(role=Role.FACILITATOR)
    user.groups.add(Group.objects.get(name=Role.COORDINATOR))

    assert start_url_for(user) == "/coordinate/"


def test_a_user_without_role_starts_on_their_account_page():
    user = UserFactory()

    assert role_names(user) == set()
    assert start_url_for(user) == "/accounts/me/"


def test_a_superuser_starts_in_the_admin():
    assert start_url_for(UserFactory(is_superuser=True)) == "/admin/"

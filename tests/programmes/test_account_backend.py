"""The account backend loads the user of a request with their roles and admin access: two queries."""

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from programmes.auth_backends import AccountBackend
from programmes.roles import Role, role_names
from programmes.security import requires_two_factor
from tests.programmes.factories import CohortFactory, CoordinatorScopeFactory, FacilitatorAssignmentFactory

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_their_roles_and_admin_access():
    coordinator = CoordinatorScopeFactory().user
    facilitator = FacilitatorAssignmentFactory().user

    with CaptureQueriesContext(connection) as queries:
        loaded_coordinator = AccountBackend().get_user(coordinator.pk)
        loaded_facilitator = AccountBackend().get_user(facilitator.pk)
        answers = [
            (role_names(user), requires_two_factor(user)) for user in (loaded_coordinator, loaded_facilitator)
        ]

    assert len(queries) == 2 * 2  # the user, then their groups and admin permission; nothing after
    assert answers == [({Role.COORDINATOR}, True), ({Role.FACILITATOR}, False)]


def test_an_unknown_or_inactive_user_is_nobody():
    facilitator = FacilitatorAssignmentFactory().user
    facilitator.is_active = False
    facilitator.save()

    assert AccountBackend().get_user(facilitator.pk) is None
    assert AccountBackend().get_user(10**9) is None


def test_a_role_taken_away_is_gone_at_the_next_request(client):
    cohort = CohortFactory()
    facilitator = FacilitatorAssignmentFactory(cohort=cohort).user
    client.force_login(facilitator)
    assert client.get(f"/facilitate/cohorts/{cohort.pk}/").status_code == 200

    facilitator.groups.remove(Group.objects.get(name=Role.FACILITATOR))

    assert client.get(f"/facilitate/cohorts/{cohort.pk}/").status_code == 403

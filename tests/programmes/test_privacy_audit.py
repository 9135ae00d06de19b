"""The audit log sees every change of a role or a scope, however it is made, and who made it."""

from django.contrib.auth.models import Group

import pytest

from programmes import audit
from programmes.models import AuditEntry, CoordinatorScope, FacilitatorAssignment
from tests.programmes.factories import (
    CohortFactory,
    CoordinatorScopeFactory,
    FacilitatorAssignmentFactory,
    UserFactory,
    region,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("roles")]


def entries(prefix: str) -> list[tuple]:
    return list(
        AuditEntry.objects.filter(action__startswith=prefix)
        .order_by("pk")
        .values_list("action", "actor_id", "target_type", "target_id", "details")
    )


def test_a_role_given_or_taken_through_wagtail_s_user_screen_is_audited_with_who_did_it(client):
    admin = UserFactory(is_superuser=True, is_staff=True)
    someone = UserFactory(username="karim", email="karim@example.org")
    client.force_login(admin)
    form = {
        "username": "karim",
        "email": "karim@example.org",
        "first_name": "Karim",
        "last_name": "Benali",
        "is_active": "on",
        "groups": [Group.objects.get(name="coordinator").pk],
    }

    response = client.post(f"/admin/users/edit/{someone.pk}/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.post(f"/admin/users/edit/{someone.pk}/", {**form, "groups": []})

    assert [entry for entry in entries("role.") if entry[3] == str(someone.pk)] == [
        ("role.add", admin.pk, "programmes.user", str(someone.pk), {"roles": ["coordinator"]}),
        ("role.remove", admin.pk, "programmes.user", str(someone.pk), {"roles": ["coordinator"]}),
    ]


def test_roles_changed_from_either_side_and_superuser_status_are_audited():
    actor = UserFactory(role="fabrique")
    user = UserFactory()
    facilitators = Group.objects.get(name="facilitator")

    with audit.acting_as(actor):
        facilitators.user_set.add(user)
        user.groups.clear()
        user.is_superuser = True
        user.save()

    assert [(action, actor_id, details) for action, actor_id, _type, _id, details in entries("role.")][
        -3:
    ] == [
        ("role.add", actor.pk, {"roles": ["facilitator"]}),
        ("role.remove", actor.pk, {"roles": ["facilitator"]}),
        ("role.add", actor.pk, {"roles": ["superuser"]}),
    ]


def test_a_facilitator_assignment_made_in_the_admin_is_audited(client):
    fabrique = UserFactory(role="fabrique")
    facilitator = UserFactory(role="facilitator")
    cohort = CohortFactory()
    client.force_login(fabrique)

    client.post("/admin/facilitatorassignment/new/", {"user": facilitator.pk, "cohort": cohort.pk})
    assignment = FacilitatorAssignment.objects.get()
    client.post(f"/admin/facilitatorassignment/delete/{assignment.pk}/")

    assert entries("scope.facilitator") == [
        (
            "scope.facilitator.add",
            fabrique.pk,
            "programmes.user",
            str(facilitator.pk),
            {"cohort_id": cohort.pk},
        ),
        (
            "scope.facilitator.remove",
            fabrique.pk,
            "programmes.user",
            str(facilitator.pk),
            {"cohort_id": cohort.pk},
        ),
    ]


def test_a_coordinator_s_scope_and_its_regions_are_audited():
    actor = UserFactory(role="fabrique")
    with audit.acting_as(actor):
        scope = CoordinatorScopeFactory(regions=[region("52")])
        scope.regions.add(region("53"))
        scope.regions.remove(region("52"))
        CoordinatorScope.objects.filter(pk=scope.pk).delete()

    actions = [
        (action, actor_id, details) for action, actor_id, _type, _id, details in entries("scope.coordinator")
    ]
    assert actions == [
        ("scope.coordinator.add", actor.pk, {"programme_id": scope.programme_id}),
        (
            "scope.coordinator.regions",
            actor.pk,
            {"programme_id": scope.programme_id, "change": "add", "regions": ["52"]},
        ),
        (
            "scope.coordinator.regions",
            actor.pk,
            {"programme_id": scope.programme_id, "change": "add", "regions": ["53"]},
        ),
        (
            "scope.coordinator.regions",
            actor.pk,
            {"programme_id": scope.programme_id, "change": "remove", "regions": ["52"]},
        ),
        ("scope.coordinator.remove", actor.pk, {"programme_id": scope.programme_id}),
    ]


def test_changes_made_by_the_system_have_no_actor():
    assignment = FacilitatorAssignmentFactory()

    entry = AuditEntry.objects.get(action="scope.facilitator.add")
    assert entry.actor is None
    assert entry.target_id == str(assignment.user_id)

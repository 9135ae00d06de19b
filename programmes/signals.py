"""Audit of role and scope changes, wherever they are made (Wagtail's user screens, the admin
viewsets, the shell, the erasure): who gained or lost a role, a cohort or a region, and who did it.

Only the audit log listens here; no business rule hangs on these signals."""

from typing import Any

from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from programmes import audit
from programmes.models import CoordinatorScope, FacilitatorAssignment, PartnerContact, Region, User

SCOPE_MODELS = {
    FacilitatorAssignment: ("cohort_id", "scope.facilitator"),
    CoordinatorScope: ("programme_id", "scope.coordinator"),
    PartnerContact: ("organisation_id", "scope.partner"),
}


def _groups_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action == "pre_clear" and not reverse:
        roles = sorted(instance.groups.values_list("name", flat=True))
        if roles:
            audit.record(actor=audit.current_actor(), action="role.remove", target=instance, roles=roles)
        return
    if (
        action not in {"post_add", "post_remove"} or not pk_set
    ):  # adding a role held already sends an empty set
        return
    verb = "add" if action == "post_add" else "remove"
    if reverse:  # group.user_set.add(...): instance is the group, pk_set the users
        for user in User.objects.filter(pk__in=pk_set or []):
            audit.record(
                actor=audit.current_actor(), action=f"role.{verb}", target=user, roles=[instance.name]
            )
        return
    roles = sorted(Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True))
    audit.record(actor=audit.current_actor(), action=f"role.{verb}", target=instance, roles=roles)


def _superuser_before(sender: Any, instance: User, update_fields: Any = None, **kwargs: Any) -> None:
    if instance.pk is None or (update_fields is not None and "is_superuser" not in update_fields):
        return
    previous = User.objects.filter(pk=instance.pk).values_list("is_superuser", flat=True).first()
    instance._essaim_was_superuser = previous  # type: ignore[attr-defined]


def _superuser_after(sender: Any, instance: User, created: bool, **kwargs: Any) -> None:
    previous = getattr(instance, "_essaim_was_superuser", None)
    if (created and instance.is_superuser) or (previous is not None and previous != instance.is_superuser):
        audit.record(
            actor=audit.current_actor(),
            action="role.add" if instance.is_superuser else "role.remove",
            target=instance,
            roles=["superuser"],
        )


def _scope_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    field, action = SCOPE_MODELS[sender]
    audit.record(
        actor=audit.current_actor(),
        action=f"{action}.{'add' if created else 'change'}",
        target=instance.user,
        **{field: getattr(instance, field)},
    )


def _scope_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    field, action = SCOPE_MODELS[sender]
    audit.record(
        actor=audit.current_actor(),
        action=f"{action}.remove",
        target=User(pk=instance.user_id),
        **{field: getattr(instance, field)},
    )


def _regions_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    if action not in {"post_add", "post_remove"} or reverse or not pk_set:
        return
    codes = sorted(Region.objects.filter(pk__in=pk_set or []).values_list("code", flat=True))
    audit.record(
        actor=audit.current_actor(),
        action="scope.coordinator.regions",
        target=User(pk=instance.user_id),
        programme_id=instance.programme_id,
        change=action.removeprefix("post_"),
        regions=codes,
    )


def connect() -> None:
    """Connect the receivers (called once from ProgrammesConfig.ready)."""
    m2m_changed.connect(_groups_changed, sender=User.groups.through, dispatch_uid="audit-user-groups")
    pre_save.connect(_superuser_before, sender=User, dispatch_uid="audit-superuser-before")
    post_save.connect(_superuser_after, sender=User, dispatch_uid="audit-superuser-after")
    for model in SCOPE_MODELS:
        post_save.connect(_scope_saved, sender=model, dispatch_uid=f"audit-scope-save-{model.__name__}")
        post_delete.connect(_scope_deleted, sender=model, dispatch_uid=f"audit-scope-delete-{model.__name__}")
    m2m_changed.connect(
        _regions_changed, sender=CoordinatorScope.regions.through, dispatch_uid="audit-scope-regions"
    )

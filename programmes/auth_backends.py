"""The account backend: Django's model backend, loading the user of a request with their roles."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import Exists, OuterRef, Q

from programmes.roles import Role
from programmes.security import ADMIN_ACCESS_PERMISSION


def _role_flag(role: str) -> str:
    return f"_essaim_has_role_{role}"


class AccountBackend(ModelBackend):
    """Each request loads its user, then asks for their roles (the access policy) and whether they may
    enter the admin (the second factor): one query answers all three instead of three."""

    def get_user(self, user_id: Any) -> Any:
        user_model = get_user_model()
        flags: dict[str, Any] = {
            _role_flag(role): Exists(Group.objects.filter(user=OuterRef("pk"), name=role))
            for role in Role.values
        }
        flags["_essaim_admin_access"] = Exists(
            Permission.objects.filter(
                Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")), **ADMIN_ACCESS_PERMISSION
            )
        )
        try:
            user = user_model._default_manager.annotate(**flags).get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        # The caches that programmes.roles.role_names and programmes.security.requires_two_factor read.
        user._essaim_roles = {role for role in Role.values if getattr(user, _role_flag(role))}
        user._essaim_requires_two_factor = user._essaim_admin_access
        return user if self.user_can_authenticate(user) else None

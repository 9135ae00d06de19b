"""The account backend: Django's model backend, loading with the user of a request their roles."""

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from programmes.roles import Role
from programmes.security import ADMIN_ACCESS_PERMISSION


@functools.cache
def _roles_sql() -> str:
    """A user's group names, each with whether the group lets into the admin, then one row per direct
    admin permission of the user. Static SQL (table names from the models, values as parameters):
    this runs on every request, where building the same query with the ORM cost more than running it."""
    user_model = get_user_model()
    groups_table = user_model.groups.through._meta.db_table
    user_permissions_table = user_model.user_permissions.through._meta.db_table
    group_permissions_table = Group.permissions.through._meta.db_table
    admin_permission = f"""
        JOIN {Permission._meta.db_table} p ON p.id = link.permission_id
        JOIN {ContentType._meta.db_table} ct ON ct.id = p.content_type_id
        WHERE ct.app_label = %s AND p.codename = %s"""
    return f"""
        SELECT g.name, CASE WHEN EXISTS (
            SELECT 1 FROM {group_permissions_table} link {admin_permission} AND link.group_id = g.id
        ) THEN 1 ELSE 0 END
        FROM {Group._meta.db_table} g JOIN {groups_table} ug ON ug.group_id = g.id
        WHERE ug.user_id = %s
        UNION ALL
        SELECT NULL, 1 FROM {user_permissions_table} link {admin_permission} AND link.user_id = %s
    """  # table names from the models, values as parameters  # nosec B608


class AccountBackend(ModelBackend):
    """Each request asks for its user's roles (the access policy) and whether they may enter the admin
    (the second factor): read with the user, in one small query, instead of two on demand."""

    def get_user(self, user_id: Any) -> Any:
        user = super().get_user(user_id)
        if user is not None:
            user._essaim_roles, user._essaim_requires_two_factor = roles_and_admin_access(user.pk)
        return user


def roles_and_admin_access(user_id: int) -> tuple[set[str], bool]:
    app_label, codename = (
        ADMIN_ACCESS_PERMISSION["content_type__app_label"],
        ADMIN_ACCESS_PERMISSION["codename"],
    )
    with connection.cursor() as cursor:
        cursor.execute(_roles_sql(), [app_label, codename, user_id, app_label, codename, user_id])
        rows = cursor.fetchall()
    roles = {name for name, _admin in rows if name is not None} & set(Role.values)
    return roles, any(bool(admin) for _name, admin in rows)

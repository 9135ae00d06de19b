"""Page permissions of the roles: the national team (fabrique) edits and publishes the whole public site,
impact reports included. Wagtail grants page permissions per group and page (GroupPagePermission), apart
from the model permissions `programmes.roles` gives."""

from typing import Any

from django.contrib.auth.models import Group, Permission

from wagtail.models import GroupPagePermission, Page

from programmes.roles import Role

FABRIQUE_PAGE_PERMISSIONS = ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"]


def grant_page_permissions() -> None:
    """Give the national team every page permission from the root of the tree (idempotent)."""
    group = Group.objects.filter(name=Role.FABRIQUE).first()
    root = Page.get_first_root_node()
    if group is None or root is None:
        return
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=FABRIQUE_PAGE_PERMISSIONS
    ):
        GroupPagePermission.objects.get_or_create(group=group, page=root, permission=permission)


def grant_page_permissions_after_migrate(**kwargs: Any) -> None:
    # `migrate` passes its plan; `flush` (tests) does not: an emptied database should stay empty.
    if "plan" in kwargs:
        grant_page_permissions()

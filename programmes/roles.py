"""Roles are Django groups; this module names them and the permissions each one holds."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEARNER = "learner", _("Learner")
    FACILITATOR = "facilitator", _("Facilitator")
    COORDINATOR = "coordinator", _("Coordinator")
    FABRIQUE = "fabrique", _("National team (Fabrique)")
    PARTNER = "partner", _("Local partner")


# "app_label.codename" for each role. "*" grants every permission of that app.
# Wagtail admin access is what lets a role into /admin/; row-level visibility is the access policy's job.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.LEARNER: [],
    Role.FACILITATOR: [],
    Role.COORDINATOR: [
        "wagtailadmin.access_admin",
        *[
            f"programmes.{action}_{model}"
            for model in [
                "cohort",
                "partnership",
                "organisation",
                "person",
                "guardian",
                "consent",
                "enrolment",
                "session",
                "attendance",
            ]
            for action in ["view", "add", "change"]
        ],
        "programmes.add_facilitatorassignment",
        "programmes.view_facilitatorassignment",
        "programmes.delete_facilitatorassignment",
        "programmes.view_programme",
        "programmes.view_edition",
        *[
            f"cjs.{action}_{model}"
            for model in ["client", "contract", "expense"]
            for action in ["view", "add", "change"]
        ],
        *[f"cjs.{action}_hostlegaldetails" for action in ["view", "add", "change"]],
        "cjs.view_surplusdistribution",
        *[
            f"flashcoop.{action}_{model}"
            for model in [
                "flashcoopplan",
                "agendaitem",
                "mentor",
                "mentee",
                "mentoringmeeting",
                "production",
                "entryprofile",
                "exit",
            ]
            for action in ["view", "add", "change"]
        ],
        "flashcoop.delete_agendaitem",
        "flashcoop.view_followup",
        "flashcoop.change_followup",
        # Evaluation: coordinators give published questionnaires to their cohorts and follow the rates.
        "programmes.view_questionnaire",
        *[f"programmes.{action}_campaign" for action in ["view", "add", "change"]],
        "programmes.view_response",
        "programmes.view_invitation",
    ],
    Role.FABRIQUE: [
        "wagtailadmin.access_admin",
        "wagtailimages.*",
        "wagtaildocs.*",
        "wagtailcore.*",
        "wagtailforms.*",
        "wagtailredirects.*",
        "wagtailsearchpromotions.*",
        "wagtailsettings.*",
        "cms.*",
        "programmes.*",
        "cjs.*",
        "lms.*",
        "flashcoop.*",
    ],
    Role.PARTNER: [],
}


def _permissions_for(specs: Iterable[str]) -> list[Permission]:
    permissions: list[Permission] = []
    for spec in specs:
        app_label, codename = spec.split(".", 1)
        queryset = Permission.objects.filter(content_type__app_label=app_label)
        if codename != "*":
            queryset = queryset.filter(codename=codename)
        permissions.extend(queryset)
    return permissions


def sync_role_permissions() -> None:
    """Create the role groups if missing and give each the permissions declared above."""
    for role, specs in ROLE_PERMISSIONS.items():
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.add(*_permissions_for(specs))


def sync_role_permissions_after_migrate(**kwargs: Any) -> None:
    # `migrate` passes its plan; `flush` (tests) does not: an emptied database should stay empty.
    if "plan" in kwargs:
        sync_role_permissions()


def role_names(user: Any) -> set[str]:
    """The roles a user holds, from their groups (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_essaim_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True)) & set(Role.values)
        user._essaim_roles = cached
    return cached

"""Reads of the core that views, API, admin and tasks share."""

from django.urls import reverse

from programmes.models import User
from programmes.roles import Role, role_names

# The first role a user holds in this order decides where they land after logging in.
START_PAGES: list[tuple[str, str]] = [
    (Role.FABRIQUE, "wagtailadmin_home"),
    (Role.COORDINATOR, "programmes:coordinator_home"),
    (Role.FACILITATOR, "programmes:facilitator_home"),
    (Role.PARTNER, "programmes:partner_home"),
    (Role.LEARNER, "lms:learner_home"),
]


def start_url_for(user: User) -> str:
    """The page a user lands on after logging in: their role's own space."""
    if user.is_superuser:
        return reverse("wagtailadmin_home")
    roles = role_names(user)
    for role, url_name in START_PAGES:
        if role in roles:
            return reverse(url_name)
    return reverse("account")

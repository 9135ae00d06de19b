"""Building blocks of the erasure: what replaces a name, a free text, a birth date, an account."""

import datetime
import hashlib
import hmac
import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password

from programmes.models import Person, User
from programmes.models.people import age_on
from programmes.privacy.retention import add_years
from programmes.text import normalise

ANONYMOUS = "Anonyme"
REDACTED = "[effacé]"


def person_names(person: Person) -> list[str]:
    """The ways a free text may name the person: "First Last" and "Last First"."""
    first, last = person.first_name.strip(), person.last_name.strip()
    names = [f"{first} {last}", f"{last} {first}"] if first and last else []
    return [name for name in names if len(name) > 3]


def redact(text: str, names: Iterable[str]) -> str:
    """`text` with each of `names` replaced, ignoring case and spacing."""
    for name in names:
        words = [re.escape(word) for word in name.split()]
        if words:
            text = re.sub(r"\b" + r"\s+".join(words) + r"\b", REDACTED, text, flags=re.IGNORECASE)
    return text


def identity_hash(person: Person) -> str:
    """A keyed fingerprint of who was erased (name and birth date), so the log can later prove that a
    given person was erased without anyone reading the identity from it (as Open edX's retirement)."""
    identity = f"{normalise(person.first_name)}|{normalise(person.last_name)}|{person.birth_date or ''}"
    key = hashlib.sha256(f"essaim-erasure:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, identity.encode(), hashlib.sha256).hexdigest()


def coarsened_birth_date(person: Person) -> datetime.date | None:
    """A birth date that gives the person the same age at every cohort they joined (so the mean age and
    the minors' rules of the statistics do not move) but no longer their birthday: the latest such date."""
    if person.birth_date is None:
        return None
    references = {enrolment.cohort.reference_date for enrolment in person.enrolments.select_related("cohort")}
    if not references:
        return datetime.date(person.birth_date.year, 1, 1)
    candidate = min(add_years(day, -age_on(person.birth_date, day)) for day in references)
    if all(age_on(candidate, day) == age_on(person.birth_date, day) for day in references):
        return candidate
    return person.birth_date


def anonymise_user(user: User) -> None:
    """Close the account for good: no name, no e-mail, no password, no role, no token, no avatar."""
    from django.contrib.auth.models import Group

    from rest_framework.authtoken.models import Token

    user.username = f"erased-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    # A new unusable password also changes the session hash: every open session ends.
    user.password = make_password(None)
    user.is_active = user.is_staff = user.is_superuser = False
    user.save(
        update_fields=[
            "username",
            "first_name",
            "last_name",
            "email",
            "password",
            "is_active",
            "is_staff",
            "is_superuser",
        ]
    )
    user.groups.remove(*Group.objects.filter(user=user))
    user.user_permissions.clear()
    Token.objects.filter(user=user).delete()
    _delete_avatar(user)


def _delete_avatar(user: Any) -> None:
    from wagtail.users.models import UserProfile

    profile = UserProfile.objects.filter(user=user).first()
    if profile is not None and profile.avatar:
        profile.avatar.delete(save=False)
        profile.avatar = None
        profile.save(update_fields=["avatar"])

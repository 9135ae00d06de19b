"""`manage.py check`: a signing key that cannot be read is an error; `check --deploy` warns when production
has no Open Badges signing key (the badges are then not offered)."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

from lms import data_integrity


@register()
def badge_signing_key_readable(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    configured = str(settings.ESSAIM_BADGE_SIGNING_KEY or "")
    if not configured:
        return []
    try:
        data_integrity.private_key_from_text(configured)
    except ValueError as error:
        return [
            Error(
                str(error),
                hint="Make one with `manage.py badge_signing_key` (see docs/open-badges.md).",
                id="lms.E001",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def badge_signing_key_set(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    if settings.ESSAIM_BADGE_SIGNING_KEY:
        return []
    return [
        Warning(
            "ESSAIM_BADGE_SIGNING_KEY is not set: certificates cannot be downloaded as Open Badges.",
            hint="Make a key with `manage.py badge_signing_key` and set it in the environment.",
            id="lms.W001",
        )
    ]

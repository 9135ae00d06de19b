"""Writing to the audit log: access to a person's file, exports, imports, erasures, scope changes."""

import contextlib
import contextvars
from collections.abc import Iterator
from typing import Any

from django.db import models

from programmes.models import AuditEntry

# The user behind the current request, for entries written where no view passes it down (role and
# scope changes saved by Wagtail's own user screens). Set by config.middleware.AuditActorMiddleware.
_current_actor: contextvars.ContextVar[Any] = contextvars.ContextVar("essaim_audit_actor", default=None)


def record(*, actor: Any, action: str, target: models.Model | None = None, **details: Any) -> AuditEntry:
    """Append one entry; `details` must not repeat personal data the target already identifies."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details,
    )


def current_actor() -> Any:
    return _current_actor.get()


@contextlib.contextmanager
def acting_as(user: Any) -> Iterator[None]:
    """Entries written inside the block without an explicit actor are attributed to `user`."""
    token = _current_actor.set(user)
    try:
        yield
    finally:
        _current_actor.reset(token)

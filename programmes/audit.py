"""Writing to the audit log: access to a person's file, exports, imports, erasures, scope changes."""

from typing import Any

from django.db import models

from programmes.models import AuditEntry


def record(*, actor: Any, action: str, target: models.Model | None = None, **details: Any) -> AuditEntry:
    """Append one entry; `details` must not repeat personal data the target already identifies."""
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        details=details,
    )

"""Per-learner versions of learning data, for what is cached per group of learners (a cohort's progress
table).

A learner's *activity version* changes with every save or delete of what a progress table shows of them:
course enrolments, lesson completions, connected time (each heartbeat), live attendance. Signal receivers
below renew it; a service that changes any of it with `QuerySet.update` (which sends no signal) calls
`touched()` itself. Inside a transaction the versions are renewed when it commits; until then the
connection that wrote computes afresh and stores nothing (`has_uncommitted_changes`). A missing version (expired, evicted) gets a new
random one, so an entry stored before can never match again.
"""

import functools
import uuid
from collections.abc import Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction

KEY = "lms:activity:{}"
# A version outlives any entry stored under it; an inactive learner's goes away on its own.
VERSION_SECONDS = 7 * 24 * 3600


def _renew(user_ids: tuple[int, ...]) -> None:
    cache.set_many({KEY.format(user_id): uuid.uuid4().hex for user_id in user_ids}, VERSION_SECONDS)


def touched(user_ids: Iterable[int | None]) -> None:
    """These learners' learning data changed: what was cached from it is left behind once committed."""
    ids = tuple(sorted({user_id for user_id in user_ids if user_id is not None}))
    if not ids:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        transaction.on_commit(functools.partial(_renew, ids))
    else:
        _renew(ids)


def is_renewal(callback: Any) -> bool:
    """Whether an on-commit callback is the renewal of activity versions (`touched` in a transaction)."""
    return isinstance(callback, functools.partial) and callback.func is _renew


def has_uncommitted_changes() -> bool:
    connection = transaction.get_connection()
    return any(is_renewal(callback) for _savepoints, callback, _robust in connection.run_on_commit)


def versions(user_ids: Iterable[int]) -> dict[int, str]:
    """User id -> current activity version, in one cache read (two when some were missing)."""
    keys = {KEY.format(user_id): user_id for user_id in sorted(set(user_ids))}
    found = cache.get_many(list(keys))
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, uuid.uuid4().hex, VERSION_SECONDS)
        found.update(cache.get_many(missing))
    return {user_id: str(found.get(key, "")) for key, user_id in keys.items()}


def _row_changed(sender: Any, instance: Any, **_kwargs: Any) -> None:
    touched([instance.user_id])


def _session_changed(
    sender: Any, instance: Any, created: bool = False, update_fields: Any = None, **_kwargs: Any
) -> None:
    # A session moved to another course moves its attendees' minutes with it.
    if not created and (update_fields is None or "course" in update_fields):
        touched(instance.attendances.values_list("user_id", flat=True))


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from lms.models import CourseEnrolment, LessonCompletion, LessonTime, LiveAttendance, LiveSession

    for model in (CourseEnrolment, LessonCompletion, LessonTime, LiveAttendance):
        name = model._meta.model_name
        post_save.connect(_row_changed, sender=model, dispatch_uid=f"lms-activity-save-{name}")
        post_delete.connect(_row_changed, sender=model, dispatch_uid=f"lms-activity-delete-{name}")
    post_save.connect(_session_changed, sender=LiveSession, dispatch_uid="lms-activity-session")

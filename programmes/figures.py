"""Cached figures: the dashboards and statistics that read a whole season's rows.

A computed figure is kept in the cache (Redis in production, shared by every web node) under the current
*data generation*. Any change of programme data starts a new generation, so a figure is never older
than the last write:

- every save or delete of a model of the programme apps (`WATCHED_APPS`) through the ORM, and every
  change of a user's roles, moves the generation on (signal receivers below);
- the services that write in bulk (`bulk_create`, `QuerySet.update`), which send no signal, call
  `data_changed()` themselves;
- inside a transaction the generation moves on when it commits (once, however many rows it wrote);
  until then the connection that wrote computes its figures afresh and stores nothing, since it sees
  rows nobody else does yet. A key holds the generation read *before* computing, so figures computed
  from data older than a commit are left behind with their generation.

`ESSAIM_FIGURES_CACHE_SECONDS` (10 minutes by default) bounds the life of any entry, as a safety net for
writes made outside the application (SQL by hand). Keys hold the caller's scope (a user id, or `all` for
the national team), never a shared figure across scopes.
"""

import hashlib
import uuid
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save

from programmes.generations import Generation

GENERATION_KEY = "programmes:figures:generation"
WATCHED_APPS = frozenset({"programmes", "cjs", "flashcoop"})
# Logs and queues written by reads (an audit entry of a person file, an e-mail to send): not data.
IGNORED_MODELS = frozenset({"programmes.auditentry", "programmes.outboxmessage"})
_MISSING = object()

T = TypeVar("T")


def timeout() -> int:
    return int(getattr(settings, "ESSAIM_FIGURES_CACHE_SECONDS", 600))


DATA = Generation(GENERATION_KEY)


def generation() -> str:
    # Without a cache, a token of its own: keys are computed the same way and nothing is stored.
    return DATA.current() or uuid.uuid4().hex


def data_changed() -> None:
    """Programme data changed: figures computed before are left behind once the change is committed."""
    DATA.changed()


def key(parts: tuple[Hashable, ...]) -> str | None:
    """The cache key of these parts (which must name the caller's scope) in the current generation; None
    while this connection holds uncommitted changes (what it sees must not be stored)."""
    if DATA.has_uncommitted_changes():
        return None
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"figures:{generation()}:{digest}"


def cached(parts: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """`compute()` once per data generation for these key parts (which must name the caller's scope)."""
    key_ = key(parts)
    if key_ is None:
        return compute()
    value = cache.get(key_, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(key_, value, timeout())
    return value  # type: ignore[return-value]


def scope_key(user: Any) -> str:
    """The part of a key that names whose figures they are: the national team shares one copy."""
    from programmes import access

    return "all" if access.sees_everything(user) else f"user:{user.pk}"


def _is_watched(sender: Any) -> bool:
    meta = getattr(sender, "_meta", None)
    return bool(
        meta is not None and meta.app_label in WATCHED_APPS and meta.label_lower not in IGNORED_MODELS
    )


def _saved(sender: Any, update_fields: Any = None, **_kwargs: Any) -> None:
    # A login only stamps last_login: nothing a figure counts.
    if _is_watched(sender) and not (update_fields and set(update_fields) <= {"last_login"}):
        data_changed()


def _deleted(sender: Any, **_kwargs: Any) -> None:
    if _is_watched(sender):
        data_changed()


def _relations_changed(sender: Any, action: str, **_kwargs: Any) -> None:
    # The sender is the relation's table: a user's roles (programmes.User_groups), a committee's members...
    if action in {"post_add", "post_remove", "post_clear"} and _is_watched(sender):
        data_changed()


def connect() -> None:
    post_save.connect(_saved, dispatch_uid="programmes-figures-save")
    post_delete.connect(_deleted, dispatch_uid="programmes-figures-delete")
    m2m_changed.connect(_relations_changed, dispatch_uid="programmes-figures-relations")

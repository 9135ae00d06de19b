"""Cache generations: a random token, kept in the shared cache, that any change of some data renews, so
that every entry stored under the previous token is left behind (and expires on its own).

Inside a transaction the token is renewed when the transaction commits, once however many rows it
wrote; until then the connection that wrote must compute afresh and store nothing, since it sees rows
nobody else does yet (`has_uncommitted_changes`). Used by the figures of dashboards
(`programmes.figures`), the course structures (`lms.structure_cache`) and the routes of course pages
(`cms.routing`).
"""

import uuid
from typing import Any

from django.core.cache import cache
from django.db import transaction


class Generation:
    def __init__(self, key: str) -> None:
        self.key = key

    def _renew(self) -> None:
        cache.set(self.key, uuid.uuid4().hex, None)

    def changed(self, *_args: Any, **_kwargs: Any) -> None:
        """The data changed (usable as a signal receiver): entries stored before are left behind once it
        is committed."""
        connection = transaction.get_connection()
        if not connection.in_atomic_block:
            self._renew()
        elif not self.has_uncommitted_changes():
            transaction.on_commit(self._renew)

    def has_uncommitted_changes(self) -> bool:
        """Whether this connection changed the data in a transaction not committed yet."""
        connection = transaction.get_connection()
        return any(callback == self._renew for _savepoints, callback, _robust in connection.run_on_commit)

    def current(self) -> str | None:
        """The current token (one is made when there is none); None without a cache to keep it in."""
        token = cache.get(self.key)
        if token is None:
            cache.add(self.key, uuid.uuid4().hex, None)
            token = cache.get(self.key)
        return None if token is None else str(token)

"""Dispatch of Celery tasks through a database outbox (transactional outbox pattern).

`enqueue(task, *args, **kwargs)` writes an `OutboxMessage` in the current transaction, so a task exists
exactly when the change that asks for it is committed, and publishes it to the broker right after
commit. Publishing never waits more than about a second: a broker that is down or hanging leaves the
row pending, and the request goes on. `sweep()` (every minute from beat, or `manage.py outbox_sweep`
from cron) publishes what is pending once the broker is back.

Delivery is at least once: a message published just before its row could be marked sent is published
again by the next sweep, so every task must be idempotent (docs/reliability.md lists how each one is).
Without a broker (CELERY_BROKER_URL unset, and in tests) "publishing" runs the task in-process.
"""

import logging
import threading
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from celery import Celery, Task, current_app
from kombu.connection import Connection
from kombu.exceptions import OperationalError as KombuOperationalError

from programmes.models import OutboxMessage

logger = logging.getLogger(__name__)

# What an unreachable, restarting or hanging broker raises (kombu wraps the redis client's errors).
BROKER_ERRORS = (KombuOperationalError, OSError)

# After a failed publish, requests skip publishing for a few seconds (the sweep still tries): a broker
# that hangs then costs one request a second, not every request.
_pause_lock = threading.Lock()
_paused_until = 0.0


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def _app() -> Celery:
    app: Celery = current_app._get_current_object()
    return app


def _task(app: Celery, name: str) -> Task:
    """The registered task called `name`. A process that never imported its module (a cron sweep)
    runs Celery's autodiscovery first; NotRegistered if it does not exist at all."""
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def enqueue(task: Task | str, /, *args: Any, **kwargs: Any) -> OutboxMessage:
    """Queue `task(*args, **kwargs)` with the current transaction: written now, published after commit.

    Arguments must be JSON values (ids, strings, numbers, lists, dicts), never model instances."""
    name = task if isinstance(task, str) else task.name
    _task(_app(), name)  # raises NotRegistered now rather than in a worker later
    message = OutboxMessage.objects.create(task_name=name, args=list(args), kwargs=kwargs)
    pk = message.pk
    transaction.on_commit(lambda: publish([pk]))
    return message


def publish(message_ids: Iterable[int]) -> int:
    """Publish these pending messages now (called after commit); how many went out.

    Never raises for a broker failure: the messages stay pending for the sweep. In eager mode the tasks
    run here, and their exceptions propagate (tests see them)."""
    ids = list(message_ids)
    app = _app()
    if app.conf.task_always_eager:
        return _run_in_process(ids, propagate=True)
    if _is_paused():
        return 0
    with transaction.atomic():
        # A concurrent sweep may hold some of them: it publishes those, we skip them.
        messages = list(
            OutboxMessage.objects.select_for_update(skip_locked=True).filter(pk__in=ids, sent_at__isnull=True)
        )
        return _publish(app, messages) if messages else 0


@dataclass(frozen=True)
class SweepResult:
    sent: int
    pending: int
    purged: int


def sweep(*, batch_size: int | None = None, now: datetime | None = None) -> SweepResult:
    """Publish every pending message that is due, oldest first, in batches; then forget old sent ones.

    Concurrent sweeps share the work: each batch locks its rows (SKIP LOCKED), so no message is
    published twice by two sweeps. Stops at the first broker failure (the rest waits for the next)."""
    app = _app()
    batch_size = batch_size or _setting("ESSAIM_OUTBOX_BATCH_SIZE", 100)
    now = now or timezone.now()
    _reopen_lost(now)
    sent = 0
    while True:
        if app.conf.task_always_eager:
            ids = list(_due(now).values_list("pk", flat=True)[:batch_size])
            published, complete = _run_in_process(ids, propagate=False), bool(ids)
            complete = complete and published == len(ids)
        else:
            with transaction.atomic():
                batch = list(_due(now).select_for_update(skip_locked=True)[:batch_size])
                published = _publish(app, batch) if batch else 0
                complete = bool(batch) and published == len(batch)
        sent += published
        if not complete:
            break
    keep = timedelta(days=_setting("ESSAIM_OUTBOX_KEEP_SENT_DAYS", 7))
    purged, _ = OutboxMessage.objects.filter(sent_at__lt=now - keep).delete()
    pending = OutboxMessage.objects.filter(sent_at__isnull=True).count()
    if sent or pending:
        logger.info("outbox sweep: %d sent, %d pending, %d purged", sent, pending, purged)
    return SweepResult(sent=sent, pending=pending, purged=purged)


def stale_count(*, now: datetime | None = None) -> int:
    """Messages in trouble (monitoring: /healthz): pending for longer than ESSAIM_OUTBOX_STALE_AFTER
    (the broker is unreachable, or no sweep runs), or published as often as allowed and never done
    (the task fails every time)."""
    now = now or timezone.now()
    late = now - timedelta(seconds=_setting("ESSAIM_OUTBOX_STALE_AFTER", 300))
    given_up = Q(
        completed_at__isnull=True,
        publications__gte=_setting("ESSAIM_OUTBOX_MAX_PUBLICATIONS", 3),
        sent_at__lt=now - _redeliver_after(),
    )
    return OutboxMessage.objects.filter(Q(sent_at__isnull=True, created_at__lt=late) | given_up).count()


def record_completion(
    sender: Any = None, task_id: str | None = None, state: str | None = None, **kwargs: Any
) -> None:
    """Celery's task_postrun signal: a task of the outbox that succeeded is done for good."""
    if state == "SUCCESS":
        mark_completed(task_id)


def _redeliver_after() -> timedelta:
    return timedelta(seconds=_setting("ESSAIM_OUTBOX_REDELIVER_AFTER", 3 * 60 * 60))


def _reopen_lost(now: datetime) -> int:
    """Make pending again what was published long ago and never done: the broker lost it (a Redis
    restarted without persistence, a flush) or its task failed. Longer ago than the visibility
    timeout, so a task still queued or running behind others is not sent twice for nothing."""
    return OutboxMessage.objects.filter(
        sent_at__lt=now - _redeliver_after(),
        completed_at__isnull=True,
        publications__lt=_setting("ESSAIM_OUTBOX_MAX_PUBLICATIONS", 3),
    ).update(sent_at=None, last_error="Not done long after it was published: published again.")


def _due(now: datetime) -> Any:
    return OutboxMessage.objects.filter(sent_at__isnull=True, available_at__lte=now).order_by(
        "available_at", "pk"
    )


def _connection(app: Celery) -> Connection:
    """A fresh broker connection that gives up fast: no retry, short connect and socket timeouts."""
    timeout = float(_setting("ESSAIM_OUTBOX_PUBLISH_TIMEOUT", 0.5))
    connection: Connection = app.connection_for_write(
        connect_timeout=timeout,
        transport_options={
            "max_retries": 0,
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
        },
    )
    return connection


def _publish(app: Celery, messages: list[OutboxMessage]) -> int:
    """Send the messages over one connection; mark those that went out. Called with their rows locked."""
    sent: list[int] = []
    now = timezone.now()
    try:
        with _connection(app) as connection:
            for message in messages:
                _task(app, message.task_name).apply_async(
                    args=message.args,
                    kwargs=message.kwargs,
                    task_id=str(message.task_id),
                    connection=connection,
                    retry=False,
                )
                sent.append(message.pk)
    except Exception as error:
        failed = messages[len(sent)]
        _pause()
        _record_failure(failed, error, now)
        logger.warning("outbox: %s %s stays pending: %s", failed.task_name, failed.task_id, error)
    if sent:
        OutboxMessage.objects.filter(pk__in=sent).update(
            sent_at=now, last_error="", publications=F("publications") + 1
        )
    return len(sent)


def _run_in_process(ids: list[int], *, propagate: bool) -> int:
    """Eager mode (no broker): claim each message, run its task here; a failure leaves it pending."""
    app = _app()
    ran = 0
    for message in OutboxMessage.objects.filter(pk__in=ids, sent_at__isnull=True).order_by("pk"):
        now = timezone.now()
        claimed = OutboxMessage.objects.filter(pk=message.pk, sent_at__isnull=True).update(
            sent_at=now, publications=F("publications") + 1
        )
        if not claimed:
            continue  # another caller ran it
        try:
            _task(app, message.task_name).apply_async(
                args=message.args, kwargs=message.kwargs, task_id=str(message.task_id)
            )
        except Exception as error:
            OutboxMessage.objects.filter(pk=message.pk).update(
                sent_at=None, publications=F("publications") - 1
            )
            _record_failure(message, error, now)
            if propagate:
                raise
            logger.exception("outbox: %s %s failed in process", message.task_name, message.task_id)
            continue
        mark_completed(str(message.task_id))
        ran += 1
    return ran


def _record_failure(message: OutboxMessage, error: BaseException, now: datetime) -> None:
    """Note the error. A broker that is down is nobody's fault: the message stays first in line for when
    it is back. Any other failure (a task that cannot be encoded or fails in process) backs off a little,
    so it does not hold the others up."""
    changes: dict[str, Any] = {
        "attempts": F("attempts") + 1,
        "last_error": f"{type(error).__name__}: {error}"[:2000],
    }
    if not isinstance(error, BROKER_ERRORS):
        changes["available_at"] = now + timedelta(seconds=min(2 ** (message.attempts + 1), 300))
    OutboxMessage.objects.filter(pk=message.pk).update(**changes)


def _is_paused() -> bool:
    return time.monotonic() < _paused_until


def _pause() -> None:
    global _paused_until
    with _pause_lock:
        _paused_until = time.monotonic() + float(_setting("ESSAIM_OUTBOX_PAUSE_AFTER_FAILURE", 5))


def resume() -> None:
    """Forget an earlier broker failure (tests; a process that knows the broker is back)."""
    global _paused_until
    with _pause_lock:
        _paused_until = 0.0


def _as_uuid(task_id: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(task_id))
    except ValueError:
        return None


def has_completed(task_id: str | None) -> bool:
    """Whether a worker already finished the outbox message with this task id (a duplicate delivery)."""
    key = _as_uuid(task_id)
    return key is not None and OutboxMessage.objects.filter(task_id=key, completed_at__isnull=False).exists()


def mark_completed(task_id: str | None) -> None:
    """Record that the task of this outbox message has done its work (no-op for other task ids)."""
    key = _as_uuid(task_id)
    if key is not None:
        OutboxMessage.objects.filter(task_id=key, completed_at__isnull=True).update(
            completed_at=timezone.now()
        )

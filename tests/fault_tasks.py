"""Test-only Celery tasks and hooks, loaded into worker processes with `--include tests.fault_tasks`.

`issue_one` has the shape of certificate issuance: it creates its row, then spends a while producing
the file (when a worker dies), then stores the file name. It is idempotent the way real tasks must be:
a second run finds the row, produces the file only if it is missing, and keeps a single file.

ESSAIM_FAULT_SLOW="module.function:seconds" slows a real function down in the worker (for instance the
certificate PDF rendering), writing the pid of the process running it to ESSAIM_FAULT_PIDFILE first, so
a test can kill exactly that process in the middle of a real task."""

import functools
import importlib
import os
import time
import uuid
from pathlib import Path

from django.db import connection

from celery import shared_task

TABLES = """
CREATE TABLE IF NOT EXISTS fault_certificate (key text PRIMARY KEY, file text, created_at timestamptz DEFAULT now());
CREATE TABLE IF NOT EXISTS fault_attempt (id serial PRIMARY KEY, key text NOT NULL, pid integer NOT NULL,
                                          at timestamptz DEFAULT now());
"""


@shared_task(name="tests.fault_tasks.issue_one")
def issue_one(key: str, directory: str, pause: float) -> str:
    """Create the row for `key`, take `pause` seconds to "render" its file, then store the file name."""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO fault_attempt (key, pid) VALUES (%s, %s)", [key, os.getpid()])
        cursor.execute("INSERT INTO fault_certificate (key) VALUES (%s) ON CONFLICT (key) DO NOTHING", [key])
        cursor.execute("SELECT file FROM fault_certificate WHERE key = %s", [key])
        (existing,) = cursor.fetchone()
    if existing:
        return str(existing)
    time.sleep(pause)  # the slow part: a worker killed here has created the row but not the file
    path = Path(directory) / f"{key}-{uuid.uuid4().hex}.pdf"
    path.write_bytes(b"%PDF-1.4 test certificate\n")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE fault_certificate SET file = %s WHERE key = %s AND file IS NULL", [path.name, key]
        )
        kept = cursor.rowcount == 1
    if not kept:  # a concurrent run stored its file first: keep theirs only
        path.unlink()
    return path.name


def _slow_down(spec: str, pidfile: str) -> None:
    target, _, seconds = spec.rpartition(":")
    module_name, _, function_name = target.rpartition(".")
    module = importlib.import_module(module_name)
    original = getattr(module, function_name)

    @functools.wraps(original)
    def slowed(*args, **kwargs):
        if pidfile:
            Path(pidfile).write_text(str(os.getpid()))
        time.sleep(float(seconds))
        return original(*args, **kwargs)

    setattr(module, function_name, slowed)


if os.environ.get("ESSAIM_FAULT_SLOW"):
    _slow_down(os.environ["ESSAIM_FAULT_SLOW"], os.environ.get("ESSAIM_FAULT_PIDFILE", ""))

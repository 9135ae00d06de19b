"""Fault test: PostgreSQL restarts under a running application server. /healthz answers 503 at once while
the database is down, then 200 again when it is back, from the same processes (nobody restarts the app).
Real processes: gunicorn as in production, a private PostgreSQL cluster stopped and started by the test."""

import json
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.private_services import AppProcess, app_environment, free_port, wait_for

pytestmark = [pytest.mark.services, pytest.mark.slow]


def get(url: str, timeout: float = 5) -> tuple[int, dict, float]:
    """Status, JSON body and seconds taken of a GET."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, json.loads(body), time.monotonic() - started


def children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found |= {int(child) for child in text}
    return found


def answers(url: str) -> bool:
    try:
        get(url, timeout=1)
    except OSError:
        return False
    return True


def test_healthz_says_503_while_postgresql_restarts_then_recovers_without_restarting_the_app(
    private_postgres, tmp_path
):
    port = free_port()
    healthz = f"http://127.0.0.1:{port}/healthz"
    env = app_environment(
        DJANGO_DEBUG="true",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        # As production: persistent connections checked before reuse; a short connect timeout so a
        # database that is down answers 503 fast instead of holding the health check.
        DATABASE_URL=private_postgres.url(connect_timeout="2"),
        DATABASE_CONN_MAX_AGE="60",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    server = AppProcess(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env,
        tmp_path / "gunicorn.log",
    )
    try:
        assert wait_for(lambda: answers(healthz), timeout=60, interval=0.3), server.output()[-3000:]
        workers = children(server.pid)
        status, body, _ = get(healthz)
        assert (status, body["status"], body["database"]) == (200, "ok", "ok")

        private_postgres.stop()
        down = [get(healthz) for _ in range(2)]  # the open connection broken, then no connection at all

        private_postgres.start()
        recovered = wait_for(lambda: get(healthz)[0] == 200, timeout=20, interval=0.5)
        status, body, _ = get(healthz)
        still_running = server.is_alive() and children(server.pid) == workers
    finally:
        server.stop()
        if not private_postgres.is_running():
            private_postgres.start()  # the cluster is shared by the session's fault tests
    for down_status, down_body, seconds in down:
        assert (down_status, down_body["status"], down_body["database"]) == (503, "error", "error")
        assert seconds < 3, f"/healthz took {seconds:.1f} s with the database down"
    assert recovered, server.output()[-3000:]
    assert (status, body["status"], body["database"]) == (200, "ok", "ok")
    assert still_running  # same server, same worker process: it reconnected by itself

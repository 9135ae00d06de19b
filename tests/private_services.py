"""Private Redis, PostgreSQL and Celery worker processes for fault tests, which stop, kill and restart
them. Never the machine's shared services: each one here runs on its own free port in a temporary
directory and is killed when its test ends."""

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import redis

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], object], timeout: float, interval: float = 0.1) -> bool:
    """Poll until `condition()` is truthy or `timeout` seconds have passed; its last answer as a bool."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())


# --- Redis ---------------------------------------------------------------------------------------------


def redis_server_binary() -> str | None:
    return shutil.which("redis-server")


class PrivateRedis:
    """A redis-server of our own: no RDB snapshots; append-only file on or off as production would be."""

    def __init__(self, directory: Path, *, appendonly: bool) -> None:
        self.directory = directory
        self.appendonly = appendonly
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def client(self, db: int = 0) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.port, db=db, socket_connect_timeout=1)

    def ping(self) -> bool:
        try:
            return bool(self.client().ping())
        except redis.RedisError:
            return False

    def start(self) -> None:
        binary = redis_server_binary()
        assert binary, "redis-server is not installed"
        args = [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)]
        args += ["--save", "", "--appendonly", "yes" if self.appendonly else "no", "--protected-mode", "no"]
        log = open(self.directory / "redis.log", "ab")  # noqa: SIM115 (the process keeps it)
        self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        if not wait_for(self.ping, timeout=10):
            raise RuntimeError(f"redis-server did not start: {(self.directory / 'redis.log').read_text()}")

    def stop(self, *, crash: bool = False) -> None:
        """Stop it: SIGTERM (a clean stop, as `systemctl restart`) or SIGKILL (a crash)."""
        if self.process is None:
            return
        self.process.send_signal(signal.SIGKILL if crash else signal.SIGTERM)
        self.process.wait(timeout=10)
        self.process = None

    def restart(self, *, crash: bool = False) -> None:
        self.stop(crash=crash)
        self.start()


@contextlib.contextmanager
def private_redis(*, appendonly: bool = True) -> Iterator[PrivateRedis]:
    directory = Path(tempfile.mkdtemp(prefix="essaim-redis-"))
    server = PrivateRedis(directory, appendonly=appendonly)
    try:
        server.start()
        yield server
    finally:
        with contextlib.suppress(Exception):
            server.stop(crash=True)
        shutil.rmtree(directory, ignore_errors=True)


# --- PostgreSQL ----------------------------------------------------------------------------------------


def postgres_bin_dir() -> Path | None:
    """The newest PostgreSQL server binaries (Debian keeps them out of PATH, under /usr/lib/postgresql)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def postgres_unavailable_reason() -> str:
    """Why a private cluster cannot run here ("" when it can)."""
    if postgres_bin_dir() is None:
        return "initdb and pg_ctl not found"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root without a postgres user to run the server"
    return ""


class PrivatePostgres:
    """A throw-away PostgreSQL cluster (trust auth on 127.0.0.1 only, no fsync): for tests only."""

    def __init__(self) -> None:
        bin_dir = postgres_bin_dir()
        assert bin_dir is not None, "PostgreSQL binaries not found"
        self.bin_dir = bin_dir
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="essaim-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgresql.log"
        if os.geteuid() == 0:  # the server refuses to run as root: run it as the postgres user
            user = pwd.getpwnam("postgres")
            os.chown(self.directory, user.pw_uid, user.pw_gid)
            self._prefix = ["runuser", "-u", "postgres", "--"]
        else:
            self._prefix = []

    def url(self, database: str = "postgres", **options: str) -> str:
        query = "&".join(f"{key}={value}" for key, value in options.items())
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}" + (f"?{query}" if query else "")

    def _run(self, *args: str, timeout: float = 60) -> None:
        subprocess.run([*self._prefix, *args], check=True, capture_output=True, timeout=timeout)

    def init(self) -> None:
        self._run(
            str(self.bin_dir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--no-sync",
        )
        settings = (
            f"port = {self.port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\nmax_connections = 30\n"
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write(settings)

    def start(self) -> None:
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", "-t", "60", "start"
        )

    def stop(self) -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def destroy(self) -> None:
        if self.is_running():
            with contextlib.suppress(Exception):
                self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


# --- Processes of the application ----------------------------------------------------------------------


def database_url(settings_dict: dict) -> str:
    """A DATABASE_URL for a child process to reach the database this process uses (PostgreSQL)."""
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or "5432"
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


def app_environment(**variables: str) -> dict[str, str]:
    """The environment of a child process running Essaim: the given variables, none inherited that
    would point it at the machine's shared services."""
    inherited = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "DATABASE_", "REDIS_", "EMAIL_", "ESSAIM_"))
        and key not in {"MEDIA_ROOT", "PYTHONPATH"}
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
        **variables,
    }


class AppProcess:
    """A child process (Celery worker, gunicorn) in its own process group, its output in a log file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.log = log
        with open(log, "ab") as output:
            self.process = subprocess.Popen(
                args, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def is_alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL the whole process group: the main process and its children die at once."""
        if self.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self, timeout: float = 10) -> None:
        if self.is_alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        else:
            # Children (pool processes) may outlive a main process that died.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)


def start_worker(env: dict[str, str], log: Path, *, include: str = "", timeout: float = 60) -> AppProcess:
    """A real Celery worker as production runs it (prefork pool), one process, one task at a time."""
    args = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "--pool",
        "prefork",
        "--concurrency",
        "1",
    ]
    args += ["--loglevel", "INFO", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    args += ["--hostname", f"fault-{free_port()}@%h"]
    if include:
        args += ["--include", include]
    worker = AppProcess(args, env, log)
    if not wait_for(
        lambda: " ready." in worker.output() or not worker.is_alive(), timeout=timeout, interval=0.2
    ):
        worker.stop()
        raise RuntimeError(f"the worker did not start in {timeout} s:\n{worker.output()[-3000:]}")
    if not worker.is_alive():
        raise RuntimeError(f"the worker died at start:\n{worker.output()[-3000:]}")
    return worker

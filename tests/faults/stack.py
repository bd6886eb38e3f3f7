"""A disposable PostgreSQL, Redis and OpenSearch for the fault tests, started by the project's
own ops/services.sh on free ports with their data under var/faults<run>/, so that a test may
kill and restart them. The services `make services` runs (and other runs share) are never
touched: every call names this stack's ports and directory.

The application runs in subprocesses (manage.py, a Celery worker) pointed at the stack by the
environment, as it would be in production; the tests read PostgreSQL and the engine directly.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from tests.conftest import REPO

SERVICES = REPO / "ops" / "services.sh"
PYTHON = REPO / ".venv" / "bin" / "python"
CELERY = REPO / ".venv" / "bin" / "celery"
SHARED_PORTS = {55432, 56379, 59200}


def free_port(*, also: int = 0) -> int:
    """A free loopback port (and ``port + also`` free too: OpenSearch's transport port)."""
    for _ in range(200):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + also > 65000 or port in SHARED_PORTS:
            continue
        if also:
            try:
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port + also))
            except OSError:
                continue
        return port
    raise RuntimeError("no free port")


def wait_for(predicate, *, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@dataclass
class Stack:
    var: Path
    pg_port: int = field(default_factory=free_port)
    redis_port: int = field(default_factory=free_port)
    os_port: int = field(default_factory=lambda: free_port(also=100))
    databases: int = 0

    # ----------------------------------------------------------------------- the services ---
    def services(self, action: str, timeout: float = 240) -> None:
        assert self.var.resolve() != (REPO / "var").resolve(), "never the shared services"
        env = {
            **os.environ,
            "CTSEARCH_VAR_DIR": str(self.var),
            "CTSEARCH_PG_PORT": str(self.pg_port),
            "CTSEARCH_REDIS_PORT": str(self.redis_port),
            "CTSEARCH_OPENSEARCH_PORT": str(self.os_port),
            "CTSEARCH_OPENSEARCH_HEAP": "512m",
            # Disposable data: no fsync, the machine is shared.
            "CTSEARCH_PG_FSYNC": "off",
        }
        done = subprocess.run(
            [str(SERVICES), action], env=env, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode:
            raise RuntimeError(f"services.sh {action}: {done.stdout}{done.stderr}")

    @contextmanager
    def prepared(self, start_engine: Callable[[], None]) -> Iterator[None]:
        """``start_engine`` in the background (OpenSearch takes half a minute) while PostgreSQL
        and Redis start and the database is migrated; the block runs once all are up."""
        failures: list[Exception] = []

        def engine() -> None:
            try:
                start_engine()
            except Exception as error:
                failures.append(error)

        starting = threading.Thread(target=engine)
        starting.start()
        try:
            self.services("start-postgres")
            self.services("start-redis")
            migrated = self.manage(self.app_env("ctsearch"), "migrate", "--noinput", "-v", "0")
            assert migrated.returncode == 0, migrated.stdout + migrated.stderr
            starting.join()
            if failures:
                raise failures[0]
            yield
        finally:
            starting.join()

    def kill_opensearch(self) -> None:
        """SIGKILL: no shutdown hook, no flush, like a node lost to the OOM killer."""
        pid = int((self.var / "run" / "opensearch.pid").read_text())
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: not _alive(pid), timeout=30, what="OpenSearch to die")

    # ------------------------------------------------------------------- the application ---
    def new_database(self, name: str) -> str:
        """A database with the schema (a copy of the migrated template): one per test."""
        self.databases += 1
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'drop database if exists "{name}"')
            conn.execute(f'create database "{name}" template ctsearch')
        return name

    def url(self, database: str) -> str:
        return f"postgres://ctsearch@127.0.0.1:{self.pg_port}/{database}"

    def app_env(self, database: str, *, redis_db: int = 0, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CTSEARCH_", "DJANGO_"))}
        env.update(
            CTSEARCH_ENV="development",
            DEBUG="false",
            DATABASE_URL=self.url(database),
            OPENSEARCH_URL=f"http://127.0.0.1:{self.os_port}",
            OPENSEARCH_INDEX_PREFIX=f"faults_{database}",
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/{redis_db}",
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        env.update(extra)
        return env

    def manage(self, env: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run(
            [str(PYTHON), "manage.py", *args],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    def start_manage(self, env: dict, *args: str, log: Path) -> subprocess.Popen:
        return subprocess.Popen(
            [str(PYTHON), "manage.py", *args],
            cwd=REPO,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def start_worker(self, env: dict, log: Path) -> subprocess.Popen:
        """A real Celery worker, as supervisord starts it (ops/supervisord.conf)."""
        process = subprocess.Popen(
            [
                *(str(CELERY), "-A", "ctsearch", "worker", "--loglevel=INFO", "--concurrency=2"),
                f"--hostname=faults{time.monotonic_ns()}@%h",
            ],
            cwd=REPO,
            env={**env, "LOG_LEVEL": "INFO"},
            stdout=log.open("a"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        wait_for(
            lambda: "ready." in log.read_text() or process.poll() is not None,
            timeout=90,
            what="the worker to be ready",
            every=0.2,
        )
        assert process.poll() is None, log.read_text()[-3000:]
        return process

    # --------------------------------------------------------------- reading the truth ---
    def sql(self, database: str, query: str, *params) -> list[tuple]:
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as conn:
            return conn.execute(query, params).fetchall()

    def scalar(self, database: str, query: str, *params):
        return self.sql(database, query, *params)[0][0]

    def engine(self, method: str, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.os_port}{path}",
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")

    def engine_up(self) -> bool:
        try:
            return self.engine("GET", "/_cluster/health")["status"] in {"green", "yellow"}
        except (OSError, urllib.error.URLError, ValueError):
            return False

    def indices(self, prefix: str) -> dict[str, dict]:
        """This prefix's indices and their aliases."""
        return self.engine("GET", f"/{prefix}*/_alias?expand_wildcards=all")

    def assert_agree(self, env: dict) -> str:
        """PostgreSQL and the index agree (``manage.py search_index check``)."""
        done = self.manage(env, "search_index", "check")
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (our own child, not yet reaped) counts as dead.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except FileNotFoundError:
        return False


def kill_group(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    process.wait(timeout=60)


def run_tag() -> str:
    tag = os.environ.get("CTSEARCH_TEST_RUN", "").strip("_") or str(os.getpid())
    return "".join(c for c in tag if c.isalnum())[:20] or "run"

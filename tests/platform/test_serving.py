"""`make run`'s serving stack for real: supervisord running gunicorn, a Celery worker and beat.
The pages and static files are served by gunicorn, and a worker killed with SIGKILL is back
within seconds."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.conftest import REPO

APP = REPO / "ops" / "app.sh"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status
    except Exception:
        return 0


def _status() -> dict[str, str]:
    out = subprocess.run([APP, "status"], capture_output=True, text=True, check=False).stdout
    return {line.split()[0]: line for line in out.splitlines() if line.strip()}


def _wait_running(names: tuple[str, ...] = ("web", "worker", "beat")) -> dict[str, str]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        status = _status()
        if all("RUNNING" in status.get(name, "") for name in names):
            return status
        time.sleep(0.5)
    pytest.fail(f"not all running: {_status()}")


def _pid(line: str) -> int:
    return int(line.split("pid")[1].split(",")[0])


@pytest.fixture
def served():
    if "RUNNING" in " ".join(_status().values()):
        pytest.skip("ctsearch is already being served from this checkout (make run)")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CTSEARCH_", "DJANGO_"))}
    process = subprocess.Popen(
        [APP, "serve", "127.0.0.1", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while _get(f"{base}/healthz") != 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        yield base
    finally:
        # Reap supervisord as it exits: `stop` waits for its pid, which a zombie would keep.
        stop = subprocess.Popen([APP, "stop"])
        process.wait(timeout=120)
        stop.wait(timeout=120)


def test_gunicorn_serves_pages_and_static_files_and_a_killed_worker_comes_back(served):
    assert _get(f"{served}/healthz") == 200
    assert _get(f"{served}/accounts/login/") == 200
    assert _get(f"{served}/static/css/site.css") == 200
    worker = _pid(_wait_running()["worker"])
    os.kill(worker, signal.SIGKILL)
    time.sleep(1)
    assert _pid(_wait_running(("worker",))["worker"]) != worker

"""/readyz: the services of /healthz and a live Celery worker, proven with a real worker process
on the shared Redis. The worker consumes only a queue of its own and writes its heartbeat under
a key named after this test run, so other runs' workers neither vouch for it nor see it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.test import Client

REPO = Path(__file__).resolve().parents[2]


def wait_for(condition, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.3)
    return False


@pytest.fixture
def heartbeat_key(settings) -> str:
    key = f"{settings.WORKER_HEARTBEAT_KEY}:{uuid.uuid4().hex[:8]}"
    settings.WORKER_HEARTBEAT_KEY = key
    settings.WORKER_HEARTBEAT_SECONDS = 1
    settings.WORKER_HEARTBEAT_MAX_AGE = 3
    return key


@pytest.fixture
def staff(django_user_model) -> Client:
    client = Client()
    client.force_login(
        django_user_model.objects.create_user("ops", password="a long pass", is_staff=True)
    )
    return client


def start_worker(key: str, settings) -> subprocess.Popen:
    env = {
        **os.environ,
        "WORKER_HEARTBEAT_KEY": key,
        "WORKER_HEARTBEAT_SECONDS": "1",
        "WORKER_HEARTBEAT_MAX_AGE": "3",
    }
    queue = key.replace(":", "-")
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "ctsearch", "worker", "--pool", "solo",
         "-Q", queue, "-n", f"{queue}@%h", "--without-gossip", "--without-mingle",
         "--loglevel", "WARNING"],
        cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.mark.django_db
def test_ready_only_while_a_worker_beats(staff, heartbeat_key, settings):
    def ready() -> bool:
        return staff.get("/readyz").status_code == 200

    report = staff.get("/readyz").json()
    assert report["ok"] is False
    assert report["services"]["worker"]["ok"] is False
    assert "heartbeat" in report["services"]["worker"]["error"]
    assert all(report["services"][name]["ok"] for name in ("postgresql", "opensearch", "redis"))

    worker = start_worker(heartbeat_key, settings)
    try:
        assert wait_for(ready), "the worker never reported a heartbeat"
        report = staff.get("/readyz").json()
        (name,) = report["services"]["worker"]["workers"]
        assert name.startswith(heartbeat_key.replace(":", "-"))
        assert Client().get("/readyz").json() == {"ok": True}  # the public: a bare status
        # A worker killed outright says nothing on its way out: its heartbeat just ages.
        worker.send_signal(signal.SIGKILL)
        worker.wait(30)
        assert wait_for(lambda: not ready(), 30)
        public = Client().get("/readyz")
        assert (public.status_code, public.json()) == (503, {"ok": False})
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(30)


@pytest.mark.django_db
def test_a_monitor_with_the_token_sees_the_detail(heartbeat_key, settings):
    settings.HEALTHZ_TOKEN = "a monitor's secret"
    response = Client().get("/readyz", HTTP_AUTHORIZATION="Bearer a monitor's secret")
    assert response.status_code == 503
    assert set(response.json()["services"]) == {"postgresql", "opensearch", "redis", "worker"}
    assert Client().get("/readyz", HTTP_AUTHORIZATION="Bearer wrong").json() == {"ok": False}

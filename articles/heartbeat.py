"""A Celery worker's heartbeat, for the readiness check (/readyz).

Each worker process writes ``{hostname: unix time}`` into one Redis sorted set every
``WORKER_HEARTBEAT_SECONDS`` from a daemon thread started when the worker is ready. /readyz
asks Redis whether any member is younger than ``WORKER_HEARTBEAT_MAX_AGE``: one cheap read,
with no broadcast to the workers (``control.ping`` would wait for every worker's answer and
needs the remote-control queues), and a worker that is wedged or SIGKILLed stops vouching for
itself on its own. Old members are trimmed on every beat, so the set never grows.
"""

from __future__ import annotations

import logging
import threading
import time

import redis
from celery.signals import worker_ready, worker_shutdown
from django.conf import settings

log = logging.getLogger(__name__)

_stop = threading.Event()


def _client() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)


def beat(client: redis.Redis, hostname: str) -> None:
    """One heartbeat: this worker is alive now; members older than the max age are dropped."""
    now = time.time()
    key = settings.WORKER_HEARTBEAT_KEY
    with client.pipeline() as pipe:
        pipe.zadd(key, {hostname: now})
        pipe.zremrangebyscore(key, "-inf", now - settings.WORKER_HEARTBEAT_MAX_AGE)
        # The whole set expires if every worker is gone, so a stopped deployment leaves nothing.
        pipe.expire(key, settings.WORKER_HEARTBEAT_MAX_AGE * 2)
        pipe.execute()


def _run(hostname: str) -> None:
    client = _client()
    while not _stop.is_set():
        try:
            beat(client, hostname)
        except redis.RedisError as problem:  # the broker is restarting: try at the next beat
            log.warning("worker heartbeat not written: %s", problem)
        _stop.wait(settings.WORKER_HEARTBEAT_SECONDS)


def alive_workers(client: redis.Redis) -> list[str]:
    """Host names of the workers whose last heartbeat is younger than the max age."""
    since = time.time() - settings.WORKER_HEARTBEAT_MAX_AGE
    members = client.zrangebyscore(settings.WORKER_HEARTBEAT_KEY, since, "+inf")
    return sorted(m.decode() for m in members)


@worker_ready.connect
def _start(sender=None, **_) -> None:
    hostname = getattr(sender, "hostname", None) or "worker"
    _stop.clear()
    threading.Thread(target=_run, args=(hostname,), name="heartbeat", daemon=True).start()


@worker_shutdown.connect
def _shutdown(sender=None, **_) -> None:
    _stop.set()
    hostname = getattr(sender, "hostname", None)
    if hostname:
        try:
            _client().zrem(settings.WORKER_HEARTBEAT_KEY, hostname)
        except redis.RedisError:
            pass  # it expires by itself

"""/healthz: checks of the three services, each reported separately. /readyz: the same and a
live Celery worker (its heartbeat in Redis), so a deployment whose worker is gone (nothing
indexes, no alert is sent) is not ready although every service answers."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from articles.heartbeat import alive_workers
from articles.search.client import engine_health


def check_postgresql() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("select version()")
        (version,) = cursor.fetchone()
    return {"version": version.split(" on ")[0]}


def check_opensearch() -> dict:
    health = engine_health()
    if health["status"] == "red":
        raise RuntimeError(f"cluster {health['cluster']} is red")
    return health


def check_redis() -> dict:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
        return {"version": client.info("server")["redis_version"]}
    finally:
        client.close()


def check_worker() -> dict:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        workers = alive_workers(client)
    finally:
        client.close()
    if not workers:
        raise RuntimeError(
            f"no Celery worker heartbeat in the last {settings.WORKER_HEARTBEAT_MAX_AGE} s"
        )
    return {"workers": workers}


CHECKS: dict[str, Callable[[], dict]] = {
    "postgresql": check_postgresql,
    "opensearch": check_opensearch,
    "redis": check_redis,
}
READY_CHECKS: dict[str, Callable[[], dict]] = {**CHECKS, "worker": check_worker}


def run_checks(checks: dict[str, Callable[[], dict]] = CHECKS) -> dict:
    """{"ok": bool, "services": {name: {"ok", "latency_ms", ...details or "error"}}}."""
    services = {}
    for name, check in checks.items():
        started = time.monotonic()
        try:
            result = {"ok": True, **check()}
        except Exception as error:  # a health check reports every failure, whatever its kind
            result = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
        result["latency_ms"] = round((time.monotonic() - started) * 1000, 1)
        services[name] = result
    return {"ok": all(s["ok"] for s in services.values()), "services": services}


def may_see_detail(request: HttpRequest) -> bool:
    """Service versions and raw errors help an attacker: staff, or a monitor presenting
    ``HEALTHZ_TOKEN`` as a bearer token, see them; everyone else sees the bare status."""
    if request.user.is_authenticated and request.user.is_staff:
        return True
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token and given and hmac.compare_digest(given, token))


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return _answer(request, run_checks())


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to do all its work: the services of /healthz and at least one live worker."""
    return _answer(request, run_checks(READY_CHECKS))


def _answer(request: HttpRequest, report: dict) -> JsonResponse:
    status = 200 if report["ok"] else 503
    if not may_see_detail(request):
        report = {"ok": report["ok"]}
    return JsonResponse(report, status=status)

"""A polite, guarded HTTP client for feeds and article pages (urllib3).

* **SSRF guard**: only http/https; the address the socket actually connected to is checked
  (after DNS, so a name that resolves to 127.0.0.1 or rebinds is caught), on every hop of a
  redirect: loopback, private, link-local, reserved, multicast ... are refused unless the
  ``host:port`` is in ``COLLECTION_ALLOWED_HOSTS``.
* **Limits** on every request: connect/read timeouts and an overall deadline, a maximum body
  (decoded bytes, so a gzip bomb is cut off too) and a maximum number of redirects.
* **Politeness**: robots.txt (protego; unreachable robots.txt = disallow, as RFC 9309 says),
  one request at a time per host in this process and a minimum delay between requests to a
  host (robots.txt's Crawl-delay when it asks for more), conditional GET headers.

urllib3 rather than requests/httpx: its connection classes are small and public, so checking
the connected peer is a dozen lines, and requests would add nothing but another layer.
"""

from __future__ import annotations

import email.utils
import ipaddress
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from django.core.cache import cache
from protego import Protego
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

REDIRECTS = {301, 302, 303, 307, 308}
CHUNK = 64 * 1024
MAX_ROBOTS_BYTES = 500_000
MAX_CRAWL_DELAY = 30.0


class FetchProblem(Exception):
    """Why a request gave no usable answer; ``status`` when the server answered."""

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: float | None = None
    ):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class Refused(FetchProblem):
    """The guard refused the URL or the address (not the server's fault)."""


class Disallowed(FetchProblem):
    """robots.txt disallows the URL."""


class BodyTooLarge(FetchProblem):
    pass


@dataclass
class Response:
    url: str  # after redirects
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


# --------------------------------------------------------------------------------------------
# The address guard
# --------------------------------------------------------------------------------------------


def address_refused(ip: str) -> str | None:
    """Why the collector must not talk to this address, or None for a public one."""
    address = ipaddress.ip_address(ip.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_global and not address.is_multicast:
        return None
    for name in ("loopback", "link_local", "unspecified", "multicast", "reserved", "private"):
        if getattr(address, f"is_{name}"):
            return f"{name.replace('_', '-')} address {address}"
    return f"non-public address {address}"


class _Guarded:
    allowed: frozenset[str] = frozenset()

    def _new_conn(self):
        sock = super()._new_conn()
        peer = sock.getpeername()[0]
        reason = address_refused(peer)
        if reason and f"{self.host}:{self.port}" not in self.allowed:
            sock.close()
            raise Refused(f"refused to connect to {self.host}: {reason}")
        return sock


def _pool_manager(allowed: frozenset[str]) -> urllib3.PoolManager:
    http_conn = type("GuardedHTTPConnection", (_Guarded, HTTPConnection), {"allowed": allowed})
    https_conn = type("GuardedHTTPSConnection", (_Guarded, HTTPSConnection), {"allowed": allowed})
    manager = urllib3.PoolManager(num_pools=50, maxsize=1)
    manager.pool_classes_by_scheme = {
        "http": type("GuardedHTTPPool", (HTTPConnectionPool,), {"ConnectionCls": http_conn}),
        "https": type("GuardedHTTPSPool", (HTTPSConnectionPool,), {"ConnectionCls": https_conn}),
    }
    return manager


# --------------------------------------------------------------------------------------------
# Politeness: one request at a time per host, a minimum delay between them
# --------------------------------------------------------------------------------------------

_hosts_lock = threading.Lock()
_host_slots: dict[str, tuple[threading.Lock, list[float]]] = {}


@contextmanager
def host_slot(host: str, delay: float, *, hold: float = 120.0) -> Iterator[None]:
    """One request at a time to ``host`` and ``delay`` seconds between two: in this process
    (a lock) and across worker processes (a lock key and a "not before" key in the shared
    cache, Redis). Without the cache, the process lock still holds."""
    with _hosts_lock:
        lock, last = _host_slots.setdefault(host, (threading.Lock(), [0.0]))
    with lock:
        wait = last[0] + delay - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        shared = _shared_slot(host, delay, hold)
        try:
            yield
        finally:
            last[0] = time.monotonic()
            shared.release()


class _shared_slot:
    def __init__(self, host: str, delay: float, hold: float) -> None:
        self.lock_key = f"collection:host:{host}:busy"
        self.next_key = f"collection:host:{host}:next"
        self.delay, self.held = delay, False
        deadline = time.time() + hold
        try:
            while not cache.add(self.lock_key, 1, timeout=hold):
                if time.time() > deadline:
                    return  # a crashed holder: its key expires anyway; go on
                time.sleep(0.05)
            self.held = True
            wait = float(cache.get(self.next_key) or 0) - time.time()
            if wait > 0:
                time.sleep(min(wait, MAX_CRAWL_DELAY))
        except Exception:  # the cache is down: the process lock is what we have
            self.held = False

    def release(self) -> None:
        if not self.held:
            return
        try:
            cache.set(self.next_key, time.time() + self.delay, timeout=max(int(self.delay), 1) + 1)
            cache.delete(self.lock_key)
        except Exception:
            pass


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


# --------------------------------------------------------------------------------------------
# The client
# --------------------------------------------------------------------------------------------


class Fetcher:
    """One per collection run; robots.txt files are cached for its lifetime."""

    def __init__(
        self,
        *,
        allowed_hosts: list[str] | None = None,
        timeout: float | None = None,
        max_bytes: int | None = None,
        max_redirects: int | None = None,
        delay: float | None = None,
        user_agent: str | None = None,
    ) -> None:
        allowed = settings.COLLECTION_ALLOWED_HOSTS if allowed_hosts is None else allowed_hosts
        self.timeout = settings.COLLECTION_TIMEOUT if timeout is None else timeout
        self.max_bytes = settings.COLLECTION_MAX_BYTES if max_bytes is None else max_bytes
        self.max_redirects = (
            settings.COLLECTION_MAX_REDIRECTS if max_redirects is None else max_redirects
        )
        self.delay = settings.COLLECTION_HOST_DELAY if delay is None else delay
        self.user_agent = user_agent or settings.COLLECTION_USER_AGENT
        self.pool = _pool_manager(frozenset(allowed))
        self._robots: dict[str, Protego | None] = {}

    def get(
        self, url: str, *, etag: str = "", last_modified: str = "", robots: bool = True
    ) -> Response:
        """GET with the guard, the limits and robots.txt; raises ``FetchProblem`` for any
        answer but 2xx and 304 (``status`` and ``retry_after`` tell the caller how to back off)."""
        headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        for _hop in range(self.max_redirects + 1):
            self._check_url(url)
            if robots:
                self._check_robots(url)
            response = self._request(url, headers)
            if response.status in REDIRECTS and response.headers.get("location"):
                url = urljoin(url, response.headers["location"])
                continue
            if response.status == 304 or 200 <= response.status < 300:
                return response
            raise FetchProblem(
                f"HTTP {response.status} from {url}",
                status=response.status,
                retry_after=parse_retry_after(response.headers.get("retry-after")),
            )
        raise FetchProblem(f"more than {self.max_redirects} redirects from {url}")

    def _check_url(self, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise Refused(f"only http and https URLs are fetched, not {url[:100]!r}")
        if not parts.hostname:
            raise Refused(f"no host in URL {url[:100]!r}")

    def _request(self, url: str, headers: dict[str, str]) -> Response:
        parts = urlsplit(url)
        delay = max(self.delay, self._crawl_delay(url))
        with host_slot(parts.netloc.lower(), delay, hold=4 * self.timeout + 5):
            deadline = time.monotonic() + 3 * self.timeout
            try:
                raw = self.pool.urlopen(
                    "GET",
                    url,
                    headers=headers,
                    redirect=False,
                    retries=False,
                    preload_content=False,
                    timeout=urllib3.Timeout(connect=self.timeout, read=self.timeout),
                )
            except FetchProblem:
                raise
            except urllib3.exceptions.HTTPError as error:
                raise FetchProblem(f"{url}: {_error_text(error)}") from error
            try:
                answer = {k.lower(): v for k, v in raw.headers.items()}
                body = b""
                if raw.status not in REDIRECTS and raw.status != 304:
                    body = self._read(raw, url, deadline)
                return Response(url=url, status=raw.status, headers=answer, body=body)
            finally:
                raw.release_conn()

    def _read(self, raw, url: str, deadline: float) -> bytes:
        declared = raw.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            raw.drain_conn()
            raise BodyTooLarge(
                f"{url}: body of {int(declared):,} bytes exceeds the limit of "
                f"{self.max_bytes:,} bytes; not read"
            )
        chunks, size = [], 0
        try:
            for chunk in raw.stream(CHUNK, decode_content=True):
                size += len(chunk)
                if size > self.max_bytes:
                    raise BodyTooLarge(
                        f"{url}: body cut off at {self.max_bytes:,} bytes (the limit); not used"
                    )
                if time.monotonic() > deadline:
                    raise FetchProblem(f"{url}: too slow, gave up after {3 * self.timeout:.0f}s")
                chunks.append(chunk)
        except urllib3.exceptions.HTTPError as error:
            raise FetchProblem(f"{url}: {_error_text(error)}") from error
        return b"".join(chunks)

    # robots.txt --------------------------------------------------------------------------

    def _robots_for(self, url: str) -> Protego | None:
        """The parsed robots.txt of the URL's site; None means "disallow everything"."""
        parts = urlsplit(url)
        site = f"{parts.scheme}://{parts.netloc}"
        if site not in self._robots:
            self._robots[site] = self._fetch_robots(site)
        return self._robots[site]

    def _fetch_robots(self, site: str) -> Protego | None:
        saved, self.max_bytes = self.max_bytes, min(self.max_bytes, MAX_ROBOTS_BYTES)
        try:
            response = self.get(f"{site}/robots.txt", robots=False)
        except Refused:
            raise
        except FetchProblem as error:
            if error.status is not None and 400 <= error.status < 500:
                return Protego.parse("")  # no robots.txt: everything allowed
            return None  # unreachable: RFC 9309 says assume complete disallow
        finally:
            self.max_bytes = saved
        return Protego.parse(response.body.decode("utf-8", errors="replace"))

    def _check_robots(self, url: str) -> None:
        rules = self._robots_for(url)
        if rules is None:
            raise Disallowed(f"robots.txt of {urlsplit(url).netloc} could not be read")
        if not rules.can_fetch(url, self.user_agent):
            raise Disallowed(f"robots.txt disallows {url}")

    def _crawl_delay(self, url: str) -> float:
        parts = urlsplit(url)
        rules = self._robots.get(f"{parts.scheme}://{parts.netloc}")
        delay = rules.crawl_delay(self.user_agent) if rules is not None else None
        return min(float(delay or 0), MAX_CRAWL_DELAY)


def _error_text(error: Exception) -> str:
    text = str(error)
    if "timed out" in text.lower() or isinstance(
        error, urllib3.exceptions.TimeoutError | urllib3.exceptions.ReadTimeoutError
    ):
        return f"timed out ({text[:200]})"
    return text[:300]

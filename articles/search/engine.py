"""Every read the pages make from the engine goes through here, so an outage looks the same
everywhere: :class:`SearchUnavailable`, which the page, the API and export answer with 503.

A 4xx from the engine is not an outage but a request we built wrongly; it is raised as it is,
a bug to see rather than an outage to hide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from opensearchpy.exceptions import ConnectionError as EngineConnectionError
from opensearchpy.exceptions import ConnectionTimeout, NotFoundError, TransportError

from .client import get_client
from .errors import SearchUnavailable
from .index import alias_name

#: Seconds a page waits for a search (export batches pass their own).
SEARCH_TIMEOUT = 10

T = TypeVar("T")


@contextmanager
def engine_errors() -> Iterator[None]:
    """Turn the engine's outages into SearchUnavailable."""
    try:
        yield
    except NotFoundError as error:
        raise SearchUnavailable("the search index has not been built yet") from error
    except (EngineConnectionError, ConnectionTimeout) as error:
        raise SearchUnavailable("the search engine is not reachable") from error
    except TransportError as error:
        if isinstance(error.status_code, int) and error.status_code < 500:
            raise  # a request we built wrongly: a bug to see, not an outage to hide
        raise SearchUnavailable(f"the search engine failed ({error.status_code})") from error


def engine_call(method: Callable[..., T], /, **kwargs) -> T:
    """``method(**kwargs)`` (a client method), with outages as SearchUnavailable."""
    with engine_errors():
        return method(**kwargs)


def engine_msearch(bodies: list[dict], *, timeout: float = SEARCH_TIMEOUT) -> list[dict]:
    """Several search bodies on the articles alias in one round trip (the engine runs them side
    by side); one answer per body. A body the engine refuses fails the whole call, as
    ``engine_search`` would have failed."""
    lines: list[dict] = []
    for body in bodies:
        lines += [{}, body]
    answer = engine_call(
        get_client().msearch, body=lines, index=alias_name(), request_timeout=timeout
    )
    responses = answer.get("responses", [])
    for item in responses:
        if "error" in item:
            error = item["error"]
            kind = error.get("type", "error") if isinstance(error, dict) else str(error)
            with engine_errors():
                raise TransportError(item.get("status", 500), kind, error)
    return responses


def engine_search(body: dict, *, timeout: float = SEARCH_TIMEOUT) -> dict:
    """Run a search body on the articles alias, or in its point in time when ``body`` names one
    (the engine refuses an index beside a ``pit``)."""
    index = {} if "pit" in body else {"index": alias_name()}
    return engine_call(get_client().search, body=body, request_timeout=timeout, **index)

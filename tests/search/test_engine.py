"""The one engine-call helper: outages become SearchUnavailable, our own mistakes stay visible."""

from __future__ import annotations

import pytest
from opensearchpy.exceptions import (
    ConnectionError,
    ConnectionTimeout,
    NotFoundError,
    RequestError,
    TransportError,
)

from articles.search.engine import engine_call
from articles.search.errors import SearchUnavailable


def failing(error: Exception):
    def method(**kwargs):
        raise error

    return method


@pytest.mark.parametrize(
    "error",
    [
        NotFoundError(404, "index_not_found_exception", {}),
        ConnectionError("N/A", "refused", None),
        ConnectionTimeout("TIMEOUT", "timed out", None),
        TransportError(503, "unavailable", {}),
        TransportError("N/A", "no status", {}),
    ],
)
def test_outages_become_search_unavailable(error):
    with pytest.raises(SearchUnavailable):
        engine_call(failing(error), body={})


def test_a_request_we_built_wrongly_is_raised_as_it_is():
    with pytest.raises(RequestError):
        engine_call(failing(RequestError(400, "parsing_exception", {})), body={})


def test_the_answer_passes_through():
    assert engine_call(lambda **kwargs: kwargs, body={"size": 0}) == {"body": {"size": 0}}


def test_msearch_answers_each_body_and_a_refused_body_fails_the_call(search_index):
    from articles.search.engine import engine_msearch

    first, second = engine_msearch([{"size": 0}, {"size": 0, "track_total_hits": False}])
    assert first["hits"]["total"]["value"] == 0 and "total" not in second["hits"]
    with pytest.raises(TransportError) as refused:
        engine_msearch([{"size": 0}, {"query": {"no_such_query": {}}}])
    assert refused.value.status_code == 400  # our bug, raised as it is: not an outage

"""The one OpenSearch connection of the app. Only articles.search.* imports this."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from opensearchpy import OpenSearch
from opensearchpy.exceptions import OpenSearchException

#: The engine's own errors (unreachable, timed out, refused). Code outside ``articles.search``
#: catches this name instead of importing the client library.
EngineError = OpenSearchException


#: Answers a request is retried on, at the next node: the node is starting, stopping or cannot
#: reach the cluster manager (a cluster that just lost a node answers 503 until it re-forms).
RETRY_ON_STATUS = (502, 503, 504)


def engine_hosts() -> list[str]:
    """The nodes ``settings.OPENSEARCH_URL`` names (comma-separated)."""
    return [url.strip() for url in settings.OPENSEARCH_URL.split(",") if url.strip()]


@cache
def get_client() -> OpenSearch:
    """A client for ``engine_hosts()`` (one local node, a cluster's nodes or an
    external service). A request that cannot connect, times out or meets a node that is going
    away is retried on the next host; a dead host is left aside for a while (the transport's
    connection pool), so a lost node costs one retry, not a failed search."""
    hosts = engine_hosts()
    return OpenSearch(
        hosts=hosts,
        timeout=settings.OPENSEARCH_TIMEOUT,
        # One retry per other node, at least two (a single node that restarts).
        max_retries=max(2, len(hosts)),
        retry_on_timeout=True,
        retry_on_status=RETRY_ON_STATUS,
    )


def engine_health() -> dict:
    """Cluster name, version and health; raises opensearchpy exceptions when unreachable."""
    client = get_client()
    info = client.info()
    health = client.cluster.health(request_timeout=5)
    return {
        "cluster": info["cluster_name"],
        "version": info["version"]["number"],
        "status": health["status"],
    }


def point_alias(alias: str, index: str) -> list[str]:
    """Move ``alias`` onto ``index`` in one atomic call (searches never see it missing) and
    return the indices it left, for the caller to delete. A concrete index squatting the
    alias's name (an old deployment) is replaced in the same call."""
    client = get_client()
    old = (
        list(client.indices.get_alias(name=alias))
        if client.indices.exists_alias(name=alias)
        else []
    )
    swap = [{"add": {"index": index, "alias": alias}}]
    swap += [{"remove": {"index": name, "alias": alias}} for name in old]
    if not old and client.indices.exists(index=alias):
        swap.append({"remove_index": {"index": alias}})
    client.indices.update_aliases(body={"actions": swap})
    return old

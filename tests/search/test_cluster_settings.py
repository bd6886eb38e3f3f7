"""Several OpenSearch nodes in OPENSEARCH_URL, and the index's shards and replicas from the
settings (the 3-node failover itself is tests/cluster, run by make failover)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import REPO


def _read(**env: str) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "from articles.search.client import engine_hosts, get_client; "
        "from articles.search.index import "
        "index_body; t = get_client().transport; i = index_body()['settings']['index']; "
        "print(json.dumps({'hosts': engine_hosts(), 'nodes': len(t.hosts), "
        "'retries': t.max_retries, 'status': list(t.retry_on_status), "
        "'shards': i['number_of_shards'], 'replicas': i['number_of_replicas']}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "ctsearch.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_one_node_by_default_with_one_shard_and_no_replica():
    found = _read(OPENSEARCH_URL="http://127.0.0.1:59200")
    assert found["hosts"] == ["http://127.0.0.1:59200"]
    assert (found["shards"], found["replicas"]) == (1, 0)


def test_several_nodes_each_a_host_the_client_fails_over_to():
    found = _read(
        OPENSEARCH_URL="http://a:9200, http://b:9200,http://c:9200",
        OPENSEARCH_SHARDS="3",
        OPENSEARCH_REPLICAS="1",
    )
    assert found["hosts"] == ["http://a:9200", "http://b:9200", "http://c:9200"]
    assert found["nodes"] == 3
    assert found["retries"] >= 3  # one more try per other node
    assert {502, 503, 504} <= set(found["status"])
    assert (found["shards"], found["replicas"]) == (3, 1)

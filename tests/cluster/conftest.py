"""A 3-node OpenSearch cluster (ops/cluster.sh) and a disposable PostgreSQL and Redis
(tests/faults/stack.py), all on free ports under var/cluster-<run>/. Starting three nodes on a
small machine takes a minute or two, so these tests run only when asked: ``make failover``
(or CTSEARCH_CLUSTER_TESTS=1)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess

import pytest

from tests.conftest import REPO
from tests.faults.stack import Stack, free_port, run_tag

CLUSTER = REPO / "ops" / "cluster.sh"
NODES = 3


def pytest_collection_modifyitems(config, items):
    if os.environ.get("CTSEARCH_CLUSTER_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="the 3-node cluster runs with make failover")
    for item in items:
        if item.get_closest_marker("cluster"):
            item.add_marker(skip)


class Cluster:
    def __init__(self, var, base: int) -> None:
        self.var = var
        self.base = base
        self.ports = [base + i for i in range(NODES)]
        self.urls = ",".join(f"http://127.0.0.1:{port}" for port in self.ports)

    def run(self, *args: str) -> str:
        env = {
            **os.environ,
            "CTSEARCH_VAR_DIR": str(self.var),
            "CTSEARCH_CLUSTER_PORT": str(self.base),
            "CTSEARCH_CLUSTER_NODES": str(NODES),
        }
        done = subprocess.run(
            [str(CLUSTER), *args], env=env, capture_output=True, text=True, timeout=400
        )
        if done.returncode:
            raise RuntimeError(f"cluster.sh {' '.join(args)}: {done.stdout}{done.stderr}")
        return done.stdout

    def pid(self, port: int) -> int:
        return int((self.var / "run" / f"cluster-{port}.pid").read_text())


def _free_base() -> int:
    """A port with the next NODES-1 ports, and each one's +100, free."""
    for _ in range(100):
        base = free_port(also=100)
        try:
            for port in range(base + 1, base + NODES):
                for candidate in (port, port + 100):
                    with socket.socket() as s:
                        s.bind(("127.0.0.1", candidate))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports for the cluster")


@pytest.fixture(scope="module")
def cluster_stack():
    var = REPO / "var" / f"cluster-{run_tag()}"
    stack = Stack(var)
    cluster = Cluster(var, _free_base())
    stack.services("stop")
    shutil.rmtree(var, ignore_errors=True)
    try:
        with stack.prepared(lambda: cluster.run("start")):
            yield stack, cluster
    finally:
        cluster.run("stop")
        stack.services("stop")

"""The disposable stack the fault tests kill and restart (tests/faults/stack.py): one per test
session, shared by the tests (OpenSearch takes half a minute to start), each test with its own
database, index prefix and Redis database."""

from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import REPO

from .stack import Stack, run_tag


def pytest_collection_modifyitems(config, items):
    """The kill-and-restart tests start their own services and wait for restarts: about four
    minutes on a quiet 2-core machine, sixteen on a busy one. `make faults` runs them (and
    CTSEARCH_FAULTS_TESTS=1 with pytest); `make test` runs them after the suite, in a session of
    their own (ops/test.sh), and a plain `pytest` skips them."""
    if os.environ.get("CTSEARCH_FAULTS_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="services killed and restarted: make faults runs these")
    for item in items:
        if item.get_closest_marker("faults"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def stack():
    stack = Stack(REPO / "var" / f"faults-{run_tag()}")
    stack.services("stop")  # what a crashed earlier session left running, if anything
    shutil.rmtree(stack.var, ignore_errors=True)
    try:
        with stack.prepared(lambda: stack.services("start-opensearch")):
            yield stack
    finally:
        # The data and logs stay for a look after a failure; the next session deletes them.
        stack.services("stop")


@pytest.fixture
def engine_back(stack):
    """Whatever the test did to the engine, it is up again afterwards for the next test."""
    yield
    if not stack.engine_up():
        stack.services("start-opensearch")

"""OpenSearch SIGKILLed mid-ingest and mid-rebuild, then started again (on the disposable stack
of tests/faults/stack.py). PostgreSQL keeps what the engine did not take; once the engine is
back, draining (or a rebuild's rerun) makes PostgreSQL and the index agree."""

from __future__ import annotations

import pytest

from .stack import wait_for

pytestmark = pytest.mark.faults


@pytest.fixture
def corpus(saudinewsnet_dir):
    return str(saudinewsnet_dir / "2015-08-01.zip")


def _count(stack, alias: str) -> int:
    stack.engine("POST", f"/{alias}/_refresh")
    return stack.engine("GET", f"/{alias}/_count")["count"]


def test_engine_killed_mid_ingest(stack, engine_back, corpus, tmp_path):
    db = stack.new_database("engine_ingest")
    # Small bulk batches: the kill lands between committed batches and inside one.
    env = stack.app_env(db, INDEX_DRAIN_BATCH="100")
    alias = f"faults_{db}_articles"
    log = tmp_path / "ingest.log"
    ingest = stack.start_manage(env, "ingest", corpus, "--source", "snn", "--no-progress", log=log)

    # The articles are stored first, then indexed batch by batch, each batch's outbox rows
    # deleted in the transaction that sent it: kill once one batch has been committed.
    def drained_some() -> bool:
        try:
            stored = stack.scalar(db, "select count(*) from articles_article")
            pending = stack.scalar(db, "select count(*) from articles_indexchange")
        except Exception:
            return False
        return 0 < pending < stored

    wait_for(drained_some, timeout=240, what="the first indexed batch", every=0.05)
    stack.kill_opensearch()
    # Exit status 1: the corpus holds a few records ingest rejects (no text, …); the engine's
    # loss is a warning, the run ends normally (the engine client logs each failed try).
    assert ingest.wait(timeout=120) in (0, 1), log.read_text()
    output = log.read_text()
    assert output.rstrip().endswith("input(s) rejected") or "indexed" in output, output
    assert "not indexed yet" in output, output

    stored = stack.scalar(db, "select count(*) from articles_article")
    pending = stack.scalar(db, "select count(distinct article_id) from articles_indexchange")
    assert stored > 1000
    assert 0 < pending < stored  # some batches were taken, the rest kept

    stack.services("start-opensearch")
    # Whatever left the outbox is in the index: nothing was dropped between the two.
    in_index = _count(stack, alias)
    assert in_index >= stored - pending
    drained = stack.manage(env, "search_index", "drain")
    assert drained.returncode == 0, drained.stdout + drained.stderr
    stack.assert_agree(env)


def test_engine_killed_mid_rebuild(stack, engine_back, corpus, tmp_path):
    db = stack.new_database("engine_rebuild")
    env = stack.app_env(db)
    alias = f"faults_{db}_articles"
    stack.manage(env, "ingest", corpus, "--source", "snn", "--no-progress")
    stack.assert_agree(env)
    old = set(stack.indices(alias))
    assert len(old) == 1
    documents = _count(stack, alias)

    log = tmp_path / "rebuild.log"
    rebuild = stack.start_manage(env, "search_index", "rebuild", log=log)

    def half_built() -> set[str]:
        try:
            return set(stack.indices(alias)) - old
        except Exception:
            return set()

    new = wait_for(half_built, timeout=120, what="the rebuild's new index", every=0.02)
    stack.kill_opensearch()
    assert rebuild.wait(timeout=120) == 1, log.read_text()
    assert "CommandError: OpenSearch:" in log.read_text(), log.read_text()

    stack.services("start-opensearch")
    # The alias never moved: search reads the old, complete index.
    aliases = stack.indices(alias)
    assert [name for name, found in aliases.items() if alias in found["aliases"]] == [*old]
    assert _count(stack, alias) == documents
    hits = stack.engine("POST", f"/{alias}/_search", {"query": {"match": {"body": "السعودية"}}})
    assert hits["hits"]["total"]["value"] > 0
    assert new <= set(aliases)  # the half-built index is still there, unused

    rerun = stack.manage(env, "search_index", "rebuild")
    assert rerun.returncode == 0, rerun.stdout + rerun.stderr
    left = set(stack.indices(alias))
    assert len(left) == 1 and not left & (old | new)  # the old and the half-built are gone
    stack.assert_agree(env)

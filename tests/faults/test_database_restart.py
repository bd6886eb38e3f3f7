"""PostgreSQL stopped mid-ingest (``pg_ctl stop -m fast``: every connection cut) and started
again a few seconds later, on the disposable stack of tests/faults/stack.py. The run retries the
batch on a new connection, reports the batches it could not store as rejections that say why,
never keeps half a record, and goes on once the database is back; a re-run stores the rest."""

from __future__ import annotations

import time

import pytest

from articles.ingest.pipeline import RECONNECT_DELAYS

from .stack import wait_for

pytestmark = pytest.mark.faults

UNREACHABLE = "not stored: the database was unreachable"


def test_database_restarted_mid_ingest(stack, saudinewsnet_dir, tmp_path):
    corpus = str(saudinewsnet_dir / "2015-07-22.zip")
    db = stack.new_database("pg_restart")
    env = stack.app_env(db)
    log = tmp_path / "ingest.log"
    ingest = stack.start_manage(
        env,
        *("ingest", corpus, "--source", "snn", "--batch-size", "100", "--no-progress"),
        "--no-index",  # the outbox then holds every stored article: part of what is checked
        log=log,
    )

    def stored() -> int:
        try:
            return stack.scalar(db, "select count(*) from articles_article")
        except Exception:
            return 0

    wait_for(lambda: stored() >= 200, timeout=240, what="two batches stored")
    stack.services("stop-postgres")
    # Down for longer than the run's retries, so that at least one batch is given up on.
    time.sleep(sum(RECONNECT_DELAYS) + 3)
    stack.services("start-postgres")
    assert ingest.wait(timeout=300) == 1, log.read_text()  # rejections: exit status 1
    output = log.read_text()
    assert "database connection lost" in output
    assert UNREACHABLE in output, output
    assert output.rstrip().endswith("input(s) rejected"), output  # the run ended normally
    first = stored()
    assert first > 200  # batches after the restart were stored

    # Nothing half-written: every stored article is complete (enriched in the same transaction)
    # and queued for the index.
    incomplete = stack.scalar(
        db,
        "select count(*) from articles_article a where a.content_hash = '' or a.tags_version = ''"
        " or a.minhash is null or not exists"
        " (select 1 from articles_indexchange c where c.article_id = a.id)",
    )
    assert incomplete == 0

    again = stack.manage(env, "ingest", corpus, "--source", "snn", "--no-progress")
    assert UNREACHABLE not in again.stdout, again.stdout
    assert stored() > first
    assert "created 0 " not in again.stdout
    third = stack.manage(env, "ingest", corpus, "--source", "snn", "--no-progress")
    assert "created 0 / updated 0 " in third.stdout, third.stdout  # all there now
    stack.assert_agree(env)

"""A real Celery worker (the command ops/supervisord.conf runs) against the disposable stack of
tests/faults/stack.py: Redis restarted under it, and the worker itself SIGKILLed mid-drain.
The outbox in PostgreSQL is the guarantee: nothing is lost, and whatever drains next makes the
index agree with PostgreSQL."""

from __future__ import annotations

import signal
import time

import pytest

from .stack import kill_group, wait_for

pytestmark = pytest.mark.faults

HIDE = (
    "from articles import actions; from articles.models import Article; "
    "ids = list(Article.objects.filter(status='visible').order_by('id')"
    ".values_list('id', flat=True)[:{n}]); print(actions.set_article_status(ids, 'hidden'))"
)
# What beat sends every minute (ctsearch/settings.py CELERY_BEAT_SCHEDULE).
SWEEP = "from articles.tasks import sweep_index_task; sweep_index_task.delay()"


def _pending(stack, db: str) -> int:
    try:
        return stack.scalar(db, "select count(*) from articles_indexchange")
    except Exception:
        return -1


def test_redis_restarted_under_a_running_worker(stack, saudinewsnet_dir, tmp_path):
    db = stack.new_database("redis_restart")
    env = stack.app_env(db, redis_db=4)
    log = tmp_path / "worker.log"
    worker = stack.start_worker(env, log)
    try:
        ingest = stack.manage(
            env,
            "ingest",
            str(saudinewsnet_dir / "2015-08-01.zip"),
            "--source",
            "snn",
            "--no-progress",
            "--no-index",
        )
        assert "created" in ingest.stdout, ingest.stdout + ingest.stderr
        # The worker drains what the ingest queued.
        wait_for(lambda: _pending(stack, db) == 0, timeout=180, what="the first drain")

        stack.services("stop-redis")
        time.sleep(3)  # the worker notices the broker is gone
        stack.services("start-redis")
        time.sleep(5)
        assert worker.poll() is None, log.read_text()[-4000:]
        assert "Unrecoverable error" not in log.read_text(), log.read_text()[-4000:]

        # A backlog queued after the restart: each hiding commits and asks for a drain (each
        # call hides the first n articles still visible: 60 in all).
        for n in (10, 20, 30):
            hidden = stack.manage(env, "shell", "-c", HIDE.format(n=n))
            assert hidden.returncode == 0, hidden.stderr
        assert stack.scalar(db, "select count(*) from articles_article where status='hidden'") == 60
        wait_for(lambda: _pending(stack, db) == 0, timeout=120, what="the drains after restart")
        stack.assert_agree(env)  # the hidden articles are no longer searchable
        assert worker.poll() is None
    finally:
        kill_group(worker, signal.SIGTERM)


def test_worker_killed_mid_drain(stack, saudinewsnet_dir, tmp_path):
    db = stack.new_database("worker_kill")
    # Small index transactions: the kill lands between committed ones and inside one.
    env = stack.app_env(db, redis_db=5, INDEX_DRAIN_BATCH="100")
    ingest = stack.manage(
        env,
        "ingest",
        str(saudinewsnet_dir / "2015-07-22.zip"),
        "--source",
        "snn",
        "--no-progress",
        "--no-index",
    )
    assert "created" in ingest.stdout, ingest.stdout + ingest.stderr
    queued = _pending(stack, db)
    assert queued > 1000

    log = tmp_path / "worker.log"
    worker = stack.start_worker(env, log)
    wait_for(lambda: 0 < _pending(stack, db) <= queued - 200, timeout=180, what="a drain going")
    kill_group(worker)  # SIGKILL: the main process and its pool, mid-transaction
    time.sleep(1)
    left = _pending(stack, db)
    assert 0 < left < queued  # the batch in flight rolled back: its rows are still there
    documents = (
        stack.engine("POST", f"/faults_{db}_articles/_refresh")
        and stack.engine("GET", f"/faults_{db}_articles/_count")["count"]
    )
    visible = stack.scalar(db, "select count(*) from articles_article where status='visible'")
    assert documents >= visible - left  # what left the outbox is in the index

    worker = stack.start_worker(env, log)
    try:
        swept = stack.manage(env, "shell", "-c", SWEEP)
        assert swept.returncode == 0, swept.stderr
        wait_for(lambda: _pending(stack, db) == 0, timeout=180, what="the new worker's drain")
        stack.assert_agree(env)  # every article once: ids are the articles' primary keys
    finally:
        kill_group(worker, signal.SIGTERM)

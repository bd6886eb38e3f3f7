"""The outbox keeps the index in step with PostgreSQL, through outages and rebuilds."""

from __future__ import annotations

import threading

import pytest
from django.core.management import call_command

from articles import actions
from articles.models import Article, IndexChange
from articles.search import indexer
from articles.search.client import get_client
from articles.search.index import alias_name

pytestmark = pytest.mark.django_db


def indexed_ids(client) -> set[int]:
    client.indices.refresh(index=alias_name())
    hits = client.search(index=alias_name(), body={"size": 1000, "_source": False})
    return {int(hit["_id"]) for hit in hits["hits"]["hits"]}


def test_ingest_queues_and_drain_indexes(seeds_dir, search_index):
    call_command("ingest", str(seeds_dir), "--source", "seeds", "--no-progress", "--no-index")
    assert IndexChange.objects.count() == 5
    report = indexer.drain(refresh=True)
    assert report.sent == 5
    assert not IndexChange.objects.exists()
    assert indexed_ids(search_index) == set(Article.objects.values_list("pk", flat=True))


def test_hidden_articles_leave_the_index(seeds_dir, search_index):
    call_command("ingest", str(seeds_dir), "--source", "seeds", "--no-progress")
    hidden = Article.objects.order_by("pk").first()
    actions.set_article_status([hidden.pk], Article.Status.HIDDEN)
    indexer.drain(refresh=True)
    assert hidden.pk not in indexed_ids(search_index)
    actions.set_article_status([hidden.pk], Article.Status.VISIBLE)
    indexer.drain(refresh=True)
    assert hidden.pk in indexed_ids(search_index)


def test_engine_down_loses_nothing(seeds_dir, search_index, settings):
    """OpenSearch unreachable: articles are saved, changes wait, and the index converges."""
    reachable = settings.OPENSEARCH_URL  # this checkout's engine (its port may be its own)
    settings.OPENSEARCH_URL = "http://127.0.0.1:9"
    settings.OPENSEARCH_TIMEOUT = 1
    get_client.cache_clear()
    call_command("ingest", str(seeds_dir), "--source", "seeds", "--no-progress")
    assert Article.objects.count() == 5
    assert IndexChange.objects.count() == 5
    with pytest.raises(Exception):  # noqa: B017 - any transport error; nothing is lost
        indexer.drain()
    assert IndexChange.objects.count() == 5

    settings.OPENSEARCH_URL = reachable
    get_client.cache_clear()
    indexer.drain(refresh=True)
    assert not IndexChange.objects.exists()
    assert len(indexed_ids(get_client())) == 5


def test_status_counts(seeds_dir, search_index):
    call_command("ingest", str(seeds_dir), "--source", "seeds", "--no-progress", "--no-index")
    status = indexer.status()
    assert (status.articles, status.documents, status.pending) == (5, 0, 5)
    indexer.drain(refresh=True)
    status = indexer.status()
    assert (status.articles, status.documents, status.pending) == (5, 5, 0)


@pytest.mark.django_db(transaction=True)
def test_rebuild_swaps_the_alias_while_search_keeps_answering(seeds_dir, search_index):
    call_command("ingest", str(seeds_dir), "--source", "seeds", "--no-progress")
    before = next(iter(search_index.indices.get_alias(name=alias_name())))
    failures: list[Exception] = []
    counts: list[int] = []
    stop = threading.Event()

    def search_continuously():
        while not stop.is_set():
            try:
                counts.append(search_index.count(index=alias_name())["count"])
            except Exception as error:  # the point of the test: there must be none
                failures.append(error)

    searcher = threading.Thread(target=search_continuously)
    searcher.start()
    try:
        for _ in range(3):
            indexer.rebuild()
    finally:
        stop.set()
        searcher.join()
    after = next(iter(search_index.indices.get_alias(name=alias_name())))
    assert after != before
    assert not failures
    assert counts and min(counts) == 5
    assert not search_index.indices.exists(index=before)


def test_rebuild_catches_up_on_changes_made_meanwhile(seeds_dir, search_index):
    call_command("ingest", str(seeds_dir), "--source", "seeds", "--no-progress")
    target = Article.objects.order_by("pk").first()

    def hide_during_scan(total: int) -> None:
        actions.set_article_status([target.pk], Article.Status.HIDDEN)

    indexer.rebuild(progress=hide_during_scan)
    assert target.pk not in indexed_ids(search_index)


def test_processes_starting_at_once_create_one_index_behind_the_alias(search_index):
    """The web server, a worker and beat all call ensure_index on their first drain; two
    indices behind the alias would leave it without a write index and refuse every document."""
    from concurrent.futures import ThreadPoolExecutor

    from articles.search.index import alias_name
    from articles.search.indexer import ensure_index

    search_index.indices.delete_alias(index="_all", name=alias_name())
    for name in search_index.indices.get(index=f"{alias_name()}*"):
        search_index.indices.delete(index=name)
    with ThreadPoolExecutor(max_workers=6) as pool:
        names = set(pool.map(lambda _: ensure_index(), range(12)))
    assert len(names) == 1
    assert list(search_index.indices.get_alias(name=alias_name())) == list(names)


def test_an_index_made_by_an_older_ctsearch_is_noticed_and_a_rebuild_makes_it_current(
    search_index,
):
    from articles.search.index import alias_name
    from articles.search.indexer import mapping_is_current, rebuild

    assert mapping_is_current()
    search_index.indices.put_mapping(index=alias_name(), body={"_meta": {"mapping_version": 1}})
    assert not mapping_is_current()
    rebuild()
    assert mapping_is_current()

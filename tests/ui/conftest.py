"""A small real corpus for the page tests, ingested once per module into the test database and
an index of the pages' own (``ctsearch_testui``), so other suites' index clean-ups never touch
it.

The corpus: the five seed pages, 25 SaudiNewsNet articles from each of four days (articles that
name داعش first, so a query hits several outlets and days), and a few hostile articles: markup
in the title and body, and cells a spreadsheet would run as formulas.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.test import override_settings

from articles.models import Article, IndexChange, Source
from articles.search.client import get_client
from tests.conftest import ensure_starter_gazetteer
from tests.factories import make_researcher

UI_PREFIX = "ctsearch_testui"
DAYS = ("2015-07-21", "2015-07-25", "2015-08-01", "2015-08-06")
PER_DAY = 25
QUERY = "داعش"

HOSTILE = [
    {
        "url": "https://markup.example/1",
        "title": "بيان <b>داعش</b> عن الهجوم <script>alert('t')</script>",
        "content": "<script>alert('x')</script> أعلن تنظيم داعش مسؤوليته عن الهجوم، "
        'وكتب المهاجم <img src=x onerror="alert(1)"> في بيانه.',
        "published_at": "2015-08-05",
        "source": "markup",
    },
    {
        "url": "https://formula.example/1",
        "title": '=HYPERLINK("http://evil.example","داعش")',
        "author": "@attacker",
        "content": "+cmd|' /C calc'!A0 داعش يهدد المدينة\n-2+3 في تقرير عن داعش",
        "published_at": "2015-08-04",
        "source": "formula",
    },
]


def _ui_indices(client) -> None:
    for name in client.indices.get(index=f"{UI_PREFIX}_articles*", expand_wildcards="all"):
        client.indices.delete(index=name)


def build_corpus(saudinewsnet_dir: Path, dest: Path) -> Path:
    rows: list[dict] = []
    for day in DAYS:
        with zipfile.ZipFile(saudinewsnet_dir / f"{day}.zip") as archive:
            records = json.loads(archive.read(f"{day}.json"))
        usable = [r for r in records if (r.get("content") or "").strip() and r.get("title")]
        named = [r for r in usable if QUERY in r["content"]][:15]
        others = [r for r in usable if QUERY not in r["content"]][: PER_DAY - len(named)]
        rows.extend(named + others)
    rows.extend(HOSTILE)
    path = dest / "ui-corpus.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", "utf-8")
    return path


@pytest.fixture(scope="module")
def ui_corpus(django_db_setup, django_db_blocker, seeds_dir, saudinewsnet_dir, tmp_path_factory):
    """The corpus, committed to the test database and indexed under the pages' own prefix."""
    corpus = build_corpus(saudinewsnet_dir, tmp_path_factory.mktemp("ui"))
    prefix = override_settings(OPENSEARCH_INDEX_PREFIX=UI_PREFIX)
    prefix.enable()
    try:
        with django_db_blocker.unblock():
            ensure_starter_gazetteer()
            get_client.cache_clear()
            _ui_indices(get_client())
            Article.objects.all().delete()
            call_command("ingest", str(seeds_dir), "--source", "seeds", "--no-progress")
            try:
                call_command("ingest", str(corpus), "--no-progress")
            except CommandError:  # an empty article is rejected; the rest landed
                pass
            get_client().indices.refresh(index=f"{UI_PREFIX}_articles")
        yield corpus
    finally:
        with django_db_blocker.unblock():
            Article.objects.all().delete()
            Source.objects.all().delete()
            IndexChange.objects.all().delete()
            _ui_indices(get_client())
            # Playwright's sync API runs fixtures in greenlets with their own context, where
            # Django opens its own connection: close it, or the test database cannot be dropped.
            connections.close_all()
        prefix.disable()


# ------------------------------------------------------------------------------------------------
# Browser tests: pytest-django's live_server makes every test transactional, and a
# transactional test empties every table when it ends. The module's corpus is copied aside once
# and copied back before each browser test (one transaction; Django's foreign keys are
# deferrable), so the corpus is ingested once per module, not once per test.
# ------------------------------------------------------------------------------------------------


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _restore(tables: list[str]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE")
        for table in tables:
            cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "uisnap_{table}"')


@pytest.fixture(scope="module")
def corpus_snapshot(ui_corpus, django_db_blocker):
    with django_db_blocker.unblock():
        tables = _tables()
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'DROP TABLE IF EXISTS "uisnap_{table}"')
                cursor.execute(f'CREATE TABLE "uisnap_{table}" AS SELECT * FROM "{table}"')
    yield tables
    # The last test's flush emptied every table, also the data migrations wrote (gazetteer,
    # content types): put it all back for the suites that run after this module.
    with django_db_blocker.unblock():
        _restore(tables)
        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f'DROP TABLE IF EXISTS "uisnap_{table}"')
        connections.close_all()


@pytest.fixture
def restored_corpus(corpus_snapshot, transactional_db):
    """The module corpus, as it was after ingestion, in every table."""
    _restore(corpus_snapshot)
    return corpus_snapshot


@pytest.fixture
def researcher(client, django_user_model):
    user = make_researcher("researcher", email="researcher@example.org")
    client.force_login(user)
    return client

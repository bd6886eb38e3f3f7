"""The articles' bulk upsert (articles/bulk_upsert.py) against the real PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from articles import actions
from articles.bulk_upsert import upsert_articles_rows
from articles.ingest.pipeline import content_hash
from articles.models import Article
from tests.factories import make_source

pytestmark = pytest.mark.django_db


def row(source_id: int, key: str, body: str, **fields) -> dict:
    values = {
        "source_id": source_id,
        "key": key,
        "url": key,
        "canonical_url": "",
        "title": "عنوان",
        "byline": "",
        "body": body,
        "raw": body,
        "raw_encoding": "utf-8",
        "origin": "tests",
        "language": "ar",
        "published_at": dt.datetime(2015, 8, 6, tzinfo=dt.UTC),
        "published_at_source": "metadata",
        **fields,
    }
    values["content_hash"] = content_hash(values)
    return values


def test_inserts_updates_a_changed_row_and_leaves_an_unchanged_one():
    source = make_source()
    first = [
        row(source.pk, "https://a.example/1", "نص أول"),
        row(source.pk, "https://a.example/2", "نص"),
    ]
    counts = actions.upsert_articles(first)
    assert counts.created == 2 and Article.objects.count() == 2
    stored = Article.objects.get(key="https://a.example/1")
    # JSON, arrays of dates and bytes go through as the ORM would write them
    assert stored.tags == {} and stored.event_dates == [] and stored.status == "visible"

    again = [
        row(source.pk, "https://a.example/1", "نص معدل", tags={"actors": ["isis"]},
            event_dates=[dt.date(2015, 8, 5)], minhash=b"\x00\x01"),
        row(source.pk, "https://a.example/2", "نص"),
    ]  # fmt: skip
    counts = actions.upsert_articles(again)
    assert (counts.created, counts.updated, counts.unchanged) == (0, 1, 1)
    stored.refresh_from_db()
    assert stored.body == "نص معدل" and stored.tags == {"actors": ["isis"]}
    assert stored.event_dates == [dt.date(2015, 8, 5)] and bytes(stored.minhash) == b"\x00\x01"
    assert counts.updated_ids == [stored.pk]


def test_two_upserts_in_one_transaction_do_not_see_each_others_staging_rows():
    source = make_source()
    with transaction.atomic():
        actions.upsert_articles([row(source.pk, "https://b.example/1", "أ")])
        counts = actions.upsert_articles([row(source.pk, "https://b.example/2", "ب")])
    assert counts.created == 1 and Article.objects.filter(source=source).count() == 2


def test_a_row_the_table_refuses_rolls_the_batch_back_whole():
    from django.db import IntegrityError

    source = make_source()
    rows = [
        row(source.pk, "https://c.example/1", "نص"),
        row(source.pk, "https://c.example/2", "نص"),
    ]
    rows[1]["content_hash"] = "not a hash"  # the table's check constraint refuses it
    with pytest.raises(IntegrityError, match="article_content_hash_sha256"):
        actions.upsert_articles(rows)
    assert not Article.objects.filter(source=source).exists()


def test_refuses_to_run_outside_a_transaction_and_unknown_columns(transactional_db):
    source = make_source()
    with pytest.raises(RuntimeError, match="transaction"):
        upsert_articles_rows([row(source.pk, "https://d.example/1", "نص")], ["body"])
    with transaction.atomic(), pytest.raises(ValueError, match="not Article columns"):
        upsert_articles_rows([{**row(source.pk, "https://d.example/1", "نص"), "nope": 1}], [])


def test_large_columns_are_stored_compressed_with_lz4():
    # Migration 0006 sets LZ4 on the table; the staging table must carry it, or the values it
    # compressed with pglz would be moved into the table as they are.
    from django.db import connection

    source = make_source()
    body = "أدان مجلس الأمن الدولي الهجوم الذي تبناه تنظيم داعش في الموصل. " * 200
    actions.upsert_articles([row(source.pk, "https://a.example/long", body)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(body), pg_column_compression(raw)"
            " FROM articles_article WHERE key = %s",
            ["https://a.example/long"],
        )
        assert cursor.fetchone() == ("lz4", "lz4")
    assert Article.objects.get(key="https://a.example/long").body == body

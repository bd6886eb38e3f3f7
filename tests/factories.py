"""Plain test factories: make_source(**kw), make_article(**kw). No magic, no globals."""

from __future__ import annotations

import itertools

from articles.ingest.pipeline import HASHED_FIELDS, content_hash
from articles.models import Article, Source

_counter = itertools.count(1)


def make_source(**fields) -> Source:
    n = next(_counter)
    values = {"slug": f"source-{n}", "name": f"مصدر {n}"} | fields
    return Source.objects.create(**values)


def make_article(**fields) -> Article:
    n = next(_counter)
    source = fields.pop("source", None) or make_source()
    values = {
        "source": source,
        "key": f"https://example.org/{n}",
        "url": f"https://example.org/{n}",
        "title": f"عنوان المقال {n}",
        "body": "نص المقال عن مكافحة الإرهاب.",
        "raw": "raw",
        "origin": "tests",
        "language": "ar",
    } | fields
    values.setdefault(
        "content_hash", content_hash({name: values.get(name) for name in HASHED_FIELDS})
    )
    return Article.objects.create(**values)

"""An alert means what its saved search means on the search page: the percolator (stored
queries, matched against documents) and the page (the same query string searched) return the
same articles, for words, OR, phrases, the exact switch, facets, dates, negation and prefixes."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import replace

import pytest

from alerts import queries
from articles.models import Article
from articles.search import percolator, service
from articles.search.documents import article_documents

from .helpers import drain, make_source, make_user, new_article, saved_with_alert

pytestmark = pytest.mark.django_db

SAVED = [
    "q=داعش",
    "q=داعش OR الحوثيين",
    'q="مجلس الأمن"',
    "q=مجلس الأمن",
    "q=الموصل -داعش",
    "q=الموصل NOT داعش",
    "q=إرهاب*",
    "q=داعش&source=wanted",
    "q=الهجوم&exact=1",
    "q=هجوم",
    "q=في الموصل",
    "q=الأمن&date_from=2024-01-01",
    "q=الأمن&date_to=2023-12-31",
    "date_from=2023-06-01&date_to=2024-06-30",
    "source=other",
    "q=(الحوثيين OR داعش) اليمن",
    "q=الحوثيين&language=en",
]


def _at(year: int, month: int) -> dt.datetime:
    return dt.datetime(year, month, 15, 12, tzinfo=dt.UTC)


def test_percolator_and_search_page_find_the_same_articles(alerts_engine):
    user = make_user()
    wanted = make_source(slug="wanted", name="الوسط")
    other = make_source(slug="other", name="أخرى")
    texts = [
        (wanted, "هجوم لتنظيم داعش في الموصل", "أعلن داعش المسؤولية عن الهجوم.", _at(2024, 3)),
        (other, "داعش في مصدر آخر", "اجتماع مجلس الأمن بشأن الإرهاب", _at(2023, 5)),
        (wanted, "الحوثيين في اليمن", "قصف الحوثيين مواقع في اليمن والأمن مستتب", _at(2024, 7)),
        (other, "الموصل بعد التحرير", "عودة الحياة إلى الموصل وهجمات متفرقة", _at(2023, 11)),
        (wanted, "مجلس الوزراء", "الأمن والمجلس يناقشان الإرهابيين", _at(2022, 1)),
        (other, "تقرير", "الهجوم الإرهابي في اليمن تبناه داعش", _at(2024, 1)),
        (wanted, "Houthi attack", "الحوثيين attack in Yemen", _at(2024, 2)),
    ]
    for source, title, body, published in texts:
        new_article(source=source, title=title, body=body, published_at=published)
    Article.objects.filter(title="Houthi attack").update(language="en")
    drain()
    alerts = {saved_with_alert(user, q, name=f"s{i}").alert.pk: q for i, q in enumerate(SAVED)}

    documents = dict(article_documents(Article.objects.all()))
    percolated: dict[str, set[int]] = defaultdict(set)
    for alert_id, article_id in percolator.percolate(documents):
        percolated[alerts[alert_id]].add(article_id)

    for query in SAVED:
        request = replace(queries.read(query), page_size=100, collapse=False)
        page = {hit["id"] for hit in service.search(request).results}
        assert percolated[query] == page, query
    # The cases are not vacuous: most queries find something, and not everything.
    found = [q for q in SAVED if percolated[q]]
    assert len(found) >= len(SAVED) - 3
    assert all(len(percolated[q]) < len(texts) for q in SAVED if "date" not in q)

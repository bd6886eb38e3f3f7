"""A fixed mix of realistic research queries (words, phrases, operators, filters, dates, sorts)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.http import QueryDict

from articles.enrichment import gazetteer
from articles.search.request import SearchRequest, from_params

WORDS = [
    "داعش",
    "الإرهاب",
    "الحوثيين",
    "مجلس الأمن",
    "تمويل الإرهاب",
    "اليمن",
    "سوريا",
    "العراق",
    "إيران",
    "التحالف",
    "المقاتلين الأجانب",
    "القاعدة",
    "تفجير",
    "الأمن",
    "النفط",
    "عاصفة الحزم",
    "الرياض",
    "حزب الله",
    "اللاجئين",
    "التطرف",
]
PHRASES = ['"تنظيم داعش"', '"مجلس الأمن"', "«وزارة الداخلية»", '"الحرس الثوري"']
BOOLEAN = [
    "داعش OR القاعدة",
    "(الحوثيين OR صالح) اليمن",
    "الإرهاب -سوريا",
    "إرهاب* تمويل",
    "داعش NOT العراق",
    "تفجير مسجد",
]
SOURCES = ["aawsat", "okaz", "alriyadh", "alyaum", "sabq", "was"]


def _mix() -> Iterator[dict]:
    for n, word in enumerate(WORDS):
        yield {"q": word}
        if n % 2 == 0:
            yield {"q": word, "source": SOURCES[n % len(SOURCES)]}
        if n % 3 == 0:
            yield {
                "q": word,
                "source": [SOURCES[n % 6], SOURCES[(n + 1) % 6]],
                "language": "ar",
                "date_from": "2015-07-25",
                "date_to": "2015-08-05",
            }
    for n, phrase in enumerate(PHRASES):
        yield {"q": phrase, "sort": "newest" if n % 2 else "relevance"}
    for n, query in enumerate(BOOLEAN):
        yield {"q": query, "sort": ("relevance", "newest", "oldest")[n % 3]}
    yield {}  # browsing: everything, newest first
    yield {"sort": "oldest", "source": "was"}
    yield {"date_from": "2015-08-01", "date_to": "2015-08-07", "sort": "newest"}
    yield {"q": "داعش", "page": "3"}


QUERIES = list(_mix())


def as_params(queries: Iterable[dict]) -> Iterator[tuple[dict, SearchRequest]]:
    """Each query with the SearchRequest the API makes of it, alias expansions included, so
    that the raw engine is sent exactly the DSL the API sends."""
    for query in queries:
        params = QueryDict(mutable=True)
        for key, value in query.items():
            params.setlist(key, value if isinstance(value, list) else [value])
        expansions = gazetteer.expansions_for(params.get("q", ""))
        yield query, from_params(params, expansions=expansions)

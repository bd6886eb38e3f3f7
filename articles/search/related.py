"""What the article page asks the engine: its own text highlighted, and articles like it.

* :func:`highlight_article` marks the words of a search in the *whole* article, with the query
  compiled exactly as the search compiled it (stemming, phrases, prefixes, exact-only), so the
  article page marks what made it a result. ``encoder: html`` escapes the text; the only markup
  in the answer is ``<mark>``.
* :func:`more_like_this` asks for articles that share the article's most telling words.
"""

from __future__ import annotations

import logging

from . import snippets
from .compiler import compile_text, highlight_spec
from .engine import engine_search
from .index import alias_name
from .request import SearchRequest
from .rules import MARK_OPEN

log = logging.getLogger(__name__)

LIST_SOURCE = {"excludes": ["body", "content_hash"]}


def highlight_article(
    article_id: int, q: str, *, exact_only: bool = False, expansions: dict | None = None
) -> dict | None:
    """``{"title": html|None, "body": html|None, "document": {...}}`` for one indexed article.

    ``title``/``body`` are the whole fields with ``<mark>`` around the words ``q`` matches
    (``None`` when nothing in that field matched); ``document`` is the index document without
    the body (tags, dates). ``None`` when the article is not in the index. Raises
    SearchRequestError for a query that cannot be parsed and SearchUnavailable.
    """
    text = compile_text(SearchRequest(q=q, exact_only=exact_only, expansions=expansions or {}))
    body = {
        "size": 1,
        # The article always comes back (filter); the text query only scores and highlights.
        "query": {
            "bool": {
                "filter": [{"ids": {"values": [str(article_id)]}}],
                "should": [text],
                "minimum_should_match": 0,
            }
        },
        "_source": LIST_SOURCE,
        # Whole title and body, stemmed and exact fields: the search page's marks, uncut.
        "highlight": highlight_spec(),
    }
    hits = engine_search(body).get("hits", {}).get("hits", [])
    if not hits:
        return None
    hit = hits[0]
    hl = hit.get("highlight") or {}
    title = snippets.whole([*hl.get("title", []), *hl.get("title.exact", [])])
    text_hl = snippets.whole([*hl.get("body", []), *hl.get("body.exact", [])])
    return {
        "title": title if title and MARK_OPEN in title else None,
        "body": text_hl if text_hl and MARK_OPEN in text_hl else None,
        "document": hit.get("_source") or {},
    }


def more_like_this(article_id: int, *, size: int = 10) -> list[dict]:
    """Index documents (no body) of the articles most like this one, best first."""
    body = {
        "size": size,
        "query": {
            "bool": {
                "must": [
                    {
                        "more_like_this": {
                            "fields": ["title", "body"],
                            "like": [{"_index": alias_name(), "_id": str(article_id)}],
                            "min_term_freq": 1,
                            "min_doc_freq": 2,
                            "max_query_terms": 30,
                            "minimum_should_match": "20%",
                        }
                    }
                ],
                "must_not": [{"ids": {"values": [str(article_id)]}}],
            }
        },
        "_source": LIST_SOURCE,
    }
    out = []
    for hit in engine_search(body).get("hits", {}).get("hits", []):
        doc = dict(hit.get("_source") or {})
        doc["id"] = int(doc.get("id") or hit["_id"])
        out.append(doc)
    return out

"""A :class:`SearchRequest` → the OpenSearch DSL: the one place a search gets its meaning.

Pure functions (no ORM, no network). The JSON API, the HTML page, export and the saved-search
alerts (percolator) all compile through :func:`compile_search` / :func:`compile_query`, so a
search means the same thing everywhere. Compiling validates the request first.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta

from django.conf import settings

from . import facets, sampling
from .hits import story_copies_aggs
from .language import (
    And,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Word,
    parse,
    positive_terms,
    prefix_terms,
)
from .language.normalize import normalize, question_words, stopwords, strip_proclitics
from .request import SearchRequest, validate
from .rules import (
    BODY_FRAGMENT_SIZE,
    HIGHLIGHT_MAX_OFFSET,
    MARK_CLOSE,
    MARK_OPEN,
    MAX_EXPANSIONS_PER_WORD,
    MAX_PHRASE_WORDS,
)

# Fields. A word scores both the stemmed field (recall) and the exact one (precision): a document
# that contains the very form typed ranks above one that only shares the stem.
WORD_FIELDS = ("title^3", "title.exact^4", "body", "body.exact^1.5", "byline")
EXACT_WORD_FIELDS = ("title.exact^4", "body.exact^1.5", "byline.exact")
PHRASE_FIELDS = ("title.exact^4", "body.exact^1.5", "byline.exact")
PREFIX_FIELDS = {"title.exact": 4.0, "body.exact": 1.5, "byline.exact": 1.0}
#: Proximity: the words of a query of plain words near each other (stemmed fields, so any form
#: counts; stop words are not in them, which is why the slop is generous), as a should clause.
PROXIMITY_FIELDS = ("title^2", "body")
PROXIMITY_SLOP = 6
PROXIMITY_BOOST = 2.0
#: A stop word typed in a query scores a little (it may be part of a name) but never restricts.
STOP_WORD_BOOST = 0.2
#: From this many required words on, a query of plain words asks for all but a quarter of them
#: (natural questions and long queries: one unusual word must not empty the result list).
LONG_QUERY_WORDS = 5
LONG_QUERY_MATCH = "-25%"


# ------------------------------------------------------------------------------------------------
# The text query
# ------------------------------------------------------------------------------------------------


def _multi_match(text: str, fields: tuple[str, ...], **extra) -> dict:
    return {"multi_match": {"query": text, "fields": list(fields), **extra}}


def _phrase(words: tuple[str, ...] | list[str]) -> dict:
    return _multi_match(" ".join(words), PHRASE_FIELDS, type="phrase")


def _expansions_for(word: str, expansions: Mapping[str, tuple[str, ...]]) -> list[str]:
    if not expansions:
        return []
    norm = normalize(word)
    keys = expansions if norm in expansions else _normalized_keys(expansions)
    for key in (norm, strip_proclitics(norm)):
        if key in keys:
            alts = [a.strip() for a in keys[key] if a and a.strip()]
            alts = [a for a in alts if len(a.split()) <= MAX_PHRASE_WORDS]
            # An alias that contains the word itself («الدولة الإسلامية (داعش)») matches
            # nothing the word does not: it would only cost a phrase query on every search.
            words = {a: tuple(re.findall(r"\w+", normalize(a))) for a in alts}
            alts = [a for a in alts if not {norm, key} & set(words[a])]
            # Likewise an alias that contains another one («تنظيم الدولة الإسلامية» after
            # «تنظيم الدولة»).
            alts = [
                a for a in alts if not any(b != a and _contains(words[a], words[b]) for b in alts)
            ]
            return alts[:MAX_EXPANSIONS_PER_WORD]
    return []


def _contains(words: tuple[str, ...], part: tuple[str, ...]) -> bool:
    """Whether ``part`` occurs in ``words`` as consecutive words (and is shorter)."""
    n = len(part)
    return 0 < n < len(words) and any(words[i : i + n] == part for i in range(len(words) - n + 1))


def _normalized_keys(expansions: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    return {normalize(k): v for k, v in expansions.items()}


def _compile_word(node: Word, request: SearchRequest) -> dict:
    fields = EXACT_WORD_FIELDS if request.exact_only else WORD_FIELDS
    query = _multi_match(node.text, fields, type="best_fields", tie_breaker=0.3, operator="and")
    alternatives = _expansions_for(node.text, request.expansions)
    if not alternatives:
        return query
    # Aliases are names: matched as exact phrases (precision), scored a little below the word.
    should = [query] + [
        _multi_match(a, PHRASE_FIELDS, type="phrase", boost=0.8) for a in alternatives
    ]
    return {"bool": {"should": should, "minimum_should_match": 1}}


def _compile_prefix(node: Prefix) -> dict:
    pieces = re.findall(r"\w+", normalize(node.text))
    should = [
        {"prefix": {f: {"value": term, "boost": boost}}}
        for term in prefix_terms(node.text)
        for f, boost in PREFIX_FIELDS.items()
    ]
    query: dict = {"bool": {"should": should, "minimum_should_match": 1}}
    if len(pieces) > 1:  # "al-qa*": the leading pieces must be there too
        query = {"bool": {"must": [_phrase(pieces[:-1]), query]}}
    return query


def _is_optional(node: Node) -> bool:
    """A bare stop word (في، من، أو …) scores but does not restrict: the stemmed field drops it."""
    return isinstance(node, Word) and normalize(node.text) in stopwords()


def _is_question_word(node: Node) -> bool:
    """هل، كيف، ما هي، what …: says how the user asks, not what about; neither required nor
    scored (unless the query has nothing else)."""
    return isinstance(node, Word) and normalize(node.text) in question_words()


def _proximity(words: list[Word]) -> dict:
    text = " ".join(w.text for w in words)
    return _multi_match(
        text, PROXIMITY_FIELDS, type="phrase", slop=PROXIMITY_SLOP, boost=PROXIMITY_BOOST
    )


def _is_proximity(clause: object) -> bool:
    """Whether ``clause`` is :func:`_proximity`'s (kept beside it: the two share its shape)."""
    match = clause.get("multi_match") if isinstance(clause, dict) else None
    return (
        isinstance(match, dict)
        and match.get("slop") == PROXIMITY_SLOP
        and match.get("fields") == list(PROXIMITY_FIELDS)
    )


def _compile(node: Node, request: SearchRequest) -> dict:
    if isinstance(node, Word):
        return _compile_word(node, request)
    if isinstance(node, Phrase):
        return _phrase(node.words)
    if isinstance(node, Prefix):
        return _compile_prefix(node)
    if isinstance(node, Not):
        return {
            "bool": {
                "must": [{"match_all": {}}],
                "must_not": [_compile(node.child, request)],
            }
        }
    if isinstance(node, Or):
        return {
            "bool": {
                "should": [_compile(c, request) for c in node.children],
                "minimum_should_match": 1,
            }
        }
    # And
    positives = [c for c in node.children if not isinstance(c, Not)]
    negatives = [c.child for c in node.children if isinstance(c, Not)]
    if request.exact_only:  # no stemming: every word typed is required as written
        required, optional = positives, []
    else:
        content = [c for c in positives if not _is_question_word(c)] or positives
        required = [c for c in content if not _is_optional(c)]
        optional = [c for c in content if _is_optional(c)]
        if not required:  # a query of stop words only still has to match them
            required, optional = optional, []
    plain = not request.exact_only and all(isinstance(c, Word) for c in required)
    should = [
        {"bool": {"must": [_compile(c, request)], "boost": STOP_WORD_BOOST}} for c in optional
    ]
    if plain and len(required) > 1:
        should.append(_proximity(required))
    if plain and len(required) >= LONG_QUERY_WORDS:
        bool_: dict = {
            "must": [
                {
                    "bool": {
                        "should": [_compile(c, request) for c in required],
                        "minimum_should_match": LONG_QUERY_MATCH,
                    }
                }
            ]
        }
    else:
        bool_ = {"must": [_compile(c, request) for c in required] or [{"match_all": {}}]}
    if should:
        bool_["should"] = should
    if negatives:
        bool_["must_not"] = [_compile(c, request) for c in negatives]
    return {"bool": bool_}


def compile_text(request: SearchRequest) -> dict:
    """The clause for ``q`` alone (``match_all`` for an empty query)."""
    node = parse(request.q)
    if node is None:
        return {"match_all": {}}
    if isinstance(node, Not):
        node = And((node,))
    return _compile(node, request)


# ------------------------------------------------------------------------------------------------
# The search
# ------------------------------------------------------------------------------------------------


def _date_range(request: SearchRequest) -> dict | None:
    if request.date_from is None and request.date_to is None:
        return None
    rng: dict = {"format": "strict_date"}
    if request.date_from is not None:
        rng["gte"] = request.date_from.isoformat()
    if request.date_to is not None:
        # Inclusive to the end of the day: strictly before the next midnight (UTC).
        rng["lt"] = (request.date_to + timedelta(days=1)).isoformat()
    return {"range": {"sort_date": rng}}


def _base_query(
    request: SearchRequest, *, with_facet_filters: bool, text: dict | None = None
) -> dict:
    """The text clause (``text``, when the caller has compiled it already) with the dates and,
    ``with_facet_filters``, the facets' filters."""
    text = compile_text(request) if text is None else text
    filters: list[dict] = []
    date_range = _date_range(request)
    if date_range:
        filters.append(date_range)
    if with_facet_filters:
        filters.extend(facets.facet_filters(request))
    if not filters:
        return text
    return {"bool": {"must": [text], "filter": filters}}


def compile_query(request: SearchRequest) -> dict:
    """The ``query`` clause that defines the full result set: text, dates and facet filters.

    Self-contained (no aggs / sort / highlight / post_filter), so it can be stored in the
    percolator for saved-search alerts or used for a count.
    """
    validate(request)
    return _base_query(request, with_facet_filters=True)


def _sort(request: SearchRequest) -> list:
    order = request.effective_sort
    if order == "oldest":
        return [{"sort_date": {"order": "asc", "missing": "_last"}}, {"id": "asc"}]
    newest = [{"sort_date": {"order": "desc", "missing": "_last"}}, {"id": "desc"}]
    if order == "newest":
        return newest
    return [{"_score": "desc"}, *newest]


def _marks_need_exact_fields(request: SearchRequest, terms: list[Node]) -> bool:
    """Whether some part of the query (its positive ``terms``) can match only through an
    ``.exact`` field: a phrase, a prefix, a stop word (not in the stemmed fields), or the
    exact-only switch. Plain content words match the stemmed fields wherever they match the
    exact ones, and their aliases are marked through the stemmed fields too
    (:func:`_marks_query`)."""
    if request.exact_only:
        return True
    return any(not isinstance(term, Word) or _is_optional(term) for term in terms)


def _has_aliases(request: SearchRequest, terms: list[Node]) -> bool:
    return any(
        isinstance(term, Word) and _expansions_for(term.text, request.expansions) for term in terms
    )


def _stemmed_fields(fields: list[str]) -> list[str]:
    """``title.exact^4`` → ``title^4``; a field named twice keeps its first boost."""
    out: dict[str, str] = {}
    for field in fields:
        name, _, boost = field.partition("^")
        stemmed = name.removesuffix(".exact")
        out.setdefault(stemmed, f"{stemmed}^{boost}" if boost else stemmed)
    return list(out.values())


def _has_proximity(clause: object) -> bool:
    if isinstance(clause, dict):
        return _is_proximity(clause) or any(_has_proximity(v) for v in clause.values())
    if isinstance(clause, list):
        return any(_has_proximity(item) for item in clause)
    return False


def _marks_query(clause: object, *, stemmed: bool = True) -> object:
    """What the highlighter marks: the text query without its proximity clauses and, when
    ``stemmed``, with every clause on the stemmed fields.

    The proximity phrase marks nothing its words' own clauses do not (the same terms of the
    same fields), but a phrase costs the highlighter a span query built for every hit and
    field, its terms looked up in the terms dictionary each time (two thirds of the engine's
    highlighting time in a JFR profile, 2026-12-04). On the stemmed fields an alias (an exact
    phrase in the search) is marked in the stemmed field's pass, instead of a second pass over
    the hits' text through the exact field. The stemmed phrase matches wherever the exact one
    does (same tokens, stemmed), and may also mark an inflected copy of it in the same article."""
    if isinstance(clause, dict):
        out = {}
        for key, value in clause.items():
            if key == "fields" and stemmed:
                out[key] = _stemmed_fields(value)
            elif key == "should" and isinstance(value, list):
                kept = [_marks_query(c, stemmed=stemmed) for c in value if not _is_proximity(c)]
                if kept:
                    out[key] = kept
            else:
                out[key] = _marks_query(value, stemmed=stemmed)
        return out
    if isinstance(clause, list):
        return [_marks_query(item, stemmed=stemmed) for item in clause]
    return clause


def highlight_spec(request: SearchRequest | None = None, *, text: dict | None = None) -> dict:
    """Title and body, on the stemmed field and, when the query needs it, the exact one, each
    marked whole (``number_of_fragments: 0``); :mod:`articles.search.snippets` cuts the passages
    and merges the two fields' marks.

    Whole texts, because the engine's passages cost most of a highlighted search: it finds them
    with the JDK's sentence iterator, which sees almost no sentence ends in Arabic news and
    walks a whole paragraph for every match (see :mod:`articles.search.snippets`).
    ``matched_fields`` (one pass over both fields) needs the ``fvh`` highlighter and term
    vectors on every matched field; ``.exact`` has none. Each field highlighted costs a pass
    over the hits' text: the exact fields are left out when the stemmed ones can mark everything
    that matched (:func:`_marks_need_exact_fields`: plain words and their aliases, most
    queries). Without a request (a stored query's highlights) both are used. ``encoder: html``
    escapes the article text, so the only markup is ours. ``text`` is the request's
    :func:`compile_text`, when the caller has it already.

    The highlighter is ``settings.OPENSEARCH_HIGHLIGHTER``: on the project's own nodes,
    ``ctsearch_whole`` (ops/opensearch/…/WholeTextHighlighter.java), the stock ``unified``
    highlighter without the passage machinery it runs even for a whole text, reading each
    segment's postings once for all hits and matching exact phrases and prefixes from them: half
    the engine's cost of marking (2026-12-04, README → Performance); elsewhere the stock one.
    Both give the same marked text.
    """
    whole = {
        "type": settings.OPENSEARCH_HIGHLIGHTER,
        "max_analyzer_offset": HIGHLIGHT_MAX_OFFSET,
        "number_of_fragments": 0,
    }
    fields = {
        "title": dict(whole),
        # the opening of the body when nothing matched (browsing, exclusions only)
        "body": {**whole, "no_match_size": BODY_FRAGMENT_SIZE},
    }
    spec: dict = {
        "encoder": "html",
        "pre_tags": [MARK_OPEN],
        "post_tags": [MARK_CLOSE],
        "require_field_match": True,
        "fields": fields,
    }
    if request is None:
        fields |= {"title.exact": dict(whole), "body.exact": dict(whole)}
        return spec
    terms = positive_terms(parse(request.q))
    text = compile_text(request) if text is None else text
    if _marks_need_exact_fields(request, terms):
        fields |= {"title.exact": dict(whole), "body.exact": dict(whole)}
        if _has_proximity(text):
            spec["highlight_query"] = _marks_query(text, stemmed=False)
    elif _has_aliases(request, terms) or _has_proximity(text):
        spec["highlight_query"] = _marks_query(text)
    return spec


def compile_search(request: SearchRequest, *, aggs: bool = True, highlight: bool = True) -> dict:
    """The full search body: query (text + dates), post_filter (facets), aggs, sort, highlight.

    Facet filters go to ``post_filter`` so that each facet's counts can ignore its own selection
    (disjunctive faceting, see :mod:`articles.search.facets`); hits are filtered by all of them.
    A search too broad to count in full (:func:`compile_probe` decides) is sent without
    aggregations, beside :func:`compile_sampled_counts`.
    """
    validate(request)
    text = compile_text(request)
    body: dict = {
        "query": _base_query(request, with_facet_filters=False, text=text),
        "sort": _sort(request),
        "from": (request.page - 1) * request.page_size,
        "size": request.page_size,
        "track_total_hits": True,
        # Result lists show fragments; the full body stays in the index.
        "_source": {"excludes": ["body", "content_hash"]},
    }
    post_filter = facets.post_filter(request)
    if post_filter is not None:
        body["post_filter"] = post_filter
    if aggs:
        body["aggs"] = facets.compile_aggs(request)
    if request.collapse:
        # One hit per story. Its copies come from compile_story_copies, one request for the
        # whole page: collapse's inner_hits would run one search per result (most of a
        # search's time on this engine).
        body["collapse"] = {"field": "story"}
    if highlight:
        body["highlight"] = highlight_spec(request, text=text)
    return body


def compile_probe(request: SearchRequest) -> dict:
    """Whether the search is broad: a count, up to just past ``sampling.SAMPLE_ABOVE``, of what
    its aggregations would count (text and dates; facet filters narrow the hits, not them)."""
    validate(request)
    return sampling.probe_body(_base_query(request, with_facet_filters=False))


def compile_sampled_counts(request: SearchRequest) -> dict:
    """The aggregations of a broad search, counted in its sample (:mod:`.sampling`): the sample
    is part of the query, so the engine visits only the sample's matches (a filter aggregation
    would still visit every match to test it)."""
    validate(request)
    query = {
        "bool": {
            "must": [_base_query(request, with_facet_filters=False)],
            "filter": [sampling.sample_filter()],
        }
    }
    return {
        "size": 0,
        "track_total_hits": False,
        "query": query,
        "aggs": facets.compile_aggs(request),
    }


def compile_story_copies(request: SearchRequest, story_ids: list[int]) -> dict:
    """The matching copies of these stories (the results of a collapsed page): per story, how
    many articles match the request and the first of them (read by ``hits.parse_story_copies``).
    """
    stories = sorted(set(story_ids))
    return {
        "size": 0,
        "track_total_hits": False,
        "query": {
            "bool": {"must": [compile_query(request)], "filter": [{"terms": {"story": stories}}]}
        },
        "aggs": story_copies_aggs(stories),
    }

"""The article page: the text with the query's words marked, its tags with their evidence, the
other copies of its story and related articles.

Marks come from the engine's highlighter when the index holds the same text; otherwise (the
index lags an edit, or the engine is down) the words are marked here, so the page never fails
for want of the engine.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET

from articles.enrichment import gazetteer
from articles.models import Article
from articles.search.errors import SearchRequestError, SearchUnavailable
from articles.search.facets import FACETS
from articles.search.labels import Labels
from articles.search.language import query_words
from articles.search.related import highlight_article, more_like_this
from articles.search.request import is_true
from articles.search.rules import MARK_CLOSE, MARK_OPEN
from articles.text import arabic, arabic_chars

from .access import search_page_access
from .article_detail import TAG_FIELDS, article_tags, story_copies, visible_article
from .state import is_arabic

_WORD = re.compile(r"\w+")


def _query_words(q: str) -> set[str]:
    """Stem forms of the words a query looks for (excluded words are not marked); none for a
    query the search refuses."""
    try:
        words = query_words(q)
    except SearchRequestError:
        return set()
    forms: set[str] = set()
    for word in _WORD.findall(arabic_chars.normalize(" ".join(words))):
        forms.update(arabic.stem_variants(word))
    return {f for f in forms if f}


def mark_terms(text: str, q: str) -> str:
    """Escape ``text`` and mark the words whose stem forms match the query's (no engine needed)."""
    wanted = _query_words(q)
    if not wanted:
        return html.escape(text)
    out, pos = [], 0
    for match in _WORD.finditer(text):
        forms = set(arabic.stem_variants(arabic_chars.normalize(match.group(0))))
        if forms & wanted:
            out.append(html.escape(text[pos : match.start()]))
            out.append(f"{MARK_OPEN}{html.escape(match.group(0))}{MARK_CLOSE}")
            pos = match.end()
    out.append(html.escape(text[pos:]))
    return "".join(out)


def paragraphs(marked: str) -> list[str]:
    """Split highlighted, escaped text into paragraphs, closing and reopening a mark at a break."""
    out = []
    open_mark = False
    for line in marked.split("\n"):
        if not line.strip():
            continue
        if open_mark:
            line = MARK_OPEN + line
        opens, closes = line.count(MARK_OPEN), line.count(MARK_CLOSE)
        open_mark = opens > closes
        if open_mark:
            line += MARK_CLOSE
        out.append(line.strip())
    return out


def _unmark(text: str) -> str:
    return html.unescape(text.replace(MARK_OPEN, "").replace(MARK_CLOSE, ""))


def tag_groups(article: Article, labels: Labels) -> list[dict]:
    """The article's tags for the page: grouped by facet, each a link to search for it."""
    ar = is_arabic()
    groups = []
    for field, tags in article_tags(article, labels).items():
        if field == "places" or not tags:
            continue  # the page lists where events happen, not every place mentioned
        facet = TAG_FIELDS[field]
        shown = [
            {
                "key": tag.key,
                "label": tag.label,
                "evidence": list(tag.evidence[:3]),
                "curator": tag.source,
                "url": reverse("ui:search") + "?" + urlencode({facet: tag.key}),
            }
            for tag in tags
        ]
        label = FACETS[facet].label_ar if ar else FACETS[facet].label_en
        groups.append({"name": facet, "label": label, "tags": shown})
    return groups


@require_GET
@search_page_access
def article_page(request: HttpRequest, article_id: int) -> HttpResponse:
    article = visible_article(article_id)
    if article is None:
        raise Http404(gettext("No such article."))
    q = request.GET.get("q", "").strip()
    exact = is_true(request.GET.get("exact"))
    title_html = body_html = None
    engine_ok = True
    try:
        found = highlight_article(
            article.pk, q, exact_only=exact, expansions={} if exact else gazetteer.expansions_for(q)
        )
        if found:
            # the index may lag behind an edit: use its marks only over the same text
            if found["title"] and _unmark(found["title"]) == article.title:
                title_html = found["title"]
            if found["body"] and _unmark(found["body"]) == article.body:
                body_html = found["body"]
    except SearchRequestError:
        pass
    except SearchUnavailable:
        engine_ok = False
    if q and body_html is None:
        body_html = mark_terms(article.body, q)
    if q and title_html is None:
        title_html = mark_terms(article.title, q)
    related = []
    if engine_ok:
        try:
            related = more_like_this(article.pk)
        except SearchUnavailable:
            related = []
    labels = Labels()
    labels.prefetch_sources({d.get("source", "") for d in related})
    for doc in related:
        doc["source_label"] = labels("source", doc.get("source", "")) or doc.get("source", "")
    tags = tag_groups(article, labels)
    story = [
        {
            "id": c.pk,
            "title": c.title,
            "source_label": c.source.name,
            "published_at": c.published_at,
        }
        for c in story_copies(article)
    ]
    same_story = {c["id"] for c in story}
    related = [d for d in related if d["id"] not in same_story][:5]
    back = request.GET.get("back", "")
    if not back.startswith("?"):
        back = ""
    context = {
        "article": article,
        "title_html": title_html,
        "paragraphs": paragraphs(body_html if body_html is not None else html.escape(article.body)),
        "q": q,
        "related": related,
        "tags": tags,
        "story": story,
        "language_label": labels("language", article.language) or article.language,
        "back_url": reverse("ui:search") + back if back else "",
        "date": article.published_at,
        "date_is_estimated": article.date_is_estimated,
        "search_url": reverse("ui:search") + "?" + urlencode({"q": q}) if q else "",
    }
    return render(request, "articles/article.html", context)

"""What an article looks like in the index."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from itertools import islice
from typing import NamedTuple

from django.db.models import QuerySet
from django.utils import timezone

from ..enrichment.overrides import Override
from ..enrichment.stored import tag_keys
from ..models import Article, Source, TagOverride
from .facets import TAG_FACETS
from .sampling import SAMPLE_FIELD, sample_bucket

#: Articles turned into documents at a time. Their sources and curators' decisions are read
#: once per chunk: Django's prefetch builds a queryset per article and per source, which was
#: a third of the indexer's own time.
CHUNK = 500


class _SourceFields(NamedTuple):
    slug: str
    name: str
    collections: list[str]


def article_documents(articles: QuerySet[Article]) -> Iterator[tuple[int, dict]]:
    """(id, search document) of each article of ``articles``, in its order. The facets are the
    automatic tags with curators' decisions applied; a change of a source's collections
    re-indexes its articles. The input as received and the signature are never indexed (raw is
    the largest column), so they are not read."""
    rows = articles.defer("raw", "minhash", "event_dates").iterator(chunk_size=CHUNK)
    sources: dict[int, _SourceFields] = {}
    while chunk := list(islice(rows, CHUNK)):
        if missing := {a.source_id for a in chunk} - sources.keys():
            for source in Source.objects.filter(pk__in=missing).prefetch_related("collections"):
                collections = sorted(c.slug for c in source.collections.all())
                sources[source.pk] = _SourceFields(source.slug, source.name, collections)
        decisions: dict[int, list[Override]] = defaultdict(list)
        for article_id, *decision in (
            TagOverride.objects.filter(article_id__in=[a.pk for a in chunk])
            .order_by("created_at", "id")
            .values_list("article_id", "facet", "slug", "action")
        ):
            decisions[article_id].append(Override(*decision))
        for article in chunk:
            source = sources[article.source_id]
            yield article.pk, _document(article, source, decisions.get(article.pk, ()))


def _document(article: Article, source: _SourceFields, decisions: list[Override]) -> dict:
    published = article.published_at
    tags = tag_keys(article.tags, decisions)
    story = article.story_id or article.pk
    return {
        "id": article.pk,
        "title": article.title,
        "body": article.body,
        "byline": article.byline,
        "url": article.url or article.canonical_url,
        "source": source.slug,
        "source_name": source.name,
        "collections": source.collections,
        "language": article.language,
        "published_at": published.isoformat() if published else None,
        "sort_date": (published or article.collected_at).isoformat(),
        "date_is_estimated": article.date_is_estimated,
        **{facet.field: tags[facet.field] for facet in TAG_FACETS},
        # Articles outside any cluster are their own story (collapse needs a value).
        "story": story,
        # Which sample the story is in, for the counts of very broad searches (sampling.py).
        SAMPLE_FIELD: sample_bucket(story),
        "content_hash": article.content_hash,
        "collected_at": article.collected_at.isoformat(),
        "indexed_at": timezone.now().isoformat(),
    }

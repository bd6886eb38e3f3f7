"""What an article looks like in the index."""

from __future__ import annotations

from django.utils import timezone

from ..enrichment.stored import tag_keys
from ..models import Article
from .facets import TAG_FACETS
from .sampling import SAMPLE_FIELD, sample_bucket


def article_document(article: Article) -> dict:
    """The search document of a visible article (select ``source`` and prefetch
    ``tag_overrides``: the facets are the automatic tags with curators' decisions applied)."""
    published = article.published_at
    tags = tag_keys(article.tags, article.tag_overrides.all())
    story = article.story_id or article.pk
    return {
        "id": article.pk,
        "title": article.title,
        "body": article.body,
        "byline": article.byline,
        "url": article.url or article.canonical_url,
        "source": article.source.slug,
        "source_name": article.source.name,
        # Prefetch ``source__collections``; a change of them re-indexes the source's articles.
        "collections": sorted(c.slug for c in article.source.collections.all()),
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

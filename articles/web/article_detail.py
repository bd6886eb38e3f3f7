"""One article as the article page and the JSON API present it: its tags with their evidence
(the tagger's output with curators' decisions on top) and the other copies of its story.

Both readers get the same facts from here, so the page and the API can never disagree about
which tags an article has or which articles are its copies.
"""

from __future__ import annotations

from dataclasses import dataclass

from articles.enrichment.stored import final_tags
from articles.models import Article
from articles.search.facets import TAG_FACETS
from articles.search.labels import Labels

#: Tag fields of an article and the facet whose labels name their values (places are venues
#: only mentioned, so they share the venues' names).
TAG_FIELDS = {**{facet.field: facet.name for facet in TAG_FACETS}, "places": "venue"}
#: Copies of a story listed with an article.
STORY_COPIES_SHOWN = 50


@dataclass(frozen=True)
class ShownTag:
    key: str
    label: str
    evidence: tuple[str, ...]
    #: who decided: "auto" (the tagger) or "curator"
    source: str


def article_tags(article: Article, labels: Labels) -> dict[str, list[ShownTag]]:
    """Tags by field (``actors``, ``venues``, ``places``, ``topics``), labelled."""
    tags = final_tags(article.tags, article.tag_overrides.all())
    return {
        field: [
            ShownTag(
                key=hit.slug,
                label=labels(facet, hit.slug) or hit.slug,
                evidence=tuple(hit.evidence or ()),
                source=hit.source,
            )
            for hit in getattr(tags, field)
        ]
        for field, facet in TAG_FIELDS.items()
    }


def visible_article(article_id: int) -> Article | None:
    """The article, unless it is hidden or does not exist (both look the same from outside)."""
    if not 0 < article_id < 2**63:  # beyond PostgreSQL's bigint: no such article either
        return None
    return (
        Article.objects.select_related("source")
        .filter(pk=article_id, status=Article.Status.VISIBLE)
        .first()
    )


def story_id(article: Article) -> int:
    """An article outside any cluster is its own story."""
    return article.story_id or article.pk


def story_copies(article: Article) -> list[Article]:
    """The other visible articles of the article's story, oldest first (the original first)."""
    return list(
        Article.objects.filter(story_id=story_id(article), status=Article.Status.VISIBLE)
        .exclude(pk=article.pk)
        .select_related("source")
        .order_by("published_at", "id")[:STORY_COPIES_SHOWN]
    )

"""What an article looks like in the index."""

from __future__ import annotations

from ..models import Article


def article_document(article: Article) -> dict:
    """The search document of a visible article (``article.source`` should be selected)."""
    published = article.published_at
    return {
        "id": article.pk,
        "title": article.title,
        "body": article.body,
        "byline": article.byline,
        "url": article.url or article.canonical_url,
        "source": article.source.slug,
        "source_name": article.source.name,
        "language": article.language,
        "published_at": published.isoformat() if published else None,
        "sort_date": (published or article.collected_at).isoformat(),
        "date_is_estimated": published is None
        or article.published_at_source == Article.DateSource.EXTRACTION,
        "actors": [],
        "venues": [],
        "topics": [],
        "content_hash": article.content_hash,
    }

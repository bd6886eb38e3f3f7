"""Whether the index agrees with PostgreSQL, the source of truth: every visible article indexed
exactly once with its current content, nothing hidden or deleted still searchable, the outbox
empty. ``manage.py search_index check`` reports it; the fault tests assert it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from opensearchpy import helpers

from ..models import Article, IndexChange
from .client import get_client
from .index import alias_name


@dataclass
class Agreement:
    visible: int = 0
    documents: int = 0
    pending: int = 0
    missing: list[int] = field(default_factory=list)  # visible, not in the index
    stale: list[int] = field(default_factory=list)  # indexed with content PostgreSQL no longer has
    extra: list[int] = field(default_factory=list)  # searchable, but hidden or deleted
    duplicated: list[int] = field(default_factory=list)  # more than once behind the alias

    @property
    def ok(self) -> bool:
        return not (self.pending or self.missing or self.stale or self.extra or self.duplicated)

    def summary(self) -> str:
        def ids(values: list[int]) -> str:
            return f"{len(values)}" + (f" (e.g. {sorted(values)[:5]})" if values else "")

        return (
            f"visible {self.visible} / documents {self.documents} / pending {self.pending} / "
            f"missing {ids(self.missing)} / stale {ids(self.stale)} / "
            f"hidden or deleted but searchable {ids(self.extra)} / "
            f"duplicated {ids(self.duplicated)}"
        )


def check() -> Agreement:
    """Compare every document behind the alias with PostgreSQL (a full scan: an operator's and
    a test's tool, not something to run per request)."""
    client = get_client()
    alias = alias_name()
    client.indices.refresh(index=alias)  # what a search would see after the next refresh
    seen: Counter[int] = Counter()
    indexed: dict[int, str] = {}
    for hit in helpers.scan(
        client, index=alias, query={"query": {"match_all": {}}}, _source=["content_hash"], size=2000
    ):
        pk = int(hit["_id"])
        seen[pk] += 1
        indexed[pk] = hit["_source"].get("content_hash", "")
    truth = dict(
        Article.objects.filter(status=Article.Status.VISIBLE).values_list("pk", "content_hash")
    )
    return Agreement(
        visible=len(truth),
        documents=sum(seen.values()),
        pending=IndexChange.objects.count(),
        missing=[pk for pk in truth if pk not in indexed],
        stale=[pk for pk, digest in truth.items() if pk in indexed and indexed[pk] != digest],
        extra=[pk for pk in indexed if pk not in truth],
        duplicated=[pk for pk, count in seen.items() if count > 1],
    )

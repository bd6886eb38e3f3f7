"""Story clusters of stored articles: near-duplicates share a story id.

The clustering itself is pure (``dedup``: MinHash signatures and the LSH ``StoryIndex``); this
module loads stored signatures, assigns new articles at ingest (``StoryAssigner``) and
reclusters the whole archive (``rebuild_stories``), writing story ids through
``articles.actions``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from django.conf import settings

from . import dedup, minhash


class StoryAssigner:
    """Puts new articles into story clusters, for one ingestion run (or one worker task).

    The LSH index holds the ``settings.STORY_WINDOW`` most recently stored articles (loaded
    from their stored signatures and story ids) and grows with each batch; past one and a half
    windows it is rebuilt from the newest window, so memory stays flat at any archive size.
    When a new article bridges two clusters, the later cluster's articles move to the earlier
    story id.
    """

    def __init__(self, window: int | None = None) -> None:
        self.window = window or settings.STORY_WINDOW
        self._index: dedup.StoryIndex | None = None

    def _load(self) -> dedup.StoryIndex:
        from ..models import Article

        rows = list(
            Article.objects.exclude(minhash=None)
            .order_by("-id")
            .values_list("id", "minhash", "story_id")[: self.window]
        )
        if not rows:
            return dedup.StoryIndex()
        ids, sigs = _ids_and_signatures(rows)
        stories = np.fromiter(
            (pk if story is None else story for pk, _, story in rows), np.int64, len(rows)
        )
        return dedup.StoryIndex.build(ids, sigs, stories)

    def _trim(self) -> None:
        """Keep the newest ``window`` articles, with the story ids they already have."""
        from .. import actions

        before = self._index.stories()
        self._index.keep_newest(self.window)
        # A rebuild verifies every candidate pair again; a merge it finds that the
        # incremental adds missed (a bucket past its cap) is written like any other.
        merged = {pk: story for pk, story in self._index.stories().items() if story != before[pk]}
        if merged:
            actions.set_stories(merged, {})

    def assign(self, article_ids: Iterable[int], *, queued: bool = False) -> list[int]:
        """Cluster these articles; returns the ids whose story changed (to re-index).
        ``queued``: the articles' own index changes are already recorded (a new article)."""
        from .. import actions
        from ..models import Article

        if self._index is None:
            self._index = self._load()
        index = self._index
        article_ids = list(article_ids)
        new = dict(
            Article.objects.filter(pk__in=article_ids, story_id=None)
            .exclude(minhash=None)
            .values_list("id", "minhash")
        )
        moves: dict[int, int] = {}  # old story id -> new story id (merged clusters)
        assigned: dict[int, int] = {}
        for pk in sorted(new):
            story, joined = index.join(pk, minhash.signature_from_bytes(bytes(new[pk])))
            assigned[pk] = story
            for old_story in joined:
                moves[old_story] = story
        changed = actions.set_stories(assigned, moves, queued=article_ids if queued else ())
        if len(index) > self.window * 3 // 2:
            self._trim()
        return changed


def _ids_and_signatures(rows: list[tuple]) -> tuple[np.ndarray, np.ndarray]:
    """Article ids and the (n, num_perm) signature matrix of stored ``(id, minhash, ...)``
    rows."""
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    sigs = minhash.signatures_from_bytes([bytes(row[1]) for row in rows])
    return ids, sigs.reshape(len(rows), -1)


def rebuild_stories() -> int:
    """Recluster every article from its stored signature; returns how many changed story."""
    from .. import actions
    from ..models import Article

    rows = list(
        Article.objects.exclude(minhash=None)
        .order_by("id")
        .values_list("id", "minhash", "story_id")
        .iterator(chunk_size=10_000)
    )
    if not rows:
        return 0
    stories = dedup.StoryIndex.build(*_ids_and_signatures(rows)).stories()
    changed = {pk: stories[pk] for pk, _, current in rows if stories.get(pk) != current}
    return len(actions.set_stories(changed, {}))

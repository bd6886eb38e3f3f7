"""Near-duplicate detection: articles that carry the same text form one story cluster.

The same article is republished with different page chrome, lightly edited, or picked up by
another outlet (a wire story in five newspapers). Counting those copies separately inflates
every facet and trend, so each article gets a *story id*: the smallest article id of its
cluster of near-duplicates.

Each article has a MinHash signature (:mod:`.minhash`). ``StoryIndex``: banded LSH (``BANDS``
x ``ROWS``, tuned by datasketch's own optimiser for ``LSH_THRESHOLD``) finds candidates, the
estimated Jaccard (share of equal MinHash values) verifies them against ``THRESHOLD``, and
union-find merges transitively. ``add`` is incremental; ``StoryIndex.build`` rebuilds from
stored signatures in one vectorised pass and yields the same clusters as ``add`` in id order.

The LSH buckets are numpy arrays (sorted 64-bit band keys + row numbers), not
``datasketch.MinHashLSH``: MinHashLSH keeps a Python dict of sets per band and a key table,
about 100 bytes per (article, band), i.e. ~2 GB for a million articles, and inserts one at a
time; the arrays here hold 12 bytes per (article, band) and rebuild a million articles in
seconds. The candidate generation is the same banding technique.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

import numpy as np

from .minhash import EMPTY_VALUE, NUM_PERM, is_empty, signature

#: Verification: an LSH candidate joins the story when its estimated Jaccard is at least this.
THRESHOLD = 0.5
#: The LSH is tuned for a lower Jaccard than the verification so that true pairs near
#: ``THRESHOLD`` are rarely missed as candidates (verification removes the extra candidates).
LSH_THRESHOLD = 0.4
#: ``lsh_params(LSH_THRESHOLD, NUM_PERM)``, kept here so that the ingest path need not load
#: the optimiser (a test checks it against datasketch).
DEFAULT_LSH_PARAMS = (32, 4)
#: A bucket stops accepting new rows at this size (later rows still query it): keeps a huge
#: bucket (an agency template republished thousands of times) from making ``add`` quadratic.
#: Members beyond the cap are still found, as near-duplicates of the first ``BUCKET_CAP``.
BUCKET_CAP = 64


@lru_cache(maxsize=16)
def lsh_params(threshold: float = LSH_THRESHOLD, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(bands, rows) minimising the weighted false-positive + false-negative probability mass
    around ``threshold`` (datasketch's optimiser, as ``MinHashLSH`` chooses them)."""
    if (threshold, num_perm) == (LSH_THRESHOLD, NUM_PERM):
        return DEFAULT_LSH_PARAMS
    from datasketch import MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


# ------------------------------------------------------------------------------------------------
# Band keys
# ------------------------------------------------------------------------------------------------

_K_BAND = np.uint64(0x9E3779B97F4A7C15)
_K_MUL = np.uint64(0xBF58476D1CE4E5B9)
_K_MIX = np.uint64(0x94D049BB133111EB)


#: Entries (article, band) added since the last merge into the sorted run that trigger the
#: next merge (2,048 articles at 32 bands). They live in a dict of lists, about 150 bytes each:
#: merging only when they reached half the run held 100 MB of them for a 45,000-article window;
#: a merge is a sort of these plus one linear insert into the run (milliseconds).
COMPACT_AT = 1 << 16


#: Signatures hashed per pass in ``_band_keys``: the hashing widens them to 64 bits, a copy of
#: 46 MB for a 45,000-article story window hashed at once.
BAND_KEY_CHUNK = 4096


def _band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64 keys: a 64-bit hash of (band number, the band's ``rows`` values)."""
    if sigs.shape[0] <= BAND_KEY_CHUNK:
        return _band_keys_of(sigs, bands, rows)
    out = np.empty((sigs.shape[0], bands), dtype=np.uint64)
    for lo in range(0, sigs.shape[0], BAND_KEY_CHUNK):
        out[lo : lo + BAND_KEY_CHUNK] = _band_keys_of(sigs[lo : lo + BAND_KEY_CHUNK], bands, rows)
    return out


def _band_keys_of(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    n = sigs.shape[0]
    view = sigs[:, : bands * rows].reshape(n, bands, rows).astype(np.uint64)
    h = np.broadcast_to(
        (np.arange(1, bands + 1, dtype=np.uint64) * _K_BAND)[None, :], (n, bands)
    ).copy()
    for j in range(rows):
        h ^= view[:, :, j]
        h *= _K_MUL
        h ^= h >> np.uint64(31)
    h *= _K_MIX
    h ^= h >> np.uint64(29)
    return h


# ------------------------------------------------------------------------------------------------
# The index
# ------------------------------------------------------------------------------------------------


class StoryIndex:
    """Incremental near-duplicate clustering of MinHash signatures.

    ``add(article_id, sig)`` returns the article's story id: the smallest article id of its
    cluster. Articles whose signatures agree on all values of at least one LSH band are
    candidates; a candidate with estimated Jaccard ≥ ``threshold`` is merged (union-find, so
    merges are transitive: single linkage). The story id of an article can only decrease as
    later articles bridge clusters, and it never changes when articles are added in id order
    and no bridge appears.

    Memory: ``4 * num_perm`` bytes per article (the signatures, needed to verify candidates)
    plus ~12 bytes per (article, band); ~700 MB for a million articles at the defaults.
    """

    def __init__(
        self,
        threshold: float = THRESHOLD,
        num_perm: int = NUM_PERM,
        *,
        lsh_threshold: float | None = None,
        bands: int | None = None,
        rows: int | None = None,
        bucket_cap: int = BUCKET_CAP,
    ) -> None:
        if bands is None or rows is None:
            bands, rows = lsh_params(
                LSH_THRESHOLD if lsh_threshold is None else lsh_threshold, num_perm
            )
        if bands * rows > num_perm:
            raise ValueError(f"{bands} bands x {rows} rows need more than {num_perm} values")
        self.threshold = threshold
        self.num_perm = num_perm
        self.bands = bands
        self.rows = rows
        self.bucket_cap = bucket_cap
        self._need = int(np.ceil(threshold * num_perm - 1e-9))  # equal values to accept
        self._clear()
        #: recent insertions (entries of ``_pending``) are merged into the sorted run past this
        self._compact_at = COMPACT_AT

    def _clear(self) -> None:
        """No article (the parameters stay)."""
        self._n = 0
        self._sigs = np.empty((1024, self.num_perm), dtype=np.uint32)
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._parent: list[int] = []
        self._story: list[int] = []  # per root: the smallest article id of the cluster
        # Buckets: a sorted run (keys, rows) plus a dict of recent insertions.
        self._keys = np.empty(0, dtype=np.uint64)
        self._krows = np.empty(0, dtype=np.int64)
        self._pending: dict[int, list[int]] = {}
        self._pending_size = 0

    # --- public API -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._n

    def __contains__(self, article_id: int) -> bool:
        return article_id in self._row_of

    def add(self, article_id: int, sig: np.ndarray) -> int:
        """Index one article and return its story id. Adding an id twice returns its story."""
        return self.join(article_id, sig)[0]

    def join(self, article_id: int, sig: np.ndarray) -> tuple[int, set[int]]:
        """Index one article; returns its story id and the other stories it joined (their
        articles now carry that story id). One lookup: ingest used to ``query`` first to learn
        the same."""
        row = self._row_of.get(article_id)
        if row is not None:
            return self._story[self._find(row)], set()
        sig = self._check(sig)
        row = self._append(article_id, sig)
        if is_empty(sig):
            return article_id, set()
        keys = _band_keys(sig[None, :], self.bands, self.rows)[0]
        cands, counts = self._lookup(keys)
        for key, count in zip(keys.tolist(), counts, strict=True):
            if count < self.bucket_cap:
                self._pending.setdefault(key, []).append(row)
                self._pending_size += 1
        joined: set[int] = set()
        if cands.size:
            same = np.count_nonzero(self._sigs[cands] == sig, axis=1)
            for other in cands[same >= self._need].tolist():
                # Before the union: clusters merge only here, so this is the story ``other``
                # had before this article came (or one already joined to it, which is too).
                joined.add(self._story[self._find(other)])
                self._union(row, other)
        if self._pending_size > self._compact_at:
            self._compact()
        story = self._story[self._find(row)]
        joined.discard(story)
        return story, joined

    def query(self, sig: np.ndarray) -> list[int]:
        """Ids of indexed articles that share an LSH band with ``sig`` and whose estimated
        Jaccard with it is ≥ ``threshold`` (sorted; the index is not modified)."""
        sig = self._check(sig)
        if is_empty(sig):
            return []
        cands, _ = self._lookup(_band_keys(sig[None, :], self.bands, self.rows)[0])
        if not cands.size:
            return []
        same = np.count_nonzero(self._sigs[cands] == sig, axis=1)
        return sorted(self._ids[r] for r in cands[same >= self._need].tolist())

    def story_of(self, article_id: int) -> int:
        return self._story[self._find(self._row_of[article_id])]

    def stories(self) -> dict[int, int]:
        """Every indexed article id → its story id."""
        return {aid: self._story[self._find(row)] for aid, row in self._row_of.items()}

    def clusters(self, min_size: int = 2) -> dict[int, list[int]]:
        """Story id → sorted article ids, for stories with at least ``min_size`` articles."""
        out: dict[int, list[int]] = {}
        for aid, story in self.stories().items():
            out.setdefault(story, []).append(aid)
        return {s: sorted(m) for s, m in out.items() if len(m) >= min_size}

    def keep_newest(self, n: int) -> None:
        """Keep only the ``n`` highest article ids, each with its current story id (so a story
        outlives its first articles' eviction), rebuilt as ``build`` would.

        In place: the old structures are let go before the rebuild allocates its own, so an
        ingest's peak memory holds one story window, not two."""
        stories = self.stories()
        keep = sorted(stories)[-n:]
        sigs = self._sigs[[self._row_of[pk] for pk in keep]]  # a copy
        given = [stories[pk] for pk in keep]
        del stories
        self._clear()
        self._fill(keep, sigs, given)

    @classmethod
    def build(
        cls,
        article_ids: Sequence[int] | np.ndarray,
        sigs: np.ndarray,
        stories: Sequence[int] | np.ndarray | None = None,
        **kwargs,
    ) -> StoryIndex:
        """Rebuild from stored signatures in one vectorised pass (same clusters as ``add`` in
        id order). ``sigs`` is an (n, num_perm) matrix, e.g. ``signatures_from_bytes(...)
        .reshape(n, -1)``; ``article_ids`` must be unique. ``stories`` (one per id, each at most
        its id) are story ids already given, e.g. by older articles no longer in the index: a
        cluster's story is the smallest of them."""
        ids = np.asarray(article_ids, dtype=np.int64)
        sigs = np.asarray(sigs, dtype=np.uint32)
        if sigs.ndim != 2 or sigs.shape[0] != ids.size:
            raise ValueError("sigs must be an (n, num_perm) matrix with one row per id")
        kwargs.setdefault("num_perm", sigs.shape[1])
        index = cls(**kwargs)
        index._fill(ids, sigs, stories)
        return index

    # --- internals ------------------------------------------------------------------------------

    def _fill(self, article_ids, sigs: np.ndarray, stories) -> None:
        """``build`` into this empty self."""
        ids = np.asarray(article_ids, dtype=np.int64)
        sigs = np.asarray(sigs, dtype=np.uint32)
        if sigs.shape[1] != self.num_perm:
            raise ValueError(f"signatures have {sigs.shape[1]} values, not {self.num_perm}")
        given = None if stories is None else np.asarray(stories, np.int64)
        if ids.size > 1 and np.any(ids[1:] < ids[:-1]):  # (a sorted window is not copied)
            order = np.argsort(ids, kind="stable")
            ids, sigs = ids[order], sigs[order]
            given = None if given is None else given[order]
        given = ids if given is None else np.minimum(given, ids)
        if ids.size > 1 and np.any(ids[1:] == ids[:-1]):
            raise ValueError("article ids must be unique")
        n = ids.size
        self._sigs = np.ascontiguousarray(sigs)
        self._n = n
        self._ids = ids.tolist()
        self._row_of = {aid: row for row, aid in enumerate(self._ids)}
        self._parent = list(range(n))
        self._story = given.tolist()
        if n == 0:
            return

        nonempty = np.flatnonzero(~np.all(sigs == EMPTY_VALUE, axis=1))
        # Most windows have no empty signature: hash the matrix itself, not a copy of it.
        banded = sigs if nonempty.size == n else sigs[nonempty]
        keys = _band_keys(banded, self.bands, self.rows).ravel()
        del banded
        krows = np.repeat(nonempty, self.bands)
        # Sort by key, then row (rows are in id order = insertion order of ``add``).
        # (The temporaries below are one entry per (article, band), 11 MB each for a story
        # window of 45,000: each is let go as soon as it is used, and updated in place where it
        # can be, which keeps a window's rebuild from doubling an ingest's peak memory.)
        srt = np.lexsort((krows, keys))
        keys = keys[srt]
        krows = krows[srt]
        del srt
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        sizes = np.diff(np.r_[starts, keys.size])
        bucket_start = np.repeat(starts, sizes)
        del starts, sizes
        pos = np.arange(keys.size)
        pos -= bucket_start  # position within the bucket

        # Candidate pairs as ``add`` sees them: the member at position p is compared with the
        # first min(p, cap) members of its bucket.
        n_cmp = np.minimum(pos, self.bucket_cap)
        later = np.repeat(np.arange(keys.size), n_cmp)
        first = np.repeat(bucket_start, n_cmp)
        del bucket_start
        offs = np.arange(later.size) - np.repeat(np.cumsum(n_cmp) - n_cmp, n_cmp)
        del n_cmp
        a, b = krows[first + offs], krows[later]
        del first, offs, later
        pair = np.unique(a * np.int64(n) + b)
        a, b = pair // n, pair % n
        del pair

        for lo in range(0, a.size, 1 << 16):
            pa, pb = a[lo : lo + (1 << 16)], b[lo : lo + (1 << 16)]
            same = np.count_nonzero(sigs[pa] == sigs[pb], axis=1)
            ok = same >= self._need
            for x, y in zip(pa[ok].tolist(), pb[ok].tolist(), strict=True):
                self._union(x, y)

        keep = pos < self.bucket_cap
        del pos
        self._keys = keys[keep]
        del keys
        self._krows = krows[keep]

    def _check(self, sig) -> np.ndarray:
        sig = np.asarray(sig)
        if sig.shape != (self.num_perm,):
            raise ValueError(f"a signature has {self.num_perm} values, got shape {sig.shape}")
        return sig.astype(np.uint32, copy=False)

    def _append(self, article_id: int, sig: np.ndarray) -> int:
        row = self._n
        if row == self._sigs.shape[0]:
            grown = np.empty((max(1024, 2 * row), self.num_perm), dtype=np.uint32)
            grown[:row] = self._sigs[:row]
            self._sigs = grown
        self._sigs[row] = sig
        self._n += 1
        self._ids.append(article_id)
        self._row_of[article_id] = row
        self._parent.append(row)
        self._story.append(article_id)
        return row

    def _lookup(self, keys: np.ndarray) -> tuple[np.ndarray, list[int]]:
        """Candidate rows for these band keys, and the current size of each bucket."""
        found: list[np.ndarray] = []
        counts: list[int] = []
        lo = np.searchsorted(self._keys, keys, side="left")
        hi = np.searchsorted(self._keys, keys, side="right")
        for key, i, j in zip(keys.tolist(), lo.tolist(), hi.tolist(), strict=True):
            recent = self._pending.get(key, ())
            if j > i:
                found.append(self._krows[i:j])
            if recent:
                found.append(np.asarray(recent, dtype=np.int64))
            counts.append(j - i + len(recent))
        if not found:
            return np.empty(0, dtype=np.int64), counts
        return np.unique(np.concatenate(found)), counts

    def _compact(self) -> None:
        """Merge the recent insertions into the sorted run: sort them, then insert them after
        the run's entries of the same key (their rows are newer than any row in the run, so
        the run stays sorted by key, then row). Linear in the run, so it can run often and
        keep ``_pending`` small."""
        if not self._pending:
            return
        keys = np.fromiter(
            (k for k, rows in self._pending.items() for _ in rows),
            dtype=np.uint64,
            count=self._pending_size,
        )
        rows = np.fromiter(
            (r for rows in self._pending.values() for r in rows),
            dtype=np.int64,
            count=self._pending_size,
        )
        self._pending = {}
        order = np.lexsort((rows, keys))
        keys, rows = keys[order], rows[order]
        at = np.searchsorted(self._keys, keys, side="right")
        self._keys = np.insert(self._keys, at, keys)
        self._krows = np.insert(self._krows, at, rows)
        self._pending_size = 0

    def _find(self, x: int) -> int:
        parent = self._parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def _union(self, x: int, y: int) -> None:
        rx, ry = self._find(x), self._find(y)
        if rx == ry:
            return
        if rx > ry:
            rx, ry = ry, rx
        self._parent[ry] = rx
        self._story[rx] = min(self._story[rx], self._story[ry])


def cluster(
    items: Iterable[tuple[int, str]],
    *,
    threshold: float = THRESHOLD,
    num_perm: int = NUM_PERM,
) -> dict[int, int]:
    """Article id → story id for ``(article_id, text)`` pairs (added in id order)."""
    pairs = sorted(items, key=lambda item: item[0])
    ids = [aid for aid, _ in pairs]
    if not ids:
        return {}
    sigs = np.stack([signature(text, num_perm) for _, text in pairs])
    return StoryIndex.build(ids, sigs, threshold=threshold, num_perm=num_perm).stories()

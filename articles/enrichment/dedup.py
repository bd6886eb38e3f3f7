"""Near-duplicate detection: articles that carry the same text form one story cluster.

The same article is republished with different page chrome, lightly edited, or picked up by
another outlet (a wire story in five newspapers). Counting those copies separately inflates
every facet and trend, so each article gets a *story id*: the smallest article id of its
cluster of near-duplicates.

Pipeline, all pure Python + numpy (no Django, no OpenSearch):

1. ``shingles(text)``: word ``SHINGLE_N``-grams over the tokens of
   ``articles.text.arabic.normalize(text)`` (lowercased, punctuation dropped), so spelling variants
   that the search layer already treats as equal (أ/ا, ة/ه, digits, tashkeel) do not count as
   edits.
2. ``signature(text)``: a ``NUM_PERM``-value MinHash (datasketch, scheme ``affine32``, seed
   ``SEED``), stored as ``4 * NUM_PERM`` bytes (``signature_to_bytes``; bytea in PostgreSQL).
   The values are exactly ``datasketch.MinHash.hashvalues``, so ``as_minhash(sig)`` gives a
   ``LeanMinHash`` for any datasketch API.
3. ``StoryIndex``: banded LSH (``BANDS`` x ``ROWS``, tuned by datasketch's own optimiser for
   ``LSH_THRESHOLD``) finds candidates, the estimated Jaccard (share of equal MinHash values)
   verifies them against ``THRESHOLD``, and union-find merges transitively. ``add`` is
   incremental; ``StoryIndex.build`` rebuilds from stored signatures in one vectorised pass
   and yields the same clusters as ``add`` in id order.

The LSH buckets are numpy arrays (sorted 64-bit band keys + row numbers), not
``datasketch.MinHashLSH``: MinHashLSH keeps a Python dict of sets per band and a key table,
about 100 bytes per (article, band), i.e. ~2 GB for a million articles, and inserts one at a
time; the arrays here hold 12 bytes per (article, band) and rebuild a million articles in
seconds. The candidate generation is the same banding technique.

Bump ``SIGNATURE_VERSION`` whenever ``SHINGLE_N``, ``NUM_PERM``, ``SEED``, the hash function or
the tokenisation changes: stored signatures of another version are not comparable.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import LeanMinHash, MinHash

from articles.text.arabic import normalize

#: Words per shingle. 5-grams: a shared 5-word sequence is rare between unrelated news
#: articles even in formulaic Saudi/agency prose («خادم الحرمين الشريفين الملك سلمان» is one
#: shingle, not a match), while one edited sentence only disturbs the ~5 shingles around it.
SHINGLE_N = 5
#: MinHash values per signature: 512 bytes stored; the estimated Jaccard has a standard error
#: of at most 0.044 (at J = 0.5), enough for a verification threshold of 0.5.
NUM_PERM = 128
SEED = 1
SCHEME = "affine32"
#: Verification: an LSH candidate joins the story when its estimated Jaccard is at least this.
THRESHOLD = 0.5
#: The LSH is tuned for a lower Jaccard than the verification so that true pairs near
#: ``THRESHOLD`` are rarely missed as candidates (verification removes the extra candidates).
LSH_THRESHOLD = 0.4
#: ``lsh_params(LSH_THRESHOLD, NUM_PERM)``, kept here so that the ingest path need not load
#: the optimiser (a test checks it against datasketch).
DEFAULT_LSH_PARAMS = (32, 4)
#: Stored signatures are comparable only with the same version.
SIGNATURE_VERSION = f"minhash-{SCHEME}-w{SHINGLE_N}-p{NUM_PERM}-s{SEED}-crc32fnv-v1"
#: A bucket stops accepting new rows at this size (later rows still query it): keeps a huge
#: bucket (an agency template republished thousands of times) from making ``add`` quadratic.
#: Members beyond the cap are still found, as near-duplicates of the first ``BUCKET_CAP``.
BUCKET_CAP = 64

_MAX_HASH = np.uint32(0xFFFFFFFF)
_TOKEN = re.compile(r"[^\W_]+")


# ------------------------------------------------------------------------------------------------
# Shingles and signatures
# ------------------------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Word tokens of the normalised text (``articles.text.arabic.normalize``), lowercased."""
    if not text:
        return []
    return _TOKEN.findall(normalize(text).lower())


def shingles(text: str, n: int = SHINGLE_N) -> set[bytes]:
    """Word ``n``-grams (UTF-8, space-joined) of the normalised text.

    A text with fewer than ``n`` tokens gives one shingle of all its tokens; an empty text (or
    one without a word) gives the empty set.
    """
    words = tokens(text)
    if not words:
        return set()
    if len(words) <= n:
        return {" ".join(words).encode()}
    return {" ".join(words[i : i + n]).encode() for i in range(len(words) - n + 1)}


def _token_hash(word: str) -> int:
    return zlib.crc32(word.encode())


_ROLL_MUL = np.uint64(0x100000001B3)  # FNV-1a 64-bit prime
_ROLL_INIT = np.uint64(0xCBF29CE484222325)


def shingle_hashes(text: str, n: int = SHINGLE_N) -> np.ndarray:
    """32-bit hashes of the shingles of ``text`` (the set ``shingles`` returns, one value per
    position), computed without building the strings: token CRC-32s (stable across processes,
    unlike ``hash()``) combined FNV-style over each window of ``n`` tokens, folded to 32 bits.
    This is what ``signature`` feeds to MinHash; ~3x faster than hashing the joined bytes."""
    words = tokens(text)
    if not words:
        return np.empty(0, dtype=np.uint32)
    th = np.fromiter(map(_token_hash, words), dtype=np.uint64, count=len(words))
    width = min(n, th.size)
    count = th.size - width + 1
    h = np.full(count, _ROLL_INIT, dtype=np.uint64)
    for k in range(width):
        h ^= th[k : k + count]
        h *= _ROLL_MUL
    return ((h >> np.uint64(32)) ^ (h & np.uint64(0xFFFFFFFF))).astype(np.uint32)


def _identity(value: int) -> int:
    return value


# datasketch is imported only where its objects are asked for: importing it loads SciPy (for
# its LSH optimiser), 60 MB in every process that merely computes signatures. The two things
# the ingest path needs from it are reproduced here and tested equal to datasketch's.


@lru_cache(maxsize=8)
def _permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """The affine32 permutations of ``datasketch.MinHash(num_perm, seed=SEED)``: odd ``a`` and
    any ``b`` drawn from ``numpy.random.RandomState(SEED)`` in that order."""
    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def minhash(hashes: Iterable[int], num_perm: int = NUM_PERM) -> MinHash:
    """The datasketch MinHash (scheme ``affine32``, seed ``SEED``) of 32-bit shingle hashes
    (``shingle_hashes``). ``signature`` computes the same values without the per-value Python
    call; this is the reference it is tested against."""
    from datasketch import MinHash

    m = MinHash(
        num_perm=num_perm,
        seed=SEED,
        scheme=SCHEME,
        hashfunc=_identity,
        permutations=_permutations(num_perm),
    )
    m.update_batch(np.asarray(hashes, dtype=np.uint32).tolist())
    return m


def _fmix32(h: np.ndarray) -> np.ndarray:
    # MurmurHash3's 32-bit finaliser: datasketch's pre-mix for the affine32 scheme.
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def minhash_values(hashes: np.ndarray, num_perm: int = NUM_PERM) -> np.ndarray:
    """``minhash(hashes, num_perm).hashvalues``, vectorised (uint32 arithmetic wraps, which is
    the modulo 2^32 of the affine32 permutations)."""
    a, b = _permutations(num_perm)
    if not len(hashes):
        return np.full(num_perm, _MAX_HASH, dtype=np.uint32)
    hv = _fmix32(np.asarray(hashes, dtype=np.uint32))[:, None]
    return (hv * a + b).min(axis=0).astype(np.uint32, copy=False)


def signature(text: str, num_perm: int = NUM_PERM) -> np.ndarray:
    """The MinHash signature of ``text``'s shingles: ``num_perm`` uint32 values (all
    0xFFFFFFFF when the text has no word: an *empty* signature, never clustered)."""
    return minhash_values(shingle_hashes(text), num_perm)


def signature_to_bytes(sig: np.ndarray) -> bytes:
    """``4 * num_perm`` bytes, little-endian uint32 (a PostgreSQL bytea)."""
    return np.asarray(sig, dtype="<u4").tobytes()


def signature_from_bytes(data: bytes | memoryview) -> np.ndarray:
    """The inverse of ``signature_to_bytes`` (a read-only view when given bytes)."""
    if len(data) % 4:
        raise ValueError(f"a signature is a multiple of 4 bytes, got {len(data)}")
    return np.frombuffer(data, dtype="<u4").astype(np.uint32, copy=False)


def signatures_from_bytes(
    rows: Iterable[bytes | memoryview], num_perm: int = NUM_PERM
) -> np.ndarray:
    """Many stored signatures as one (n, num_perm) uint32 matrix (for ``StoryIndex.build``)."""
    blob = b"".join(bytes(r) for r in rows)
    if len(blob) % (4 * num_perm):
        raise ValueError(f"signatures of {num_perm} values are {4 * num_perm} bytes each")
    return np.frombuffer(blob, dtype="<u4").astype(np.uint32).reshape(-1, num_perm)


def as_minhash(sig: np.ndarray) -> LeanMinHash:
    """A datasketch ``LeanMinHash`` with these values (for MinHashLSH, MinHash.jaccard, ...)."""
    from datasketch import LeanMinHash

    return LeanMinHash(seed=SEED, hashvalues=np.asarray(sig, dtype=np.uint32), scheme=SCHEME)


def is_empty(sig: np.ndarray) -> bool:
    return bool(np.all(np.asarray(sig) == _MAX_HASH))


def estimated_jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """The share of equal MinHash values: an unbiased estimate of the shingle Jaccard."""
    if is_empty(a) or is_empty(b):
        return 0.0
    return float(np.mean(np.asarray(a) == np.asarray(b)))


def jaccard(text_a: str, text_b: str) -> float:
    """Exact shingle Jaccard of two texts (for tests and inspection; not used to cluster)."""
    a, b = shingles(text_a), shingles(text_b)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


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


def _band_keys(sigs: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(n, bands) uint64 keys: a 64-bit hash of (band number, the band's ``rows`` values)."""
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
        self._n = 0
        self._sigs = np.empty((1024, num_perm), dtype=np.uint32)
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._parent: list[int] = []
        self._story: list[int] = []  # per root: the smallest article id of the cluster
        # Buckets: a sorted run (keys, rows) plus a dict of recent insertions.
        self._keys = np.empty(0, dtype=np.uint64)
        self._krows = np.empty(0, dtype=np.int64)
        self._pending: dict[int, list[int]] = {}
        self._pending_size = 0
        #: recent insertions are merged into the sorted run past max(this, half the run)
        self._compact_at = 1 << 16

    # --- public API -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._n

    def __contains__(self, article_id: int) -> bool:
        return article_id in self._row_of

    def add(self, article_id: int, sig: np.ndarray) -> int:
        """Index one article and return its story id. Adding an id twice returns its story."""
        row = self._row_of.get(article_id)
        if row is not None:
            return self._story[self._find(row)]
        sig = self._check(sig)
        row = self._append(article_id, sig)
        if is_empty(sig):
            return article_id
        keys = _band_keys(sig[None, :], self.bands, self.rows)[0]
        cands, counts = self._lookup(keys)
        for key, count in zip(keys.tolist(), counts, strict=True):
            if count < self.bucket_cap:
                self._pending.setdefault(key, []).append(row)
                self._pending_size += 1
        if cands.size:
            same = np.count_nonzero(self._sigs[cands] == sig, axis=1)
            for other in cands[same >= self._need].tolist():
                self._union(row, other)
        if self._pending_size > max(self._compact_at, self._keys.size // 2):
            self._compact()
        return self._story[self._find(row)]

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

    def newest(self, n: int) -> StoryIndex:
        """A fresh index of the ``n`` highest article ids, each keeping its current story id
        (so a story outlives its first articles' eviction); same parameters as this one."""
        stories = self.stories()
        keep = sorted(stories)[-n:]
        kept_rows = [self._row_of[pk] for pk in keep]
        return StoryIndex.build(
            keep,
            self._sigs[kept_rows],
            [stories[pk] for pk in keep],
            threshold=self.threshold,
            num_perm=self.num_perm,
            bands=self.bands,
            rows=self.rows,
            bucket_cap=self.bucket_cap,
        )

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
        if sigs.shape[1] != index.num_perm:
            raise ValueError(f"signatures have {sigs.shape[1]} values, not {index.num_perm}")
        order = np.argsort(ids, kind="stable")
        ids, sigs = ids[order], sigs[order]
        given = ids if stories is None else np.minimum(np.asarray(stories, np.int64)[order], ids)
        if ids.size > 1 and np.any(ids[1:] == ids[:-1]):
            raise ValueError("article ids must be unique")
        n = ids.size
        index._sigs = np.ascontiguousarray(sigs)
        index._n = n
        index._ids = ids.tolist()
        index._row_of = {aid: row for row, aid in enumerate(index._ids)}
        index._parent = list(range(n))
        index._story = given.tolist()
        if n == 0:
            return index

        nonempty = np.flatnonzero(~np.all(sigs == _MAX_HASH, axis=1))
        keys = _band_keys(sigs[nonempty], index.bands, index.rows).ravel()
        krows = np.repeat(nonempty, index.bands)
        # Sort by key, then row (rows are in id order = insertion order of ``add``).
        srt = np.lexsort((krows, keys))
        keys, krows = keys[srt], krows[srt]
        starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
        sizes = np.diff(np.r_[starts, keys.size])
        pos = np.arange(keys.size) - np.repeat(starts, sizes)  # position within the bucket

        # Candidate pairs as ``add`` sees them: the member at position p is compared with the
        # first min(p, cap) members of its bucket.
        n_cmp = np.minimum(pos, index.bucket_cap)
        later = np.repeat(np.arange(keys.size), n_cmp)
        first = np.repeat(np.repeat(starts, sizes), n_cmp)
        offs = np.arange(later.size) - np.repeat(np.cumsum(n_cmp) - n_cmp, n_cmp)
        a, b = krows[first + offs], krows[later]
        pair = np.unique(a * np.int64(n) + b)
        a, b = pair // n, pair % n

        for lo in range(0, pair.size, 1 << 16):
            pa, pb = a[lo : lo + (1 << 16)], b[lo : lo + (1 << 16)]
            same = np.count_nonzero(sigs[pa] == sigs[pb], axis=1)
            ok = same >= index._need
            for x, y in zip(pa[ok].tolist(), pb[ok].tolist(), strict=True):
                index._union(x, y)

        keep = pos < index.bucket_cap
        index._keys, index._krows = keys[keep], krows[keep]
        return index

    # --- internals ------------------------------------------------------------------------------

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
        """Merge the recent insertions into the sorted run (geometric: amortised O(log n))."""
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
        keys = np.concatenate([self._keys, keys])
        rows = np.concatenate([self._krows, rows])
        srt = np.lexsort((rows, keys))
        self._keys, self._krows = keys[srt], rows[srt]
        self._pending = {}
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

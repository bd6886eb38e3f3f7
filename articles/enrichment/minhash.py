"""MinHash signatures of article texts: the comparable fingerprint behind story clustering.

1. ``shingles(text)``: word ``SHINGLE_N``-grams over the tokens of
   ``articles.text.arabic_chars.normalize(text)`` (lowercased, punctuation dropped), so spelling
   variants that the search layer already treats as equal (أ/ا, ة/ه, digits, tashkeel) do not
   count as edits.
2. ``signature(text)``: a ``NUM_PERM``-value MinHash (datasketch, scheme ``affine32``, seed
   ``SEED``), stored as ``4 * NUM_PERM`` bytes (``signature_to_bytes``; bytea in PostgreSQL).
   The values are exactly ``datasketch.MinHash.hashvalues``, so ``as_minhash(sig)`` gives a
   ``LeanMinHash`` for any datasketch API.

Pure Python + numpy (no Django, no OpenSearch). :mod:`.dedup` clusters the signatures.

Bump ``SIGNATURE_VERSION`` whenever ``SHINGLE_N``, ``NUM_PERM``, ``SEED``, the hash function or
the tokenisation changes: stored signatures of another version are not comparable.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from datasketch import LeanMinHash, MinHash

from articles.text.arabic_chars import normalize

#: Words per shingle. 5-grams: a shared 5-word sequence is rare between unrelated news
#: articles even in formulaic Saudi/agency prose («خادم الحرمين الشريفين الملك سلمان» is one
#: shingle, not a match), while one edited sentence only disturbs the ~5 shingles around it.
SHINGLE_N = 5
#: MinHash values per signature: 512 bytes stored; the estimated Jaccard has a standard error
#: of at most 0.044 (at J = 0.5), enough for a verification threshold of 0.5.
NUM_PERM = 128
SEED = 1
SCHEME = "affine32"
#: Stored signatures are comparable only with the same version.
SIGNATURE_VERSION = f"minhash-{SCHEME}-w{SHINGLE_N}-p{NUM_PERM}-s{SEED}-crc32fnv-v1"
#: The value of every slot of an empty signature (a text without a word): never clustered.
EMPTY_VALUE = np.uint32(0xFFFFFFFF)
_TOKEN = re.compile(r"[^\W_]+")


# ------------------------------------------------------------------------------------------------
# Shingles and signatures
# ------------------------------------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    """Word tokens of the normalised text (``articles.text.arabic_chars.normalize``), lowercased:
    the runs of ``_TOKEN``, found as ``_TOKEN.findall`` would, at about half its cost."""
    if not text:
        return []
    return _word_runs(normalize(text).lower())


@lru_cache(maxsize=1)
def _is_word_char() -> np.ndarray:
    """For each code point of the Basic Multilingual Plane, whether ``_TOKEN`` takes it
    (``[^\\W_]`` is ``str.isalnum``; tested for every code point)."""
    return np.fromiter((chr(c).isalnum() for c in range(0x10000)), dtype=bool, count=0x10000)


def _word_runs(text: str) -> list[str]:
    """``_TOKEN.findall(text)``: every character that is not a word character becomes a space
    over an array of code points, and ``str.split`` cuts the runs (the regex walked the text
    a character at a time; a word character is never white space)."""
    codes = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if codes.size and int(codes.max()) > 0xFFFF:
        return _TOKEN.findall(text)
    spaced = np.where(_is_word_char()[codes], codes, np.uint32(32))
    return spaced.astype(np.uint32, copy=False).tobytes().decode("utf-32-le").split()


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
        return np.full(num_perm, EMPTY_VALUE, dtype=np.uint32)
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
    return bool(np.all(np.asarray(sig) == EMPTY_VALUE))


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

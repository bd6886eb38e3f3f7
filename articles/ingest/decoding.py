"""Bytes to text for every input ctsearch accepts.

Arabic news arrives in UTF-8 (with or without BOM), UTF-16 (Windows "Unicode" exports, sometimes
without BOM), Windows-1256 (old Windows sites and Word exports) and ISO-8859-6 (old Unix/mail).
General-purpose detectors confuse the two Arabic single-byte encodings, and a wrong guess still
"decodes" into plausible-looking Arabic letters, silently corrupting the archive. So the decision
here is explicit and testable:

1. BOMs are authoritative (UTF-8, UTF-32, UTF-16).
2. NUL bytes mean UTF-16 without BOM (NULs all on one byte parity) or binary data.
3. Strict UTF-8: a non-ASCII text that decodes as UTF-8 is UTF-8 with near certainty.
4. Windows-1256 and ISO-8859-6 are both decoded and scored on how Arabic the result looks
   (ISO-8859-6 read as cp1256 turns و ي ه into è ê ç inside Arabic words; cp1256 read as
   ISO-8859-6 almost always hits an undefined byte).
5. Anything else goes to charset-normalizer; whatever comes out must still look like text.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from .records import UndecodableInput

# Signatures of common binary formats, for a clearer message than "contains NUL bytes".
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "zip archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF8", "GIF image"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "Microsoft Office document (legacy)"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
    (b"SQLite format 3\x00", "SQLite database"),
)

# Arabic letters (basic block, supplement, presentation forms), not digits or punctuation.
_ARABIC_LETTER = re.compile(
    r"[\u0621-\u064A\u066E-\u06D3\u06D5\u06EE\u06EF\u06FA-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFC]"
)
# Latin-1/Latin Extended letters: what Arabic bytes become when decoded with the wrong table.
_LATIN_EXT = re.compile(r"[\u00C0-\u024F]")
_WORD = re.compile(r"\w+")
# A word where an Arabic letter touches a Latin one: the mark of a wrong code page
# (ISO-8859-6 read as cp1256 gives «èلى»; cp1252 French read as cp1256 gives «ministوre»).
_MIXED_WORD = re.compile(
    r"\w*(?:[\u0621-\u064A][A-Za-z\u00C0-\u024F]|[A-Za-z\u00C0-\u024F][\u0621-\u064A])\w*"
)
_LETTER = re.compile(r"[^\W\d_]")
# The definite article is the most frequent Arabic bigram; it separates the two tables when
# both decode to Arabic letters (ل is 0xE1 in cp1256 but 0xE4 in ISO-8859-6).
_ARTICLE = re.compile(r"(?<!\w)ال")

_WESTERN = ("cp1252", "iso8859_15", "latin_1")
_SAMPLE = 65536  # bytes inspected by the heuristics; decoding itself always uses everything


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode an input file; return ``(text, encoding name)`` or raise ``UndecodableInput``.

    The text is returned exactly as encoded (BOM removed, nothing else changed).
    """
    if not data:
        raise UndecodableInput("empty file")

    text, encoding = _decode_with_bom(data)
    if text is None:
        if b"\x00" in data:
            text, encoding = _decode_nul_bearing(data)
        else:
            try:
                text, encoding = data.decode("utf-8"), "utf-8"
            except UnicodeDecodeError:
                text, encoding = _decode_legacy(data)

    _check_text(text)
    return text, encoding


def _decode_with_bom(data: bytes) -> tuple[str | None, str]:
    # UTF-32 LE's BOM starts with UTF-16 LE's, so test it first.
    for bom, name, codec in (
        (codecs.BOM_UTF8, "utf-8-sig", "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), name
            except UnicodeDecodeError as exc:
                if name.startswith("utf-32"):
                    continue  # "FF FE 00 00" may be UTF-16 LE text starting with U+0000
                raise UndecodableInput(
                    f"invalid {name.upper()} text (byte {exc.start}: {exc.reason})"
                ) from None
    return None, ""


def _decode_nul_bearing(data: bytes) -> tuple[str, str]:
    """NULs never occur in text files except as the high/low byte of UTF-16 code units."""
    for signature, what in _MAGIC:
        if data.startswith(signature):
            raise UndecodableInput(f"binary file ({what})")
    sample = data[:_SAMPLE]
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    # ASCII spaces/digits/punctuation give NULs in the high byte; Arabic letters give 0x06.
    # Requiring every NUL on one parity rules out binary files, where NULs fall anywhere.
    if len(data) % 2 == 0 and (even == 0) != (odd == 0):
        codec = "utf-16-le" if odd else "utf-16-be"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            pass
        else:
            if _looks_like_text(text):
                return text, codec
    raise UndecodableInput("binary file (contains NUL bytes)")


def _decode_legacy(data: bytes) -> tuple[str, str]:
    for signature, what in _MAGIC:
        if data.startswith(signature):
            raise UndecodableInput(f"binary file ({what})")
    sample = data[:_SAMPLE]
    candidates: list[tuple[float, str, str]] = []
    for codec in ("cp1256", "iso-8859-6"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue  # ISO-8859-6 leaves many bytes undefined: cp1256 text usually fails here
        score = _arabic_score(text[: len(sample)])
        if score is not None and _plausibly_arabic(text[: len(sample)]):
            candidates.append((score, codec, text))
    if candidates:
        # Highest score wins; on a tie cp1256 (listed first) is by far the commoner encoding.
        candidates.sort(key=lambda c: -c[0])
        _, codec, text = candidates[0]
        return text, codec

    # Not Arabic: a Latin-script page (French, English) in a legacy encoding, most likely.
    from charset_normalizer import from_bytes  # imported lazily: costly and rarely needed

    matches = list(from_bytes(sample if len(data) > _SAMPLE else data))
    if matches:
        # charset-normalizer ranks equally clean code pages arbitrarily (French in cp1252 comes
        # back as cp1250); among the cleanest, prefer the Western ones Maghrebi sites use.
        least = min(m.chaos for m in matches)
        clean = [m.encoding for m in matches if m.chaos <= least + 0.01]
        preferred = [e for e in _WESTERN if e in clean]
        for encoding in preferred[:1] + clean:
            try:
                text = data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
            if _looks_like_text(text) and _mostly_latin(text[:_SAMPLE]):
                return text, codecs.lookup(encoding).name
    raise UndecodableInput(
        "unrecognised text encoding: not UTF-8, UTF-16 or an Arabic encoding, and not text in a"
        " Latin script (ctsearch stores Arabic, English and French)"
    )


# Any byte sequence decodes to Arabic letters in cp1256, so looking Arabic is not enough: real
# prose uses the definite article. The sparsest of SaudiNewsNet's articles of 30 words or more
# has one «ال» in 90 words; KOI8-R, Shift-JIS or random bytes read as cp1256 have none.
_MIN_WORDS_TO_JUDGE = 30
_MIN_ARTICLE_RATIO = 0.005


def _plausibly_arabic(text: str) -> bool:
    words = len(_WORD.findall(text))
    if words < _MIN_WORDS_TO_JUDGE:
        return True  # too short to tell; the score alone decides
    return len(_ARTICLE.findall(text)) / words >= _MIN_ARTICLE_RATIO


_LATIN_LETTER = re.compile(r"[A-Za-z\u00C0-\u024F]")


def _mostly_latin(text: str) -> bool:
    """A legacy-encoded page that is not Arabic must be prose in a Latin script (English,
    French): mostly letters, and those letters Latin."""
    letters = len(_LETTER.findall(text))
    visible = sum(1 for ch in text if not ch.isspace())
    return letters >= 0.5 * visible and len(_LATIN_LETTER.findall(text)) >= 0.8 * letters


def _arabic_score(text: str) -> float | None:
    """How plausible ``text`` is as Arabic prose; None when it is not Arabic at all."""
    arabic = len(_ARABIC_LETTER.findall(text))
    latin_ext = len(_LATIN_EXT.findall(text))
    letters = len(_LETTER.findall(text))
    if arabic == 0 or arabic < 2 * latin_ext or arabic < letters // 5:
        return None
    words = max(1, len(_WORD.findall(text)))
    mixed = len(_MIXED_WORD.findall(text))
    controls = sum(1 for ch in text if _is_bad_control(ch))
    return (
        len(_ARTICLE.findall(text)) / words
        + arabic / (arabic + latin_ext)
        - 5 * mixed / words
        - 10 * controls / max(1, len(text))
    )


def _is_bad_control(ch: str) -> bool:
    # Control, surrogate, private-use and unassigned characters, and U+FFFD: never in prose.
    if ch in "\t\n\r\f\v":
        return False
    return ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn")


def _looks_like_text(text: str) -> bool:
    sample = text[:_SAMPLE]
    if not sample:
        return True
    bad = sum(1 for ch in sample if _is_bad_control(ch))
    return bad <= max(2, len(sample) // 200)


def _check_text(text: str) -> None:
    if not text.strip():
        raise UndecodableInput("empty file (only whitespace)")
    if "\x00" in text:
        raise UndecodableInput("binary file (contains NUL bytes)")
    if not _looks_like_text(text):
        raise UndecodableInput("binary file (too many control characters)")

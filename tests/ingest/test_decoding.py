import codecs
import random

import pytest

from articles.ingest.decoding import decode_bytes
from articles.ingest.records import UndecodableInput

from .helpers import all_seed_texts, seed_text

# Representable in every encoding tested, ISO-8859-6 included (no «» ـ “ ” or Persian letters).
ARABIC = (
    "أعلنت وزارة الداخلية، يوم الأحد، تفكيك خلية إرهابية تتكون من أربعة عناصر موالين لتنظيم "
    "داعش في مدينة الدار البيضاء؛ وقالت إن التحقيقات ما زالت جارية؟ نعم.\n\n"
    'وأضاف البيان أن "الأجهزة الأمنية" حجزت معدات إلكترونية وأسلحة بيضاء ومبالغ مالية.\n'
)


@pytest.mark.parametrize(
    ("encoding", "expected_name"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16-le"),  # Python writes a BOM, little-endian
        ("cp1256", "cp1256"),
        ("iso-8859-6", "iso-8859-6"),
    ],
)
def test_round_trip_representable_text(encoding, expected_name):
    text, name = decode_bytes(ARABIC.encode(encoding))
    assert text == ARABIC
    assert name == expected_name


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_explicit_bom(codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    text, name = decode_bytes(bom + ARABIC.encode(codec))
    assert text == ARABIC
    assert name == codec


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_detected_by_nul_pattern(codec):
    text, name = decode_bytes(ARABIC.encode(codec))
    assert text == ARABIC
    assert name == codec


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be"])
def test_seeds_round_trip_in_unicode_encodings(prefix, encoding):
    seed = seed_text(prefix)
    data = seed.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):
        data = (codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE) + data
    assert decode_bytes(data)[0] == seed


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seeds_survive_cp1256_when_representable(prefix):
    seed = seed_text(prefix)
    try:
        data = seed.encode("cp1256")
    except UnicodeEncodeError:
        # Curly quotes and the like are outside cp1256: test what cp1256 can carry.
        seed = seed.encode("cp1256", errors="ignore").decode("cp1256")
        data = seed.encode("cp1256")
    assert decode_bytes(data) == (seed, "cp1256")


def test_some_seed_is_fully_cp1256_representable():
    representable = 0
    for seed in all_seed_texts():
        try:
            data = seed.encode("cp1256")
        except UnicodeEncodeError:
            continue
        representable += 1
        assert decode_bytes(data) == (seed, "cp1256")
    assert representable >= 1


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seeds_survive_iso_8859_6_when_representable(prefix):
    seed = seed_text(prefix).encode("iso-8859-6", errors="ignore").decode("iso-8859-6")
    assert decode_bytes(seed.encode("iso-8859-6")) == (seed, "iso-8859-6")


def test_short_iso_8859_6_line_not_mistaken_for_cp1256():
    line = "الإرهاب والتطرف في المنطقة"
    assert decode_bytes(line.encode("iso-8859-6")) == (line, "iso-8859-6")
    assert decode_bytes(line.encode("cp1256")) == (line, "cp1256")


def test_latin_legacy_text_falls_back_to_detector():
    text = "Le ministère de l'Intérieur a annoncé le démantèlement d'une cellule à Fès. " * 5
    decoded, _ = decode_bytes(text.encode("cp1252"))
    assert decoded == text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\t\n", "empty file"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x00", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (bytes(range(256)) * 4, "binary file"),
        (b"abc\x00def\x00\x00\x01\x02ghi", "NUL bytes"),
        (b"text with \x01\x02\x03\x04\x05\x06\x07\x08 controls \x0e\x0f\x10\x11", "binary file"),
    ],
)
def test_rejects_empty_and_binary(data, reason):
    with pytest.raises(UndecodableInput, match=reason):
        decode_bytes(data)


RUSSIAN = "Министерство внутренних дел сообщило о задержании подозреваемых в Москве. " * 20
JAPANESE = "東京で爆発事件が発生し、警察は捜査を開始した。容疑者は逮捕された。" * 30


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (RUSSIAN.encode("koi8_r"), "KOI8-R Russian"),
        (JAPANESE.encode("shift_jis"), "Shift-JIS Japanese"),
        (bytes(random.Random(1).randrange(128, 256) for _ in range(3000)), "random high bytes"),
    ],
)
def test_text_that_is_neither_arabic_nor_latin_script_is_refused_not_stored_as_gibberish(
    data, what
):
    with pytest.raises(UndecodableInput, match="unrecognised text encoding"):
        decode_bytes(data)


def test_sparse_but_real_arabic_in_cp1256_still_decodes():
    text = "أعلنت وزارة الداخلية اليوم " + "عن خطة جديدة لمكافحة الإرهاب في المنطقة " * 10
    assert decode_bytes(text.encode("cp1256")) == (text, "cp1256")

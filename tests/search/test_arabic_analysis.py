"""The Arabic analysis against a real OpenSearch node.

Uses ``OPENSEARCH_URL`` (default http://127.0.0.1:59200). Skipped only when the variable is
unset and nothing answers at the default address; with the variable set, an unreachable engine
is an error. Writes the ours-vs-built-in table to ``var/reports/arabic_analysis.txt``.
"""

from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest

from articles.search.analysis import (
    CHAR_FILTERS,
    EXACT_ANALYZER,
    STEMMED_ANALYZER,
    analysis_settings,
)
from articles.text import arabic, arabic_chars
from bench.analysis_eval import (
    INDEX_PREFIX,
    comparison_table,
    evaluate_builtin,
    evaluate_ours,
)
from tests.search.arabic_cases import CASES, KNOWN_FAILURES

DEFAULT_URL = f"http://127.0.0.1:{os.environ.get('CTSEARCH_OPENSEARCH_PORT', '59200')}"
REPORT = Path(__file__).resolve().parents[2] / "var" / "reports" / "arabic_analysis.txt"


@pytest.fixture(scope="module")
def client():
    opensearchpy = pytest.importorskip("opensearchpy")
    url = os.environ.get("OPENSEARCH_URL")
    c = opensearchpy.OpenSearch(hosts=[url or DEFAULT_URL], timeout=30)
    try:
        c.info()
    except Exception as exc:  # connection refused, timeout ...
        if url:
            pytest.fail(f"OPENSEARCH_URL={url} does not answer: {exc}")
        pytest.skip(f"OPENSEARCH_URL is unset and nothing answers at {DEFAULT_URL}")
    return c


@pytest.fixture(scope="module")
def reports(client):
    return evaluate_ours(client, CASES), evaluate_builtin(client, CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case_passes_with_our_analysis(reports, case):
    if case.id in KNOWN_FAILURES:
        pytest.xfail(case.note)
    result = reports[0].by_id()[case.id]
    assert result.passed, (
        f"{case.id} «{case.query}» ({case.note}): missed={result.missed} "
        f"wrongly_matched={result.wrongly_matched}"
    )


def test_ours_beats_builtin_arabic(reports):
    ours, builtin = reports
    table = comparison_table(ours, builtin)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(table, encoding="utf-8")
    print("\n" + table.splitlines()[0] + f"  (table: {REPORT})")
    assert ours.pass_rate > builtin.pass_rate, table


@pytest.fixture(scope="module")
def analysis_index(client):
    index = f"{INDEX_PREFIX}mirror_{uuid.uuid4().hex[:8]}"
    client.indices.create(index=index, body={"settings": {"analysis": analysis_settings()}})
    yield index
    client.indices.delete(index=index, ignore_unavailable=True)


def _vocabulary() -> list[str]:
    """Normalised Arabic words of every case text and query, plus tricky hand-picked ones."""
    words: set[str] = set()
    texts = [c.query for c in CASES] + [
        t for c in CASES for t in (*c.must_match, *c.must_not_match)
    ]
    texts.append(
        "والوزير ووزير للوزير بالوزراء ولايات بلدية البحرية لشؤون بقوات وبيانات فقال فالتنظيم "
        "كالتنظيم وكالات الآلية آليات إلقاء بإلقاء الإلقاء لليبيا الليبيين الأمريكية أميركيون "
        "للرقة بالبصرة وكتائب عملياتهم قواته أسلحتها هجماتهم الدوليين مسئوليات"
    )
    for t in texts:
        words.update(re.findall("[\u0621-\u064a]+", arabic_chars.normalize(t)))
    # protected words behind proclitic stacks and with endings (the engine looks these up in
    # stemmer_override tables built from the rules): a rotating sample of stacks and endings
    stacks = ["", *arabic.STACKS_ANY]
    endings = ["", *arabic.NAME_ENDING_LIST, *arabic.LEX_ENDING_LIST]
    bases = [*arabic.NAME_BASES, *arabic.LEX_BASES]
    for i, base in enumerate(bases):
        for j in range(4):
            words.add(
                stacks[(i + 7 * j) % len(stacks)] + base + endings[(i + 5 * j) % len(endings)]
            )
    for i, base in enumerate(arabic.ARTICLE_NAME_BASES):
        words.add(arabic.STACKS_ARTICLE[i % len(arabic.STACKS_ARTICLE)] + base)
    words.update(["ولايه", "فلاليه", "الات", "لله", "وللظواهري", "والله"])
    return sorted(words)


def _engine_terms(client, index: str, analyzer: str, words: list[str]) -> list[set[str]]:
    text = " ".join(words)
    starts, pos = {}, 0
    for i, w in enumerate(words):
        starts[pos] = i
        pos += len(w) + 1
    out: list[set[str]] = [set() for _ in words]
    tokens = client.indices.analyze(index=index, body={"analyzer": analyzer, "text": text})
    for tok in tokens["tokens"]:
        out[starts[tok["start_offset"]]].add(tok["token"])
    return out


@pytest.mark.parametrize(
    ("analyzer", "mirror"),
    [(STEMMED_ANALYZER, arabic.stem_variants), (EXACT_ANALYZER, arabic.exact_variants)],
)
def test_python_mirror_equals_engine(client, analysis_index, analyzer, mirror):
    words = _vocabulary()
    engine = _engine_terms(client, analysis_index, analyzer, words)
    diffs = [
        (w, sorted(e), mirror(w)) for w, e in zip(words, engine, strict=True) if e != set(mirror(w))
    ]
    assert not diffs, diffs[:20]


def test_normalize_matches_char_filters(client, analysis_index):
    """normalize() produces the text the analyzers tokenise (checked through the exact field of
    single-word texts made of odd characters)."""
    samples = [
        "بالـإرهاب",
        "اﻷمن",
        "ﺩﺍﻋﺶ",
        "مسو\u0654ول",
        "دا\u200fعش",
        "الإر\u200cهاب",
        "کرکوک",
        "الجبهۀ",
        "هٰذه",
        "٢٠١٤م",
        "١٫٤",
        "١٬٠٠٠",
        "1,000,000 و1,5 و2014م,5 و12,34,567 و1,2,3 و5,.5 و0م,000 و3 ه, ,",
    ]
    for s in samples:
        tokens = client.indices.analyze(
            index=analysis_index,
            body={
                "char_filter": CHAR_FILTERS,
                "tokenizer": "keyword",
                "text": s,
            },
        )["tokens"]
        assert tokens[0]["token"] == arabic_chars.normalize(s), s


# ------------------------------------------------------------------------------------------------
# Round two (issue 14): compound names, the article before non-Arabic, acronyms, duals, and the
# over-conflation guard, checked on the engine's own token streams (_analyze).
# ------------------------------------------------------------------------------------------------


def _terms(client, index: str, analyzer: str, text: str) -> list[str]:
    tokens = client.indices.analyze(index=index, body={"analyzer": analyzer, "text": text})
    return [t["token"] for t in tokens["tokens"]]


@pytest.mark.parametrize(
    ("joined", "apart"),
    [
        ("عبدالرحمن", "عبد الرحمن"),
        ("عبدالله", "عبد الله"),
        ("لعبدالله", "لعبد الله"),
        ("أبومحمد", "أبو محمد"),
        ("ابوبكر", "أبو بكر"),
        ("أبوعبدالله", "أبو عبد الله"),
        ("أبوحمزة", "أبو حمزه"),
        ("أبوالحسن", "أبو الحسن"),
        ("أبوظبي", "أبو ظبي"),
    ],
)
@pytest.mark.parametrize("analyzer", [STEMMED_ANALYZER, EXACT_ANALYZER])
def test_compound_names_joined_equal_apart(client, analysis_index, analyzer, joined, apart):
    assert _terms(client, analysis_index, analyzer, joined) == _terms(
        client, analysis_index, analyzer, apart
    )


@pytest.mark.parametrize("word", ["أبواب", "أبوين", "أبوة", "عبدة", "عبده", "معبد"])
def test_words_that_start_like_compound_names_stay_whole(client, analysis_index, word):
    assert len(_terms(client, analysis_index, EXACT_ANALYZER, word)) == 1


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("الـ20", "20"),
        ("الـ٢٠", "20"),
        ("ال٢٠", "20"),
        ("للـ20", "20"),
        ("والـFBI", "fbi"),
        ("الFBI", "fbi"),
        ("بالـCIA", "cia"),
    ],
)
@pytest.mark.parametrize("analyzer", [STEMMED_ANALYZER, EXACT_ANALYZER])
def test_article_before_digits_and_latin_is_dropped(client, analysis_index, analyzer, text, bare):
    assert _terms(client, analysis_index, analyzer, text) == [bare]


@pytest.mark.parametrize(
    ("text", "term"),
    [("U.S.", "us"), ("US", "us"), ("u.s", "us"), ("E.U.", "eu"), ("U.S.A.", "usa")],
)
@pytest.mark.parametrize("analyzer", [STEMMED_ANALYZER, EXACT_ANALYZER])
def test_dotted_acronyms(client, analysis_index, analyzer, text, term):
    assert _terms(client, analysis_index, analyzer, text) == [term]


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("U S", ["us"]),
        ("E U", ["eu"]),
        ("U S A", ["usa"]),
        ("I S I S", ["isis"]),
        ("the U S forces", ["the", "us", "forces"]),
        ("US. E U", ["us", "eu"]),
    ],
)
@pytest.mark.parametrize("analyzer", [STEMMED_ANALYZER, EXACT_ANALYZER])
def test_spaced_acronyms_join(client, analysis_index, analyzer, text, terms):
    assert _terms(client, analysis_index, analyzer, text) == terms


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("Plan A", ["plan", "a"]),
        ("a b", ["a", "b"]),
        ("A U.S. drone", ["a", "us", "drone"]),
        ("J. K. Rowling", ["j", "k", "rowling"]),
        ("A B C D E", ["a", "b", "c", "d", "e"]),
        ("U  S", ["u", "s"]),
    ],
)
def test_spaced_acronyms_do_not_over_join(client, analysis_index, text, terms):
    assert _terms(client, analysis_index, EXACT_ANALYZER, text) == terms


def test_spaced_acronyms_python_equals_engine(client, analysis_index):
    samples = [
        "U S",
        "E U و U S A",
        "Plan A",
        "Plan A B",
        "A U.S. drone",
        "J. K. Rowling",
        "A B C D E",
        "a b",
        "U S.",
        "NATO U S, E U",
        "5 U S 6",
        "x U Sy",
        "قوات U S في",
        "U S A B C",
    ]
    for s in samples:
        tokens = client.indices.analyze(
            index=analysis_index,
            body={"char_filter": CHAR_FILTERS, "tokenizer": "keyword", "text": s},
        )["tokens"]
        assert tokens[0]["token"] == arabic_chars.normalize(s), s


def test_decimals_and_hosts_keep_their_dots(client, analysis_index):
    assert _terms(client, analysis_index, EXACT_ANALYZER, "3.5 isis.com") == ["3.5", "isis.com"]


@pytest.mark.parametrize(
    ("dual", "singular"),
    [
        ("حكومتين", "حكومة"),
        ("الحكومتان", "الحكومة"),
        ("مدينتان", "مدينة"),
        ("دولتين", "دولة"),
        ("ساعتين", "ساعة"),
        ("عمليتين", "عملية"),
        ("المنظمتين", "منظمة"),
        ("وزيرين", "وزير"),
    ],
)
def test_duals_stem_like_the_singular(client, analysis_index, dual, singular):
    assert _terms(client, analysis_index, STEMMED_ANALYZER, dual) == _terms(
        client, analysis_index, STEMMED_ANALYZER, singular
    )


#: Pairs the light stemmer used to merge (or that a careless dual / feminine rule would merge)
#: whose meanings differ: each must keep distinct stems.
DISTINCT = [
    ("مستوطنون", "مستوطنات"),
    ("المستوطنين", "مستوطنة"),
    ("مقاتلون", "مقاتلات"),
    ("مقاتلين", "مقاتلة"),
    ("منظمون", "منظمة"),
    ("مدرسين", "مدرسة"),
    ("منطق", "منطقة"),
    ("شرط", "الشرطة"),
    ("العمل", "العمليات"),
    ("عملي", "عملية"),
    ("بلد", "بلدية"),
    ("جامع", "جامعة"),
    ("محافظون", "محافظة"),
    ("مؤسسين", "مؤسسة"),
    ("بوتين", "بوه"),
    ("روتين", "روه"),
    ("باكستان", "باكسه"),
    ("القاعدة", "قاعدتين"),
    ("دولي", "دولتين"),
]


@pytest.mark.parametrize(("a", "b"), DISTINCT)
def test_unrelated_words_keep_distinct_stems(client, analysis_index, a, b):
    assert not set(_terms(client, analysis_index, STEMMED_ANALYZER, a)) & set(
        _terms(client, analysis_index, STEMMED_ANALYZER, b)
    )


@pytest.mark.parametrize(
    ("a", "b"),
    [("مستوطنة", "المستوطنات"), ("مقاتلتين", "مقاتلات"), ("إرهابية", "إرهابيين"), ("أبي", "أبو")],
)
def test_related_forms_still_share_a_stem(client, analysis_index, a, b):
    assert _terms(client, analysis_index, STEMMED_ANALYZER, a) == _terms(
        client, analysis_index, STEMMED_ANALYZER, b
    )

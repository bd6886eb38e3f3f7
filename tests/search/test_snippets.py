"""Passages cut from the engine's whole marked texts (articles.search.snippets)."""

from __future__ import annotations

import html
import itertools
import re

from hypothesis import given
from hypothesis import strategies as st

from articles.search.snippets import merge, passages, render, snippets, unmark, whole

WORDS = "داعش هجوم الموصل في مجلس الأمن تنظيم الدولة قال المتحدث إن الحكومة اليمنية".split()


def _engine_marked(plain: str, spans: list[tuple[int, int]]) -> str:
    """What the engine sends: Lucene's SimpleHTMLEncoder escapes ' and / too."""

    def esc(text: str) -> str:
        return html.escape(text).replace("/", "&#x2F;")

    out, pos = [], 0
    for s, e in spans:
        out += [esc(plain[pos:s]), "<mark>", esc(plain[s:e]), "</mark>"]
        pos = e
    return "".join([*out, esc(plain[pos:])])


def test_unmark_unescapes_and_finds_the_marks():
    plain, spans = unmark("A &amp; <mark>B</mark> &lt;&#x2F;b&gt; <mark>داعش</mark>")
    assert plain == "A & B </b> داعش"
    assert [plain[s:e] for s, e in spans] == ["B", "داعش"]


def test_the_fields_marks_are_merged_over_one_text():
    stemmed = "<mark>هجوم</mark> داعش في الموصل"
    exact = "هجوم <mark>داعش</mark> في الموصل"
    assert whole([stemmed, exact]) == "<mark>هجوم</mark> <mark>داعش</mark> في الموصل"
    # overlapping marks become one
    assert whole(["<mark>مجلس الأمن</mark> قال", "مجلس <mark>الأمن قال</mark>"]) == (
        "<mark>مجلس الأمن قال</mark>"
    )
    # an unmarked text (the no_match_size opening) gives way to a marked one
    assert merge(["opening", "other <mark>m</mark>"]) == ("other m", [(6, 7)])
    assert whole(["opening"]) == "opening"
    assert whole([]) is None


def test_script_in_an_article_stays_text():
    marked = "&lt;script&gt;alert(1)&lt;&#x2F;script&gt; <mark>داعش</mark>"
    (fragment,) = snippets([marked])
    assert "<script>" not in fragment
    assert fragment == "&lt;script&gt;alert(1)&lt;/script&gt; <mark>داعش</mark>"


def test_passages_surround_the_marks_and_the_best_come_first():
    filler = " ".join(WORDS[3:] * 8)  # no query words, ~500 characters
    text = f"{filler} <mark>داعش</mark> {filler} <mark>داعش</mark> و<mark>الموصل</mark> {filler}"
    fragments = snippets([text], size=160, count=3)
    assert len(fragments) == 2
    # two distinct words marked beat one
    assert "الموصل" in fragments[0] and fragments[0].count("<mark>") == 2
    for fragment in fragments:
        plain, _ = unmark(fragment)
        assert len(plain) <= 160
        assert fragment == fragment.strip()
        assert plain.split()[0] in WORDS  # starts at a whole word


def test_a_passage_starts_after_a_sentence_end_close_before_its_mark():
    text = "كلام طويل " * 30 + "انتهت الجملة. بدأ <mark>هجوم</mark> جديد " + "كلام " * 40
    (fragment,) = snippets([text], size=160)
    assert fragment.startswith("بدأ <mark>هجوم</mark>")


def test_without_marks_the_opening():
    text = "كلمة " * 100
    (fragment,) = snippets([text], size=40)
    assert len(fragment) <= 40 and fragment.endswith("كلمة")
    assert snippets([""]) == [] and snippets([]) == []


marked_texts = st.lists(
    st.tuples(st.sampled_from([*WORDS, "<b>", "&", "A/B", "'", "؟", ".", "\n"]), st.booleans()),
    max_size=120,
)


def _build(words: list[tuple[str, bool]]) -> tuple[str, list[tuple[int, int]]]:
    plain, spans = "", []
    for word, is_marked in words:
        if plain:
            plain += " "
        if is_marked:
            spans.append((len(plain), len(plain) + len(word)))
        plain += word
    return plain, spans


@given(marked_texts)
def test_unmark_reads_back_what_the_engine_marked(words):
    plain, spans = _build(words)
    assert unmark(_engine_marked(plain, spans)) == (plain, spans)
    assert unmark(render(plain, spans)) == (plain, spans)


@given(marked_texts, st.integers(min_value=20, max_value=200), st.integers(1, 4))
def test_snippets_are_marked_escaped_pieces_of_the_text(words, size, count):
    plain, spans = _build(words)
    fragments = snippets([_engine_marked(plain, spans)], size=size, count=count)
    assert len(fragments) <= count
    longest_mark = max((e - s for s, e in spans), default=0)
    seen = []
    for fragment in fragments:
        # only our tags: everything else is escaped text
        assert re.sub(r"</?mark>", "", fragment).count("<") == 0
        piece, marks = unmark(fragment)
        assert piece in plain
        assert len(piece) <= max(size, longest_mark)
        if spans:
            assert marks, "a passage is chosen for its marks"
        seen.append(piece)
    if spans:
        assert fragments, "marks always give a passage"


@given(marked_texts, st.integers(min_value=20, max_value=200), st.integers(1, 4))
def test_passages_never_overlap_and_hold_their_marks(words, size, count):
    plain, spans = _build(words)
    chosen = passages(plain, spans, size, count)
    assert len(chosen) <= count and (chosen or not spans)
    ordered = sorted(chosen)
    for (_, end, _), (start, _, _) in itertools.pairwise(ordered):
        assert end <= start
    for start, end, marks in chosen:
        assert all(start <= s and e <= end for s, e in marks)

"""Near-duplicate story clustering (articles.enrichment.dedup): pure Python, no database or
services."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.enrichment import dedup, minhash
from articles.ingest.textpage import parse_text_page

from ..ingest.helpers import seed_text, shared_dir

REPO = Path(__file__).resolve().parents[2]


def seed_body(prefix: str) -> str:
    record = parse_text_page(
        seed_text(prefix), origin="seeds", key=f"{prefix}.txt", raw_encoding="utf-8"
    )
    return record.body


def sig(text: str) -> np.ndarray:
    return minhash.signature(text)


# ------------------------------------------------------------------------------------------------
# Shingles and signatures
# ------------------------------------------------------------------------------------------------


def test_shingles_use_the_shared_normalisation():
    # hamza seat, taa marbuta, tashkeel, tatweel and Arabic-Indic digits do not count as edits
    a = "أعلنت وزارة الداخلية إحباط مُخطط إرهابـي في ٢٠١٥ م"
    b = "اعلنت وزاره الداخليه احباط مخطط ارهابي في 2015"
    assert minhash.shingles(a) == minhash.shingles(b)
    assert minhash.jaccard(a, b) == 1.0


def test_shingles_are_word_ngrams_and_short_texts_degrade_gracefully():
    words = [f"w{i}" for i in range(8)]
    assert len(minhash.shingles(" ".join(words))) == 8 - minhash.SHINGLE_N + 1
    assert minhash.shingles("داعش يتبنّى") == {"داعش يتبني".encode()}  # normalised
    assert minhash.shingles("") == set()
    assert minhash.shingles(" ... ، ") == set()


def test_shingle_hashes_match_the_shingle_set():
    text = seed_body("002")
    assert len(set(minhash.shingle_hashes(text).tolist())) == len(minhash.shingles(text))


def test_signature_is_the_datasketch_minhash_and_round_trips_through_bytes():
    hashes = minhash.shingle_hashes(seed_body("003"))
    reference = minhash.minhash(hashes)  # datasketch MinHash.update_batch
    s = minhash.signature(seed_body("003"))
    assert s.dtype == np.uint32 and s.shape == (minhash.NUM_PERM,)
    assert np.array_equal(s, reference.hashvalues)
    data = minhash.signature_to_bytes(s)
    assert isinstance(data, bytes) and len(data) == 4 * minhash.NUM_PERM
    assert np.array_equal(minhash.signature_from_bytes(data), s)
    assert np.array_equal(minhash.signature_from_bytes(memoryview(data)), s)
    both = minhash.signatures_from_bytes([data, data])
    assert both.shape == (2, minhash.NUM_PERM)
    lean = minhash.as_minhash(s)
    assert lean.jaccard(minhash.as_minhash(s)) == 1.0


def test_the_ingest_path_reproduces_datasketch_without_loading_it():
    from datasketch import MinHash, MinHashLSH

    for num_perm in (16, minhash.NUM_PERM):
        theirs = MinHash(num_perm=num_perm, seed=minhash.SEED, scheme=minhash.SCHEME).permutations
        assert np.array_equal(np.asarray(minhash._permutations(num_perm)), theirs)
    lsh = MinHashLSH(threshold=dedup.LSH_THRESHOLD, num_perm=minhash.NUM_PERM)
    assert dedup.DEFAULT_LSH_PARAMS == (lsh.b, lsh.r)
    # Signatures and the story index, in a fresh process, never import datasketch (nor SciPy).
    code = (
        "import sys; from articles.enrichment import dedup, minhash; "
        "dedup.StoryIndex().add(1, minhash.signature("
        "'نص تجريبي عن مكافحة الإرهاب في المنطقة ' * 5)); print('datasketch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "False"


def test_signature_is_stable_across_processes():
    # Stored signatures must not depend on PYTHONHASHSEED: pin a few values.
    s = minhash.signature("أعلنت وزارة الداخلية اليوم إحباط مخطط إرهابي في المنطقة الشرقية")
    again = minhash.signature("أعلنت وزارة الداخلية اليوم إحباط مخطط إرهابي في المنطقة الشرقية")
    assert np.array_equal(s, again)
    assert minhash.SIGNATURE_VERSION.startswith("minhash-affine32-w5-p128")


def test_empty_text_never_clusters():
    index = dedup.StoryIndex()
    empty = sig("")
    assert minhash.is_empty(empty)
    assert index.add(1, empty) == 1
    assert index.add(2, empty) == 2
    assert index.query(empty) == []


# ------------------------------------------------------------------------------------------------
# The seeds
# ------------------------------------------------------------------------------------------------


def test_seed_000_and_001_are_one_story():
    b0, b1 = seed_body("000"), seed_body("001")
    assert minhash.jaccard(b0, b1) >= 0.9
    stories = dedup.cluster([(10, b1), (7, b0)])
    assert stories == {7: 7, 10: 7}


def test_seed_001_page_with_its_chrome_still_matches_000():
    # Even the raw page (headline ticker, menus, related links) is the same story.
    raw = seed_text("001")
    assert minhash.estimated_jaccard(sig(raw), sig(seed_body("000"))) >= dedup.THRESHOLD


def test_other_seeds_are_separate_stories():
    bodies = {i: seed_body(p) for i, p in enumerate(["000", "002", "003", "004"], start=1)}
    stories = dedup.cluster(bodies.items())
    assert stories == {1: 1, 2: 2, 3: 3, 4: 4}
    for a in bodies:
        for b in bodies:
            if a < b:
                assert minhash.jaccard(bodies[a], bodies[b]) < 0.05


def _edits(body: str) -> dict[str, str]:
    paragraphs = body.split("\n\n")
    assert len(paragraphs) >= 6
    changed = list(paragraphs)
    sentences = changed[3].split(".")
    sentences[0] = "وأشار خبراء أمنيون إلى أن هذه الجماعات تستغل الفراغ الأمني في منطقة الساحل"
    changed[3] = ".".join(sentences)
    intro = [
        "افتتح الكاتب مقاله بالتذكير بأن الحرب على الإرهاب لم تعد تدور في الميدان وحده، بل "
        "انتقلت إلى الفضاء الرقمي حيث تجند التنظيمات المتطرفة أتباعها وتنشر دعايتها.",
        *paragraphs[1:],
    ]
    return {
        "changed sentence": "\n\n".join(changed),
        "different intro": "\n\n".join(intro),
        "removed last paragraph": "\n\n".join(paragraphs[:-1]),
        "all three": "\n\n".join([intro[0], *changed[1:-1]]),
    }


@pytest.mark.parametrize(
    "edit", ["changed sentence", "different intro", "removed last paragraph", "all three"]
)
def test_light_edits_stay_in_the_story(edit):
    body = seed_body("000")
    edited = _edits(body)[edit]
    assert edited != body
    stories = dedup.cluster([(1, body), (2, edited), (3, seed_body("002"))])
    assert stories == {1: 1, 2: 1, 3: 3}, (edit, minhash.jaccard(body, edited))


# ------------------------------------------------------------------------------------------------
# StoryIndex
# ------------------------------------------------------------------------------------------------

WORDS = [f"كلمه{i}" for i in range(400)]


def _window(start: int, stop: int) -> str:
    return " ".join(WORDS[start:stop])


def test_union_find_merges_transitively_and_keeps_the_smallest_id():
    a, b, c = _window(0, 100), _window(20, 120), _window(45, 145)
    sa, sb, sc = sig(a), sig(b), sig(c)
    assert minhash.estimated_jaccard(sa, sb) >= dedup.THRESHOLD
    assert minhash.estimated_jaccard(sb, sc) >= dedup.THRESHOLD
    assert minhash.estimated_jaccard(sa, sc) < dedup.THRESHOLD  # only linked through b

    index = dedup.StoryIndex()
    assert index.add(5, sa) == 5
    assert index.add(9, sc) == 9  # nothing similar yet
    assert index.query(sb) == [5, 9]
    assert index.add(7, sb) == 5  # bridges both
    assert index.stories() == {5: 5, 7: 5, 9: 5}
    assert index.add(7, sb) == 5  # idempotent
    assert len(index) == 3


def test_join_says_which_stories_an_article_merged():
    a, b, c = _window(0, 100), _window(20, 120), _window(45, 145)
    index = dedup.StoryIndex()
    assert index.join(5, sig(a)) == (5, set())
    assert index.join(9, sig(c)) == (9, set())
    assert index.join(11, sig(c)) == (9, set())  # joins story 9, merges nothing
    assert index.join(7, sig(b)) == (5, {9})  # story 9 (articles 9 and 11) becomes story 5
    assert index.stories() == {5: 5, 7: 5, 9: 5, 11: 5}
    assert index.join(7, sig(b)) == (5, set())  # again: nothing new


def test_query_verifies_candidates():
    index = dedup.StoryIndex()
    index.add(1, sig(_window(0, 100)))
    index.add(2, sig(_window(200, 300)))
    assert index.query(sig(_window(10, 110))) == [1]
    assert index.query(sig(_window(60, 160))) == []  # J ≈ 0.24: maybe a candidate, rejected


def test_build_equals_incremental_adds():
    rng = random.Random(3)
    texts = []
    aid = 1000
    for story in range(40):
        words = [f"خبر{story}كلمه{j}" for j in range(rng.randrange(30, 120))]
        for _ in range(rng.randrange(1, 9)):  # up to 8 variants: buckets beyond the cap
            variant = list(words)
            for _ in range(rng.randrange(0, 4)):
                variant[rng.randrange(len(variant))] = f"بديل{rng.randrange(10**6)}"
            cut = rng.randrange(0, 10)
            texts.append((aid, " ".join(variant[cut:])))
            aid -= 1
    rng.shuffle(texts)
    texts.append((5000, ""))
    incremental = dedup.StoryIndex(bucket_cap=4)
    for article_id, text in sorted(texts):
        incremental.add(article_id, sig(text))
    ids = [article_id for article_id, _ in texts]
    sigs = np.stack([sig(t) for _, t in texts])
    built = dedup.StoryIndex.build(ids, sigs, bucket_cap=4)
    assert built.stories() == incremental.stories()
    assert 20 <= len(built.clusters()) <= 40
    # the built index keeps accepting articles
    new = texts[0][1] + " خاتمه"
    assert built.add(9999, sig(new)) == incremental.add(9999, sig(new)) != 9999


def test_keep_newest_is_the_build_of_the_newest_with_their_stories():
    rng = random.Random(5)
    index = dedup.StoryIndex(bucket_cap=4)
    texts = {}
    for aid in range(1, 121):
        story = rng.randrange(15)
        words = [f"قصه{story}كلمه{j}" for j in range(60)]
        words[rng.randrange(60)] = f"بديل{aid}"
        texts[aid] = " ".join(words)
        index.add(aid, sig(texts[aid]))
    before = index.stories()
    newest = sorted(before)[-50:]
    expected = dedup.StoryIndex.build(
        newest, np.stack([sig(texts[a]) for a in newest]), [before[a] for a in newest],
        bucket_cap=4,
    )  # fmt: skip
    index.keep_newest(50)
    assert len(index) == 50 and 1 not in index and 120 in index
    # every kept article keeps the story it had, even when that story's first article left
    assert index.stories() == {a: before[a] for a in newest} == expected.stories()
    # and the trimmed index goes on clustering new copies into those stories
    copy = texts[120] + " خاتمه"
    assert index.add(500, sig(copy)) == expected.add(500, sig(copy)) == before[120]


def test_incremental_index_survives_compaction():
    index = dedup.StoryIndex()
    index._compact_at = 50  # small run so that compaction happens in the test
    rng = np.random.default_rng(0)
    base = rng.integers(0, 2**32, size=(400, minhash.NUM_PERM), dtype=np.uint32)
    for i in range(400):
        index.add(i, base[i])
    dup = base[17].copy()
    dup[:20] += 1  # estimated Jaccard 108/128
    assert index.query(dup) == [17]
    assert index.add(1000, dup) == 17


# ------------------------------------------------------------------------------------------------
# SaudiNewsNet: unrelated articles do not cluster
# ------------------------------------------------------------------------------------------------


def saudinewsnet(limit: int) -> list[dict]:
    folder = shared_dir() / "corpora" / "saudinewsnet"
    zips = sorted(Path(folder).glob("*.zip")) if folder.is_dir() else []
    if not zips:
        pytest.skip("SaudiNewsNet is not available")
    articles: list[dict] = []
    for path in zips:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.endswith(".json"):
                    articles.extend(json.loads(zf.read(name)))
        if len(articles) >= limit:
            break
    return articles[:limit]


def token_jaccard(a: str, b: str) -> float:
    ta, tb = set(minhash.tokens(a)), set(minhash.tokens(b))
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def test_saudinewsnet_clusters_are_real_duplicates():
    articles = saudinewsnet(3000)
    texts = {i: a["content"] for i, a in enumerate(articles)}
    stories = dedup.cluster(texts.items())
    pairs = [(story, aid) for aid, story in stories.items() if story != aid]
    clustered = {aid for pair in pairs for aid in pair}
    # ~3000 articles over 1–2 days: cross-outlet republications exist, but most are unique.
    assert 50 <= len(pairs) <= 0.15 * len(articles)
    sizes: dict[int, int] = {}
    for story in stories.values():
        sizes[story] = sizes.get(story, 0) + 1
    assert max(sizes.values()) <= 25

    sample = random.Random(0).sample(pairs, min(200, len(pairs)))
    token_j = [token_jaccard(texts[s], texts[a]) for s, a in sample]
    shingle_j = [minhash.jaccard(texts[s], texts[a]) for s, a in sample]
    assert min(token_j) >= 0.4, sorted(token_j)[:5]
    assert sum(j >= 0.4 for j in shingle_j) >= 0.95 * len(sample)

    # unrelated articles: random pairs are far apart and never in one story
    rng = random.Random(1)
    ids = sorted(set(texts) - clustered)
    for _ in range(300):
        a, b = rng.sample(ids, 2)
        assert stories[a] != stories[b]
        assert token_jaccard(texts[a], texts[b]) < 0.4


def test_word_runs_take_the_characters_the_token_regex_takes():
    # Every code point of the plane the array covers, one at a time and between letters.
    for code in range(0x10000):
        if 0xD800 <= code < 0xE000:
            continue
        text = f"a{chr(code)}b"
        assert minhash._word_runs(text) == minhash._TOKEN.findall(text), hex(code)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_word_runs_equal_the_token_regex(text):
    # (characters past the plane take the regex itself)
    assert minhash._word_runs(text) == minhash._TOKEN.findall(text)

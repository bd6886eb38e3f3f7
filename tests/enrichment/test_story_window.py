"""Story clustering during ingest holds a window of recent articles, not the whole archive:
memory stays flat, and stories already assigned keep their ids across the window's edge."""

from __future__ import annotations

import pytest

from articles.enrichment import minhash
from articles.enrichment.stories import StoryAssigner
from articles.models import Article
from tests.factories import make_article

pytestmark = pytest.mark.django_db

WIRE = (
    "أعلن التحالف الدولي ضد تنظيم داعش في اجتماعه بمدينة روما أن الدول الأعضاء اتفقت على "
    "تشديد الرقابة على تمويل الإرهاب وتبادل المعلومات عن المقاتلين الأجانب العائدين إلى بلدانهم "
    "وقال وزير الخارجية إن الاجتماع ناقش أيضا الوضع في سوريا والعراق ومنطقة الساحل الأفريقي"
)


def unrelated(n: int) -> str:
    words = [f"كلمة{n}x{i}" for i in range(60)]
    return " ".join(words)


def stored(body: str) -> Article:
    sig = minhash.signature(body)
    return make_article(body=body, minhash=minhash.signature_to_bytes(sig))


def test_copies_inside_the_window_join_the_story_after_many_trims():
    assigner = StoryAssigner(window=4)
    original = stored(WIRE)
    assigner.assign([original.pk])
    for n in range(10):  # pushes the index past 1.5 windows several times
        article = stored(unrelated(n))
        assigner.assign([article.pk])
        assert len(assigner._index) <= 6
    copy = stored(WIRE + " والمغرب")
    assigner.assign([original.pk, copy.pk])  # the original is re-read, not re-added
    copy.refresh_from_db()
    original.refresh_from_db()
    # The original left the window, so the copy starts a story of its own: the documented
    # limit, which `cluster_stories` lifts.
    assert original.story_id == original.pk
    assert copy.story_id == copy.pk


def test_a_story_keeps_its_id_when_its_first_article_leaves_the_window():
    first, second = stored(WIRE), stored(WIRE + " وتونس")
    StoryAssigner(window=10).assign([first.pk, second.pk])
    second.refresh_from_db()
    assert second.story_id == first.pk
    for n in range(3):
        stored(unrelated(n))
    third = stored(WIRE + " والجزائر")
    # A new run loads only the newest articles: `third`, the three unrelated ones and `second`
    # (story first.pk); `first` is out.
    assigner = StoryAssigner(window=5)
    assigner.assign([third.pk])
    third.refresh_from_db()
    assert third.story_id == first.pk

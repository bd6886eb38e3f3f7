"""Rules of the gazetteer tagger (articles.enrichment) on crafted sentences, and the integrity of
the starter gazetteer (articles.enrichment.starter). Pure Python: no database or services."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from articles.enrichment import event_dates
from articles.enrichment import starter as data
from articles.enrichment.matcher import Gazetteer
from articles.enrichment.overrides import Override, curated
from articles.enrichment.stored import enrichment_fields
from articles.enrichment.tagger import default_gazetteer, tag
from articles.enrichment.tags import Tags
from articles.enrichment.tokens import document_text
from articles.enrichment.topics import expand_topic_ancestors


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return default_gazetteer()


def t(g: Gazetteer, body: str, title: str = "", byline: str = "") -> Tags:
    return tag(title, body, g, byline=byline)


# ------------------------------------------------------------------------------------------------
# proclitics and normalisation
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "facet", "slug", "surface"),
    [
        ("التحق مئات الشباب لداعش خلال العام.", "actors", "isis", "لداعش"),
        ("وجه ضربة للتحالف الدولي في المنطقة.", "actors", "global-coalition", "للتحالف الدولي"),
        ("وصل الوفد بنيويورك صباح اليوم.", "places", "new-york", "بنيويورك"),
        ("تحدث عن الأوضاع بالمغرب والجزائر.", "places", "morocco", "بالمغرب"),
        ("وصل الوزير بمصر أمس.", "places", "egypt", "بمصر"),
        ("توجه الوفد إلى بغداد أمس.", "places", "baghdad", "بغداد"),
        ("وتحدث عن ولاية سيناء ونشاطها.", "actors", "ansar-bayt-al-maqdis", "ولاية سيناء"),
        ("صرّح مسؤولٌ في الأُمَمِ المُتَّحِدَة بذلك.", "actors", "un", "الأُمَمِ المُتَّحِدَة"),
        ("واجتمع بأيمن الظواهري قبل سنوات.", "actors", "ayman-al-zawahiri", "بأيمن الظواهري"),
        ("انتقد مسؤولون عبدالملك الحوثي.", "actors", "abdul-malik-al-houthi", "عبدالملك الحوثي"),
        ("قال المتحدث باسم ISIS إن ...", "actors", "isis", "ISIS"),
    ],
)
def test_proclitic_and_normalisation_aware(g, sentence, facet, slug, surface):
    tags = t(g, sentence)
    hit = tags.get(facet, slug)
    assert hit is not None, (facet, slug, tags)
    text = document_text("", sentence)
    assert text[slice(*hit.spans[0])] == surface


def test_proclitic_stripping_keeps_protected_words(g):
    # «وزير» is not «و + زير», «بغداد» not «ب + غداد», «ولاية» not «و + لاية»
    tags = t(g, "قال وزير الداخلية إن ولاية الوالي في بغداد انتهت.")
    assert "baghdad" in tags.slugs("places")
    assert tags.get("places", "baghdad").evidence == ["بغداد"]


def test_topics_are_proclitic_aware(g):
    tags = t(g, "وتعهدت الدول بالتصدي لتمويل الإرهاب وبغسل الأموال.")
    assert "financing-of-terrorism" in tags.slugs("topics")


# ------------------------------------------------------------------------------------------------
# longest match and ambiguity
# ------------------------------------------------------------------------------------------------


def test_longest_match_wins(g):
    tags = t(g, "أعلن تنظيم الدولة الإسلامية في العراق والشام مسؤوليته.")
    assert tags.slugs("actors") == {"isis"}
    assert tags.get("actors", "isis").evidence == ["الدولة الإسلامية في العراق والشام"]
    aqap = t(g, "تبنى تنظيم القاعدة في جزيرة العرب الهجوم.")
    assert aqap.slugs("actors") == {"aqap"}
    kh = t(g, "قصفت الطائرات مواقع كتائب حزب الله قرب الحدود.")
    assert kh.slugs("actors") == {"kataib-hezbollah"}


@pytest.mark.parametrize(
    "sentence",
    [
        "أعلنت الدولة عن خطة جديدة لدعم الصادرات.",
        "ارتفع سعر الدولار أمام الريال.",
        "تطرق الباحث إلى مفهوم الدولة الإسلامية في الفقه السياسي.",
        "أنشأت القوات القاعدة العسكرية الجديدة في الصحراء.",
        "هذه هي القاعدة الأساسية للعمل.",
        "استقبل الجمهور اللاعبين بحماس كبير.",
        "قدمت الحكومة دعم مالي للمزارعين.",
        "فازت مجموعة بن لادن السعودية بعقد جديد.",
        "احتفل الشباب بالعيد في الحدائق.",
    ],
)
def test_ambiguous_fragments_do_not_fire_alone(g, sentence):
    tags = t(g, sentence)
    assert not tags.slugs("actors"), tags.actors
    assert not tags.slugs("places") - {"saudi-arabia"}, tags.places


def test_ambiguous_alias_fires_with_support(g):
    tags = t(g, "هاجم داعش القرية. وقال بيان الدولة الإسلامية إن ...")
    isis = tags.get("actors", "isis")
    assert len(isis.spans) == 2
    coordinated = t(g, "قاتل المئات في صفوف “داعش” و”القاعدة” في سوريا.")
    assert {"isis", "al-qaeda"} <= coordinated.slugs("actors")
    alone = t(g, "قاتل المئات في صفوف القاعدة في سوريا.")
    assert "al-qaeda" not in alone.slugs("actors")


# ------------------------------------------------------------------------------------------------
# venues (where the reported event happens) versus places (only mentioned)
# ------------------------------------------------------------------------------------------------

VENUE_CASES = [
    ("احتضنت الرباط اجتماعاً للتحالف الدولي ضد داعش.", {"rabat"}),
    ("انعقد المؤتمر الدولي الأربعاء الماضي، بمدينة مراكش جنوب المغرب.", {"marrakech"}),
    ("وبالتوازي مع اجتماع روما يتفاوض الخبراء.", {"rome"}),
    ("أما مؤتمر نيويورك فجمع رؤساء وكالات مكافحة الإرهاب.", {"new-york"}),
    ("عقد مجلس الأمن اجتماعا في مقر الأمم المتحدة بنيويورك.", {"new-york"}),
    ("عُقد الاجتماع الوزاري في جدة يوم الأحد.", {"jeddah"}),
    ("وقع انفجار في مسجد بالقطيف أمس.", {"qatif"}),
    ("تستضيف الدوحة الأسبوع المقبل قمة خليجية.", {"doha"}),
    ("قتل خمسة أشخاص في هجوم انتحاري في عدن.", {"aden"}),
    ("عقدت اجتماعات في الرياض وجدة لبحث الملف.", {"riyadh", "jeddah"}),
    ("انعقد المؤتمر بالمغرب في مدينة مراكش.", {"marrakech"}),
    ("أما الثاني بنيويورك حيث احتضن مقر الأمم المتحدة مؤتمراً رفيع المستوى.", {"new-york"}),
    ("تعرضت الدار البيضاء لهجمات انتحارية في 16 مايو 2003.", {"casablanca"}),
    # places only
    ("يتدرب عناصر داعش على أيدي جماعات متمردة في ليبيا ونيجيريا.", set()),
    ("ناقش الاجتماع الوضع في سوريا.", set()),
    ("المؤتمر الخاص بدراسة ظاهرة الإرهاب في أفريقيا.", set()),
    ("نبه مدير مركز هداية (ومقره في أبوظبي) إلى الخطر.", set()),
    ("أكد الخبير أن التنسيق بين الرباط وواشنطن قوي.", set()),
    ("نظمت الوزارة مؤتمرا لمكافحة الإرهاب في أفريقيا.", set()),
    ("شهدت السعودية نموا اقتصاديا ملحوظا.", set()),
    ("العمليات الإرهابية التي تتعرض لها مناطق في القارة الإفريقية مكلفة.", set()),
    ("التحالف الدولي ضد داعش وتهديداته في أفريقيا.", set()),
]


@pytest.mark.parametrize(("sentence", "venues"), VENUE_CASES)
def test_venue_versus_place(g, sentence, venues):
    tags = t(g, sentence)
    assert tags.slugs("venues") == venues, [(h.slug, h.evidence) for h in tags.venues]
    for hit in tags.venues:
        assert hit.evidence and ":" in hit.evidence[0]  # «rule: snippet»


def test_places_only_mentioned_go_to_places(g):
    tags = t(g, "يتدرب عناصر داعش على أيدي جماعات متمردة في ليبيا ونيجيريا.")
    assert {"libya", "nigeria"} <= tags.slugs("places")
    assert not tags.slugs("venues")
    # locative and coordinated with a locative: places, not acting states
    assert not {"libya", "nigeria"} & tags.slugs("actors")


def test_country_suppressed_by_its_city_stays_a_place(g):
    tags = t(g, "انعقد المؤتمر بالمغرب في مدينة مراكش.")
    assert "morocco" in tags.slugs("places")


def test_dateline_in_body_and_byline(g):
    body = "الرياض - واس\nأعلنت وزارة الداخلية القبض على خلية إرهابية."
    assert t(g, body, title="الداخلية: القبض على خلية").slugs("venues") == {"riyadh"}
    byline = t(g, "قال مسؤولون إن المفاوضات مستمرة.", title="مفاوضات", byline="لندن: رنيم حنوش")
    assert byline.slugs("venues") == {"london"}
    assert byline.venues[0].evidence[0].startswith("dateline:")
    # a place opening a line in the middle of the article is not a dateline
    late = "مقدمة طويلة " * 20 + "\n" + "سوريا: أزمة مستمرة منذ سنوات."
    assert "syria" not in t(g, late).slugs("venues")


def test_newspaper_names_are_not_places(g):
    tags = t(g, "وقال لـ«الرياض» مصدر مطلع إن صحيفة الشرق الأوسط نشرت الخبر.")
    assert not tags.slugs("places") and not tags.slugs("venues")


def test_states_are_actors_when_they_act(g):
    tags = t(g, "أعلنت المملكة المغربية دعمها للتحالف. ووصل الوفد إلى المغرب أمس.")
    assert "morocco" in tags.slugs("actors")
    assert len(tags.get("actors", "morocco").spans) == 1  # «إلى المغرب» is a place
    assert "morocco" in tags.slugs("places")


# ------------------------------------------------------------------------------------------------
# topics and the hierarchy
# ------------------------------------------------------------------------------------------------


def test_topic_cues_and_derived_ancestors(g):
    tags = t(g, "بحث الاجتماع تجفيف منابع تمويل الإرهاب.")
    assert {"financing-of-terrorism", "counter-terrorism"} <= tags.slugs("topics")
    parent = tags.get("topics", "counter-terrorism")
    assert parent.spans == [] and parent.evidence == ["derived from financing-of-terrorism"]


def test_topic_cue_sets_need_all_groups_in_a_paragraph(g):
    both = t(g, "يستغل الإرهابيون وسائل التواصل الاجتماعي لتجنيد الشباب.")
    assert "violent-extremism-online" in both.slugs("topics")
    assert {"preventing-violent-extremism", "counter-terrorism"} <= both.slugs("topics")
    one = t(g, "ازداد استخدام وسائل التواصل الاجتماعي بين الطلاب.")
    assert "violent-extremism-online" not in one.slugs("topics")
    apart = t(g, "ازداد استخدام وسائل التواصل الاجتماعي.\n\nوفتح باب التجنيد في الجيش.")
    assert "violent-extremism-online" not in apart.slugs("topics")


def test_foreign_fighter_phrases(g):
    for s in ("منع تدفق المقاتلين الإرهابيين الأجانب", "عودة المقاتلين الأجانب إلى بلدانهم"):
        assert "foreign-fighters" in t(g, s).slugs("topics")


def test_expand_topic_ancestors(g):
    assert expand_topic_ancestors({"repatriation"}, data.TOPICS) == {
        "repatriation",
        "foreign-fighters",
        "counter-terrorism",
    }
    assert expand_topic_ancestors({"suicide-bombing"}, g.topics) == {
        "suicide-bombing",
        "terrorist-attacks",
    }
    assert expand_topic_ancestors(set(), g.topics) == set()


def test_no_topic_from_sports_news(g):
    tags = t(g, "خطف الهلال الفوز في الدقائق الأخيرة وسط حماس الجماهير.")
    assert not tags.slugs("topics") and not tags.slugs("actors")


# ------------------------------------------------------------------------------------------------
# event dates
# ------------------------------------------------------------------------------------------------


def test_event_dates_day_and_month_precision(g):
    body = (
        "انعقد يوم 28 يونيو 2021، اجتماع التحالف الدولي. "
        "وكان التحالف قد تأسس في سبتمبر 2014. "
        "وتعرضت الدار البيضاء لهجمات في ١٦ مايو ٢٠٠٣."
    )
    tags = t(g, body)
    assert tags.event_dates == [dt.date(2021, 6, 28), dt.date(2014, 9, 1), dt.date(2003, 5, 16)]
    assert [e.precision for e in tags.event_date_details] == ["day", "month", "day"]
    text = document_text("", body)
    assert text[slice(*tags.event_date_details[1].span)] == "سبتمبر 2014"


def test_publication_line_is_not_an_event(g):
    body = "نشر في هسبريس يوم 04 - 07 - 2018\n\nانعقد الاجتماع في 3 يوليو 2018 بالرباط."
    assert t(g, body).event_dates == [dt.date(2018, 7, 3)]


def test_no_dates_from_years_alone(g):
    assert t(g, "قرار مجلس الأمن رقم 1373 لعام 2001 ونسخة 2020.").event_dates == []


# ------------------------------------------------------------------------------------------------
# curator overrides
# ------------------------------------------------------------------------------------------------


def test_curator_overrides_survive_retagging(g):
    text = "هاجم داعش القرية. وأدان مجلس الأمن الهجوم."
    overrides = [
        Override("actors", "isis", "remove", curator="ana"),
        Override("actors", "hamas", "add", curator="ana"),
        Override("topics", "repatriation", "add"),
        Override("venues", "riyadh", "add"),
    ]
    for _ in range(2):  # re-tagging produces isis again; the decision is reapplied
        auto = t(g, text)
        assert "isis" in auto.slugs("actors")
        final = curated(auto, overrides, g)
        assert "isis" not in final.slugs("actors")
        assert final.get("actors", "hamas").source == "curator"
        assert "unsc" in final.slugs("actors") and final.get("actors", "unsc").source == "auto"
        assert "riyadh" in final.slugs("venues")
        # a curator-added topic brings its ancestors
        assert {"repatriation", "foreign-fighters", "counter-terrorism"} <= final.slugs("topics")
        assert "isis" in auto.slugs("actors")  # auto is not modified


def test_latest_override_wins_and_removed_ancestor_stays_removed(g):
    overrides = [
        Override("actors", "isis", "remove"),
        Override("actors", "isis", "add"),
        Override("topics", "counter-terrorism", "remove"),
    ]
    final = curated(t(g, "هاجم داعش القرية وبحثوا تمويل الإرهاب."), overrides, g)
    assert final.get("actors", "isis").source == "curator"
    assert final.get("actors", "isis").spans  # the automatic evidence is kept
    assert "counter-terrorism" not in final.slugs("topics")
    assert "financing-of-terrorism" in final.slugs("topics")


def test_override_validation_and_storage_shape(g):
    with pytest.raises(ValueError):
        Override("people", "isis", "add")
    with pytest.raises(ValueError):
        Override("actors", "isis", "hide")
    stored = t(g, "هاجم داعش القرية في 3 يوليو 2018.").to_dict()
    assert stored["actors"][0]["slug"] == "isis" and stored["event_dates"] == ["2018-07-03"]


def test_stored_tags_are_what_postgresql_gives_back(g):
    # A stored value is compared with a fresh one to tell whether tags changed: the fresh one
    # must already be in JSON's own types (lists, not tuples; ISO dates).
    text = "هاجم داعش القرية في الموصل يوم 3 يوليو 2018، وأدان مجلس الأمن تمويل الإرهاب."
    tags = t(g, text, title="داعش في الموصل")
    for details in (True, False):
        stored = tags.to_dict(details=details)
        assert json.loads(json.dumps(stored, ensure_ascii=False)) == stored
        assert ("event_date_details" in stored) is details
    fields = enrichment_fields("داعش في الموصل", text, "", g, "v1")
    assert json.loads(json.dumps(fields["tags"], ensure_ascii=False)) == fields["tags"]
    assert fields["tags"]["actors"] and "event_dates" not in fields["tags"]
    assert fields["event_dates"] == [dt.date(2018, 7, 3)]


# ------------------------------------------------------------------------------------------------
# gazetteer size and integrity
# ------------------------------------------------------------------------------------------------


def test_gazetteer_size():
    assert len(data.ACTORS) >= 80
    assert len(data.VENUES) >= 50
    assert len(data.TOPICS) >= 15


def test_slugs_unique_and_ascii():
    for entries in (data.ACTORS, data.VENUES, data.TOPICS):
        slugs = [e.slug for e in entries]
        assert len(slugs) == len(set(slugs))
        assert all(s.isascii() and s == s.lower() and " " not in s for s in slugs)


def test_links_and_parents_resolve():
    actors = {a.slug for a in data.ACTORS}
    venues = {v.slug: v for v in data.VENUES}
    topics = {tp.slug: tp for tp in data.TOPICS}
    for a in data.ACTORS:
        for targets in a.links.values():
            assert set(targets) <= actors, (a.slug, targets)
        if a.kind == "state":
            assert a.place in venues and venues[a.place].actor == a.slug
    for v in data.VENUES:
        assert v.kind in ("city", "country", "region")
        if v.actor:
            assert v.actor in actors
        if v.kind != "region":
            assert v.country and len(v.country) == 2
        if v.lat is not None:
            assert -90 <= v.lat <= 90 and -180 <= v.lon <= 180
    for tp in data.TOPICS:
        seen = {tp.slug}
        parent = tp.parent
        while parent:  # resolves, no cycles
            assert parent in topics and parent not in seen
            seen.add(parent)
            parent = topics[parent].parent
        assert tp.cues or tp.cue_sets


def test_no_alias_shared_unless_ambiguous(g):
    for key, owners in g.alias_index.items():
        entities = {(facet, slug) for facet, slug, _amb in owners if facet != "block"}
        if any(facet == "block" for facet, _s, _a in owners):
            assert not entities, (key, owners)  # a blocker equal to an alias would kill it
        if len(entities) > 1:
            assert all(amb for _f, _s, amb in owners), (key, owners)


def test_from_data_accepts_dicts():
    gz = Gazetteer.from_data(
        [
            {
                "slug": "x",
                "kind": "armed_group",
                "name_ar": "س",
                "name_en": "X",
                "aliases": ("جبهة س",),
            }
        ],
        [{"slug": "c", "kind": "city", "name_ar": "ص", "name_en": "C", "aliases": ("صور",)}],
        [{"slug": "tp", "name_ar": "ت", "name_en": "T", "parent": None, "cues": ("تمويل",)}],
        blockers=(),
    )
    tags = tag("", "أعلنت جبهة س في صور عن تمويل.", gz)
    assert tags.slugs("actors") == {"x"} and tags.slugs("places") == {"c"}
    assert tags.slugs("topics") == {"tp"}


def test_indexed_slugs_are_the_final_tags(g):
    # ``tag_keys`` (what the index gets) works on slugs alone; it must agree with the full
    # ``final_tags`` (what the article page shows) whatever the curators decided.
    from types import SimpleNamespace

    from articles.enrichment.stored import final_tags, tag_keys
    from articles.enrichment.tags import FACETS

    text = "هاجم داعش القرية في الموصل، وأدان مجلس الأمن تمويل الإرهاب في نيويورك."
    stored = t(g, text, title="داعش في الموصل").to_dict(details=False)
    assert stored["actors"] and stored["places"]
    decide = [
        [],
        [("actors", "isis", "remove")],
        [("actors", "al-qaeda", "add"), ("topics", stored["topics"][0]["slug"], "remove")],
        [("actors", "isis", "remove"), ("actors", "isis", "add")],  # the last decision wins
        [("venues", "new-york", "add"), ("places", "no-such-place", "remove")],
    ]
    for decisions in decide:
        overrides = [SimpleNamespace(facet=f, slug=s, action=a) for f, s, a in decisions]
        final = final_tags(stored, overrides)
        assert tag_keys(stored, overrides) == {f: sorted(final.slugs(f)) for f in FACETS}
    with pytest.raises(ValueError):
        tag_keys(stored, [SimpleNamespace(facet="people", slug="isis", action="add")])
    assert tag_keys({}, []) == {f: [] for f in FACETS}


@given(st.text(alphabet="0129٠١٢٩ aم/", max_size=16))
def test_year_pattern_finds_what_its_plain_spelling_finds(text):
    plain = re.compile(r"(?<![0-9٠-٩])[12١٢][0-9٠-٩]{3}(?![0-9٠-٩])")
    spans = [m.span() for m in event_dates._YEAR.finditer(text)]
    assert spans == [m.span() for m in plain.finditer(text)]


@given(st.lists(st.integers(min_value=-3, max_value=60), max_size=40))
def test_find_over_runs_of_known_tokens_finds_what_the_whole_stream_has(codes):
    # Known tokens (ids 0..60 of the starter vocabulary) mixed with unknown words and both
    # separators: scanning only the runs of known tokens loses no alias and adds none.
    from articles.enrichment.tokens import CHAR_BASE, FILLER, HARD, SOFT

    g = default_gazetteer()
    others = {-1: FILLER, -2: SOFT, -3: HARD}
    stream = "".join(others[c] if c < 0 else chr(CHAR_BASE + c) for c in codes)
    assert list(g.find(stream)) == list(g._automaton.iter(stream))

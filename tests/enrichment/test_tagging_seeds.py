"""The five seed articles as ground truth for the gazetteer tagger (articles.enrichment).

For each seed, what a careful reader finds is written down here: required actors / topics must
all be found, and everything found must be required or acceptable (so a wrong tag fails the
test); venues are asserted exactly. 000 and 001 are the same column (001 carries a site news
ticker and a "read the source" footer that must not produce tags).

Venue decisions (the article reports several events):
* 000/001: the Rabat meeting («احتضنت الرباط اجتماعاً»), the New York conference («بنيويورك
  حيث احتضن مقر الأمم المتحدة مؤتمراً», «مؤتمر نيويورك») and the Abu Dhabi conference of May
  2017 it cites («مؤتمر أبوظبي الدولي ... المنعقد في مايو 2017»). Morocco hosted the Rabat
  meeting but a country is dropped when one of its cities is a venue; «ومقره في أبوظبي» (the
  seat of Hedayah) is not an event.
* 002: the Rome ministerial («اجتماع روما»), the 9/11 attacks it cites («هجمات 11 سبتمبر 2001
  في الولايات المتحدة») and the Munich Security Conference 2020 («مؤتمر ميونخ للأمن»). New York
  is only mentioned (experts negotiate there, no event cue).
* 003: Marrakech («المؤتمر الدولي المنعقد ... بمدينة مراكش») and Casablanca, the venue of the
  16 May 2003 suicide attacks the minister recalls («تعرضت الدار البيضاء لهجماتٍ انتحارية»).
* 004: no event venue (Geneva / Vienna are UN offices that were hacked; no place cue).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from articles.enrichment.tagger import default_gazetteer, tag
from articles.enrichment.tags import Tags
from articles.enrichment.tokens import document_text

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _seed(prefix: str) -> tuple[str, str]:
    if not SEEDS.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS}")
    path = next(SEEDS.glob(f"{prefix}_*.txt"), None)
    if path is None:
        pytest.skip(f"seed {prefix} missing")
    title, _, body = path.read_text(encoding="utf-8").partition("\n")
    return title, body


def _tag(prefix: str) -> tuple[Tags, str]:
    title, body = _seed(prefix)
    return tag(title, body, default_gazetteer()), document_text(title, body)


COLUMN = {
    "actors_required": {
        "isis",
        "al-qaeda",
        "un",
        "mokhtar-belmokhtar",
        "ayman-al-zawahiri",
        "antonio-guterres",
        "global-coalition",
        "brett-mcgurk",
        "vladimir-voronkov",
        "aqim",  # «أمير تنظيم القاعدة في شمال أفريقيا» (Belmokhtar)
        "polisario",
        "unoct",  # «وكيل الأمين العام لمكتب مكافحة الإرهاب»
        "hedayah",
    },
    "actors_acceptable": {
        "morocco",  # «اختيار المغرب لاستضافة المؤتمر», «بالتزام المغرب»
        "al-mourabitoun",  # «و«القاعدة» والمرابطين»
        "uae",
        "united-states",
    },
    "venues": {"rabat", "new-york", "abu-dhabi"},
    "places_required": {"libya", "nigeria", "yemen", "iraq", "africa"},
    "topics_required": {
        "counter-terrorism",
        "financing-of-terrorism",  # «تجفيف منابع تمويل الإرهاب»
        "foreign-fighters",  # «المقاتلين الإرهابيين الأجانب»
        "preventing-violent-extremism",
        "violent-extremism-online",  # «الإرهاب الإلكتروني», social media + recruitment
        "intelligence-sharing",  # «تبادل المعلومات»
    },
    "topics_acceptable": {
        "repatriation",  # «عودة المقاتلين الأجانب إلى بلدانهم الأصلية»
        "border-security",  # «نمنع المتشددين الأجانب من عبور الحدود»
        "radicalisation",  # «لتدريب وتجنيد المقاتلين»
    },
    "dates": {dt.date(2017, 5, 1)},
}

EXPECTED = {
    "000": COLUMN,
    "001": COLUMN,
    "002": {
        "actors_required": {
            "global-coalition",
            "isis",
            "antony-blinken",
            "joe-biden",
            "unsc",
            "un",
            "sdf",
            "al-qaeda",
            "un-ctc",
        },
        "actors_acceptable": {
            "united-states",
            "donald-trump",
            "emmanuel-macron",
            "eu",
            "china",
            "russia",
            "france",
            "white-house",
            "syrian-democratic-council",
            "syria",
            "iraq",
        },
        "venues": {"rome", "united-states", "munich"},
        "places_required": {"new-york", "iraq", "syria", "europe", "africa"},
        "topics_required": {
            "counter-terrorism",
            "foreign-fighters",
            "repatriation",
            "un-resolutions",
            "preventing-violent-extremism",
        },
        "topics_acceptable": {
            "terrorist-attacks",
            "intelligence-sharing",
            "sanctions",
            "violent-extremism-online",
            "radicalisation",
        },
        "dates": {dt.date(2021, 6, 28), dt.date(2001, 9, 11), dt.date(2021, 5, 1)},
    },
    "003": {
        "actors_required": {
            "isis",
            "global-coalition",
            "antony-blinken",
            "nasser-bourita",
            "victoria-nuland",
            "morocco",
        },
        "actors_acceptable": {"united-states"},
        "venues": {"marrakech", "casablanca"},
        "places_required": {"morocco", "sahel", "africa"},
        "topics_required": {
            "counter-terrorism",
            "foreign-fighters",
            "financing-of-terrorism",
            "terrorist-cells",
            "suicide-bombing",
            "terrorist-attacks",
        },
        "topics_acceptable": {
            "preventing-violent-extremism",
            "violent-extremism-online",
            "intelligence-sharing",
            "radicalisation",
        },
        "dates": {dt.date(2003, 5, 16), dt.date(2014, 9, 1)},
    },
    "004": {
        "actors_required": {
            "unsc",
            "un",
            "isis",
            "al-qaeda",
            "antonio-guterres",
            "michelle-bachelet",
            "interpol",
            "un-monitoring-team",
            "unoct",
        },
        "actors_acceptable": {"ohchr"},
        "venues": set(),
        "places_required": {"syria", "yemen", "somalia", "idlib", "afghanistan", "geneva"},
        "topics_required": {
            "counter-terrorism",
            "financing-of-terrorism",
            "foreign-fighters",
            "un-resolutions",
            "repatriation",
        },
        "topics_acceptable": {
            "intelligence-sharing",
            "terrorist-attacks",
            "preventing-violent-extremism",
            "violent-extremism-online",
            "radicalisation",
            "sanctions",
        },
        "dates": {dt.date(2019, 3, 28), dt.date(2019, 7, 19), dt.date(2019, 12, 31)},
    },
}

#: tags that would be wrong: site furniture (ticker, «Previous post» links) and misreadings
FORBIDDEN = {
    "001": {"tangier", "casablanca", "paris", "madrid", "egypt", "tunisia", "donald-trump"},
    "003": {"sdf", "sanctions"},  # only in «اقرأ أيضاً» related-article links
    "004": {"iran"},  # «Previous post إيران والانتخابات الأمريكية»
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_actors(prefix):
    tags, _ = _tag(prefix)
    exp = EXPECTED[prefix]
    found = tags.slugs("actors")
    assert exp["actors_required"] <= found, exp["actors_required"] - found
    extra = found - exp["actors_required"] - exp["actors_acceptable"]
    assert not extra, extra


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_venues_exact(prefix):
    tags, _ = _tag(prefix)
    assert tags.slugs("venues") == EXPECTED[prefix]["venues"]
    for hit in tags.venues:  # explainable: every venue carries its cue
        assert hit.evidence and all(":" in e for e in hit.evidence)


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_places(prefix):
    tags, _ = _tag(prefix)
    places = tags.slugs("places")
    assert EXPECTED[prefix]["places_required"] <= places
    assert not places & tags.slugs("venues")  # places are the mentioned-only ones


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_topics(prefix):
    tags, _ = _tag(prefix)
    exp = EXPECTED[prefix]
    found = tags.slugs("topics")
    assert exp["topics_required"] <= found, exp["topics_required"] - found
    extra = found - exp["topics_required"] - exp["topics_acceptable"]
    assert not extra, extra


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_event_dates(prefix):
    tags, _ = _tag(prefix)
    assert EXPECTED[prefix]["dates"] <= set(tags.event_dates)


@pytest.mark.parametrize("prefix", sorted(FORBIDDEN))
def test_no_tags_from_site_furniture(prefix):
    tags, _ = _tag(prefix)
    every = set().union(*(tags.slugs(f) for f in ("actors", "venues", "places", "topics")))
    assert not every & FORBIDDEN[prefix]


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_spans_point_at_evidence(prefix):
    tags, text = _tag(prefix)
    for facet in ("actors", "places"):
        for hit in getattr(tags, facet):
            for start, end in hit.spans:
                assert text[start:end].strip() and start < end
            assert text[slice(*hit.spans[0])] == hit.evidence[0]


def test_seed_highlights():
    """The named items of the brief, with the surface forms that carry them."""
    tags, text = _tag("000")
    guterres = tags.get("actors", "antonio-guterres")
    assert text[slice(*guterres.spans[0])] == "أنطونيو غوتيريش"
    ny = tags.get("venues", "new-york")
    assert any(text[s:e] == "بنيويورك" for s, e in ny.spans)
    rabat = tags.get("venues", "rabat")
    assert any("احتضنت الرباط" in e for e in rabat.evidence)
    tags3, _ = _tag("003")
    assert any("مراكش" in e for e in tags3.get("venues", "marrakech").evidence)
    tags4, _ = _tag("004")
    fin = tags4.get("topics", "financing-of-terrorism")
    assert any("تمويل الإرهاب" in e for e in fin.evidence)

"""Venues: the place where a reported event happens, as opposed to a place only mentioned.

``assign_mentions`` sorts the resolved names of a document into actors, venues and places (a
country that acts, «أعلن المغرب», is also its state's actor). See ``_venue_cue`` for the rules.
"""

from __future__ import annotations

import re

from .cues import (
    BLOCK_WORDS,
    EVENT_NOUNS,
    EVENT_VERBS,
    LOCATIVE_WORDS,
    NON_ACTOR_BEFORE,
    OPERATION,
    OPERATION_QUALIFIERS,
    PLACE_FILLERS,
    SUBJECT_VERBS,
    WHERE,
)
from .document import Doc, neighbour_word, snippet
from .matcher import Gazetteer
from .names import Mention
from .tags import TagHit, Tags, add_hit
from .tokens import H, S, W

_DATELINE_SEP = re.compile(r"[\s\"'«»“”()]*(?:[،,]?\s*[^\s\-–—ـ:]+\s*){0,2}?\s*[-–—ـ:]")

_CUE_WINDOW = 6  # tokens between a cue and a locative «في/ب X»


def _locative(doc: Doc, m: Mention, g: Gazetteer) -> int:
    """Token index where the locative phrase of mention m starts (its preposition), or -1."""
    n, k = doc.norms[m.start], doc.keys[m.start]
    if n != k:  # a proclitic was stripped
        pre = n[: len(n) - len(k)] if n.endswith(k) else n[:1]
        if "ب" in pre:
            return m.start
    j = m.start
    for _ in range(3):  # «في مدينة مراكش», «في العاصمة السعودية الرياض», «بمدينة مراكش»
        p = j - 1
        if p < 0 or doc.kinds[p] != W:
            return -1
        pn = doc.norms[p]
        pb = g.base(pn)
        if pb in LOCATIVE_WORDS or pn in ("في", "وفي", "ففي"):
            return p
        if pb in PLACE_FILLERS:
            if pn != pb and pn.endswith(pb) and "ب" in pn[: len(pn) - len(pb)]:
                return p  # «بمدينة» / «بالعاصمة»
            j = p
            continue
        if pn.startswith("ال") and pn.endswith("يه"):  # «في العاصمة السعودية الرياض»
            j = p
            continue
        return -1
    return -1


def _is_event_cue(doc: Doc, i: int, g: Gazetteer, verbs: bool = True) -> bool:
    if doc.kinds[i] != W:
        return False
    b = g.base(doc.norms[i])
    if b in EVENT_NOUNS or (verbs and b in EVENT_VERBS):
        return True
    if b in OPERATION:
        q = i + 1
        return (
            q < len(doc.kinds)
            and doc.kinds[q] == W
            and any(g.base(doc.norms[q]).startswith(x) for x in OPERATION_QUALIFIERS)
        )
    return False


def _venue_cue(doc: Doc, m: Mention, g: Gazetteer) -> str | None:
    """Why mention m (a place) is the venue of a reported event, or None.

    Rules, strongest first (each returns «rule: snippet» as evidence):

    * dateline: in the byline or the header lines, the place opens a line and a dash or colon
      follows within two words: «الرياض - واس:», «لندن: رنيم حنوش», «المغرب- حسن الأشرف».
    * construct: an event noun right before a city: «اجتماع روما», «مؤتمر نيويورك».
    * subject: a hosting / witnessing verb right before the place and an event noun within five
      tokens after it: «احتضنت الرباط اجتماعاً», «تعرضت الدار البيضاء لهجمات».
    * locative: «في/ب (+ مدينة/العاصمة ...) X» with an event noun or verb at most six tokens
      before it in the same sentence, and no word in between that shows the locative belongs to
      something else (حول، بشأن، ضد، ظاهرة، تهديدات، a purpose «لـ» verbal noun, another place):
      «المؤتمر الدولي المنعقد الأربعاء الماضي، بمدينة مراكش», «هجمات 11 سبتمبر في الولايات
      المتحدة».
    * where: a locative followed by «حيث» and an event verb / noun: «بنيويورك حيث احتضن».
    """
    text = doc.text
    # -- dateline
    s0 = doc.spans[m.start][0]
    if doc.body_start <= s0 < doc.header_end:
        prev = m.start - 1
        if prev < 0 or (doc.kinds[prev] == H and "\n" in text[slice(*doc.spans[prev])]):
            e0 = doc.spans[m.end - 1][1]
            sep = _DATELINE_SEP.match(text, e0, min(len(text), e0 + 40))
            if sep:
                return "dateline: " + " ".join(text[s0 : sep.end()].split())
    # -- construct
    p = neighbour_word(doc, m.start, -1)
    if p == m.start - 1 and p >= 0 and g.venues[m.slug].kind == "city":
        if _is_event_cue(doc, p, g, verbs=False):
            return "construct: " + snippet(doc, p, m.end)
    # -- subject
    j = m.start
    for _ in range(2):
        q = j - 1
        if q < 0 or doc.kinds[q] != W:
            break
        qb = g.base(doc.norms[q])
        if qb in SUBJECT_VERBS:
            for t in range(m.end, min(len(doc.kinds), m.end + 5)):
                if doc.kinds[t] == H:
                    break
                if _is_event_cue(doc, t, g, verbs=False):
                    return "subject: " + snippet(doc, q, t + 1)
            break
        if qb in PLACE_FILLERS:
            j = q
            continue
        break
    loc = _locative(doc, m, g)
    if loc < 0:
        return None
    # -- locative with a cue before it
    steps = 0
    i = loc - 1
    while i >= 0 and steps < _CUE_WINDOW:
        kind = doc.kinds[i]
        if kind == H:
            break
        if kind == W:
            steps += 1
            if _is_event_cue(doc, i, g):
                return "locative: " + snippet(doc, i, m.end)
            n = doc.norms[i]
            b = g.base(n)
            if b in BLOCK_WORDS or n in BLOCK_WORDS:
                break
            if n.startswith("ل") and not n.startswith("لل") and b != n:
                break  # purpose: «لمكافحة الإرهاب في أفريقيا»
            if i in doc.place_tokens and i not in doc.venue_tokens:
                break  # another (non-venue) place: the locative belongs to it
        i -= 1
    # -- «... بنيويورك حيث احتضن ...»
    i, steps = m.end, 0
    while i < len(doc.kinds) and steps < 4:
        if doc.kinds[i] == H:
            break
        if doc.kinds[i] == W:
            steps += 1
            if g.base(doc.norms[i]) in WHERE:
                for t in range(i + 1, min(len(doc.kinds), i + 4)):
                    if doc.kinds[t] == H:
                        break
                    if _is_event_cue(doc, t, g):
                        return "where: " + snippet(doc, loc, t + 1)
                break
        i += 1
    return None


def assign_mentions(mentions: list[Mention], doc: Doc, g: Gazetteer, tags: Tags) -> None:
    """Fill ``tags.actors``, ``tags.venues`` and ``tags.places`` from the resolved names."""
    doc.place_tokens = {i for m in mentions if m.facet == "place" for i in range(m.start, m.end)}
    actors: dict[str, TagHit] = {}
    venues: dict[str, TagHit] = {}
    places: dict[str, TagHit] = {}
    oa: list[str] = []
    ov: list[str] = []
    op: list[str] = []
    venue_mentions: list[Mention] = []
    prev_place: Mention | None = None
    prev_place_actor = False
    for m in mentions:
        span = (doc.spans[m.start][0], doc.spans[m.end - 1][1])
        surface = doc.text[span[0] : span[1]]
        if m.facet == "actor":
            add_hit(actors, m.slug, span, surface, oa)
            continue
        why = _venue_cue(doc, m, g)
        if why is None and venue_mentions:
            # «في الرياض وجدة»: coordinated with the venue right before it
            last = venue_mentions[-1]
            left = neighbour_word(doc, m.start, -1)
            joined = doc.norms[m.start].startswith("و") or doc.norms[m.start - 1] == "و"
            if joined and left >= 0 and left + 1 == last.end:
                why = "coordinated: " + snippet(doc, last.start, m.end)
        if why is not None:
            venue_mentions.append(m)
            doc.venue_tokens.update(range(m.start, m.end))
            add_hit(venues, m.slug, span, why, ov)
            continue
        add_hit(places, m.slug, span, surface, op)
        state = getattr(g.venues[m.slug], "actor", None)
        # «في سوريا واليمن», «إدلب وأفغانستان»: a place coordinated with a place that is not
        # acting is not acting either
        chained = prev_place is not None and _coordinated(doc, prev_place, m)
        acting = False
        if state and state in g.actors and _locative(doc, m, g) < 0:
            p = neighbour_word(doc, m.start, -1)
            if chained:
                acting = prev_place_actor
            else:
                acting = p < 0 or g.base(doc.norms[p]) not in NON_ACTOR_BEFORE
            if acting:
                add_hit(actors, state, span, surface, oa)
        prev_place, prev_place_actor = m, acting
    # most specific venue: a country is dropped when one of its cities is a venue
    cities = {g.venues[s].country for s in ov if g.venues[s].kind == "city"}
    for s in list(ov):
        v = g.venues[s]
        if v.kind == "country" and v.country in cities:
            h = venues.pop(s)
            ov.remove(s)
            for sp in h.spans:
                add_hit(places, s, sp, doc.text[sp[0] : sp[1]], op)
    for s in ov:
        places.pop(s, None)
        if s in op:
            op.remove(s)
    tags.actors = [actors[s] for s in oa]
    tags.venues = [venues[s] for s in ov]
    tags.places = [places[s] for s in op]


def _coordinated(doc: Doc, a: Mention, b: Mention) -> bool:
    """b follows a, joined by «و» / «أو» (attached or standalone) or a comma."""
    j = b.start - 1
    joined = doc.norms[b.start][:1] == "و" and doc.keys[b.start] != doc.norms[b.start]
    while j >= a.end:
        if doc.kinds[j] == W and doc.norms[j] in ("و", "او"):
            joined = True
        elif doc.kinds[j] == S:
            joined = True
        else:
            return False
        j -= 1
    return joined

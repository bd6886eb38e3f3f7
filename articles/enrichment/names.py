"""Name resolution: which actor or place each matched alias stands for.

Blocker phrases («القاعدة العسكرية», «مجموعة بن لادن») win by length and yield nothing; a place
right after «لـ» or «صحيفة» is a newspaper. Ambiguous aliases only count when the entity is also
found unambiguously in the document, or when they are coordinated with another name of the same
kind («داعش والقاعدة»).
"""

from __future__ import annotations

from dataclasses import dataclass

from .cues import OUTLET_PREFIX
from .document import Doc, neighbour_word
from .matcher import Gazetteer, Match


@dataclass
class Mention:
    """A resolved name in token coordinates."""

    start: int  # token index (inclusive)
    end: int  # token index (exclusive)
    facet: str  # "actor" or "place"
    slug: str
    how: str = ""


def resolve_names(selected: list[Match], doc: Doc, g: Gazetteer) -> list[Mention]:
    """The names the selected matches stand for, in text order (see the module docstring)."""
    sure: list[Mention] = []
    unsure: list[Match] = []
    for s, e, entries in selected:
        if any(x.facet == "block" for x in entries):
            continue
        # a place right after «لـ» / «صحيفة» is a newspaper: «لـ«الرياض»», «صحيفة الوطن»
        p = neighbour_word(doc, s, -1)
        if p >= 0 and all(x.facet == "place" for x in entries):
            if doc.norms[p] == "ل" or g.base(doc.norms[p]) in OUTLET_PREFIX:
                continue
        firm = [x for x in entries if not x.ambiguous]
        if firm:
            x = firm[0]
            sure.append(Mention(s, e, x.facet, x.slug))
        else:
            unsure.append((s, e, entries))
    supported = {(m.facet, m.slug) for m in sure}
    ends = {m.end: m for m in sure}
    starts = {m.start: m for m in sure}
    for s, e, entries in unsure:
        chosen = [x for x in entries if (x.facet, x.slug) in supported]
        how = "supported"
        if not chosen:
            # coordination: «داعش والقاعدة», «“داعش” و”القاعدة”», «القاعدة وداعش»
            left = neighbour_word(doc, s, -1)
            right = neighbour_word(doc, e - 1, 1)
            joined = doc.norms[s].startswith("و") or (s > 0 and doc.norms[s - 1] == "و")
            nb = None
            if joined and left >= 0 and left + 1 in ends:
                nb = ends[left + 1]
            elif (
                right >= 0
                and right in starts
                and (doc.norms[right].startswith("و") or doc.norms[right - 1] == "و")
            ):
                nb = starts[right]
            if nb is not None:
                chosen = [x for x in entries if x.facet == nb.facet]
                if nb.facet == "place":
                    kind = g.venues[nb.slug].kind
                    chosen = [x for x in chosen if g.venues[x.slug].kind == kind]
                how = "coordinated"
        if chosen:
            sure.append(Mention(s, e, chosen[0].facet, chosen[0].slug, how))
    sure.sort(key=lambda m: m.start)
    return sure

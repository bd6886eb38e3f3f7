"""The words the venue and name rules look for around a mention.

Every list is a set of *base forms*: each word normalised (``articles.text.arabic_chars.normalize``,
lower-cased) and also without its proclitics, so that a rule compares
``Gazetteer.base(token)`` (a token's normalised form without proclitics) with it.
"""

from __future__ import annotations

from collections.abc import Iterable

from articles.text.arabic import strip_proclitics
from articles.text.arabic_chars import normalize


def _bases(words: Iterable[str]) -> frozenset[str]:
    out = set()
    for w in words:
        n = normalize(w).lower()
        out.add(n)
        out.add(strip_proclitics(n))
    return frozenset(out)


def _inflect(lemmas: Iterable[str]) -> list[str]:
    out = []
    for w in lemmas:
        out.append(w)
        if w.endswith("ة"):
            stem = w[:-1]
            out += [stem + "ات", stem + "تها", stem + "ته", stem + "ة"]
        else:
            out += [w + "ا", w + "ات", w + "ه", w + "ها", w + "هم", w + "اتها"]
    return out


EVENT_NOUNS = _bases(
    _inflect(
        (
            "اجتماع",
            "مؤتمر",
            "قمة",
            "ملتقى",
            "منتدى",
            "ندوة",
            "لقاء",
            "محادثات",
            "مفاوضات",
            "مباحثات",
            "جلسة",
            "هجوم",
            "هجمات",
            "هجومات",
            "تفجير",
            "انفجار",
            "اعتداء",
            "غارة",
            "قصف",
            "اشتباك",
            "اشتباكات",
            "معركة",
            "معارك",
            "مواجهات",
            "مناورات",
            "تمرين",
            "زيارة",
            "حادث",
            "حادثة",
            "مجزرة",
            "مذبحة",
            "تظاهرة",
            "مظاهرة",
            "احتجاجات",
            "حفل",
            "مقتل",
            "مصرع",
            "اغتيال",
            "اختطاف",
            "اعتقال",
            "اعتقالات",
            "انعقاد",
            "افتتاح",
            "اختتام",
            "توقيع",
        )
    )
)
#: «عملية» / «عمليات» is an event only with a qualifier after it
OPERATION = _bases(("عملية", "عمليات", "العملية", "العمليات"))
OPERATION_QUALIFIERS = _bases(
    (
        "إرهابية",
        "انتحارية",
        "تفجير",
        "عسكرية",
        "أمنية",
        "نوعية",
        "استباقية",
        "إطلاق",
        "اختطاف",
        "طعن",
        "دهس",
        "اقتحام",
    )
)
EVENT_VERBS = _bases(
    (
        *("عقد", "عقدت", "يعقد", "تعقد", "سيعقد", "ستعقد", "عقده", "عقدها", "عقدته", "عقدتها"),
        *("انعقد", "انعقدت", "ينعقد", "تنعقد", "سينعقد", "ستنعقد", "المنعقد", "المنعقدة"),
        *("أقيم", "أقيمت", "يقام", "تقام", "سيقام", "ستقام", "المقام", "المقامة"),
        *("جرى", "جرت", "يجري", "تجري"),
        *("احتضن", "احتضنت", "يحتضن", "تحتضن", "احتضان", "احتضنه", "احتضنته"),
        *("استضاف", "استضافت", "يستضيف", "تستضيف", "استضافة", "استضافه", "استضافته"),
        *("وقع", "وقعت", "يقع", "تقع"),
        *("اختتم", "اختتمت", "اختتام", "افتتح", "افتتحت", "افتتاح"),
        *("انطلق", "انطلقت", "انطلاق", "انطلقت", "التأم", "التأمت"),
        *("نفذ", "نفذت", "نفذه", "نفذها", "نفذوا", "فجر", "فجرت", "فجروا"),
        *("قتل", "قتلت", "قتلوا", "لقي", "لقوا", "استشهد", "استشهاد"),
        *("اعتقل", "اعتقلت", "القبض", "استهدف", "استهدفت", "استهداف", "ضرب", "ضربت"),
    )
)
#: verbs whose subject / object is the venue itself: «احتضنت الرباط اجتماعاً»
SUBJECT_VERBS = _bases(
    (
        *("احتضن", "احتضنت", "يحتضن", "تحتضن", "احتضان", "استضاف", "استضافت", "يستضيف"),
        *("تستضيف", "استضافة", "شهد", "شهدت", "يشهد", "تشهد", "تعرض", "تعرضت", "هز", "هزت"),
    )
)
#: words between a cue and a locative that show the locative belongs to something else
BLOCK_WORDS = _bases(
    (
        *("حول", "بشأن", "عن", "ضد", "تجاه", "إزاء", "ظاهرة", "دراسة", "بدراسة", "تهديد"),
        *("تهديدات", "تهديداته", "أوضاع", "الوضع", "الأوضاع", "الأزمة", "مستقبل", "ملف"),
        *("مثل", "خاصة", "منها", "بينها", "أبرزها", "مصالح", "انتشار", "وجود", "نفوذ"),
        *("التي", "الذي", "الذين", "اللتين", "اللذين", "مع", "مقره", "مقرها"),
    )
)
#: nouns allowed between the preposition and the place: «بمدينة مراكش», «في العاصمة الرياض»
PLACE_FILLERS = _bases(
    (
        *("مدينة", "العاصمة", "عاصمة", "محافظة", "منطقة", "ولاية", "بلدة", "قرية", "حي"),
        *("إمارة", "إقليم", "جزيرة", "مقر", "ضاحية"),
    )
)
LOCATIVE_WORDS = _bases(("في", "داخل", "بداخل"))
WHERE = _bases(("حيث",))
OUTLET_PREFIX = _bases(("صحيفة", "جريدة", "قناة", "نادي", "موقع", "وكالة", "مجلة", "إذاعة"))


#: a country after these is a place, not an acting state: «من المغرب», «إلى أوروبا»
NON_ACTOR_BEFORE = _bases(("من", "إلى", "الى", "نحو", "عبر", "داخل", "خارج", "جنوب", "شمال"))

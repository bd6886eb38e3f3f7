"""Outlets ctsearch knows by slug, so that a source named only by slug gets a proper record."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class KnownSource:
    name: str
    homepage: str = ""
    country: str = ""
    language: str = "ar"


# SaudiNewsNet's identifiers (see ../shared/corpora/saudinewsnet/README.md).
KNOWN_SOURCES: dict[str, KnownSource] = {
    "aawsat": KnownSource("الشرق الأوسط (Asharq Al-Awsat)", "https://aawsat.com/", "SA"),
    "aleqtisadiya": KnownSource("الاقتصادية (Al-Eqtisadiya)", "https://www.aleqt.com/", "SA"),
    "aljazirah": KnownSource("الجزيرة (Al-Jazirah)", "https://www.al-jazirah.com/", "SA"),
    "almadina": KnownSource("المدينة (Al-Madina)", "https://www.al-madina.com/", "SA"),
    "alriyadh": KnownSource("الرياض (Al-Riyadh)", "https://www.alriyadh.com/", "SA"),
    "alwatan": KnownSource("الوطن (Al-Watan)", "https://www.alwatan.com.sa/", "SA"),
    "alweeam": KnownSource("الوئام (Al-Weeam)", "https://www.alweeam.com.sa/", "SA"),
    "alyaum": KnownSource("اليوم (Al-Yaum)", "https://www.alyaum.com/", "SA"),
    "arreyadi": KnownSource("الرياضي (Arreyadi)", "https://www.arreyadi.com.sa/", "SA"),
    "arreyadiyah": KnownSource("الرياضية (Arreyadiyah)", "https://www.arreyadiyah.com/", "SA"),
    "okaz": KnownSource("عكاظ (Okaz)", "https://www.okaz.com.sa/", "SA"),
    "sabq": KnownSource("سبق (Sabq)", "https://sabq.org/", "SA"),
    "was": KnownSource("واس (Saudi Press Agency)", "https://www.spa.gov.sa/", "SA"),
    "3alyoum": KnownSource("عين اليوم (Ain Alyoum)", "https://3alyoum.com/", "SA"),
    # The five articles ctsearch was created from (../shared/seeds), loaded by load_demo.
    "seeds": KnownSource("مقالات البذور (Seed articles)"),
    # Pages ingested without any source (no --source, nothing in the input).
    "local": KnownSource("ملفات محلية (Local files)"),
}

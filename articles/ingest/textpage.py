"""Scraped page text (one article per .txt file) to an ``ArticleRecord``.

The text is what a browser shows: a header (kicker, title, standfirst, byline, dateline, date)
above the body, page chrome all around (see ``chrome``). The header ends at the first body
paragraph; its short lines are classified one by one:

* a date line («نشر في هسبريس يوم 04 - 07 - 2018») gives the publication date (and the site
  name, which goes to ``source_name``) and is dropped;
* «بقلم/كتب: X» and datelines «رؤية ـ جاسم محمد», «المغرب- حسن الأشرف» give the byline;
* a name-like line (2–4 words, no function words, no digits) after the title is the byline;
  before the title it is a kicker/section label and is dropped;
* the first other line is the title; longer lines after it are a standfirst, kept as the body's
  first paragraph (it is editorial text worth searching; seed 003).

When the page has no title line (seed 000 starts with the author's name), the title is the
body's first sentence, cut at a word boundary to ``TITLE_MAX`` characters, and
``extra["title_derived"] = "true"`` tells the pipeline so.

At the end of the body, short unpunctuated lines (an author bio, an institutional signature such
as seed 004's «المركز الأوروبي لدراسات مكافحة الإرهاب والاستخبارات») are removed; a signature
that is a name or an institution becomes the byline when the header gave none.
"""

from __future__ import annotations

import datetime as dt
import re

from articles.text.dates import MAX_DATE_LINE, date_on_line

from .chrome import BODY_PARAGRAPH, page_lines, strip_chrome
from .dates import find_published_date
from .records import ArticleRecord, DateProvenance

TITLE_MAX = 120
_HEADER_MAX_LINES = 10

_SENTENCE_END = re.compile(r"[.!؟?…:؛]$")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!؟?…:؛])\s+|\s+[-–—]\s+")
_FUNCTION_WORDS = frozenset(
    """
    في من على إلى الى عن مع ضد بين حول بعد قبل عند منذ خلال لدى حتى أو او ثم لكن بل إن ان أن
    هل ما لا لم لن كيف لماذا متى أين اين هذا هذه ذلك تلك التي الذي الذين هو هي هم نحن كل غير
    يوم اليوم أمس امس عاجل فيديو صور بالصور شاهد
    the of in on and for to with by from
    """.split()
)
# Frequent Arabic given names (and spelling variants), to recognise a lone author line.
_GIVEN_NAMES = frozenset(
    """
    محمد محمّد أحمد احمد علي حسن حسين محمود مصطفى إبراهيم ابراهيم يوسف خالد عمر عمرو سعيد سعد
    سالم سليمان سلمان صالح طارق طه عادل عاطف عثمان عزيز فهد فيصل كريم كمال ماجد مالك مجدي مراد
    مروان مصطفي منصور منير ناصر نبيل نزار نصر هاني هشام وليد ياسر ياسين يحيى يونس زياد زكريا
    رشيد رضا رامي رائد جمال جميل جاسم حمد حمزة حامد حاتم حازم حسام حسني حمدي خليل داود سامي سمير
    شريف صلاح عماد عصام علاء غسان فؤاد فارس فاروق فتحي قاسم لطفي مازن مهدي مختار معاذ موسى عيسى
    نادر نور نوري هيثم وائل وسام إسماعيل اسماعيل إدريس ادريس بلال بشير توفيق ثامر جلال جعفر
    فاطمة عائشة مريم زينب خديجة سارة نورة هدى منى سلمى ليلى أمينة امينة سعاد نادية هند رانيا
    ريم لبنى أسماء اسماء إيمان ايمان سناء سميرة رشا دينا ياسمين نجلاء حنان هالة سهام وفاء لمياء
    إحسان احسان ميشيل جورج إلياس الياس أنطوان انطوان بيار
    """.split()
)
_INSTITUTION = re.compile(
    r"^(?:ال)?(?:مركز|وحدة|قسم|فريق|هيئة|مؤسسة|إدارة|ادارة|مكتب|منظمة|معهد|مرصد|شبكة|وكالة|"
    r"مجلة|صحيفة|جريدة|موقع|منصة|دار|رابطة|جمعية|لجنة)\b"
)
_BYLINE_PREFIX = re.compile(
    r"^(?:بقلم|كتب|كتبت|كتبه|بواسطة|إعداد|اعداد|تقرير|تحرير|الكاتب|الكاتبة|المحرر|by)"
    r"\s*[:：\-–—ـ]?\s*(?P<name>.+)$",
    re.IGNORECASE,
)
# «رؤية ـ جاسم محمد», «المغرب- حسن الأشرف», «الرباط: محمد»: a place or outlet, then a name.
_DATELINE = re.compile(r"^(?P<where>[^\-–—ـ:]{2,30}?)\s*[\-–—ـ:]+\s*(?P<name>[^\-–—ـ:]{3,40})$")
_BIO_START = re.compile(
    r"^(?:صحفي|صحفية|صحافي|صحافية|كاتب|كاتبة|باحث|باحثة|محلل|محللة|أستاذ|استاذ|أستاذة|"
    r"إعلامي|إعلامية|مراسل|مراسلة|خبير|خبيرة|رئيس تحرير|مدير)\b"
)
# «نشر في هسبريس يوم ...»: the aggregator names the original site.
_SITE_IN_DATE_LINE = re.compile(
    r"نُ?شِ?رَ?\s+(?:في|على|ب)\s+(?P<site>[^\d\n]{2,40}?)\s+(?:يوم|بتاريخ|في)\s"
)
_WORD = re.compile(r"\S+")


def parse_text_page(text: str, *, origin: str, key: str, raw_encoding: str) -> ArticleRecord:
    """Parse one page of scraped article text.

    The returned record's body may be empty when the page holds nothing but chrome; the reader
    turns that into a ``Rejection``. ``raw`` is the text as given.
    """
    lines = strip_chrome(page_lines(text))
    paragraphs = [line for line in lines if line]
    header, body = _split_header(paragraphs)

    title, byline, standfirst = _classify_header(header)
    body = standfirst + body
    body = _drop_captions(body)
    body, signature = _drop_trailing_signature(body, byline)
    if not byline and signature:
        byline = signature

    extra: dict[str, str] = {}
    if not title:
        title = derive_title(body)
        if title:
            extra["title_derived"] = "true"

    published = find_published_date(text)
    published_at = date_to_datetime(published) if published else None
    if published_at is not None:
        extra["published_precision"] = "day"

    return ArticleRecord(
        title=title,
        body="\n\n".join(body),
        raw=text,
        origin=origin,
        key=key,
        byline=byline,
        published_at=published_at,
        published_at_source=DateProvenance.PAGE if published_at else DateProvenance.NONE,
        source_name=_site_name(text),
        raw_encoding=raw_encoding,
        extra=extra,
    )


def date_to_datetime(date: dt.date) -> dt.datetime:
    """A day-precision date as midnight UTC (the precision is recorded in ``extra``)."""
    return dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC)


def derive_title(paragraphs: list[str]) -> str:
    """The first sentence of the body, cut at a word boundary to ``TITLE_MAX`` characters."""
    for paragraph in paragraphs:
        sentence = _SENTENCE_SPLIT.split(paragraph, maxsplit=1)[0].strip()
        sentence = sentence.rstrip(".:؛,،")
        if not sentence:
            continue
        if len(sentence) <= TITLE_MAX:
            return sentence
        cut = sentence[:TITLE_MAX]
        space = cut.rfind(" ")
        if space > TITLE_MAX // 2:
            cut = cut[:space]
        return cut.rstrip(" ،,؛:") + "…"
    return ""


def _is_body_paragraph(line: str) -> bool:
    if len(line) >= BODY_PARAGRAPH:
        return True
    return len(_WORD.findall(line)) >= 12 and bool(_SENTENCE_END.search(line))


def _split_header(paragraphs: list[str]) -> tuple[list[str], list[str]]:
    for i, line in enumerate(paragraphs[: _HEADER_MAX_LINES + 1]):
        if _is_body_paragraph(line):
            return paragraphs[:i], paragraphs[i:]
    # No recognisable body paragraph near the top (a very short article): the first line is
    # the header, the rest is the body.
    return paragraphs[:1], paragraphs[1:]


def is_name_like(line: str) -> bool:
    """2–4 words without digits, punctuation or function words: a person's name (or a label)."""
    if len(line) > 40:
        return False
    words = line.split()
    if not 2 <= len(words) <= 4:
        return False
    for word in words:
        if not word.replace(".", "").isalpha() or word.lower() in _FUNCTION_WORDS:
            return False
    # Arabic given names rarely carry the article; headlines («الأمن يعتقل ...») often do.
    return not words[0].startswith("ال")


def _has_given_name(line: str) -> bool:
    """Whether a name-like line starts with a common given name: needed when a lone header line
    could be either a short headline or the author («محمد البشاري», seed 000)."""
    first = line.split()[0]
    return first in _GIVEN_NAMES or first.startswith(("عبد", "أبو", "ابو"))


def _is_signature(line: str) -> bool:
    return is_name_like(line) or (bool(_INSTITUTION.match(line)) and len(line.split()) <= 8)


def _classify_header(header: list[str]) -> tuple[str, str, list[str]]:
    title = ""
    byline = ""
    standfirst: list[str] = []
    for i, line in enumerate(header):
        if len(line) <= MAX_DATE_LINE and date_on_line(line) is not None:
            continue
        if find_published_date(line) is not None and len(line) <= 80:
            continue  # a bare date line in the header («الأربعاء 04 يوليو 2018»)
        m = _BYLINE_PREFIX.match(line)
        if m and len(m["name"].split()) <= 6:
            byline = byline or m["name"].strip()
            continue
        m = _DATELINE.match(line)
        if m and is_name_like(m["name"].strip()) and len(m["where"].split()) <= 3:
            byline = byline or m["name"].strip()
            continue
        if is_name_like(line):
            if title:
                byline = byline or line
                continue
            later = header[i + 1 :]
            if any(not is_name_like(other) for other in later):
                continue  # a kicker or section label above the title
            if _has_given_name(line):
                byline = byline or line  # the only header line is a name (seed 000)
                continue
        if not title:
            if len(line.split()) <= 2 and any(len(o.split()) >= 3 for o in header[i + 1 :]):
                continue  # a one- or two-word section label («أخبار», «شؤون دولية»)
            title = line
        elif line == byline:
            continue
        elif len(line.split()) >= 6:
            standfirst.append(line)
    return title, byline, standfirst


def _drop_captions(body: list[str]) -> list[str]:
    """Photo captions that repeat a name: «إحسان الحافظي» right before the paragraph quoting
    him, or «وزير الخارجية المغربي، ناصر بوريطة» («role، name») already present in the text.
    Anything less certain (a subheading, a descriptive caption) is kept."""
    kept: list[str] = []
    for i, line in enumerate(body):
        if len(line) <= 80 and not _SENTENCE_END.search(line):
            following = body[i + 1] if i + 1 < len(body) else ""
            if is_name_like(line) and _introduces(line, following):
                continue
            if line.count("،") == 1 and len(line.split()) <= 8:
                name = line.split("،")[1].strip()
                if is_name_like(name) and any(
                    line in other for j, other in enumerate(body) if j != i and len(other) > 80
                ):
                    continue
        kept.append(line)
    return kept


def _introduces(name: str, paragraph: str) -> bool:
    """Whether ``paragraph`` opens by naming ``name`` as a speaker: at its start or in
    apposition («ويعلق الخبير ...، إحسان الحافظي، على ...») within its first sentence or so."""
    pos = paragraph.find(name, 0, 150)
    if pos < 0 or len(paragraph) <= len(name):
        return False
    return pos == 0 or paragraph[:pos].rstrip().endswith(("،", ","))


def _drop_trailing_signature(body: list[str], byline: str) -> tuple[list[str], str]:
    """Remove an author bio / signature after the last body paragraph; return it if it names
    someone (a person or an institution)."""
    signature = ""
    body = list(body)
    for _ in range(3):
        if len(body) < 2:
            break
        last = body[-1]
        if len(last) > 80 or _SENTENCE_END.search(last) or len(last.split()) > 8:
            break
        if not _is_body_paragraph(body[-2]) and not (
            _BIO_START.match(last) or last == byline or _is_signature(body[-2])
        ):
            break
        if last == byline or _BIO_START.match(last):
            body.pop()
            continue
        if _is_signature(last):
            signature = last
        body.pop()
    return body, signature


def _site_name(text: str) -> str:
    for line in text.splitlines():
        line = line.strip()
        if line and len(line) <= MAX_DATE_LINE and date_on_line(line) is not None:
            m = _SITE_IN_DATE_LINE.search(line)
            if m:
                return m["site"].strip()
    return ""

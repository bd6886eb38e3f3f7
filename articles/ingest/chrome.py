"""Page chrome: the text around an article that is not the article.

Scraped Arabic news pages carry the same furniture whatever the site: headline tickers,
breadcrumbs, «اقرأ أيضاً» links, share buttons, related-article blocks, comment forms, tag
lists, copyright and cookie notices. Text pages (``textpage``) and trafilatura's output for
HTML pages (``htmlpage``) both go through ``strip_chrome``.

Rules work on whole lines, after whitespace normalisation, and never alter letters inside a kept
line. A rule drops a line only when the line is short and matches a known phrase, so a body
sentence that merely contains «التعليقات» survives. Some phrases (related articles, comment
forms, previous/next post) mark the end of the article: once the body has started, everything
after them is dropped.
"""

from __future__ import annotations

import re

from articles.text.dates import date_on_line

# Horizontal whitespace variants (NBSP, thin spaces, ideographic space) become one space.
# Zero-width joiners/non-joiners are left alone: they are part of the spelling in Persian/Urdu.
_HSPACE = re.compile(r"[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
# A ticker: many headlines on one line separated by runs of spaces or tabs.
_TICKER_SPLIT = re.compile(r"(?:[ \u00a0]{3,}|\t+)")
# Menus and breadcrumbs: short items separated by spaced » > › / | • ·.
_MENU_SPLIT = re.compile(r"\s[»>›/|•·]\s|\s?[|•·]\s?")
_SENTENCE_END = re.compile(r"[.!؟?…:]$")

# A paragraph at least this long is article text (headlines, captions and buttons are shorter).
BODY_PARAGRAPH = 150
# Phrase rules only ever drop lines up to this length.
_MAX_CHROME_LINE = 200

_A = "[اأإآ]"  # any alef: sites are inconsistent with hamza
_YA = "[يى]"
_TANWEEN = "[\u064b\u064c\u064d]?"

# Lines that end the article when they follow body text. Whole-line phrases («مقالات ذات
# صلة», «التعليقات (3)») and phrases distinctive enough to be prefixes («Previous post <title>»).
_TAIL_WHOLE = re.compile(
    rf"""^(?:
        (?:مقالات|مواضيع|موضوعات|{_A}خبار|قص[صض])\s+(?:ذات\s+صلة|مشابهة|متعلقة|مرتبطة)
      | (?:ربما|قد)\s+(?:يعجبك|يهمك|تعجبك|تهمك)(?:\s+{_A}يضا{_TANWEEN})?
      | (?:ال){_A}كثر\s+(?:قراءة|مشاهدة|تعليقا{_TANWEEN}|تداولا{_TANWEEN})
      | {_A}قر{_A}\s+(?:{_A}يضا{_TANWEEN}\s*)?(?:في\s+)?(?:نفس\s+)?(?:القسم|التصنيف)
      | (?:ا|إ)ترك\s+(?:تعليقا{_TANWEEN}|ردا{_TANWEEN}|تعليقك|رد{_A})
      | {_A}ضف\s+تعليق(?:ك|ا{_TANWEEN})? | {_A}ضافة\s+تعليق | {_A}كتب\s+تعليق(?:ك|ا{_TANWEEN})?
      | (?:ال)?تعليقات(?:\s+عبر\s+(?:ال)?فيس\s*بوك|\s+(?:ال)?فيس\s*بوك|\s+القراء)?
      | related\s+(?:posts|articles|news) | you\s+may\s+also\s+like
    )\s*(?:\(\d+\))?\s*[:.!]?$""",
    re.IGNORECASE | re.VERBOSE,
)
_TAIL_PREFIX = re.compile(
    r"""^(?:
        لن\s+يتم\s+نشر\s+عنوان\s+بريدك
      | (?:previous|next)\s+(?:post|article)
      | (?:المقال|الخبر|الموضوع)\s+(?:السابق|التالي)
      | leave\s+a\s+(?:reply|comment)
      | جميع\s+الحقوق\s+محفوظة | حقوق\s+(?:النشر|الطبع)\s+محفوظة
    )""",
    re.IGNORECASE | re.VERBOSE,
)

_TAGS = rf"الوسوم|الكلمات\s+المفتاحية|كلمات\s+مفتاحية|كلمات\s+دلالية|ال{_A}وسمة"

# Lines dropped wherever they are (when short).
_CHROME_LINES = re.compile(
    rf"""^(?:
        {_A}قر{_A}\s+(?:{_A}يضا{_TANWEEN}|كذلك|المزيد)   # «اقرأ أيضاً: ...» links
      | (?:شاهد|طالع|تابع)\s+{_A}يضا{_TANWEEN}
      | شكرا{_TANWEEN}\s+على\s+(?:ال){_A}بلاغ | سيتم\s+حجب\s+هذه\s+الصورة
      | (?:ا|إ)تبعنا\s+على | تابعو?نا\s+(?:على|عبر|في) | تابعوا\s+(?:اخر|آخر|{_A}حدث)
      | (?:ا|إ)شترك\s+(?:في|الآن|ب) | للاشتراك\s | سجل\s+في\s+النشرة
      | النشرة\s+(?:البريدية|الإخبارية)
      | {_A}نضم\s+(?:{_A}لى|ل)\s*(?:قناتنا|قناة) | حمل\s+تطبيق | تحميل\s+التطبيق
      | شارك(?:وا)?\s+(?:هذا|هذه|المقال|الخبر|على|عبر|الموضوع) | مشاركة\s+(?:المقال|الخبر|على)
      | {_A}نقر\s+هنا | {_A}ضغط\s+هنا | لقراءة\s+(?:الخبر|المقال)\s+من\s+مصدره
      | (?:{_TAGS}|الموضوعات\s+المتعلقة|tags)\s*: | (?:{_TAGS})$
      | ©|copyright\b|all\s+rights\s+reserved
      | يستخدم\s+(?:هذا\s+)?الموقع\s+(?:ملفات|الكوكيز|الكوكي) | ملفات\s+تعريف\s+الارتباط
      | we\s+use\s+cookies | this\s+(?:web)?site\s+uses\s+cookies
      | (?:ال)?حقول\s+(?:ال)?{_A}لزامية | احفظ\s+اسمي | {_A}رسال\s+التعليق | {_A}رسل\s+التعليق
      | كن\s+{_A}ول\s+من\s+يعلق | لا\s+توجد\s+تعليقات | عدد\s+التعليقات
      | (?:آخر|اخر)\s+تحديث\s*: | تم\s+نسخ\s+الرابط | نسخ\s+الرابط | رابط\s+مختصر
      | حجم\s+الخط | (?:تكبير|تصغير)\s+الخط
      | المصدر\s*:.{0, 50}$ | مصدر\s+الخبر\s*:.{0, 50}$
    )""",
    re.IGNORECASE | re.VERBOSE,
)

# Whole lines that are a single button or label.
_LABEL_LINES = frozenset(
    """
    السابق التالي إعلان اعلان إعلانات طباعة مشاركة شارك شاركها تغريد أرسل حفظ المزيد
    advertisement sponsored share tweet print email previous next more
    """.split()
)
# Share-bar vocabulary: a line made only of these is a row of buttons.
_SHARE_WORDS = frozenset(
    """
    فيسبوك فيس بوك الفيسبوك تويتر تويتير واتساب واتس اب واتسآب تيليجرام تلغرام تليجرام لينكدإن
    لينكد إن انستغرام إنستغرام انستجرام يوتيوب ماسنجر بريد البريد الإلكتروني الالكتروني طباعة
    مشاركة شارك نسخ الرابط إكس
    facebook twitter whatsapp telegram linkedin email e-mail print share pinterest reddit
    messenger x copy link instagram youtube tumblr
    """.split()
)
_HOME_WORDS = re.compile(
    r"^(?:الواجهة\s+الرئيسية|الصفحة\s+الرئيسية|الرئيسية|الرئيسيه|home)(?:$|(?=\S)|\s*[»>›/|]|\s+\S)",
    re.IGNORECASE,
)


def normalise_line(line: str) -> str:
    """Collapse horizontal whitespace and trim; letters are never touched."""
    return _HSPACE.sub(" ", line).strip()


def is_ticker(raw_line: str) -> bool:
    """A line of headlines glued together with runs of spaces (news-site tickers)."""
    if len(raw_line) < 200:
        return False
    parts = [p for p in _TICKER_SPLIT.split(raw_line.strip()) if p.strip()]
    return len(parts) >= 4 and sum(len(p) for p in parts) / len(parts) < 160


def is_menu(line: str) -> bool:
    """Breadcrumbs and menus: «الرئيسية » أخبار » عربي», «الواجهة الرئيسيةشؤون دولية»."""
    if len(line) > 120 or _SENTENCE_END.search(line):
        return False
    if _HOME_WORDS.match(line):
        return True
    parts = [p.strip() for p in _MENU_SPLIT.split(line)]
    parts = [p for p in parts if p]
    return len(parts) >= 3 and all(len(p.split()) <= 4 for p in parts)


def is_share_bar(line: str) -> bool:
    if len(line) > 120:
        return False
    words = re.findall(r"[\w-]+", line.lower())
    return bool(words) and all(w in _SHARE_WORDS for w in words)


def is_tail_marker(line: str) -> bool:
    return len(line) <= _MAX_CHROME_LINE and bool(
        _TAIL_WHOLE.match(line) or _TAIL_PREFIX.match(line)
    )


def is_chrome_line(line: str) -> bool:
    """A short line that is page furniture wherever it appears."""
    if len(line) > _MAX_CHROME_LINE:
        return False
    bare = line.strip(" :.!-–—|•·").lower()
    if bare in _LABEL_LINES:
        return True
    return bool(
        _CHROME_LINES.match(line)
        or is_share_bar(line)
        or is_menu(line)
        or date_on_line(line) is not None  # «نشر في هسبريس يوم 04 - 07 - 2018»: metadata
    )


def page_lines(text: str) -> list[str]:
    """Split page text into normalised lines (blank lines kept as ""), tickers dropped."""
    lines: list[str] = []
    for raw in text.splitlines():
        if is_ticker(raw):
            lines.append("")
            continue
        lines.append(normalise_line(raw))
    return lines


def strip_chrome(lines: list[str]) -> list[str]:
    """Drop chrome lines and cut the page at the first tail marker after the body started.

    Blank lines are kept (as "") so callers can still see paragraph breaks.
    """
    kept: list[str] = []
    body_started = False
    for line in lines:
        if not line:
            kept.append("")
            continue
        if is_tail_marker(line):
            if body_started:
                break
            continue
        if is_chrome_line(line):
            continue
        if len(line) >= BODY_PARAGRAPH:
            body_started = True
        kept.append(line)
    return kept

"""Curated Arabic word lists behind ``articles.text.arabic`` (and the compound names of
``articles.text.arabic_chars``): its proclitic guards (which search
and the tagger both rely on) and the tables the index analysis (``articles.search.analysis``) is
generated from.

Plain data only: no imports, no Django. Words are written in ordinary spelling (hamza, ة, ى ...);
``articles.text.arabic`` normalises them (``arabic_chars.normalize``) exactly like the analyzers
do, so keep them readable.

Sources / reasoning
-------------------
* The lists come from reading the terrorism / counter-terrorism seed articles
  (``/work/shared/seeds``), the frequent vocabulary of Arabic wire copy (Reuters/AFP/Asharq
  Al-Awsat/Al Jazeera style), and from running every candidate through Lucene's light stemmer
  (``arabic_stem``) and our proclitic rules to see which ones it damages.
* A word only belongs here when the generic rules get it wrong; the rules themselves (proclitic
  stripping with length and "short stem" guards, Lucene-order suffix stripping) live in
  ``articles.text.arabic``.
"""

from __future__ import annotations

# ---------------------------------------------------------------------------------------------
# Proper names that must keep their form in the stemmed field (never proclitic-stripped, never
# suffix-stemmed). Lucene's light stemmer strips ان/ين/ي/ه/ة, so e.g. طالبان→طالب (student),
# إيران→اير, السودان→سود (black), البحرين→بحر (sea), جنين→جن, طهران→طهر; the proclitic rules
# would turn لبنان into بنان (fingertips), فرنسا→رنسا, بغداد→غداد, كركوك→ركوك.
#
# Names are matched after an optional proclitic stack (و ف ب ل ك, ال, لل) and with an optional
# nisba / plural ending (إيراني، الإيرانية، لبنانيين ...), which all collapse to the name, so
# «الإيرانية» matches «إيران». A final ا is dropped to form the base (ليبيا→ليبي, فرنسا→فرنس) so
# that ليبي/ليبية/فرنسي/أمريكي/أمريكان collapse onto the country.
NAMES: tuple[str, ...] = (
    # countries and regions (suffix or proclitic damage)
    "إيران",
    "لبنان",
    "ليبيا",
    "سوريا",
    "بغداد",
    "بيروت",
    "فرنسا",
    "بريطانيا",
    "بلجيكا",
    "باكستان",
    "أفغانستان",
    "كردستان",
    "داغستان",
    "بلوشستان",
    "خراسان",
    "أذربيجان",
    "طاجيكستان",
    "أوزبكستان",
    "كازاخستان",
    "عمان",
    "طهران",
    "فلسطين",
    "كركوك",
    "كابول",
    "كينيا",
    "كولومبيا",
    "فنلندا",
    "فنزويلا",
    "فيتنام",
    "بوركينا",
    "أمريكا",
    "أميركا",
    "روسيا",
    "تركيا",
    "ألمانيا",
    "إيطاليا",
    "إسبانيا",
    "أوروبا",
    "أفريقيا",
    "إفريقيا",
    "نيجيريا",
    "إندونيسيا",
    "ماليزيا",
    "تونس",
    "واشنطن",
    "جنين",
    # organisations / people
    "طالبان",
    "الله",  # حزب الله: without protection «الله» → «له» (a stop word) and the phrase dies
    "حماس",
    "بوكو",
    "بوتين",
    "أردوغان",
    "عثمان",
    "سليمان",
    "رمضان",
    "حسين",
    "الظواهري",  # → ظواهر (phenomena) otherwise
    "بلمختار",
)

# Names that carry the definite article as part of the name; they are matched only with an
# article (ال / لل after an optional و ف ب ك), so «ورقة» (paper) is never taken for «الرقة».
ARTICLE_NAMES: tuple[str, ...] = (
    "الرقة",  # → رق, collides with ورقة→رق in the built-in analyzer
    "البصرة",  # → بصر (sight)
    "الفلوجة",
    "الحسكة",
    "السودان",  # → سود
    "اليونان",
    "اليابان",
    "البحرين",  # → بحر
    "الشيشان",
    "البلقان",
    "الصين",
    "الأردن",
    "القاعدة",  # al-Qaeda keeps its form; the common noun قاعدة (base/rule) has its own stem
)

# ---------------------------------------------------------------------------------------------
# Words whose first letter looks like a proclitic (و ب ل ك ف) or whose first two letters look
# like the article (أل/إل/آل written without hamza), which must therefore never be
# proclitic-stripped. Written as the citation form; a final ة is dropped to form the base and the
# usual endings (ة/ات/ان/ين/ون/ي/ية/ها/هم ...) are allowed after it.
#
# Only words where stripping hurts are needed: the stripped remainder is a different, frequent
# word (وزير→زير, ورقة→رقة ≈ الرقة, واحد→أحد, وسيلة→سيل, وطني→طن, كتائب→تائب) or the
# article-looking «ال» is radical (ألغام, آلاف, إلكتروني, إلقاء) so that «الألغام» and «ألغام»
# would otherwise get different stems.
LEXICAL_INITIAL: tuple[str, ...] = (
    # و-initial
    "وزير",
    "وزراء",
    "وزارة",
    "ولاية",
    "وكالة",
    "وثيقة",
    "وثائق",
    "وحدة",
    "وجود",
    "وصول",
    "وسائل",
    "وسيلة",
    "وسط",
    "وسطاء",
    "وسيط",
    "وساطة",
    "وطن",
    "ورقة",
    "واقع",
    "وقائع",
    "وقود",
    "واحد",
    "وراء",
    "وكيل",
    "والد",
    "والدة",
    "والي",
    "وادي",
    "وجهة",
    "وظيفة",
    "وظائف",
    "وحيد",
    "وحشي",
    "ورشة",
    "وفاة",
    "وفد",
    "وقف",
    "وقت",
    "وضع",
    "وعد",
    "وصف",
    "وزن",
    "وباء",
    "وطيد",
    # ب ل ك ف-initial whose stripped remainder is a real word
    "كتائب",  # → تائب (repentant)
    "كبير",
    "كبار",
    "بلدة",  # → لدة
    "بلاد",
    "لقاء",
    "فصيل",
    "فريق",
    "فرقة",  # → رقة ≈ الرقة
    "بحرية",  # → حرية (freedom): البحرية is the navy
    "بلدية",  # → لدية
    "بطولة",  # → طولة
    "كمين",  # → مين
    "كمائن",
    "فدية",
    # radical أل/إل/آل that the article rule would strip
    "ألغام",
    "آلاف",
    "ألف",
    "آلية",
    "آلات",
    "آلام",
    "ألوية",
    "إلكتروني",
    "إلغاء",
    "إلقاء",
    "إلزام",
)

# ---------------------------------------------------------------------------------------------
# Broken plurals (and a few irregular sound forms) that the light stemmer cannot relate to their
# singular. Each plural is mapped (stemmer_override) onto the stem the light stemmer produces for
# the singular, so singular/plural match in both directions. Regular -ون/-ين/-ات plurals are
# handled by the stemmer and are not listed, except construct forms (مقاتلو) and a few that
# stem differently. Chosen from the domain: actors, weapons, places, casualties, institutions.
BROKEN_PLURALS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("أجنبي", ("أجانب",)),
    ("مقاتل", ("مقاتلو",)),
    ("مسلح", ("مسلحو",)),
    ("خلية", ("خلايا",)),
    ("هجوم", ("هجمات", "هجومات")),
    ("إرهابي", ("إرهابيو",)),
    ("سلاح", ("أسلحة",)),
    ("قائد", ("قادة",)),
    ("عنصر", ("عناصر",)),
    ("سجن", ("سجون",)),
    ("زعيم", ("زعماء",)),
    ("أمير", ("أمراء",)),
    ("قتيل", ("قتلى",)),
    ("جريح", ("جرحى",)),
    ("أسير", ("أسرى",)),
    ("رهينة", ("رهائن",)),
    ("ضحية", ("ضحايا",)),
    ("صاروخ", ("صواريخ",)),
    ("جندي", ("جنود",)),
    ("ضابط", ("ضباط",)),
    ("جيش", ("جيوش",)),
    ("منطقة", ("مناطق",)),
    ("مدينة", ("مدن",)),
    ("بلد", ("بلدان", "بلاد")),
    ("قرية", ("قرى",)),
    ("حزب", ("أحزاب",)),
    ("فصيل", ("فصائل",)),
    ("كتيبة", ("كتائب",)),
    ("لواء", ("ألوية",)),
    ("قاعدة", ("قواعد",)),
    ("هدف", ("أهداف",)),
    ("عدو", ("أعداء",)),
    ("شخص", ("أشخاص",)),
    ("قانون", ("قوانين",)),
    ("وزير", ("وزراء",)),
    ("تقرير", ("تقارير",)),
    ("عضو", ("أعضاء",)),
    ("خبير", ("خبراء",)),
    ("عميل", ("عملاء",)),
    ("قنبلة", ("قنابل",)),
    ("لغم", ("ألغام",)),
    ("حادث", ("حوادث",)),
    ("موقع", ("مواقع",)),
    ("مصدر", ("مصادر",)),
    ("جهاز", ("أجهزة",)),
    ("مجلس", ("مجالس",)),
    ("محكمة", ("محاكم",)),
    ("حزام", ("أحزمة",)),
    ("طفل", ("أطفال",)),
    ("ميليشيا", ("ميليشيات", "مليشيا", "مليشيات", "ميلشيا", "ميلشيات")),
    ("متطرف", ("متطرفو",)),
)

# Forms that must NOT share a stem with the listed word although the light stemmer conflates
# them: the nisba adjective دولي (international) would otherwise stem like دولة (state), so
# «تنظيم الدولة» (ISIS) would match every «التحالف الدولي» article.
SEPARATE_STEMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("دولي", ("دولي", "دولية", "دوليين", "دوليون", "دوليان", "دوليتين", "دوليتان", "دوليات")),
)

# Feminine nouns (ة) whose meaning differs from the masculine form the light stemmer gives them:
# مستوطنة/مستوطنات (settlement) vs مستوطن/مستوطنون (settler), مقاتلة/مقاتلات (fighter jet) vs
# مقاتل/مقاتلون (fighter), شرطة (police) vs شرط (condition), عملية (operation) vs عمل (work),
# بلدية (municipality) vs بلد (country). Each keeps a stem of its own (the normalised singular,
# with its ه) shared by its ات plural, its duals (تين/تان) and its pronoun forms, so a
# masculine sound plural (-ون/-ين) never reaches them. Adjectives (nisba إرهابية، أمنية) are not
# listed: their feminine means the same and must keep matching the masculine. Not قاعدة: its
# own stem would be al-Qaeda's (القاعدة, see ARTICLE_NAMES).
FEMININE_NOUNS: tuple[str, ...] = (
    "مستوطنة",
    "مقاتلة",
    "منظمة",
    "مدرسة",
    "منطقة",
    "محكمة",
    "مؤسسة",
    "مجموعة",
    "شرطة",
    "جماعة",
    "كتيبة",
    "عملية",
    "مدينة",
    "طائرة",
    "سيارة",
    "مسيرة",
    "خلية",
    "جامعة",
    "كلية",
    "بلدية",
    "محافظة",
    "مركبة",
)

# ---------------------------------------------------------------------------------------------
# Compound names written joined or apart: عبد الرحمن / عبدالرحمن, أبو محمد / ابومحمد. The
# character normalisation splits the joined form (so phrases on the apart form match it, word for
# word): عبد + article always (عبدال… is never anything else); أبو + article, and أبو + one of
# these name parts (أبو alone starts ordinary words: أبواب، أبوين، أبوة). أبوظبي is split as
# well: the place is written أبو ظبي as often as joined.
KUNYA_PARTS: tuple[str, ...] = (
    "محمد",
    "أحمد",
    "بكر",
    "علي",
    "عمر",
    "ظبي",
    "حمزة",
    "مصعب",
    "عبيدة",
    "حفص",
    "قتادة",
    "مازن",
    "سياف",
    "يوسف",
    "خالد",
    "هريرة",
    "إبراهيم",
    "مريم",
    "طلحة",
    "أنس",
    "عمار",
    "حسن",
    "حسين",
    "سليمان",
    "يحيى",
    "زيد",
    "سعيد",
    "ماريا",
)
#: The cases of أبو (nominative, genitive, accusative): one stem in the stemmed field, so
#: «أبي بكر» and «أبا بكر» find «أبو بكر» (the exact field keeps them apart).
KUNYA_FORMS: tuple[str, ...] = ("أبو", "أبي", "أبا")
#: The heads of compound names, which are too short (3 letters) for the generic rules to strip
#: a ب/ل/ك/ف before them: «لعبد الله», «بأبي بكر» get عبد / أبو in the stemmed field.
NAME_HEADS: tuple[str, ...] = ("عبد", *KUNYA_FORMS)

# ---------------------------------------------------------------------------------------------
# Letters that transliterations of foreign names write interchangeably (g as غ/ج/ق, t as ت/ط,
# s as س/ص/ث, z as ز/ذ/ظ): the transliteration key (``arabic.translit_key``) writes each group
# as its first letter. Used only to match a query word against the gazetteer's names.
TRANSLIT_CLASSES: tuple[str, ...] = ("جغق", "تط", "سصث", "زذظ")

# ---------------------------------------------------------------------------------------------
# Words of a question or a request that say nothing about the subject (ما هي …، كيف …، what
# is …): search neither requires nor scores them (the index keeps them; they are not stop
# words for the analysis). Arabic and English.
QUESTION_WORDS: tuple[str, ...] = (
    *("هل", "ماذا", "لماذا", "لما", "كيف", "متى", "أين", "كم", "أي", "ما", "من", "هي", "هو"),
    *("ماهي", "ماهو", "مين", "شو", "وش", "ايش", "اريد", "أبحث", "ابحث", "عن", "حول", "بخصوص"),
    *("what", "who", "whom", "why", "how", "when", "where", "which", "is", "are", "was"),
    *("were", "do", "does", "did", "the", "a", "an", "of", "in", "on", "to", "for", "about"),
)

# ---------------------------------------------------------------------------------------------
# Function words removed from the stemmed field only (the exact field keeps them for phrases).
# Normalised on load; forms with a fused و/ف are listed because و is only stripped when at
# least three letters remain.
STOPWORDS: tuple[str, ...] = (
    "في",
    "من",
    "على",
    "إلى",
    "عن",
    "مع",
    "أن",
    "إن",
    "أو",
    "ثم",
    "هذا",
    "هذه",
    "ذلك",
    "تلك",
    "هؤلاء",
    "التي",
    "الذي",
    "الذين",
    "اللذين",
    "اللتين",
    "كان",
    "كانت",
    "يكون",
    "تكون",
    "قد",
    "لقد",
    "ما",
    "لا",
    "لم",
    "لن",
    "كما",
    "حيث",
    "بين",
    "عند",
    "منذ",
    "حتى",
    "هو",
    "هي",
    "هم",
    "له",
    "لها",
    "لهم",
    "به",
    "بها",
    "بهم",
    "فيه",
    "فيها",
    "فيهم",
    "منه",
    "منها",
    "منهم",
    "عليه",
    "عليها",
    "عليهم",
    "إليه",
    "إليها",
    "أنه",
    "أنها",
    "إنه",
    "إنها",
    "كل",
    "أي",
    "إذا",
    "إذ",
    "لكن",
    "غير",
    "بعد",
    "قبل",
    "ضد",
    "عبر",
    "لدى",
    "تم",
    "ال",
    "و",
    "ف",
    "ب",
    "ل",
    "ك",
)

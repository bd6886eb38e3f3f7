import datetime as dt

import pytest

from articles.ingest.records import DateProvenance
from articles.ingest.textpage import TITLE_MAX, parse_text_page

from .helpers import seed_text

CHROME = [
    "شكرا على الإبلاغ",
    "سيتم حجب هذه الصورة",
    "الواجهة الرئيسية",
    "اقرأ أيضاً",
    "مقالات ذات صلة",
    "ربما يعجبك أيضا",
    "اترك تعليقاً",
    "لن يتم نشر عنوان بريدك",
    "التعليقات",
    "تعليقات عبر الفيس بوك",
    "Previous post",
    "Next post",
    "اتبعنا على تويتر",
    "انقر هنا لقراءة الخبر من مصدره",
    "نشر في هسبريس",
    "صحفي مغربي",
    "تسجيلات صوتية تثير الهلع",  # the 001 headline ticker
]


def parse(prefix):
    return parse_text_page(
        seed_text(prefix), origin=f"{prefix}.txt", key=f"file:{prefix}.txt", raw_encoding="utf-8"
    )


def assert_clean(record):
    for phrase in CHROME:
        assert phrase not in record.body, phrase
    assert "\n\n\n" not in record.body
    assert record.body == record.body.strip()


def test_seed_000_has_byline_and_derived_title():
    record = parse("000")
    assert record.byline == "محمد البشاري"
    assert record.title.startswith("شهد الأسبوع الماضي مؤتمرين هامين")
    assert 0 < len(record.title) <= TITLE_MAX + 1
    assert record.extra["title_derived"] == "true"
    assert record.published_at is None
    assert record.published_at_source == DateProvenance.NONE
    assert record.body.startswith("شهد الأسبوع الماضي مؤتمرين هامين")
    assert record.body.endswith("المنعقد في مايو 2017؟")
    assert "محمد البشاري" not in record.body
    assert_clean(record)


def test_seed_001_title_date_source():
    record = parse("001")
    assert record.title == "إعلان الحرب على الإرهاب الإلكتروني"
    assert record.published_at == dt.datetime(2018, 7, 4, tzinfo=dt.UTC)
    assert record.published_at_source == DateProvenance.PAGE
    assert record.source_name == "هسبريس"
    assert record.body.startswith("شهد الأسبوع الماضي مؤتمرين هامين")
    assert record.body.endswith("المنعقد في مايو 2017؟")
    assert "title_derived" not in record.extra
    assert_clean(record)


def test_seed_000_and_001_bodies_are_the_same_column():
    first = parse("000").body.split("\n\n")
    second = parse("001").body.split("\n\n")
    assert len(first) == len(second) == 11

    # Same paragraphs; only the quote marks differ between the two sites.
    def quotes(s):
        return s.replace("«", '"').replace("»", '"')

    for a, b in zip(first, second, strict=True):
        assert quotes(a) == quotes(b)


def test_seed_002():
    record = parse("002")
    assert record.title == "التحالف الدولي واستراتيجية مكافحة الإرهاب.. تحديات جديدة"
    assert record.byline == "جاسم محمد"
    assert record.published_at is None
    assert "رؤية ـ جاسم محمد" not in record.body
    assert record.body.startswith("تسعى إدارة الرئيس الأمريكي جو بايدن")
    assert "انعقد يوم 28 يونيو 2021" in record.body
    assert record.body.endswith("سوف لا يحدث تغيرا واضحا في الموقف الأوروبي.")
    assert "\n\nأهمية الاجتماع\n\n" in record.body  # subheadings are kept
    assert_clean(record)


def test_seed_003():
    record = parse("003")
    assert record.title == "84 دولة تتوعد من المغرب بتفكيك شبكات تنظيم “داعش” الإرهابي"
    assert record.byline == "حسن الأشرف"
    # The standfirst is kept as the first paragraph.
    assert record.body.startswith("القارة الإفريقية صارت تغري تنظيم داعش الإرهابي")
    assert "وحَّد هدف التحالف ضد تنظيم “داعش” 84 دولة" in record.body
    assert record.body.endswith("لإعلان التحالف الدولي ضد تنظيم “داعش الإرهابي”.")
    assert "المغرب- حسن الأشرف" not in record.body
    assert "حسن الأشرف" not in record.body
    assert "داعش في جنوب إفريقيا… هل من جدوى" not in record.body  # «اقرأ أيضاً» link
    paragraphs = record.body.split("\n\n")
    assert "إحسان الحافظي" not in paragraphs  # caption repeating the next paragraph's name
    assert "وزير الخارجية المغربي، ناصر بوريطة" not in paragraphs
    assert "رد متعدد الأطراف" in paragraphs  # a subheading, not a caption
    assert_clean(record)


def test_seed_004():
    record = parse("004")
    assert record.title == "الأمم المتحدة … جهود دولية وإقليمه في مجال مكافحة الإرهاب"
    assert record.byline == "المركز الأوروبي لدراسات مكافحة الإرهاب والاستخبارات"
    assert "المركز الأوروبي لدراسات" not in record.body
    assert "يمثل الإرهاب الدولي أحد أخطر التهديدات للسلام والأمن الدوليين" in record.body
    assert record.body.endswith("وضع نظام قانوني ملزم للدول الأعضاء لمكافحة المقاتلين الأجانب.")
    assert "إيران والانتخابات الأمريكية" not in record.body
    assert_clean(record)


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_common_invariants(prefix):
    text = seed_text(prefix)
    record = parse(prefix)
    assert record.title
    assert record.raw == text
    assert record.key == f"file:{prefix}.txt"
    # Whitespace is normalised, letters never change: every body paragraph is in the page.
    squashed = " ".join(text.split())
    for paragraph in record.body.split("\n\n"):
        assert paragraph in squashed


PARAGRAPH = (
    "أعلنت السلطات الأمنية عن تفكيك خلية إرهابية كانت تخطط لتنفيذ هجمات ضد منشآت حيوية، "
    "وأوضحت في بيان أن العملية جاءت بعد تحريات دقيقة استمرت عدة أشهر بتنسيق مع شركاء دوليين."
)


def test_generic_site_chrome_is_stripped():
    page = "\n".join(
        [
            "الرئيسية » أخبار » أمن",
            "فيسبوك تويتر واتساب",
            "أخبار",
            "تفكيك خلية إرهابية في الشمال",
            "بقلم: سعيد العلوي",
            "الأحد 14 مايو 2023 - 10:30",
            "",
            PARAGRAPH,
            "",
            "اقرأ أيضا: خبر آخر لا علاقة له",
            PARAGRAPH.replace("أعلنت", "وأكدت"),
            "شارك هذا المقال",
            "الوسوم: إرهاب، أمن",
            "المصدر: وكالات",
            "جميع الحقوق محفوظة © 2023",
            "يستخدم هذا الموقع ملفات تعريف الارتباط",
        ]
    )
    record = parse_text_page(page, origin="p.txt", key="file:p.txt", raw_encoding="utf-8")
    assert record.title == "تفكيك خلية إرهابية في الشمال"
    assert record.byline == "سعيد العلوي"
    assert record.published_at == dt.datetime(2023, 5, 14, tzinfo=dt.UTC)
    assert record.body == PARAGRAPH + "\n\n" + PARAGRAPH.replace("أعلنت", "وأكدت")


def test_comment_section_ends_the_article():
    page = (
        f"عنوان الخبر هنا\n\n{PARAGRAPH}\n\nأضف تعليق\n\n{PARAGRAPH.replace('أعلنت', 'قال زائر')}"
    )
    record = parse_text_page(page, origin="p", key="k", raw_encoding="utf-8")
    assert record.body == PARAGRAPH


def test_body_sentence_mentioning_comments_is_kept():
    sentence = "التعليقات التي نشرها الوزير على حسابه أثارت جدلا واسعا بين المتابعين للشأن الأمني."
    page = f"عنوان الخبر هنا\n\n{PARAGRAPH}\n\n{sentence}"
    record = parse_text_page(page, origin="p", key="k", raw_encoding="utf-8")
    assert sentence in record.body


def test_page_of_only_chrome_has_empty_body():
    page = "شكرا على الإبلاغ!\nمقالات ذات صلة\nاترك تعليقاً\n"
    record = parse_text_page(page, origin="p", key="k", raw_encoding="utf-8")
    assert record.body == ""


def test_long_title_fallback_is_truncated_on_a_word():
    words = " ".join(["كلمة"] * 80)
    record = parse_text_page(words, origin="p", key="k", raw_encoding="utf-8")
    assert record.title.endswith("…")
    assert len(record.title) <= TITLE_MAX + 1
    assert record.title.removesuffix("…").split() == ["كلمة"] * len(record.title.split())

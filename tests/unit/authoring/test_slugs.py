"""Course folder names suggested from titles: pinyin words, hyphens, the loader's slug rule."""

import pytest

from trainer.authoring.slugs import slugify, suggest_slug
from trainer.content.loader import COURSE_SLUG

# What a trainer would expect to see, written by hand (not read back from pypinyin).
SUGGESTIONS = [
    ("前台接待礼仪", "qian-tai-jie-dai-li-yi"),
    ("Complaint Handling 101", "complaint-handling-101"),
    ("客诉处理（2026版）", "ke-su-chu-li-2026-ban"),
    ("重庆银行服务", "chong-qing-yin-hang-fu-wu"),  # 重/行 read as in the phrase
    ("iPhone使用说明", "iphone-shi-yong-shuo-ming"),
    ("第１课：Café crème", "di-1-ke-cafe-creme"),  # full-width digit, accents dropped
    ("  --Hello__World--  ", "hello-world"),
    ("绿色通道", "lv-se-tong-dao"),
    ("！？、。……（）", "course"),
    ("", "course"),
    ("   ", "course"),
    ("😀🎉", "course"),
]


@pytest.mark.parametrize(("title", "expected"), SUGGESTIONS)
def test_suggested_slug(title, expected):
    assert suggest_slug(title) == expected
    assert COURSE_SLUG.match(suggest_slug(title))


def test_a_long_title_is_cut_at_a_hyphen_to_at_most_60_characters():
    title = "前台接待礼仪与客诉处理标准流程" * 7  # 105 characters
    assert len(title) == 105
    slug = suggest_slug(title)
    assert len(slug) <= 60
    assert COURSE_SLUG.match(slug)
    # Whole syllables only: the full pinyin starts with it followed by a hyphen.
    full = slugify(title, max_length=10_000)
    assert full.startswith(slug + "-")
    assert len(slug) > 50  # cut near the limit, not far before it


ELEVEN_WORDS = "abcd " * 11  # slug "abcd-abcd-…-" of 55 characters


@pytest.mark.parametrize(
    ("title", "expected_length"),
    [
        (ELEVEN_WORDS + "abcd", 59),
        (ELEVEN_WORDS + "abcde", 60),
        (ELEVEN_WORDS + "abcdef", 54),  # 61: the last word goes whole
        (ELEVEN_WORDS + "abcde more", 60),  # 65: the 61st character is a hyphen, cut there
    ],
)
def test_the_60_character_boundary(title, expected_length):
    slug = suggest_slug(title)
    assert len(slug) == expected_length
    assert slug.startswith("abcd-abcd-")
    assert not slug.endswith("-")


def test_one_very_long_word_is_cut_at_60():
    assert suggest_slug("x" * 100) == "x" * 60


@pytest.mark.parametrize(
    ("title", "taken", "expected"),
    [
        ("x", set(), "x"),
        ("x", {"x"}, "x-2"),
        ("x", {"x", "x-2"}, "x-3"),
        ("x", {"x-2"}, "x"),
        ("前台", ["qian-tai", "qian-tai-2", "qian-tai-3"], "qian-tai-4"),
        ("！", {"course"}, "course-2"),
    ],
)
def test_a_taken_name_gets_a_number(title, taken, expected):
    assert suggest_slug(title, taken) == expected


def test_a_numbered_name_still_fits_in_60_characters():
    title = ELEVEN_WORDS + "abcde"
    base = suggest_slug(title)
    assert len(base) == 60
    numbered = suggest_slug(title, {base})
    assert len(numbered) <= 60
    assert numbered == "abcd-" * 11 + "2"  # the word that no longer fits goes whole
    assert COURSE_SLUG.match(numbered)

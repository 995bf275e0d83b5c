"""Folder and file names made from what a trainer types: mostly Chinese titles.

Chinese is written as pinyin without tones (前台接待 → qian-tai-jie-dai), other letters lose
their accents, everything else separates words. The result always matches the loader's
COURSE_SLUG (the tests check it), so a suggested course folder is one the catalogue accepts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

MAX_SLUG_LENGTH = 60
FALLBACK_SLUG = "course"
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(text: str, max_length: int = MAX_SLUG_LENGTH, fallback: str = FALLBACK_SLUG) -> str:
    """Lowercase ascii words joined by hyphens, at most `max_length` characters, cut at a
    hyphen when there is one to cut at; `fallback` when nothing usable is left."""
    # Imported here: pypinyin's dictionaries take most of a second and ~50 MB to load, paid
    # by a process only when a trainer first names something, not by every web worker.
    from pypinyin import Style, lazy_pinyin

    # Each Chinese character becomes its pinyin, with the reading of the phrase it is in
    # (银行 → yin hang); runs of anything else come back as they were.
    pieces = lazy_pinyin(text, style=Style.NORMAL)
    words: list[str] = []
    for piece in pieces:
        # NFKD: full-width digits and letters become ascii ones, accents split off and dropped.
        ascii_text = unicodedata.normalize("NFKD", piece).encode("ascii", "ignore").decode()
        words.extend(word for word in _NOT_ALNUM.split(ascii_text.lower()) if word)
    slug = _cut("-".join(words), max_length)
    return slug or fallback


def _cut(slug: str, max_length: int) -> str:
    if len(slug) <= max_length:
        return slug
    head = slug[: max_length + 1]
    if "-" in head:
        # Whole words only: drop the word that would be cut (the character after the limit
        # being a hyphen means the last word fits whole).
        return head[: head.rindex("-")].strip("-")
    return slug[:max_length].strip("-")  # one very long word: cut it


def suggest_slug(title: str, taken: Collection[str] = ()) -> str:
    """The course folder name suggested for a course called `title`: e.g. 前台接待礼仪 →
    qian-tai-jie-dai-li-yi; with -2, -3, … added when the name is in `taken`."""
    slug = slugify(title)
    number = 1
    candidate = slug
    while candidate in taken:
        number += 1
        suffix = f"-{number}"
        candidate = (_cut(slug, MAX_SLUG_LENGTH - len(suffix)) or FALLBACK_SLUG) + suffix
    return candidate

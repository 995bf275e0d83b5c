"""Fix-it examples in the author's own terms: a message that says “write points: 3” to
someone who wrote “分值 3分” is followed more readily than a fixed “points: 2”."""

from __future__ import annotations

import re

FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")
WHOLE_NUMBER = re.compile(r"\d+")
DECIMAL = re.compile(r"-?\d+(?:\.\d+)?")


def whole_number(written: object, default: int) -> str:
    """The first whole number in what the author wrote (full-width digits too), else
    `default`: “3分” → "3", “０.５” → "0", “两分” → default."""
    match = WHOLE_NUMBER.search(str(written).translate(FULL_WIDTH))
    if match is None or not match.group().isascii():
        return str(default)
    return str(int(match.group()))


def positive_number(written: object, default: int) -> str:
    """whole_number, but never 0 (for settings that must be 1 or more)."""
    number = whole_number(written, default)
    return number if int(number) >= 1 else str(default)


def decimal_number(written: object, default: str) -> str:
    """The first number, decimals kept: “1.5米” → "1.5"."""
    match = DECIMAL.search(str(written).translate(FULL_WIDTH))
    return match.group() if match is not None and match.group().isascii() else default


def identifier(written: str, default: str) -> str:
    """An id from what the author wrote: lower-case ASCII letters and digits joined by '-'
    (“Greet_3 Seconds” → "greet-3-seconds"); `default` when nothing of it is usable."""
    words = re.findall(r"[a-z0-9]+", written.lower())
    return "-".join(words) if words else default

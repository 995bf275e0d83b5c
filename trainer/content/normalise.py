"""Turning what a learner typed into something comparable with the expected answer."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
THOUSANDS = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
# Numbers this far from 1 are never a training answer, and Decimal arithmetic on them
# can overflow the default context.
MAX_EXPONENT = 30


def normalise_fill_answer(text: str) -> str:
    """Fold full-width/half-width forms (NFKC), letter case and all whitespace.

    So "ＡＢＣ 123", "abc123" and " A B C １２３ " all compare equal. NFKC can itself
    produce spaces (e.g. "¨" becomes space + combining diaeresis), and removing a space can
    let neighbours compose, so fold until nothing changes.
    """
    for _ in range(4):
        folded = "".join(unicodedata.normalize("NFKC", text).casefold().split())
        folded = unicodedata.normalize("NFKC", folded)
        if folded == text:
            break
        text = folded
    return text


def parse_decimal(text: str) -> Decimal | None:
    """A finite Decimal from typed text such as "15", "１５", "-0.5", "1,200"; else None."""
    text = unicodedata.normalize("NFKC", text).replace("\u2212", "-")
    text = "".join(text.split())
    if THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if not NUMBER.fullmatch(text):
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite() or (value and abs(value.adjusted()) > MAX_EXPONENT):
        return None
    return value

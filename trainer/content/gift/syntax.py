"""Writing GIFT: escapes, numbers and answer lines, shared by each question type's `to_gift`.

Every character that carries structure in GIFT (~ = # { } : and the backslash) is escaped
wherever it appears, and line breaks become `\\n`, so a question always fits on lines of its
own with no blank line inside (a blank line ends a question in GIFT).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

GIFT_ESCAPES = str.maketrans(
    {
        "\\": "\\\\",
        "~": "\\~",
        "=": "\\=",
        "#": "\\#",
        "{": "\\{",
        "}": "\\}",
        ":": "\\:",
        "\n": "\\n",
        "\r": "",
    }
)
# Moodle reads these at the start of a text as its format, not as text.
FORMAT_PREFIX = re.compile(r"^\[(html|markdown|plain|moodle)\]")
# What an importer reads as a weight at the start of an answer, e.g. %50% or %-33.3%.
WEIGHT_PREFIX = re.compile(r"^%(-?\d+(?:\.\d*)?)%")


@dataclass(frozen=True)
class GiftLoss:
    """Something GIFT cannot hold, e.g. all-or-nothing scoring; a message code and details."""

    code: str
    params: dict

    @classmethod
    def of(cls, code: str, **params: object) -> GiftLoss:
        return cls(code, params)


@dataclass(frozen=True)
class GiftAnswers:
    """A question type's part of a GIFT question: the lines between `{` and `}`.

    `lines` is None when the question cannot be written in GIFT at all; `losses` say what
    was lost either way. `text` replaces the question's own text (a scenario's case goes in
    front of it). `blank_at_end`: the importer adds a `____` blank itself when the answers
    end the text, so a blank at the very end is written as answers at the end.
    """

    lines: tuple[str, ...] | None
    text: str | None = None
    blank_at_end: bool = False
    losses: tuple[GiftLoss, ...] = ()

    @classmethod
    def unsupported(cls, code: str, **params: object) -> GiftAnswers:
        return cls(None, losses=(GiftLoss.of(code, **params),))


def escape(text: str, formatted: bool = True) -> str:
    """`text` as GIFT text. `formatted`: Moodle looks for a [format] prefix in this part."""
    escaped = text.translate(GIFT_ESCAPES)
    if formatted and FORMAT_PREFIX.match(text):
        return f"[markdown]{escaped}"
    return escaped


def plain_number(value: float) -> str:
    """The shortest decimal form without an exponent: 15.0 → "15", 1e-05 → "0.00001"."""
    text = format(Decimal(repr(float(value))).normalize(), "f")
    return "0" if text in ("-0", "") else text


def answer_line(marker: str, text: str, feedback: str = "", weight: float | None = None) -> str:
    """One answer: `=right`, `~wrong`, `~%50%half`, with `#feedback` when there is some."""
    written = escape(text)
    if weight is None and WEIGHT_PREFIX.match(written):
        # The text itself starts like a weight, e.g. "%5 off": state the weight explicitly.
        weight = 100.0 if marker == "=" else 0.0
    percent = f"%{plain_number(weight)}%" if weight is not None else ""
    tail = f"#{escape(feedback)}" if feedback else ""
    return f"{marker}{percent}{written}{tail}"

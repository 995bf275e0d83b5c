"""A GIFT question as read, before it is mapped to one of our types, and the helpers every
GIFT kind uses: answers with weights and feedback, text formats, and the problem report."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.content.gift.html_markdown import html_to_markdown
from trainer.content.gift.source import Src
from trainer.content.gift.syntax import FORMAT_PREFIX, WEIGHT_PREFIX
from trainer.content.model import Problem

BLANK = "____"  # the blank a fill-in question shows where the answer goes


class Report:
    """What could not be converted, as Problems at GIFT file lines."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def error(self, line: int, code: str, **params: object) -> None:
        self.problems.append(Problem.error("gift", line, code, **params))


def one_line(text: str) -> str:
    return " ".join(text.split())


def shorten(text: str, limit: int = 40) -> str:
    text = one_line(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def formatted(text: str, html: bool, line: int, report: Report) -> tuple[str, bool]:
    """(Markdown, whether it was HTML) for a GIFT text with an optional [format] prefix.

    [html] is converted (html_markdown.py); [markdown], [plain], [moodle] and no prefix keep the
    text as written, since our Markdown shows plain text as it is.
    """
    text = text.strip()
    prefix = FORMAT_PREFIX.match(text)
    if prefix:
        html = prefix.group(1) == "html"
        text = text[prefix.end() :]
    if html:
        text, images = html_to_markdown(text)
        for image in images:
            report.error(line, "gift-html-image", src=shorten(image, 80))
    lines = [line.rstrip() for line in text.strip().split("\n")]
    return "\n".join(lines), html


def preview(text: str, html: bool) -> str:
    """A short plain form of a GIFT text for a message."""
    return shorten(formatted(text, html, 0, Report())[0])


@dataclass(frozen=True)
class GiftQuestion:
    """One GIFT question, read but not yet mapped to a type."""

    line: int  # first line of the question in the GIFT file
    name: str | None
    idnumber: str | None
    text: str  # Markdown; a ____ blank where the answers sat mid-sentence
    missing_word: bool
    html: bool  # answers and feedback default to the question text's format
    answers: Src  # between { and }, without the general feedback
    explanation: str
    tags: tuple[str, ...]
    points: int
    difficulty: str | None

    def fields(self, type_name: str, text: str | None = None) -> dict:
        return {
            "id": "q",  # the importer gives each converted question its id
            "type": type_name,
            "points": self.points,
            "tags": self.tags,
            "difficulty": self.difficulty,
            "text": self.text if text is None else text,
            "explanation": self.explanation,
            "line": self.line,
        }


@dataclass(frozen=True)
class GiftAnswer:
    marker: str  # "=" or "~"
    percent: float | None  # as written, e.g. %50%; None when not written
    src: Src  # the answer as written, without weight and feedback
    text: str  # on one line, format applied
    feedback: str
    line: int

    def credit(self, default: float) -> float:
        return self.percent if self.percent is not None else default


def split_at_hash(src: Src) -> tuple[Src, Src | None]:
    index = src.find("#")
    return (src, None) if index < 0 else (src[:index], src[index + 1 :])


def read_answers(
    src: Src, markers: str, question: GiftQuestion, report: Report, implicit: str | None = None
) -> list[GiftAnswer] | None:
    """Answers starting with one of `markers`; text before the first one is an answer
    marked `implicit` (Moodle reads `{Paris}` as `{=Paris}`), or an error without one."""
    head, parts = src.split_before(markers)
    pieces = [(part.text[0], part[1:]) for part in parts]
    if head.strip().text:
        if implicit is None:
            report.error(head.strip().line, "gift-answer-no-marker", text=shorten(head.text))
            return None
        pieces.insert(0, (implicit, head))
    answers = []
    for marker, piece in pieces:
        body = piece.strip()
        line = piece.line or question.line
        percent = None
        weight = WEIGHT_PREFIX.match(body.text)
        if weight:
            percent = float(weight.group(1))
            if not -100 <= percent <= 100:
                report.error(line, "gift-weight-invalid", value=weight.group(1))
                return None
            body = body[weight.end() :]
        text_src, feedback_src = split_at_hash(body)
        text, _ = formatted(text_src.text, question.html, line, report)
        feedback = ""
        if feedback_src is not None:
            feedback, _ = formatted(feedback_src.text, question.html, line, report)
        answers.append(
            GiftAnswer(marker, percent, text_src.strip(), one_line(text), feedback, line)
        )
    return answers


def no_empty_answers(answers: list[GiftAnswer], report: Report) -> bool:
    empty = next((answer for answer in answers if not answer.text), None)
    if empty is not None:
        report.error(empty.line, "gift-empty-answer")
    return empty is None

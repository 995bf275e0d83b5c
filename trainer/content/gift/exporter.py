"""Our questions → GIFT text. Each question type writes its own answers (`to_gift` on its
class in trainer.content.question_types); this module writes what all questions share.

A question comes out as:

    // [tag:迎宾] [points:2] [difficulty:easy]
    ::greet-within-3-seconds::[markdown]顾客走进店铺后……{
        =3 秒以内
        ~10 秒以内#太慢了……
        ####七步曲第一步要求……
    }

(answers indented with a tab). The id is the GIFT name, so it survives the round trip;
tags are Moodle's `[tag:…]` comment markers (Moodle 3.6+ imports them as question tags);
points and difficulty are our own markers, which Moodle ignores. Texts are Markdown, line
breaks written as `\\n`. When the question text has one `____` blank with text after it,
the answers go in its place (Moodle's missing-word form).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from trainer.content.gift.importer import Unconverted
from trainer.content.gift.syntax import GiftAnswers, escape
from trainer.content.model import Problem
from trainer.content.question_model import Question
from trainer.content.question_types import type_of

BLANK = re.compile(r"_{4,}|＿{4,}")  # full-width ＿ as typed in Chinese input mode
UNTAGGABLE = re.compile(r"[<>]")


@dataclass(frozen=True)
class GiftExport:
    text: str
    exported: int
    # (line in quiz.md, reason_code, message_zh, message_en), like GiftImport.not_converted
    not_exported: list[Unconverted] = field(default_factory=list)

    def summary(self) -> str:
        return f"exported {self.exported} questions; {len(self.not_exported)} not exported"


def export_gift(questions: Iterable[Question], display: str = "quiz.md") -> GiftExport:
    written: list[str] = []
    losses: list[Problem] = []
    for question in questions:
        answers = type_of(question).to_gift(question)
        for loss in answers.losses:
            losses.append(Problem.error(display, question.line, loss.code, **loss.params))
        if answers.lines is None:
            continue
        written.append(_question(question, answers, losses, display))
    return GiftExport(
        text="\n\n".join(written) + "\n" if written else "",
        exported=len(written),
        not_exported=[Unconverted.from_problem(problem) for problem in losses],
    )


def _question(question: Question, answers: GiftAnswers, losses: list, display: str) -> str:
    markers = []
    for tag in question.tags:
        if UNTAGGABLE.search(tag):
            losses.append(Problem.error(display, question.line, "gift-export-tag", tag=tag))
        else:
            # `\]` is an escaped bracket: a space keeps a final backslash a backslash.
            written = tag.replace("]", "\\]") + (" " if tag.endswith("\\") else "")
            markers.append(f"[tag:{written}]")
    if question.points != 1:
        markers.append(f"[points:{question.points}]")
    if question.difficulty:
        markers.append(f"[difficulty:{question.difficulty}]")
    inside = [f"\t{line}" for line in answers.lines]
    if question.explanation:
        inside.append(f"\t####{escape(question.explanation)}")
    # No answers and no explanation: `{}` (a blank line inside would end the question).
    section = "{\n" + "\n".join(inside) + "\n}" if inside else "{}"
    text = answers.text if answers.text is not None else question.text
    body = f"::{question.id}::[markdown]{_place(text, section, answers.blank_at_end)}"
    return "\n".join([f"// {' '.join(markers)}", body] if markers else [body])


def _place(text: str, section: str, blank_at_end: bool) -> str:
    blanks = list(BLANK.finditer(text))
    if len(blanks) == 1:
        before, after = text[: blanks[0].start()], text[blanks[0].end() :]
        if after.strip():  # missing word: the answers stand where the blank is
            return escape(before, formatted=False) + section + escape(after, formatted=False)
        if blank_at_end:  # the importer adds the blank back after the text
            return escape(before.rstrip(), formatted=False) + section
    return escape(text, formatted=False) + section

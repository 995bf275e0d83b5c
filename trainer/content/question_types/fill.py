"""`fill`: a `____` blank in the text and the accepted answers, compared after folding
case, width and spaces.

    顾客进店后 ____ 秒内要问候。
    - = 3
    - = 三
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trainer.content.gift.question import (
    BLANK,
    no_empty_answers,
    read_answers,
    shorten,
)
from trainer.content.gift.syntax import GiftAnswers, answer_line, plain_number
from trainer.content.model import Problem
from trainer.content.normalise import normalise_fill_answer
from trainer.content.question_model import Question
from trainer.content.question_types import register
from trainer.content.question_types.base import QuestionType, typed_text

FILL_ANSWER_LINE = re.compile(r"^[-*+]\s+=\s*(.+?)\s*$")
BLANKS = re.compile(r"_{4,}|＿{4,}")  # full-width ＿ as typed in Chinese input mode


@dataclass(frozen=True, kw_only=True)
class FillQuestion(Question):
    accepted: tuple[str, ...]


@register
class Fill(QuestionType):
    name = "fill"
    answer_line = FILL_ANSWER_LINE
    gift_order = 90  # Moodle: any other answer section is a short-answer question

    @classmethod
    def build(cls, block, common, text, answers, problems):
        blanks = len(BLANKS.findall(text))
        if blanks == 0:
            problems.append(Problem.error(block.file, block.line, "fill-no-blank", id=block.id))
        elif blanks > 1:
            problems.append(
                Problem.error(block.file, block.line, "fill-several-blanks", found=blanks)
            )
        accepted = tuple(answer.groups[0] for answer in answers)
        if not accepted:
            problems.append(Problem.error(block.file, block.line, "fill-no-answers", id=block.id))
        if common is None:
            return None
        return FillQuestion(**common.fields(text), accepted=accepted)

    @classmethod
    def to_quiz_md(cls, question):
        return {}, [f"- = {answer}" for answer in question.accepted]

    @classmethod
    def read_form(cls, question, entry, name, form):
        return typed_text(question, name, form)

    @classmethod
    def form_values(cls, question, entry, name, response):
        return {name: [str(response)]}

    @classmethod
    def grade(cls, question, response):
        if not isinstance(response, str):
            return 0.0
        typed = normalise_fill_answer(response)
        accepted = {normalise_fill_answer(answer) for answer in question.accepted}
        return 1.0 if typed and typed in accepted else 0.0

    @classmethod
    def gift_claims(cls, answers):
        return bool(answers.text)

    @classmethod
    def from_gift(cls, question, report):
        answers = read_answers(question.answers, "=", question, report, implicit="=")
        if answers is None or not no_empty_answers(answers, report):
            return None
        accepted = []
        for answer in answers:
            credit = answer.credit(100.0)
            if credit != 100:
                report.error(
                    answer.line,
                    "gift-partial-credit-answer",
                    text=shorten(answer.text),
                    percent=plain_number(credit),
                )
                continue
            accepted.append(answer.text)
            if answer.feedback:
                report.error(
                    answer.line,
                    "gift-feedback-dropped",
                    text=shorten(answer.feedback),
                    type=cls.name,
                )
        if not accepted:
            report.error(question.line, "gift-no-right-answer")
            return None
        text = question.text
        if not question.missing_word and len(BLANKS.findall(text)) != 1:
            # Our fill-in questions show a blank; GIFT puts answers after the question.
            text = f"{text} {BLANK}"
        return FillQuestion(**question.fields(cls.name, text), accepted=tuple(accepted))

    @classmethod
    def to_gift(cls, question):
        # A GIFT answer section with `=` and `->` is a matching question, and `->` has no
        # escape: such an answer would come back as a different question.
        arrow = next((answer for answer in question.accepted if "->" in answer), None)
        if arrow is not None:
            return GiftAnswers.unsupported(code="gift-export-arrow", text=arrow)
        lines = tuple(answer_line("=", answer) for answer in question.accepted)
        return GiftAnswers(lines, blank_at_end=True)

"""`fill`: a `____` blank in the text and the accepted answers, compared after folding
case, width and spaces. An answer may earn part of the points, and carry feedback shown at
review to whoever typed it.

    顾客进店后 ____ 秒内要问候。
    - = 3
    - = 三
    - = 5（50%）
      > 5 秒有点慢了，标准是 3 秒。
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
from trainer.content.question_parsing import (
    credit_in_range,
    credit_suffix,
    feedback_lines,
    split_credit,
)
from trainer.content.question_types import register
from trainer.content.question_types.base import QuestionType, typed_text

FILL_ANSWER_LINE = re.compile(r"^[-*+]\s+[=＝]\s*(.+?)\s*$")
BLANKS = re.compile(r"_{4,}|＿{4,}")  # full-width ＿ as typed in Chinese input mode


@dataclass(frozen=True)
class FillAnswer:
    text: str
    credit: float  # percent of the points, 0..100
    feedback: str
    line: int


@dataclass(frozen=True, kw_only=True)
class FillQuestion(Question):
    answers: tuple[FillAnswer, ...]

    @property
    def accepted(self) -> tuple[str, ...]:
        """The answers worth full marks."""
        return tuple(answer.text for answer in self.answers if answer.credit == 100)

    def matched(self, response: object) -> FillAnswer | None:
        """The answer the learner's text matches; the best one if several do."""
        if not isinstance(response, str):
            return None
        typed = normalise_fill_answer(response)
        if not typed:
            return None
        matching = [a for a in self.answers if normalise_fill_answer(a.text) == typed]
        return max(matching, key=lambda answer: answer.credit, default=None)


@register
class Fill(QuestionType):
    name = "fill"
    answer_line = FILL_ANSWER_LINE
    has_feedback = True
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
        accepted = []
        for answer in answers:
            written, percent = split_credit(answer.groups[0])
            if credit_in_range(block.file, answer.line, percent, problems):
                credit = 100.0 if percent is None else percent
                accepted.append(FillAnswer(written, credit, answer.feedback, answer.line))
        if not answers:
            problems.append(Problem.error(block.file, block.line, "fill-no-answers", id=block.id))
        elif len(accepted) == len(answers) and not any(a.credit == 100 for a in accepted):
            problems.append(Problem.error(block.file, answers[0].line, "fill-no-full-answer"))
        if common is None:
            return None
        return FillQuestion(**common.fields(text), answers=tuple(accepted))

    @classmethod
    def to_quiz_md(cls, question):
        lines = []
        for answer in question.answers:
            lines.append(f"- = {credit_suffix(answer.text, answer.credit)}")
            lines.extend(feedback_lines(answer.feedback))
        return {}, lines

    @classmethod
    def read_form(cls, question, entry, name, form):
        return typed_text(question, name, form)

    @classmethod
    def form_values(cls, question, entry, name, response):
        return {name: [str(response)]}

    @classmethod
    def grade(cls, question, response):
        matched = question.matched(response)
        return matched.credit / 100 if matched is not None else 0.0

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
            if credit < 0:  # a penalty: ours never take marks away
                report.error(
                    answer.line,
                    "gift-negative-credit",
                    text=shorten(answer.text),
                    percent=plain_number(credit),
                )
                credit = 0.0
            accepted.append(FillAnswer(answer.text, credit, answer.feedback, answer.line))
        if not any(answer.credit == 100 for answer in accepted):
            report.error(question.line, "gift-no-right-answer")
            return None
        text = question.text
        if not question.missing_word and len(BLANKS.findall(text)) != 1:
            # Our fill-in questions show a blank; GIFT puts answers after the question.
            text = f"{text} {BLANK}"
        return FillQuestion(**question.fields(cls.name, text), answers=tuple(accepted))

    @classmethod
    def to_gift(cls, question):
        # A GIFT answer section with `=` and `->` is a matching question, and `->` has no
        # escape: such an answer would come back as a different question.
        arrow = next((answer.text for answer in question.answers if "->" in answer.text), None)
        if arrow is not None:
            return GiftAnswers.unsupported(code="gift-export-arrow", text=arrow)
        lines = tuple(
            answer_line("=", answer.text, answer.feedback, _weight(answer.credit))
            for answer in question.answers
        )
        return GiftAnswers(lines, blank_at_end=True)


def _weight(credit: float) -> float | None:
    return None if credit == 100 else credit

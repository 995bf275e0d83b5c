"""`numerical`: a number, right within `answer` ± `tolerance` or between `min` and `max`.

Further answers, which may earn part of the points, and feedback go on answer lines:

    - = 1822
      > 对。
    - = 1822 ± 2（50%）
      > 差一点。
    - = *
      > 其他任何数字的反馈。
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation

from trainer.content.examples import decimal_number
from trainer.content.gift.question import (
    GiftAnswer,
    Report,
    formatted,
    read_answers,
    shorten,
    split_at_hash,
)
from trainer.content.gift.syntax import GiftAnswers, escape, plain_number
from trainer.content.model import Problem
from trainer.content.normalise import parse_decimal
from trainer.content.question_model import Question
from trainer.content.question_parsing import (
    credit_in_range,
    credit_suffix,
    feedback_lines,
    split_credit,
)
from trainer.content.question_types import register
from trainer.content.question_types.base import IncompleteAnswer, QuestionType, typed_text

NUMERICAL_ANSWER_LINE = re.compile(r"^[-*+]\s+[=＝]\s*(.+?)\s*$")
ANY_OTHER = ("*", "＊")
TOLERANCE_SIGN = re.compile(r"\s*(?:±|\+/-|\+-)\s*")
RANGE_SIGN = re.compile(r"\s*(?:\.\.|~|～|到|至)\s*")


@dataclass(frozen=True)
class NumericalAnswer:
    # Floats keep the question JSON-friendly; grading compares their shortest decimal form
    # (repr) as Decimals, so "answer: 1.2, tolerance: 0.1" accepts 1.3 exactly.
    answer: float | None  # with `tolerance`, or else `minimum`..`maximum`
    tolerance: float
    minimum: float | None
    maximum: float | None
    credit: float = 100.0  # percent of the points, 0..100
    feedback: str = ""
    line: int = 0

    @property
    def accepted_range(self) -> tuple[Decimal, Decimal]:
        if self.answer is not None:
            answer, tolerance = Decimal(repr(self.answer)), Decimal(repr(self.tolerance))
            return answer - tolerance, answer + tolerance
        return Decimal(repr(self.minimum)), Decimal(repr(self.maximum))

    @property
    def written(self) -> str:
        """The value as a quiz.md answer line writes it: `15`, `15 ± 1` or `10..20`."""
        if self.answer is None:
            return f"{plain_number(self.minimum)}..{plain_number(self.maximum)}"
        if self.tolerance:
            return f"{plain_number(self.answer)} ± {plain_number(self.tolerance)}"
        return plain_number(self.answer)


@dataclass(frozen=True, kw_only=True)
class NumericalQuestion(Question):
    answers: tuple[NumericalAnswer, ...]  # in the order written
    other_feedback: str = ""  # shown at review for a number no answer accepts

    @property
    def main(self) -> NumericalAnswer:
        """The first answer worth full marks (the checker makes sure there is one)."""
        return next((a for a in self.answers if a.credit == 100), self.answers[0])

    # The main answer's fields, as the answer key and older callers read them.
    @property
    def answer(self) -> float | None:
        return self.main.answer

    @property
    def tolerance(self) -> float:
        return self.main.tolerance

    @property
    def minimum(self) -> float | None:
        return self.main.minimum

    @property
    def maximum(self) -> float | None:
        return self.main.maximum

    @property
    def accepted_range(self) -> tuple[Decimal, Decimal]:
        return self.main.accepted_range

    def matched(self, response: object) -> NumericalAnswer | None:
        """The answer whose range holds the learner's number; the best one if several do."""
        if isinstance(response, bool):
            return None
        if isinstance(response, int | float):
            response = repr(response)
        if not isinstance(response, str):
            return None
        value = parse_decimal(response)
        if value is None:
            return None
        matching = []
        for answer in self.answers:
            low, high = answer.accepted_range
            try:
                if low <= value <= high:
                    matching.append(answer)
            except InvalidOperation:
                continue
        return max(matching, key=lambda answer: answer.credit, default=None)

    def feedback_for(self, response: object) -> str:
        matched = self.matched(response)
        if matched is not None:
            return matched.feedback
        return self.other_feedback if parse_decimal(str(response)) is not None else ""


@register
class Numerical(QuestionType):
    name = "numerical"
    keys = ("answer", "tolerance", "min", "max")
    answer_line = NUMERICAL_ANSWER_LINE
    has_feedback = True
    gift_order = 10

    @classmethod
    def build(cls, block, common, text, answers, problems):
        main = _meta_answer(block, problems)
        if main is False:
            return None
        written = [main] if main is not None else []
        reported_before = len(problems)
        other_feedback = None
        for line in answers:
            value, percent = split_credit(line.groups[0])
            if value in ANY_OTHER:
                if percent is not None:
                    problems.append(Problem.error(block.file, line.line, "numerical-other-credit"))
                elif other_feedback is not None:
                    problems.append(Problem.error(block.file, line.line, "numerical-other-twice"))
                other_feedback = line.feedback
                continue
            if not credit_in_range(block.file, line.line, percent, problems):
                continue
            answer = _line_answer(block.file, line.line, value, problems)
            if answer is not None:
                credit = 100.0 if percent is None else percent
                written.append(replace(answer, credit=credit, feedback=line.feedback))
        lines_refused = any(p.is_error for p in problems[reported_before:])
        if not written and not lines_refused:
            problems.append(
                Problem.error(block.file, block.line, "numerical-no-answer", id=block.id)
            )
            return None
        if written and not any(answer.credit == 100 for answer in written):
            problems.append(Problem.error(block.file, written[0].line, "numerical-no-full-answer"))
        if common is None or not written:
            return None
        return NumericalQuestion(
            **common.fields(text), answers=tuple(written), other_feedback=other_feedback or ""
        )

    @classmethod
    def to_quiz_md(cls, question):
        only = question.answers[0]
        if len(question.answers) == 1 and only.credit == 100 and not only.feedback:
            meta = _meta_of(only)
            if not question.other_feedback:
                return meta, []
        else:
            meta = {}
        lines = []
        for answer in question.answers if not meta else ():
            lines.append(f"- = {credit_suffix(answer.written, answer.credit)}")
            lines.extend(feedback_lines(answer.feedback))
        if question.other_feedback:
            lines += ["- = *", *feedback_lines(question.other_feedback)]
        return meta, lines

    @classmethod
    def read_form(cls, question, entry, name, form):
        text = typed_text(question, name, form)
        if text is not None and parse_decimal(text) is None:
            # Kept as typed, so a reload shows it; a number is needed before it counts.
            raise IncompleteAnswer("not-a-number", question.id, text)
        return text

    @classmethod
    def form_values(cls, question, entry, name, response):
        return {name: [str(response)]}

    @classmethod
    def grade(cls, question, response):
        matched = question.matched(response)
        return matched.credit / 100 if matched is not None else 0.0

    @classmethod
    def gift_claims(cls, answers):
        return answers.startswith("#")

    @classmethod
    def from_gift(cls, question, report):
        body = question.answers[1:]
        other_feedback = ""
        tilde = body.find("~")
        if tilde >= 0:  # `~#…` is the feedback for any other answer
            _, other = split_at_hash(body[tilde + 1 :])
            if other is not None and other.text.strip():
                other_feedback, _ = formatted(
                    other.text, question.html, other.line or question.line, report
                )
            body = body[:tilde]
        answers = read_answers(body, "=", question, report, implicit="=")
        if answers is None:
            return None
        if not answers:
            report.error(question.line, "gift-numerical-invalid", value="")
            return None
        converted = []
        for answer in answers:
            values = _gift_values(answer, report)
            if values is None:
                return None
            credit = answer.credit(100.0)
            if credit < 0:  # a penalty: ours never take marks away
                report.error(
                    answer.line,
                    "gift-negative-credit",
                    text=shorten(answer.src.text),
                    percent=plain_number(credit),
                )
                credit = 0.0
            converted.append(
                NumericalAnswer(**values, credit=credit, feedback=answer.feedback, line=answer.line)
            )
        if not any(answer.credit == 100 for answer in converted):
            report.error(question.line, "gift-no-right-answer")
            return None
        return NumericalQuestion(
            **question.fields(cls.name), answers=tuple(converted), other_feedback=other_feedback
        )

    @classmethod
    def to_gift(cls, question):
        only = question.answers[0]
        if len(question.answers) == 1 and only.credit == 100 and not only.feedback:
            lines = [f"#{_gift_value(only)}"]
        else:
            lines = ["#"]
            for answer in question.answers:
                weight = "" if answer.credit == 100 else f"%{plain_number(answer.credit)}%"
                feedback = f"#{escape(answer.feedback)}" if answer.feedback else ""
                lines.append(f"={weight}{_gift_value(answer)}{feedback}")
        if question.other_feedback:
            lines.append(f"~#{escape(question.other_feedback)}")
        return GiftAnswers(tuple(lines))


def _gift_value(answer: NumericalAnswer) -> str:
    if answer.answer is None:
        return f"{plain_number(answer.minimum)}..{plain_number(answer.maximum)}"
    tolerance = f":{plain_number(answer.tolerance)}" if answer.tolerance else ""
    return f"{plain_number(answer.answer)}{tolerance}"


def _meta_of(answer: NumericalAnswer) -> dict[str, str]:
    if answer.answer is None:
        return {"min": plain_number(answer.minimum), "max": plain_number(answer.maximum)}
    meta = {"answer": plain_number(answer.answer)}
    if answer.tolerance:
        meta["tolerance"] = plain_number(answer.tolerance)
    return meta


def _meta_answer(block, problems) -> NumericalAnswer | None | bool:
    """The answer written as settings (`answer`/`tolerance` or `min`/`max`), None when
    there is none, False when they are wrong (each reported)."""
    values: dict[str, Decimal | None] = {}
    for key in Numerical.keys:
        values[key] = None
        if key in block.meta:
            values[key] = parse_decimal(block.meta[key].value)
            if values[key] is None:
                problems.append(
                    Problem.error(
                        block.file,
                        block.meta_line(key),
                        "numerical-not-number",
                        key=key,
                        value=block.meta[key].value,
                        example=decimal_number(block.meta[key].value, "15"),
                    )
                )
                return False
    answer, tolerance, low, high = (values[key] for key in Numerical.keys)
    has_range = low is not None or high is not None
    if answer is None and not has_range:
        if tolerance is not None:
            problems.append(
                Problem.error(block.file, block.line, "numerical-no-answer", id=block.id)
            )
            return False
        return None
    if answer is not None and has_range:
        problems.append(Problem.error(block.file, block.meta_line("answer"), "numerical-both"))
        return False
    if has_range and (low is None or high is None):
        line = block.meta_line("min" if low is not None else "max")
        problems.append(Problem.error(block.file, line, "numerical-range-incomplete"))
        return False
    if tolerance is not None and tolerance < 0:
        problems.append(Problem.error(block.file, block.meta_line("tolerance"), "numerical-range"))
        return False
    if has_range and low > high:
        problems.append(Problem.error(block.file, block.meta_line("min"), "numerical-range"))
        return False
    line = block.meta_line("answer" if answer is not None else "min")
    return NumericalAnswer(
        _float(answer), _float(tolerance) or 0.0, _float(low), _float(high), line=line
    )


def _line_answer(file: str, line: int, value: str, problems: list) -> NumericalAnswer | None:
    """`15`, `15 ± 1` (also `+-`, `+/-`) or `10..20` (also `~`, `～`, `到`, `至`)."""
    tolerance_parts = TOLERANCE_SIGN.split(value, maxsplit=1)
    range_parts = RANGE_SIGN.split(value, maxsplit=1)
    if len(tolerance_parts) == 2:
        parts = [parse_decimal(part) for part in tolerance_parts]
    elif len(range_parts) == 2:
        parts = [parse_decimal(part) for part in range_parts]
    else:
        parts = [parse_decimal(value), Decimal(0)]
    if any(part is None for part in parts):
        problems.append(Problem.error(file, line, "numerical-answer-line", value=value))
        return None
    first, second = parts
    if len(tolerance_parts) != 2 and len(range_parts) == 2:
        if first > second:
            problems.append(Problem.error(file, line, "numerical-range"))
            return None
        return NumericalAnswer(None, 0.0, float(first), float(second), line=line)
    if second < 0:
        problems.append(Problem.error(file, line, "numerical-range"))
        return None
    return NumericalAnswer(float(first), float(second), None, None, line=line)


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _gift_values(answer: GiftAnswer, report: Report) -> dict | None:
    # Numbers hold no colon, so an escaped one (`15\:1`) still separates the tolerance.
    text = answer.src.text
    dots, colon = text.find(".."), text.find(":")
    if dots > 0:
        parts = (text[:dots], text[dots + 2 :])
    elif colon > 0:
        parts = (text[:colon], text[colon + 1 :])
    else:
        parts = (text, "0")
    low, high = (parse_decimal(part) for part in parts)
    if low is None or high is None:
        report.error(answer.line, "gift-numerical-invalid", value=shorten(text))
        return None
    if (dots > 0 and low > high) or (dots <= 0 and high < 0):
        report.error(answer.line, "gift-numerical-range", value=shorten(text))
        return None
    if dots > 0:
        return {"answer": None, "tolerance": 0.0, "minimum": float(low), "maximum": float(high)}
    return {"answer": float(low), "tolerance": float(high), "minimum": None, "maximum": None}

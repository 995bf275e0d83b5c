"""`numerical`: a number, right within `answer` ± `tolerance` or between `min` and `max`."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from trainer.content.examples import decimal_number
from trainer.content.gift.question import (
    GiftAnswer,
    Report,
    preview,
    read_answers,
    shorten,
    split_at_hash,
)
from trainer.content.gift.syntax import GiftAnswers, plain_number
from trainer.content.model import Problem
from trainer.content.normalise import parse_decimal
from trainer.content.question_model import Question
from trainer.content.question_types import register
from trainer.content.question_types.base import IncompleteAnswer, QuestionType, typed_text


@dataclass(frozen=True, kw_only=True)
class NumericalQuestion(Question):
    # Floats keep the question JSON-friendly; grading compares their shortest decimal form
    # (repr) as Decimals, so "answer: 1.2, tolerance: 0.1" accepts 1.3 exactly.
    answer: float | None
    tolerance: float
    minimum: float | None
    maximum: float | None

    @property
    def accepted_range(self) -> tuple[Decimal, Decimal]:
        if self.answer is not None:
            answer, tolerance = Decimal(repr(self.answer)), Decimal(repr(self.tolerance))
            return answer - tolerance, answer + tolerance
        return Decimal(repr(self.minimum)), Decimal(repr(self.maximum))


@register
class Numerical(QuestionType):
    name = "numerical"
    keys = ("answer", "tolerance", "min", "max")
    gift_order = 10

    @classmethod
    def build(cls, block, common, text, answers, problems):
        values: dict[str, Decimal | None] = {}
        for key in cls.keys:
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
                    return None
        answer, tolerance, low, high = (values[key] for key in cls.keys)
        has_range = low is not None or high is not None
        if answer is None and not has_range:
            problems.append(
                Problem.error(block.file, block.line, "numerical-no-answer", id=block.id)
            )
            return None
        if answer is not None and has_range:
            problems.append(Problem.error(block.file, block.meta_line("answer"), "numerical-both"))
            return None
        if has_range and (low is None or high is None):
            line = block.meta_line("min" if low is not None else "max")
            problems.append(Problem.error(block.file, line, "numerical-range-incomplete"))
            return None
        if tolerance is not None and tolerance < 0:
            problems.append(
                Problem.error(block.file, block.meta_line("tolerance"), "numerical-range")
            )
        if has_range and low > high:
            problems.append(Problem.error(block.file, block.meta_line("min"), "numerical-range"))
        if common is None:
            return None
        return NumericalQuestion(
            **common.fields(text),
            answer=_float(answer),
            tolerance=_float(tolerance) or 0.0,
            minimum=_float(low),
            maximum=_float(high),
        )

    @classmethod
    def to_quiz_md(cls, question):
        if question.answer is None:
            bounds = {"min": question.minimum, "max": question.maximum}
            return {key: plain_number(value) for key, value in bounds.items()}, []
        meta = {"answer": plain_number(question.answer)}
        if question.tolerance:
            meta["tolerance"] = plain_number(question.tolerance)
        return meta, []

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
        if isinstance(response, bool):
            return 0.0
        if isinstance(response, int | float):
            response = repr(response)
        if not isinstance(response, str):
            return 0.0
        value = parse_decimal(response)
        if value is None:
            return 0.0
        low, high = question.accepted_range
        try:
            return 1.0 if low <= value <= high else 0.0
        except InvalidOperation:
            return 0.0

    @classmethod
    def gift_claims(cls, answers):
        return answers.startswith("#")

    @classmethod
    def from_gift(cls, question, report):
        body = question.answers[1:]
        tilde = body.find("~")
        if tilde >= 0:  # `~#…` is the feedback for any other answer
            _, other = split_at_hash(body[tilde + 1 :])
            if other is not None and other.text.strip():
                report.error(
                    other.line,
                    "gift-feedback-dropped",
                    text=preview(other.text, question.html),
                    type=cls.name,
                )
            body = body[:tilde]
        answers = read_answers(body, "=", question, report, implicit="=")
        if answers is None:
            return None
        if not answers:
            report.error(question.line, "gift-numerical-invalid", value="")
            return None
        full = [answer for answer in answers if answer.credit(100.0) == 100]
        if not full:
            report.error(question.line, "gift-no-right-answer")
            return None
        chosen = full[0]
        for answer in answers:
            if answer is not chosen:
                report.error(
                    answer.line,
                    "gift-numerical-extra-answer",
                    value=shorten(answer.src.text),
                    percent=plain_number(answer.credit(100.0)),
                )
        if chosen.feedback:
            report.error(
                chosen.line, "gift-feedback-dropped", text=shorten(chosen.feedback), type=cls.name
            )
        values = _gift_values(chosen, report)
        if values is None:
            return None
        return NumericalQuestion(**question.fields(cls.name), **values)

    @classmethod
    def to_gift(cls, question):
        if question.answer is None:
            return GiftAnswers(
                (f"#{plain_number(question.minimum)}..{plain_number(question.maximum)}",)
            )
        tolerance = f":{plain_number(question.tolerance)}" if question.tolerance else ""
        return GiftAnswers((f"#{plain_number(question.answer)}{tolerance}",))


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

"""GIFT question kinds → our question types: one class per kind, in GIFT_KINDS.

Moodle decides a question's kind from its answer section, in this order (format.php): empty
→ essay; starting with # → numerical; any ~ → multiple choice; = and -> → matching;
T/TRUE/F/FALSE → true/false; anything else → short answer. Each kind below maps to one of
our types and reports, at its line, every part it cannot carry over.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import ClassVar

from trainer.content.gift.question import (
    GiftAnswer,
    GiftQuestion,
    Report,
    formatted,
    no_empty_answers,
    one_line,
    preview,
    read_answers,
    shorten,
    split_at_hash,
)
from trainer.content.gift.source import Src
from trainer.content.gift.syntax import plain_number
from trainer.content.normalise import parse_decimal
from trainer.content.question_model import (
    FillQuestion,
    MatchingPair,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalQuestion,
    Option,
    Question,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)

BLANK = "____"
BLANKS = re.compile(r"_{4,}")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}


class GiftKind:
    """One kind of GIFT question: which answer sections are of this kind, and the mapping."""

    name: ClassVar[str]  # Moodle's name for the kind

    @classmethod
    def matches(cls, answers: Src) -> bool:
        raise NotImplementedError

    @classmethod
    def to_question(cls, question: GiftQuestion, report: Report) -> Question | None:
        if not question.text:
            report.error(question.line, "gift-no-text")
            return None
        return cls.convert(question, report)

    @classmethod
    def convert(cls, question: GiftQuestion, report: Report) -> Question | None:
        raise NotImplementedError


class Essay(GiftKind):
    name = "essay"

    @classmethod
    def matches(cls, answers):
        return not answers.text

    @classmethod
    def to_question(cls, question, report):
        report.error(question.line, "gift-essay", text=shorten(question.text))
        return None


class Numerical(GiftKind):
    name = "numerical"

    @classmethod
    def matches(cls, answers):
        return answers.startswith("#")

    @classmethod
    def convert(cls, question, report):
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
        values = cls._values(chosen, report)
        if values is None:
            return None
        return NumericalQuestion(**question.fields("numerical"), **values)

    @classmethod
    def _values(cls, answer: GiftAnswer, report: Report) -> dict | None:
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
            return {"answer": None, "tolerance": 0.0, "minimum": _f(low), "maximum": _f(high)}
        return {"answer": _f(low), "tolerance": _f(high), "minimum": None, "maximum": None}


def _f(value: Decimal) -> float:
    return float(value)


class MultipleChoice(GiftKind):
    name = "multichoice"

    @classmethod
    def matches(cls, answers):
        return answers.find("~") >= 0

    @classmethod
    def convert(cls, question, report):
        answers = read_answers(question.answers, "~=", question, report)
        if answers is None or not no_empty_answers(answers, report):
            return None
        if len(answers) < 2:
            report.error(question.line, "gift-too-few-answers", found=len(answers))
            return None
        # As in Moodle: one `=` anywhere makes it single-answer, otherwise multiple-answer.
        if any(answer.marker == "=" for answer in answers):
            return cls._single(question, answers, report)
        return cls._multiple(question, answers, report)

    @classmethod
    def _single(cls, question, answers, report):
        credits = [answer.credit(100.0 if answer.marker == "=" else 0.0) for answer in answers]
        right = [answer for answer, credit in zip(answers, credits, strict=True) if credit == 100]
        if not right:
            report.error(question.line, "gift-no-right-answer")
            return None
        if len(right) > 1:
            report.error(right[1].line, "gift-several-right-answers", found=len(right))
            return None
        for answer, credit in zip(answers, credits, strict=True):
            if credit not in (0, 100):
                report.error(
                    answer.line,
                    "gift-partial-credit-option",
                    text=shorten(answer.text),
                    percent=plain_number(credit),
                )
        options = tuple(
            Option(f"o{n}", a.text, a is right[0], None, a.feedback, a.line)
            for n, a in enumerate(answers, start=1)
        )
        return SingleChoiceQuestion(**question.fields("single"), options=options)

    @classmethod
    def _multiple(cls, question, answers, report):
        credits = [answer.credit(0.0) for answer in answers]
        total = sum(credit for credit in credits if credit > 0)
        if not total:
            report.error(question.line, "gift-no-right-answer")
            return None
        if abs(total - 100) > 0.01:
            report.error(question.line, "gift-weights-sum", total=plain_number(round(total, 4)))
            return None
        options = tuple(
            Option(f"o{n}", a.text, credit > 0, credit, a.feedback, a.line)
            for n, (a, credit) in enumerate(zip(answers, credits, strict=True), start=1)
        )
        return MultipleChoiceQuestion(**question.fields("multiple"), options=options, weighted=True)


class Matching(GiftKind):
    name = "match"

    @classmethod
    def matches(cls, answers):
        return answers.find("=") >= 0 and answers.find("->") >= 0

    @classmethod
    def convert(cls, question, report):
        head, parts = question.answers.split_before("=")
        if head.strip().text:
            report.error(head.strip().line, "gift-answer-no-marker", text=shorten(head.text))
            return None
        pairs = []
        for part in parts:
            body = part[1:].strip()
            arrow = body.find("->")
            if arrow < 0:
                report.error(part.line, "gift-matching-pair")
                return None
            left, _ = formatted(body[:arrow].text, question.html, part.line, report)
            left, right = one_line(left), one_line(body[arrow + 2 :].text)
            if not right:
                report.error(part.line, "gift-empty-answer")
                return None
            if not left:  # Moodle: a right side with no left is an extra wrong choice
                report.error(part.line, "gift-matching-distractor", text=shorten(right))
                continue
            pairs.append(MatchingPair(f"l{len(pairs) + 1}", left, "r", right, part.line))
        if len(pairs) < 3:
            report.error(question.line, "gift-matching-too-few", found=len(pairs))
            return None
        return MatchingQuestion(**question.fields("matching"), pairs=tuple(pairs))


class TrueFalse(GiftKind):
    name = "truefalse"

    @classmethod
    def matches(cls, answers):
        return split_at_hash(answers)[0].strip().text in TRUE_FALSE

    @classmethod
    def convert(cls, question, report):
        word, rest = split_at_hash(question.answers)
        # {T#shown when wrong#shown when right}: our true/false has no such feedback.
        feedbacks = split_at_hash(rest) if rest is not None else ()
        for feedback in feedbacks:
            if feedback is not None and feedback.text.strip():
                report.error(
                    feedback.strip().line,
                    "gift-feedback-dropped",
                    text=preview(feedback.text, question.html),
                    type="truefalse",
                )
        answer = TRUE_FALSE[word.strip().text]
        return TrueFalseQuestion(**question.fields("truefalse"), answer=answer)


class ShortAnswer(GiftKind):
    name = "shortanswer"

    @classmethod
    def matches(cls, answers):
        return True

    @classmethod
    def convert(cls, question, report):
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
                    answer.line, "gift-feedback-dropped", text=shorten(answer.feedback), type="fill"
                )
        if not accepted:
            report.error(question.line, "gift-no-right-answer")
            return None
        text = question.text
        if not question.missing_word and len(BLANKS.findall(text)) != 1:
            # Our fill-in questions show a blank; GIFT puts answers after the question.
            text = f"{text} {BLANK}"
        return FillQuestion(**question.fields("fill", text), accepted=tuple(accepted))


GIFT_KINDS: tuple[type[GiftKind], ...] = (
    Essay,
    Numerical,
    MultipleChoice,
    Matching,
    TrueFalse,
    ShortAnswer,
)


def gift_kind(answers: Src) -> type[GiftKind]:
    return next(kind for kind in GIFT_KINDS if kind.matches(answers))

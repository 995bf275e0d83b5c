"""Question types: one class per type, each with `parse`, `grade` and `to_gift`, in
QUESTION_TYPES.

Adding a type means writing one QuestionType subclass and registering it below; the loader,
the quiz service and the templates look types up by name and never branch on them.

`grade(question, response)` returns the fraction of the question's points earned, 0..1, and
never raises, whatever a browser sends:

    single      the chosen option key, e.g. "o2"
    multiple    an iterable of option keys
    truefalse   True/False (or "true"/"false")
    fill        the typed text
    ordering    item keys in the order the learner put them
    matching    {left key: right key}
    numerical   the typed text (or a number)
    scenario    whatever the asked type takes
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from decimal import Decimal, InvalidOperation

from trainer.content.choice_questions import MultipleChoice, SingleChoice
from trainer.content.gift.syntax import GiftAnswers, answer_line, escape, plain_number
from trainer.content.model import Problem
from trainer.content.normalise import normalise_fill_answer, parse_decimal
from trainer.content.question_model import (
    FillQuestion,
    MatchingPair,
    MatchingQuestion,
    MultipleChoiceQuestion,
    NumericalQuestion,
    Option,
    OrderingItem,
    OrderingQuestion,
    Question,
    ScenarioQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
)
from trainer.content.question_parsing import (
    ParseResult,
    QuestionType,
    check_unknown_keys,
    common_fields,
    stable_key,
)
from trainer.content.quiz_blocks import QuestionBlock

FILL_ANSWER_LINE = re.compile(r"^[-*+]\s+=\s*(.+?)\s*$")
ORDERING_LINE = re.compile(r"^[-*+]\s+\[\s*(\d+)\s*\]\s+(.+?)\s*$")
MATCHING_LINE = re.compile(r"^[-*+]\s+(.+?)\s*=>\s*(.+?)\s*$")
BLANK = re.compile(r"_{4,}")
TRUE_WORDS = frozenset({"true", "yes", "对", "正确", "是"})
FALSE_WORDS = frozenset({"false", "no", "错", "错误", "否"})


class TrueFalse(QuestionType):
    name = "truefalse"
    keys = ("answer",)

    @classmethod
    def build(cls, block, common, text, answers, problems):
        raw = block.meta["answer"].value.lower() if "answer" in block.meta else ""
        if raw not in TRUE_WORDS | FALSE_WORDS:
            problems.append(
                Problem.error(block.file, block.meta_line("answer"), "truefalse-answer", value=raw)
            )
            return None
        if common is None:
            return None
        return TrueFalseQuestion(**common.fields(text), answer=raw in TRUE_WORDS)

    @classmethod
    def grade(cls, question, response):
        if isinstance(response, str):
            word = response.strip().lower()
            response = True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
        return 1.0 if isinstance(response, bool) and response == question.answer else 0.0

    @classmethod
    def to_gift(cls, question):
        return GiftAnswers(("T" if question.answer else "F",))


class Fill(QuestionType):
    name = "fill"
    answer_line = FILL_ANSWER_LINE

    @classmethod
    def build(cls, block, common, text, answers, problems):
        blanks = len(BLANK.findall(text))
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
    def grade(cls, question, response):
        if not isinstance(response, str):
            return 0.0
        typed = normalise_fill_answer(response)
        accepted = {normalise_fill_answer(answer) for answer in question.accepted}
        return 1.0 if typed and typed in accepted else 0.0

    @classmethod
    def to_gift(cls, question):
        # A GIFT answer section with `=` and `->` is a matching question, and `->` has no
        # escape: such an answer would come back as a different question.
        arrow = next((answer for answer in question.accepted if "->" in answer), None)
        if arrow is not None:
            return GiftAnswers.unsupported(code="gift-export-arrow", text=arrow)
        lines = tuple(answer_line("=", answer) for answer in question.accepted)
        return GiftAnswers(lines, blank_at_end=True)


class Ordering(QuestionType):
    name = "ordering"
    answer_line = ORDERING_LINE

    @classmethod
    def build(cls, block, common, text, answers, problems):
        items = tuple(
            OrderingItem(
                stable_key("i", block.id, a.groups[1]), a.groups[1], int(a.groups[0]), a.line
            )
            for a in answers
        )
        positions = sorted(item.position for item in items)
        if len(items) < 2:
            problems.append(
                Problem.error(block.file, block.line, "ordering-too-few", found=len(items))
            )
        elif positions != list(range(1, len(items) + 1)):
            problems.append(
                Problem.error(
                    block.file,
                    items[0].line,
                    "ordering-numbers",
                    found=", ".join(map(str, positions)),
                    count=len(items),
                )
            )
        elif len({item.text for item in items}) != len(items):
            problems.append(Problem.error(block.file, items[0].line, "ordering-duplicate-item"))
        if common is None:
            return None
        return OrderingQuestion(**common.fields(text), items=items)

    @classmethod
    def grade(cls, question, response):
        if isinstance(response, str) or not isinstance(response, Iterable):
            return 0.0
        return 1.0 if tuple(response) == question.correct_order else 0.0

    @classmethod
    def to_gift(cls, question):
        return GiftAnswers.unsupported(code="gift-export-ordering")


class Matching(QuestionType):
    name = "matching"
    answer_line = MATCHING_LINE

    @classmethod
    def build(cls, block, common, text, answers, problems):
        pairs = tuple(
            MatchingPair(
                left_key=f"l{number}",
                left=answer.groups[0],
                right_key=stable_key("r", block.id, answer.groups[1]),
                right=answer.groups[1],
                line=answer.line,
            )
            for number, answer in enumerate(answers, start=1)
        )
        if len(pairs) < 3:
            problems.append(
                Problem.error(block.file, block.line, "matching-too-few", found=len(pairs))
            )
        seen: set[str] = set()
        for pair in pairs:
            if pair.left in seen:
                problems.append(
                    Problem.error(block.file, pair.line, "matching-duplicate-left", left=pair.left)
                )
            seen.add(pair.left)
        if common is None:
            return None
        return MatchingQuestion(**common.fields(text), pairs=pairs)

    @classmethod
    def grade(cls, question, response):
        if not isinstance(response, Mapping) or not question.pairs:
            return 0.0
        right = sum(1 for pair in question.pairs if response.get(pair.left_key) == pair.right_key)
        return right / len(question.pairs)

    @classmethod
    def to_gift(cls, question):
        # GIFT splits a pair at its first `->`, which cannot be escaped.
        arrow = next((pair.left for pair in question.pairs if "->" in pair.left), None)
        if arrow is not None:
            return GiftAnswers.unsupported(code="gift-export-arrow", text=arrow)
        return GiftAnswers(
            tuple(
                f"={escape(pair.left)} -> {escape(pair.right, formatted=False)}"
                for pair in question.pairs
            )
        )


class Numerical(QuestionType):
    name = "numerical"
    keys = ("answer", "tolerance", "min", "max")

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
    def to_gift(cls, question):
        if question.answer is None:
            return GiftAnswers(
                (f"#{plain_number(question.minimum)}..{plain_number(question.maximum)}",)
            )
        tolerance = f":{plain_number(question.tolerance)}" if question.tolerance else ""
        return GiftAnswers((f"#{plain_number(question.answer)}{tolerance}",))


def _float(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


class Scenario(QuestionType):
    name = "scenario"
    keys = ("asks",)

    @classmethod
    def parse(cls, block: QuestionBlock) -> ParseResult:
        problems: list[Problem] = []
        asks = block.meta["asks"].value.lower() if "asks" in block.meta else ""
        asked_type = QUESTION_TYPES.get(asks)
        if not asks:
            problems.append(Problem.error(block.file, block.line, "scenario-no-asks", id=block.id))
        elif asked_type is None or asked_type is Scenario:
            problems.append(
                Problem.error(
                    block.file,
                    block.meta_line("asks"),
                    "scenario-asks-invalid",
                    value=asks,
                    allowed=", ".join(name for name in QUESTION_TYPES if name != cls.name),
                )
            )
        separator = next(
            (index for index, (_, line) in enumerate(block.body) if line.strip() == "---"), None
        )
        if separator is None:
            problems.append(
                Problem.error(block.file, block.line, "scenario-no-separator", id=block.id)
            )
        problems.extend(
            check_unknown_keys(block, cls.keys + (asked_type.keys if asked_type else ()))
        )
        common = common_fields(block, cls.name, problems)
        if asked_type is None or asked_type is Scenario or separator is None:
            return None, problems
        case = "\n".join(line for _, line in block.body[:separator]).strip()
        if not case:
            problems.append(Problem.error(block.file, block.line, "scenario-no-case", id=block.id))
        inner_meta = {key: value for key, value in block.meta.items() if key in asked_type.keys}
        inner_meta["type"] = block.meta["type"]
        inner_block = replace(block, meta=inner_meta, body=block.body[separator + 1 :])
        asked, asked_problems = asked_type.parse(inner_block)
        problems.extend(asked_problems)
        if asked is None or common is None or any(p.is_error for p in problems):
            return None, problems
        asked = replace(
            asked, type=asks, points=common.points, tags=common.tags, difficulty=common.difficulty
        )
        return ScenarioQuestion(**common.fields(case), asked=asked), problems

    @classmethod
    def grade(cls, question, response):
        return grade_response(question.asked, response)

    @classmethod
    def to_gift(cls, question):
        # GIFT has no case text: it goes in front of the question about it.
        asked = QUESTION_TYPES[question.asked.type].to_gift(question.asked)
        return replace(asked, text=f"{question.text}\n\n{asked.text or question.asked.text}")


__all__ = [
    "QUESTION_TYPES",
    "FillQuestion",
    "MatchingPair",
    "MatchingQuestion",
    "MultipleChoiceQuestion",
    "NumericalQuestion",
    "Option",
    "OrderingItem",
    "OrderingQuestion",
    "Question",
    "QuestionType",
    "ScenarioQuestion",
    "SingleChoiceQuestion",
    "TrueFalseQuestion",
    "grade_response",
]

QUESTION_TYPES: dict[str, type[QuestionType]] = {
    kind.name: kind
    for kind in (
        SingleChoice,
        MultipleChoice,
        TrueFalse,
        Fill,
        Ordering,
        Matching,
        Numerical,
        Scenario,
    )
}


def grade_response(question: Question, response: object) -> float:
    """Fraction of `question`'s points earned by `response`, 0..1; never raises."""
    kind = QUESTION_TYPES.get(question.type)
    if kind is None:
        return 0.0
    try:
        return kind.grade(question, response)
    except (TypeError, ValueError, ArithmeticError):
        # A malformed response is a wrong answer, not a server error.
        return 0.0

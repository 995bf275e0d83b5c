"""Parsed questions: frozen dataclasses, one per type, sharing the fields of Question."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, kw_only=True)
class Question:
    id: str
    type: str
    points: int
    tags: tuple[str, ...]
    difficulty: str | None  # easy | medium | hard
    text: str  # Markdown
    explanation: str  # Markdown, shown at review
    line: int  # line of the `## id` heading in quiz.md


@dataclass(frozen=True)
class Option:
    key: str  # "o1".."on", by position in quiz.md
    text: str
    correct: bool
    weight: float | None  # percent, only for `scoring: weighted`
    feedback: str
    line: int


@dataclass(frozen=True, kw_only=True)
class SingleChoiceQuestion(Question):
    options: tuple[Option, ...]


@dataclass(frozen=True, kw_only=True)
class MultipleChoiceQuestion(Question):
    options: tuple[Option, ...]
    weighted: bool


@dataclass(frozen=True, kw_only=True)
class TrueFalseQuestion(Question):
    answer: bool


@dataclass(frozen=True, kw_only=True)
class FillQuestion(Question):
    accepted: tuple[str, ...]


@dataclass(frozen=True)
class OrderingItem:
    # Derived from the text, not the position: a position-based key would tell the learner
    # the right order, since quiz.md lists items in it.
    key: str
    text: str
    position: int  # 1-based correct position
    line: int


@dataclass(frozen=True, kw_only=True)
class OrderingQuestion(Question):
    items: tuple[OrderingItem, ...]  # as written in quiz.md

    @property
    def correct_order(self) -> tuple[str, ...]:
        return tuple(item.key for item in sorted(self.items, key=lambda item: item.position))


@dataclass(frozen=True)
class MatchingPair:
    left_key: str  # "l1".."ln": left sides are shown in the written order
    left: str
    right_key: str  # derived from the text: right sides are shown shuffled
    right: str
    line: int


@dataclass(frozen=True, kw_only=True)
class MatchingQuestion(Question):
    pairs: tuple[MatchingPair, ...]


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


@dataclass(frozen=True, kw_only=True)
class ScenarioQuestion(Question):
    # `text` is the case; `asked` is the question about it, with its own text and answers.
    asked: Question

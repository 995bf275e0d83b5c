"""`ordering`: put the steps in order; each line gives its right position. Feedback under
a step is shown at review to a learner who put that step in a wrong position.

- [1] 微笑问候
- [2] 了解需求
  > 先问清楚需要，再推荐。
- [3] 推荐商品
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from trainer.content.gift.syntax import GiftAnswers
from trainer.content.model import Problem
from trainer.content.question_model import Question
from trainer.content.question_parsing import feedback_lines, stable_key
from trainer.content.question_types import register
from trainer.content.question_types.base import (
    AnswerError,
    IncompleteAnswer,
    QuestionType,
    shuffled_tokens,
    token_map,
)

ORDERING_LINE = re.compile(r"^[-*+]\s+\[\s*(\d+)\s*\]\s+(.+?)\s*$")


@dataclass(frozen=True)
class OrderingItem:
    # Derived from the text, not the position: a position-based key would tell the learner
    # the right order, since quiz.md lists items in it.
    key: str
    text: str
    position: int  # 1-based correct position
    line: int
    feedback: str = ""


@dataclass(frozen=True, kw_only=True)
class OrderingQuestion(Question):
    items: tuple[OrderingItem, ...]  # as written in quiz.md

    @property
    def correct_order(self) -> tuple[str, ...]:
        return tuple(item.key for item in sorted(self.items, key=lambda item: item.position))

    def misplaced(self, response: object) -> list[OrderingItem]:
        """The items the learner put in a position other than their own, as written."""
        if isinstance(response, str) or not isinstance(response, Iterable):
            return list(self.items)
        given = {key: position for position, key in enumerate(response, start=1)}
        return [item for item in self.items if given.get(item.key) != item.position]


@register
class Ordering(QuestionType):
    """Form fields: `{name}-{item token}` = the position the learner gave it (1..n)."""

    name = "ordering"
    answer_line = ORDERING_LINE
    has_feedback = True

    @classmethod
    def build(cls, block, common, text, answers, problems):
        items = tuple(
            OrderingItem(
                stable_key("i", block.id, a.groups[1]),
                a.groups[1],
                int(a.groups[0]),
                a.line,
                a.feedback,
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
    def to_quiz_md(cls, question):
        lines = []
        for item in question.items:
            lines += [f"- [{item.position}] {item.text}", *feedback_lines(item.feedback)]
        return {}, lines

    @classmethod
    def freeze(cls, question, rng):
        return {"items": shuffled_tokens([item.key for item in question.items], rng)}

    @classmethod
    def read_form(cls, question, entry, name, form):
        items = token_map(entry, "items")
        chosen = {token: form.get(f"{name}-{token}", "") for token in items}
        if all(value == "" for value in chosen.values()):
            return None
        positions = {}
        for token, value in chosen.items():
            if value == "":
                continue
            if not value.isdigit() or not 1 <= int(value) <= len(items):
                raise AnswerError("unknown-option", question.id)
            positions[token] = int(value)
        # A draft: {item key: position given}, what the learner has set so far.
        draft = {items[token]: position for token, position in positions.items()}
        if len(positions) < len(items):
            raise IncompleteAnswer("incomplete-order", question.id, draft)
        if len(set(positions.values())) != len(positions):
            raise IncompleteAnswer("position-twice", question.id, draft)
        return [items[token] for token in sorted(positions, key=positions.get)]

    @classmethod
    def draft_values(cls, question, entry, name, draft):
        if not isinstance(draft, dict):
            return {}
        return {
            f"{name}-{token}": [str(draft.get(key, ""))] for token, key in entry.get("items", [])
        }

    @classmethod
    def form_values(cls, question, entry, name, response):
        position_of = {key: position for position, key in enumerate(response, start=1)}
        return {
            f"{name}-{token}": [str(position_of.get(key, ""))]
            for token, key in entry.get("items", [])
        }

    @classmethod
    def grade(cls, question, response):
        if isinstance(response, str) or not isinstance(response, Iterable):
            return 0.0
        return 1.0 if tuple(response) == question.correct_order else 0.0

    @classmethod
    def describe(cls, question, response):
        text_of = {item.key: item.text for item in question.items}
        return " → ".join(text_of.get(key, "?") for key in response)

    @classmethod
    def to_gift(cls, question):
        return GiftAnswers.unsupported(code="gift-export-ordering")

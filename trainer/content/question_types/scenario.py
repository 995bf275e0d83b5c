"""`scenario`: a case, then a question of another type about it (`asks: single`, …).

type: scenario
asks: single

一位顾客拿着三件衣服走向试衣间……
---
你应该怎么做？
- [x] 主动递上号码牌
- [ ] 等顾客开口
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from trainer.content.model import Problem
from trainer.content.question_model import Question
from trainer.content.question_parsing import check_unknown_keys, common_fields
from trainer.content.question_types import QUESTION_TYPES, grade_response, register, type_of
from trainer.content.question_types.base import ParseResult, QuestionType
from trainer.content.quiz_blocks import QuestionBlock


@dataclass(frozen=True, kw_only=True)
class ScenarioQuestion(Question):
    # `text` is the case; `asked` is the question about it, with its own text and answers.
    asked: Question


@register
class Scenario(QuestionType):
    """Everything about the answer is the asked type's: the attempt, the form, grading."""

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
    def to_quiz_md(cls, question):
        meta, answer_lines = type_of(question.asked).to_quiz_md(question.asked)
        lines = ["---", "", question.asked.text]
        if answer_lines:
            lines += ["", *answer_lines]
        return {"asks": question.asked.type, **meta}, lines

    @classmethod
    def asked(cls, question):
        return question.asked

    @classmethod
    def freeze(cls, question, rng):
        return type_of(question.asked).freeze(question.asked, rng)

    @classmethod
    def read_form(cls, question, entry, name, form):
        return type_of(question.asked).read_form(question.asked, entry, name, form)

    @classmethod
    def form_values(cls, question, entry, name, response):
        return type_of(question.asked).form_values(question.asked, entry, name, response)

    @classmethod
    def draft_values(cls, question, entry, name, draft):
        return type_of(question.asked).draft_values(question.asked, entry, name, draft)

    @classmethod
    def grade(cls, question, response):
        return grade_response(question.asked, response)

    @classmethod
    def describe(cls, question, response):
        return type_of(question.asked).describe(question.asked, response)

    @classmethod
    def to_gift(cls, question):
        # GIFT has no case text: it goes in front of the question about it.
        asked = type_of(question.asked).to_gift(question.asked)
        return replace(asked, text=f"{question.text}\n\n{asked.text or question.asked.text}")

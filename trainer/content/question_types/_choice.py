"""What `single` and `multiple` share: options as written in quiz.md, their tokens on the
page, and GIFT's multiple-choice answers."""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass

from trainer.content.gift.question import GiftAnswer, GiftQuestion, Report, no_empty_answers
from trainer.content.gift.question import read_answers as read_gift_answers
from trainer.content.gift.source import Src
from trainer.content.gift.syntax import plain_number
from trainer.content.model import Problem
from trainer.content.question_model import Question
from trainer.content.question_parsing import AnswerLine
from trainer.content.question_types.base import AnswerError, FormData, shuffled_tokens, token_map
from trainer.content.quiz_blocks import QuestionBlock

# Brackets may be half-width `[ ]` or what a Chinese input method types: `［ ］`, `【 】`.
CHOICE_LINE = re.compile(r"^[-*+]\s+[\[［【]\s*([xXｘＸ✓√]?)\s*[\]］】]\s*(.+?)\s*$")
WEIGHTED_LINE = re.compile(
    r"^[-*+]\s+[\[［【]\s*([+-]?\d+(?:\.\d+)?)\s*[%％]\s*[\]］】]\s*(.+?)\s*$"
)
CHOICE_OR_WEIGHTED_LINE = re.compile(f"{CHOICE_LINE.pattern}|{WEIGHTED_LINE.pattern}")


@dataclass(frozen=True)
class Option:
    key: str  # "o1".."on", by position in quiz.md
    text: str
    correct: bool
    weight: float | None  # percent, only for `scoring: weighted`
    feedback: str
    line: int

    @property
    def credit(self) -> float:
        """Percent of the points this option is worth: its weight, else 100 or 0."""
        if self.weight is not None:
            return self.weight
        return 100.0 if self.correct else 0.0


@dataclass(frozen=True, kw_only=True)
class ChoiceQuestion(Question):
    options: tuple[Option, ...]


# --- quiz.md -----------------------------------------------------------------------------


def options_from(answers: list[AnswerLine]) -> tuple[Option, ...]:
    options = []
    for number, answer in enumerate(answers, start=1):
        # CHOICE_LINE has (mark, text); CHOICE_OR_WEIGHTED_LINE adds (percent, text).
        mark, text, percent, weighted_text = (*answer.groups, None, None)[:4]
        weight = float(percent) if percent is not None else None
        checked = bool(mark)
        options.append(
            Option(
                key=f"o{number}",
                text=text if text is not None else weighted_text,
                correct=checked if weight is None else weight > 0,
                weight=weight,
                feedback=answer.feedback,
                line=answer.line,
            )
        )
    return tuple(options)


def need_two_options(block: QuestionBlock, options: tuple[Option, ...], problems: list) -> None:
    if len(options) < 2:
        problems.append(
            Problem.error(
                block.file, block.line, "options-too-few", id=block.id, found=len(options)
            )
        )


def option_lines(options: tuple[Option, ...], weighted: bool) -> list[str]:
    lines = []
    for option in options:
        if weighted or option.weight is not None:
            mark = f"{plain_number(option.weight)}%"
        else:
            mark = "x" if option.correct else " "
        lines.append(f"- [{mark}] {option.text}")
        if option.feedback:
            lines.extend(f"  > {line}" for line in option.feedback.split("\n"))
    return lines


# --- the attempt -------------------------------------------------------------------------


def freeze_options(question: ChoiceQuestion, rng: random.Random) -> dict:
    return {"options": shuffled_tokens([option.key for option in question.options], rng)}


def chosen_keys(question: Question, entry: dict, name: str, form: FormData) -> list[str]:
    options = token_map(entry, "options")
    tokens = form.getlist(name)
    if any(token not in options for token in tokens):
        raise AnswerError("unknown-option", question.id)
    return [options[token] for token in tokens]


def option_values(entry: dict, name: str, keys: set[str]) -> dict:
    return {name: [token for token, key in entry.get("options", []) if key in keys]}


def describe_options(question: ChoiceQuestion, keys: Iterable[str]) -> str:
    keys = set(keys)
    return "；".join(option.text for option in question.options if option.key in keys)


# --- GIFT --------------------------------------------------------------------------------


def is_gift_choice(answers: Src) -> bool:
    """Moodle's multiple-choice kind: any `~` (one `=` makes it single-answer)."""
    return answers.find("~") >= 0


def gift_choice_answers(question: GiftQuestion, report: Report) -> list[GiftAnswer] | None:
    answers = read_gift_answers(question.answers, "~=", question, report)
    if answers is None or not no_empty_answers(answers, report):
        return None
    if len(answers) < 2:
        report.error(question.line, "gift-too-few-answers", found=len(answers))
        return None
    return answers

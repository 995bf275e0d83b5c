"""Between what the exam page shows (opaque tokens, form fields) and what the bank grades
(keys). Each question type reads and writes its own fields (trainer/content/question_types);
the question at position i of an attempt uses the field name `q{i}` and, for types with
several inputs, names that start with `q{i}-`.
"""

from __future__ import annotations

from trainer.content import Question
from trainer.content.question_types import (
    QUESTION_TYPES,
    AnswerError,
    FormData,
    asked_question,
    type_of,
)

__all__ = [
    "AnswerError",
    "asked_question",
    "describe_response",
    "field_name",
    "form_values",
    "response_from_form",
]


def field_name(index: int) -> str:
    return f"q{index}"


def response_from_form(question: Question, entry: dict, index: int, form: FormData) -> object:
    """The response in bank keys, None when the question was left unanswered."""
    kind = QUESTION_TYPES.get(question.type)
    if kind is None:
        raise AnswerError("unknown-type", question.id)
    return kind.read_form(question, entry, field_name(index), form)


def form_values(question: Question, entry: dict, index: int, response: object) -> dict:
    """The saved response as form values, so a reloaded page shows what was answered."""
    if response is None:
        return {}
    return type_of(question).form_values(question, entry, field_name(index), response)


def describe_response(question: Question, response: object) -> str:
    """The learner's answer in words, for the review page and the trainers' attempt list."""
    if response is None:
        return ""
    return type_of(question).describe(question, response)

"""The question types, by name: QUESTION_TYPES, like CTFd's CHALLENGE_CLASSES.

Every module of this package that defines a type registers it with `@register`, and the
package imports them all, so adding a type is one module here and one template
(templates/quizzes/types/<name>.html). What a type has to provide is in base.py.
"""

from __future__ import annotations

import pkgutil
from importlib import import_module
from typing import TypeVar

from trainer.content.question_model import Question
from trainer.content.question_types.base import (
    AnswerError,
    FormData,
    IncompleteAnswer,
    QuestionType,
)

QUESTION_TYPES: dict[str, type[QuestionType]] = {}
Kind = TypeVar("Kind", bound=type[QuestionType])


def register(kind: Kind) -> Kind:
    """Add a question type (usable as a class decorator)."""
    known = QUESTION_TYPES.get(kind.name)
    if known is not None and known is not kind:
        raise ValueError(f"question type {kind.name!r} is already {known.__qualname__}")
    QUESTION_TYPES[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    QUESTION_TYPES.pop(name, None)


def type_of(question: Question) -> type[QuestionType]:
    """The type of a parsed question (KeyError for a type nobody registered)."""
    return QUESTION_TYPES[question.type]


def asked_question(question: Question) -> Question:
    """The question whose answer the learner gives: itself, or the one a scenario asks."""
    kind = QUESTION_TYPES.get(question.type)
    return kind.asked(question) if kind is not None else question


def grade_response(question: Question, response: object) -> float:
    """Fraction of `question`'s points earned by `response`, 0..1; never raises."""
    kind = QUESTION_TYPES.get(question.type)
    if kind is None:
        return 0.0
    try:
        return kind.grade(question, response)
    except (TypeError, ValueError, ArithmeticError, AttributeError, KeyError):
        # A malformed response is a wrong answer, not a server error.
        return 0.0


def gift_importable() -> list[type[QuestionType]]:
    """The types a GIFT question can become, in the order the importer tries them."""
    kinds = [kind for kind in QUESTION_TYPES.values() if kind.gift_order is not None]
    return sorted(kinds, key=lambda kind: kind.gift_order)


def _import_builtin_types() -> None:
    for module in sorted(info.name for info in pkgutil.iter_modules(__path__)):
        if module != "base" and not module.startswith("_"):
            import_module(f"{__name__}.{module}")


_import_builtin_types()

__all__ = [
    "QUESTION_TYPES",
    "AnswerError",
    "FormData",
    "IncompleteAnswer",
    "Question",
    "QuestionType",
    "asked_question",
    "gift_importable",
    "grade_response",
    "register",
    "type_of",
    "unregister",
]

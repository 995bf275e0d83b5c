"""Between what the exam page shows (opaque tokens, form fields) and what the bank grades
(keys). Each question type reads and writes its own fields (trainer/content/question_types);
the question at position i of an attempt uses the field name `q{i}` and, for types with
several inputs, names that start with `q{i}-`. The page also sends `shown=i` for every
question it shows, so a question the learner emptied can be told from one not sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.content import Question
from trainer.content.question_types import (
    QUESTION_TYPES,
    AnswerError,
    FormData,
    IncompleteAnswer,
    asked_question,
    type_of,
)

__all__ = [
    "ANSWERED",
    "CLEARED",
    "INCOMPLETE",
    "NOT_SENT",
    "REFUSED",
    "AnswerError",
    "FormAnswer",
    "IncompleteAnswer",
    "asked_question",
    "describe_response",
    "draft_values",
    "field_name",
    "form_values",
    "read_answers",
    "response_from_form",
]

# What one question of a posted exam form holds.
ANSWERED = "answered"  # a complete answer: stored and graded
INCOMPLETE = "incomplete"  # started, not finished: stored as a draft, never graded
CLEARED = "cleared"  # shown on the page and left empty: any stored answer goes
NOT_SENT = "not-sent"  # not in this form: what is stored stays
REFUSED = "refused"  # something the page could not have sent: not stored


@dataclass(frozen=True)
class FormAnswer:
    index: int  # position in the attempt, 1-based
    question_id: str
    state: str
    value: object = None  # the response (ANSWERED) or the draft (INCOMPLETE)
    code: str | None = None  # why INCOMPLETE or REFUSED: picks the message


def field_name(index: int) -> str:
    return f"q{index}"


def response_from_form(question: Question, entry: dict, index: int, form: FormData) -> object:
    """The response in bank keys, None when the question was left unanswered."""
    kind = QUESTION_TYPES.get(question.type)
    if kind is None:
        raise AnswerError("unknown-type", question.id)
    return kind.read_form(question, entry, field_name(index), form)


def read_answers(questions: list[tuple[Question, dict]], form: FormData) -> list[FormAnswer]:
    """Each question of a posted exam form, on its own: one question's problem never
    keeps the others from being stored."""
    shown = set(form.getlist("shown"))
    answers = []
    for index, (question, entry) in enumerate(questions, start=1):
        try:
            response = response_from_form(question, entry, index, form)
        except IncompleteAnswer as error:
            answers.append(FormAnswer(index, question.id, INCOMPLETE, error.draft, error.code))
            continue
        except AnswerError as error:
            answers.append(FormAnswer(index, question.id, REFUSED, code=error.code))
            continue
        if response is not None:
            answers.append(FormAnswer(index, question.id, ANSWERED, response))
        else:
            state = CLEARED if str(index) in shown else NOT_SENT
            answers.append(FormAnswer(index, question.id, state))
    return answers


def form_values(question: Question, entry: dict, index: int, response: object) -> dict:
    """The saved response as form values, so a reloaded page shows what was answered."""
    if response is None:
        return {}
    return type_of(question).form_values(question, entry, field_name(index), response)


def draft_values(question: Question, entry: dict, index: int, draft: object) -> dict:
    """A stored incomplete answer as form values, so the page shows it as it was left."""
    if draft is None:
        return {}
    return type_of(question).draft_values(question, entry, field_name(index), draft)


def incomplete_code(question: Question, entry: dict, index: int, draft: object) -> str | None:
    """Why a stored draft is incomplete (its AnswerError code), read as the page would."""
    from werkzeug.datastructures import MultiDict

    form = MultiDict(
        [
            (name, value)
            for name, values in draft_values(question, entry, index, draft).items()
            for value in values
        ]
    )
    try:
        response_from_form(question, entry, index, form)
    except AnswerError as error:
        return error.code
    return None


def describe_response(question: Question, response: object) -> str:
    """The learner's answer in words, for the review page and the trainers' attempt list."""
    if response is None:
        return ""
    return type_of(question).describe(question, response)

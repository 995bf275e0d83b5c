"""What a question type is: one class with the same methods for every type, in the style of
CTFd's challenge types (CHALLENGE_CLASSES). Each type's module under question_types/ holds
its question dataclass and its QuestionType subclass; its template
(templates/quizzes/types/<name>.html) holds its Jinja macros. Nothing else in the app
branches on a type's name.

    quiz.md     parse(block) → (question or None, problems); to_quiz_md(question)
    attempt     freeze(question, rng): the opaque tokens an attempt shows instead of keys
                read_form(question, entry, name, form) → response in bank keys, or None;
                    raises IncompleteAnswer (with a draft) for an answer half given
                draft_values(question, entry, name, draft): a stored draft as form fields
                form_values(question, entry, name, response): a saved response as form fields
    grading     grade(question, response) → fraction of the points, 0..1, never raises
    review      describe(question, response) → the learner's answer in words
    GIFT        gift_order / gift_claims(answers) / from_gift(gift, report): import
                to_gift(question) → GiftAnswers: export
    page        template: macros stem(q), inputs(q, entry, name, values), answer_key(q)
                and feedback(q, response); optionally your_answer(q, response,
                described), the answer in the page's words on the review

A form is anything with `get(name, default)` and `getlist(name)` (Werkzeug's MultiDict):
this package has no Flask in it.
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Mapping
from typing import Any, ClassVar, Protocol

from trainer.content.gift.question import GiftQuestion, Report
from trainer.content.gift.source import Src
from trainer.content.gift.syntax import GiftAnswers
from trainer.content.model import Problem
from trainer.content.question_model import Question
from trainer.content.question_parsing import (
    AnswerLine,
    CommonFields,
    check_unknown_keys,
    common_fields,
    split_body,
)
from trainer.content.quiz_blocks import QuestionBlock

ParseResult = tuple[Question | None, list[Problem]]
MAX_TEXT_ANSWER = 200  # characters a typed answer may have


class FormData(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...


class AnswerError(ValueError):
    """An answer the page could not have produced, or a number that is not a number.
    `code` picks the message the exam page shows."""

    def __init__(self, code: str, question_id: str):
        super().__init__(code)
        self.code = code
        self.question_id = question_id


class IncompleteAnswer(AnswerError):
    """An answer the learner has started but not finished (an ordering with a position
    missing, a number half typed). `draft` holds what was given, JSON-able in bank keys, so
    it can be stored and shown again; it is never graded."""

    def __init__(self, code: str, question_id: str, draft: object):
        super().__init__(code, question_id)
        self.draft = draft


class QuestionType:
    name: ClassVar[str]
    template: ClassVar[str]  # default: quizzes/types/<name>.html
    keys: ClassVar[tuple[str, ...]] = ()  # metadata keys of this type besides the common ones
    answer_line: ClassVar[re.Pattern | None] = None
    has_feedback: ClassVar[bool] = False
    # Where this type sits in the GIFT importer's order of questions (Moodle's: numerical,
    # multiple choice, matching, true/false, short answer); None: never imported from GIFT.
    gift_order: ClassVar[int | None] = None

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__ and "template" not in cls.__dict__:
            cls.template = f"quizzes/types/{cls.name}.html"

    # --- quiz.md ---------------------------------------------------------------------

    @classmethod
    def parse(cls, block: QuestionBlock) -> ParseResult:
        """(question or None, problems): None when any problem is an error, so warnings
        reach the trainer even for a valid question."""
        problems = check_unknown_keys(block, cls.keys)
        common = common_fields(block, cls.name, problems)
        text, answers = split_body(block, cls.answer_line, cls.has_feedback, problems)
        question = cls.build(block, common, text, answers, problems)
        if common is None or any(p.is_error for p in problems):
            return None, problems
        return question, problems

    @classmethod
    def build(
        cls,
        block: QuestionBlock,
        common: CommonFields | None,
        text: str,
        answers: list[AnswerLine],
        problems: list[Problem],
    ) -> Question | None:
        raise NotImplementedError

    @classmethod
    def to_quiz_md(cls, question: Question) -> tuple[dict[str, str], list[str]]:
        """This type's `key: value` lines and answer lines in quiz.md, for `question`."""
        raise NotImplementedError

    # --- the attempt -----------------------------------------------------------------

    @classmethod
    def asked(cls, question: Question) -> Question:
        """The question whose answer the learner gives (a scenario asks another one)."""
        return question

    @classmethod
    def freeze(cls, question: Question, rng: random.Random) -> dict:
        """Extra fields of the attempt's entry for this question, e.g. shuffled tokens."""
        return {}

    @classmethod
    def read_form(cls, question: Question, entry: dict, name: str, form: FormData) -> object:
        """The response in bank keys, None when unanswered; AnswerError when the form holds
        something the page could not have sent."""
        raise NotImplementedError

    @classmethod
    def form_values(cls, question: Question, entry: dict, name: str, response: object) -> dict:
        """A saved response as {field name: [values]}, so a reloaded page shows it."""
        raise NotImplementedError

    @classmethod
    def draft_values(cls, question: Question, entry: dict, name: str, draft: object) -> dict:
        """A stored IncompleteAnswer draft as form fields (default: like a response)."""
        return cls.form_values(question, entry, name, draft)

    # --- grading and review ----------------------------------------------------------

    @classmethod
    def grade(cls, question: Question, response: object) -> float:
        raise NotImplementedError

    @classmethod
    def describe(cls, question: Question, response: object) -> str:
        return str(response)

    # --- GIFT ------------------------------------------------------------------------

    @classmethod
    def gift_claims(cls, answers: Src) -> bool:
        """Is a GIFT answer section (between { and }) a question of this type?"""
        return False

    @classmethod
    def from_gift(cls, question: GiftQuestion, report: Report) -> Question | None:
        raise NotImplementedError

    @classmethod
    def to_gift(cls, question: Question) -> GiftAnswers:
        raise NotImplementedError


# --- helpers several types share ---------------------------------------------------------


def token_map(entry: Mapping, field: str) -> dict[str, str]:
    """{token: bank key} of an attempt entry's shuffled tokens."""
    return {token: key for token, key in entry.get(field, [])}


def shuffled_tokens(keys: list[str], rng: random.Random) -> list[list[str]]:
    """Shuffle keys and give each an opaque random token: [[token, key], ...]."""
    shuffled = list(keys)
    rng.shuffle(shuffled)
    return [[secrets.token_hex(4), key] for key in shuffled]


def typed_text(question: Question, name: str, form: FormData) -> str | None:
    text = (form.get(name) or "").strip()
    if not text:
        return None
    if len(text) > MAX_TEXT_ANSWER:
        raise AnswerError("too-long", question.id)
    return text

"""`truefalse`: the answer is a setting, `answer: true` or `answer: false` (or 对/错…)."""

from __future__ import annotations

from dataclasses import dataclass

from trainer.content.gift.question import preview, split_at_hash
from trainer.content.gift.syntax import GiftAnswers
from trainer.content.model import Problem
from trainer.content.question_model import Question
from trainer.content.question_types import register
from trainer.content.question_types.base import AnswerError, QuestionType

TRUE_WORDS = frozenset({"true", "yes", "对", "正确", "是"})
FALSE_WORDS = frozenset({"false", "no", "错", "错误", "否"})
GIFT_WORDS = {"T": True, "TRUE": True, "F": False, "FALSE": False}


@dataclass(frozen=True, kw_only=True)
class TrueFalseQuestion(Question):
    answer: bool


@register
class TrueFalse(QuestionType):
    name = "truefalse"
    keys = ("answer",)
    gift_order = 40

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
    def to_quiz_md(cls, question):
        return {"answer": "true" if question.answer else "false"}, []

    @classmethod
    def read_form(cls, question, entry, name, form):
        value = form.get(name, "")
        if value == "":
            return None
        if value not in ("true", "false"):
            raise AnswerError("unknown-option", question.id)
        return value == "true"

    @classmethod
    def form_values(cls, question, entry, name, response):
        return {name: ["true" if response else "false"]}

    @classmethod
    def grade(cls, question, response):
        if isinstance(response, str):
            word = response.strip().lower()
            response = True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
        return 1.0 if isinstance(response, bool) and response == question.answer else 0.0

    @classmethod
    def describe(cls, question, response):
        # The choice as quiz.md writes it, not ✓/✗: a right "false" is not a cross. The
        # review page shows it in the page's words (对/错) through the template.
        return "true" if response else "false"

    @classmethod
    def gift_claims(cls, answers):
        return split_at_hash(answers)[0].strip().text in GIFT_WORDS

    @classmethod
    def from_gift(cls, question, report):
        word, rest = split_at_hash(question.answers)
        # {T#shown when wrong#shown when right}: our true/false has no such feedback.
        feedbacks = split_at_hash(rest) if rest is not None else ()
        for feedback in feedbacks:
            if feedback is not None and feedback.text.strip():
                report.error(
                    feedback.strip().line,
                    "gift-feedback-dropped",
                    text=preview(feedback.text, question.html),
                    type=cls.name,
                )
        answer = GIFT_WORDS[word.strip().text]
        return TrueFalseQuestion(**question.fields(cls.name), answer=answer)

    @classmethod
    def to_gift(cls, question):
        return GiftAnswers(("T" if question.answer else "F",))

"""`truefalse`: the answer is a setting, `answer: true` or `answer: false` (or 对/错…).
Feedback for a choice goes under a line naming it, shown at review to whoever chose it:

    answer: false

    可以承诺裤子“马上就能改好”。

    - 对
      > 不能承诺做不到的事。
    - 错
      > 对，要告诉顾客具体的取裤时间。
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from trainer.content.gift.question import formatted, split_at_hash
from trainer.content.gift.syntax import GiftAnswers, escape
from trainer.content.model import Problem
from trainer.content.question_model import Question
from trainer.content.question_parsing import feedback_lines
from trainer.content.question_types import register
from trainer.content.question_types.base import AnswerError, QuestionType

TRUE_WORDS = frozenset({"true", "yes", "对", "正确", "是"})
FALSE_WORDS = frozenset({"false", "no", "错", "错误", "否"})
GIFT_WORDS = {"T": True, "TRUE": True, "F": False, "FALSE": False}
CHOICE_WORD_LINE = re.compile(
    r"^[-*+]\s+(" + "|".join(sorted(TRUE_WORDS | FALSE_WORDS, key=len, reverse=True)) + r")\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, kw_only=True)
class TrueFalseQuestion(Question):
    answer: bool
    feedback_true: str = ""  # shown at review to whoever chose true
    feedback_false: str = ""

    def feedback_for(self, response: object) -> str:
        if not isinstance(response, bool):
            return ""
        return self.feedback_true if response else self.feedback_false


@register
class TrueFalse(QuestionType):
    name = "truefalse"
    keys = ("answer",)
    answer_line = CHOICE_WORD_LINE  # only to hang feedback on: the answer is the setting
    has_feedback = True
    gift_order = 40

    @classmethod
    def build(cls, block, common, text, answers, problems):
        raw = block.meta["answer"].value.lower() if "answer" in block.meta else ""
        if raw not in TRUE_WORDS | FALSE_WORDS:
            problems.append(
                Problem.error(block.file, block.meta_line("answer"), "truefalse-answer", value=raw)
            )
            return None
        feedback: dict[bool, str] = {}
        for line in answers:
            choice = line.groups[0].lower() in TRUE_WORDS
            if choice in feedback:
                problems.append(
                    Problem.error(
                        block.file, line.line, "truefalse-choice-twice", word=line.groups[0]
                    )
                )
            feedback[choice] = line.feedback
        if common is None:
            return None
        return TrueFalseQuestion(
            **common.fields(text),
            answer=raw in TRUE_WORDS,
            feedback_true=feedback.get(True, ""),
            feedback_false=feedback.get(False, ""),
        )

    @classmethod
    def to_quiz_md(cls, question):
        lines = []
        for word, feedback in (("对", question.feedback_true), ("错", question.feedback_false)):
            if feedback:
                lines += [f"- {word}", *feedback_lines(feedback)]
        return {"answer": "true" if question.answer else "false"}, lines

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
        answer = GIFT_WORDS[word.strip().text]
        # {T#shown when wrong#shown when right}, as Moodle reads it: the rest after a
        # second `#` is all the right answer's feedback.
        wrong, right = split_at_hash(rest) if rest is not None else (None, None)
        wrong_text, right_text = (
            formatted(part.text, question.html, part.line or question.line, report)[0]
            if part is not None
            else ""
            for part in (wrong, right)
        )
        feedback = {answer: right_text, not answer: wrong_text}
        return TrueFalseQuestion(
            **question.fields(cls.name),
            answer=answer,
            feedback_true=feedback[True],
            feedback_false=feedback[False],
        )

    @classmethod
    def to_gift(cls, question):
        right = question.feedback_for(question.answer)
        wrong = question.feedback_for(not question.answer)
        parts = ["T" if question.answer else "F", escape(wrong), escape(right)]
        while len(parts) > 1 and not parts[-1]:
            parts.pop()
        return GiftAnswers(("#".join(parts),))

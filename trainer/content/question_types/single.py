"""`single`: exactly one right option; other options may earn part of the points.

- [x] 3 秒以内
- [50%] 5 秒以内
  > feedback shown at review to whoever chose it
- [ ] 10 秒以内
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from trainer.content.gift.question import shorten
from trainer.content.gift.syntax import GiftAnswers, answer_line, plain_number
from trainer.content.model import Problem
from trainer.content.question_parsing import credit_in_range
from trainer.content.question_types import register
from trainer.content.question_types._choice import (
    CHOICE_OR_WEIGHTED_LINE,
    ChoiceQuestion,
    Option,
    chosen_keys,
    describe_options,
    freeze_options,
    gift_choice_answers,
    is_gift_choice,
    need_two_options,
    option_lines,
    option_values,
    options_from,
)
from trainer.content.question_types.base import AnswerError, QuestionType


@dataclass(frozen=True, kw_only=True)
class SingleChoiceQuestion(ChoiceQuestion):
    pass


@register
class SingleChoice(QuestionType):
    name = "single"
    answer_line = CHOICE_OR_WEIGHTED_LINE
    has_feedback = True
    gift_order = 20

    @classmethod
    def build(cls, block, common, text, answers, problems):
        options = options_from(answers)
        for option in options:
            credit_in_range(block.file, option.line, option.weight, problems)
        options = tuple(_single_option(option) for option in options)
        need_two_options(block, options, problems)
        correct = [option for option in options if option.correct]
        if options and len(correct) != 1:
            line = correct[1].line if len(correct) > 1 else options[0].line
            problems.append(
                Problem.error(block.file, line, "single-correct-count", found=len(correct))
            )
        if common is None:
            return None
        return SingleChoiceQuestion(**common.fields(text), options=options)

    @classmethod
    def to_quiz_md(cls, question):
        return {}, option_lines(question.options, weighted=False)

    @classmethod
    def freeze(cls, question, rng):
        return freeze_options(question, rng)

    @classmethod
    def read_form(cls, question, entry, name, form):
        keys = chosen_keys(question, entry, name, form)
        if len(keys) > 1:
            raise AnswerError("one-option-only", question.id)
        return keys[0] if keys else None

    @classmethod
    def form_values(cls, question, entry, name, response):
        return option_values(entry, name, {response})

    @classmethod
    def grade(cls, question, response):
        if not isinstance(response, str):
            return 0.0
        chosen = next((option for option in question.options if option.key == response), None)
        return chosen.credit / 100 if chosen is not None else 0.0

    @classmethod
    def describe(cls, question, response):
        return describe_options(question, [response] if isinstance(response, str) else response)

    @classmethod
    def gift_claims(cls, answers):
        # As in Moodle: one `=` anywhere makes a multiple-choice question single-answer.
        return is_gift_choice(answers) and answers.find("=") >= 0

    @classmethod
    def from_gift(cls, question, report):
        answers = gift_choice_answers(question, report)
        if answers is None:
            return None
        credits = [answer.credit(100.0 if answer.marker == "=" else 0.0) for answer in answers]
        right = [answer for answer, credit in zip(answers, credits, strict=True) if credit == 100]
        if not right:
            report.error(question.line, "gift-no-right-answer")
            return None
        if len(right) > 1:
            report.error(right[1].line, "gift-several-right-answers", found=len(right))
            return None
        options = []
        for number, (answer, credit) in enumerate(zip(answers, credits, strict=True), start=1):
            if credit < 0:  # Moodle's penalty for a wrong choice: ours never take marks away
                report.error(
                    answer.line,
                    "gift-negative-credit",
                    text=shorten(answer.text),
                    percent=plain_number(credit),
                )
                credit = 0.0
            option = Option(f"o{number}", answer.text, False, credit, answer.feedback, answer.line)
            options.append(_single_option(option))
        return SingleChoiceQuestion(**question.fields(cls.name), options=tuple(options))

    @classmethod
    def to_gift(cls, question):
        return GiftAnswers(
            tuple(
                answer_line("=" if option.correct else "~", option.text, option.feedback)
                if option.weight is None
                else answer_line("~", option.text, option.feedback, option.weight)
                for option in question.options
            )
        )


def _single_option(option: Option) -> Option:
    """One form per meaning: `[100%]` is `[x]`, `[0%]` is `[ ]`; only a share between
    keeps its percentage (the right option is the one worth 100%)."""
    credit = option.credit
    if credit in (0, 100):
        return replace(option, correct=credit == 100, weight=None)
    return replace(option, correct=False, weight=credit)

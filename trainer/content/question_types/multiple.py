"""`multiple`: every right option must be chosen (all-or-nothing), or, with
`scoring: weighted`, each option carries a percentage.

    scoring: weighted
    - [50%] 微笑
    - [50%] 问候
    - [-50%] 无视
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trainer.content.gift.syntax import GiftAnswers, GiftLoss, answer_line, plain_number
from trainer.content.model import Problem
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
from trainer.content.question_types.base import QuestionType


@dataclass(frozen=True, kw_only=True)
class MultipleChoiceQuestion(ChoiceQuestion):
    weighted: bool


@register
class MultipleChoice(QuestionType):
    name = "multiple"
    keys = ("scoring",)
    answer_line = CHOICE_OR_WEIGHTED_LINE
    has_feedback = True
    gift_order = 20

    @classmethod
    def build(cls, block, common, text, answers, problems):
        scoring = block.meta["scoring"].value.lower() if "scoring" in block.meta else ""
        if scoring not in ("", "weighted", "all-or-nothing", "all_or_nothing"):
            problems.append(
                Problem.error(
                    block.file, block.meta_line("scoring"), "scoring-unknown", value=scoring
                )
            )
        weighted = scoring == "weighted"
        options = options_from(answers)
        need_two_options(block, options, problems)
        for option in options:
            if (option.weight is not None) != weighted:
                code = "weighted-option-checkbox" if weighted else "weights-need-weighted-scoring"
                problems.append(Problem.error(block.file, option.line, code))
                break
        else:
            if weighted and options:
                total = sum(option.weight for option in options if option.weight > 0)
                if abs(total - 100) > 0.01:
                    problems.append(
                        Problem.error(
                            block.file, options[0].line, "weighted-sum", total=f"{total:g}"
                        )
                    )
            elif options and not any(option.correct for option in options):
                problems.append(Problem.error(block.file, options[0].line, "multiple-no-correct"))
        if common is None:
            return None
        return MultipleChoiceQuestion(**common.fields(text), options=options, weighted=weighted)

    @classmethod
    def to_quiz_md(cls, question):
        meta = {"scoring": "weighted"} if question.weighted else {}
        return meta, option_lines(question.options, question.weighted)

    @classmethod
    def freeze(cls, question, rng):
        return freeze_options(question, rng)

    @classmethod
    def read_form(cls, question, entry, name, form):
        keys = chosen_keys(question, entry, name, form)
        return sorted(set(keys)) if keys else None

    @classmethod
    def form_values(cls, question, entry, name, response):
        return option_values(entry, name, set(response))

    @classmethod
    def grade(cls, question, response):
        chosen = _keys(response)
        if chosen is None:
            return 0.0
        if question.weighted:
            total = sum(option.weight for option in question.options if option.key in chosen)
            return min(1.0, max(0.0, total / 100))
        correct = {option.key for option in question.options if option.correct}
        return 1.0 if chosen == correct else 0.0

    @classmethod
    def describe(cls, question, response):
        return describe_options(question, [response] if isinstance(response, str) else response)

    @classmethod
    def gift_claims(cls, answers):
        # Moodle's multiple-answer form: `~` options only, each with its weight.
        return is_gift_choice(answers) and answers.find("=") < 0

    @classmethod
    def from_gift(cls, question, report):
        answers = gift_choice_answers(question, report)
        if answers is None:
            return None
        credits = [answer.credit(0.0) for answer in answers]
        total = sum(credit for credit in credits if credit > 0)
        if not total:
            report.error(question.line, "gift-no-right-answer")
            return None
        if abs(total - 100) > 0.01:
            report.error(question.line, "gift-weights-sum", total=plain_number(round(total, 4)))
            return None
        options = tuple(
            Option(f"o{n}", a.text, credit > 0, credit, a.feedback, a.line)
            for n, (a, credit) in enumerate(zip(answers, credits, strict=True), start=1)
        )
        return MultipleChoiceQuestion(**question.fields(cls.name), options=options, weighted=True)

    @classmethod
    def to_gift(cls, question):
        # GIFT marks a multiple-answer question by having no `=`: every option gets a weight.
        if question.weighted:
            return GiftAnswers(
                tuple(
                    answer_line("~", option.text, option.feedback, option.weight or None)
                    for option in question.options
                )
            )
        # Moodle has no all-or-nothing scoring: split 100% over the right options and make
        # each wrong one cost everything, the closest GIFT comes to it.
        share = float(f"{100 / max(1, sum(o.correct for o in question.options)):.5f}")
        lines = tuple(
            answer_line("~", option.text, option.feedback, share if option.correct else -100.0)
            for option in question.options
        )
        loss = GiftLoss.of(code="gift-export-all-or-nothing", percent=plain_number(share))
        return GiftAnswers(lines, losses=(loss,))


def _keys(response: object) -> set[str] | None:
    if isinstance(response, str) or not isinstance(response, Iterable):
        return None
    try:
        keys = set(response)
    except TypeError:  # unhashable items
        return None
    return keys if all(isinstance(key, str) for key in keys) else None

"""Choice questions: `single` (exactly one right option) and `multiple` (all-or-nothing, or
weighted with percentages)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from trainer.content.gift.syntax import GiftAnswers, GiftLoss, answer_line, plain_number
from trainer.content.model import Problem
from trainer.content.question_model import MultipleChoiceQuestion, Option, SingleChoiceQuestion
from trainer.content.question_parsing import AnswerLine, QuestionType
from trainer.content.quiz_blocks import QuestionBlock

CHOICE_LINE = re.compile(r"^[-*+]\s+\[\s*([xX✓√]?)\s*\]\s+(.+?)\s*$")
WEIGHTED_LINE = re.compile(r"^[-*+]\s+\[\s*([+-]?\d+(?:\.\d+)?)\s*[%％]\s*\]\s+(.+?)\s*$")
CHOICE_OR_WEIGHTED_LINE = re.compile(f"{CHOICE_LINE.pattern}|{WEIGHTED_LINE.pattern}")


def _options(block: QuestionBlock, answers: list[AnswerLine]) -> tuple[Option, ...]:
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


def _needs_options(block: QuestionBlock, options: tuple[Option, ...], problems: list) -> None:
    if len(options) < 2:
        problems.append(
            Problem.error(
                block.file, block.line, "options-too-few", id=block.id, found=len(options)
            )
        )


class SingleChoice(QuestionType):
    name = "single"
    answer_line = CHOICE_LINE
    has_feedback = True

    @classmethod
    def build(cls, block, common, text, answers, problems):
        options = _options(block, answers)
        _needs_options(block, options, problems)
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
    def grade(cls, question, response):
        correct = next(option.key for option in question.options if option.correct)
        return 1.0 if isinstance(response, str) and response == correct else 0.0

    @classmethod
    def to_gift(cls, question):
        return GiftAnswers(
            tuple(
                answer_line("=" if option.correct else "~", option.text, option.feedback)
                for option in question.options
            )
        )


class MultipleChoice(QuestionType):
    name = "multiple"
    keys = ("scoring",)
    answer_line = CHOICE_OR_WEIGHTED_LINE
    has_feedback = True

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
        options = _options(block, answers)
        _needs_options(block, options, problems)
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

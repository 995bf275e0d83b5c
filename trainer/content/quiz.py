"""quiz.md → questions, plus the checks that need the whole bank and the quiz settings."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence

from trainer.content.examples import identifier
from trainer.content.model import Problem, QuizSettings
from trainer.content.question_model import Question
from trainer.content.question_types import QUESTION_TYPES
from trainer.content.quiz_blocks import split_quiz

QUESTION_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def parse_quiz(text: str, display: str) -> tuple[list[Question], list[Problem]]:
    blocks, problems = split_quiz(text, display)
    if not blocks:
        problems.append(Problem.error(display, 1, "quiz-empty"))
        return [], problems
    questions: list[Question] = []
    first_line_of: dict[str, int] = {}
    for block in blocks:
        if not QUESTION_ID.match(block.id):
            problems.append(
                Problem.error(
                    display,
                    block.line,
                    "question-id-invalid",
                    value=block.id,
                    example=identifier(block.id, "greet-within-3-seconds"),
                )
            )
        elif block.id in first_line_of:
            problems.append(
                Problem.error(
                    display,
                    block.line,
                    "question-id-duplicate",
                    id=block.id,
                    first_line=first_line_of[block.id],
                )
            )
        else:
            first_line_of[block.id] = block.line
        kind = QUESTION_TYPES.get(block.meta_type)
        if not block.meta_type:
            problems.append(
                Problem.error(display, block.line, "question-type-missing", id=block.id)
            )
            continue
        if kind is None:
            close = difflib.get_close_matches(block.meta_type, QUESTION_TYPES, n=1)
            problems.append(
                Problem.error(
                    display,
                    block.meta_line("type"),
                    "question-type-unknown",
                    value=block.meta_type,
                    allowed=", ".join(QUESTION_TYPES),
                    suggestion=close[0] if close else "",
                )
            )
            continue
        question, question_problems = kind.parse(block)
        problems.extend(question_problems)
        if question is not None:
            questions.append(question)
    return questions, problems


def check_quiz_settings(
    questions: Sequence[Question],
    settings: QuizSettings,
    display: str,
    line_of: Callable[..., int],
) -> list[Problem]:
    """Can an attempt be drawn from this bank as course.md asks? `line_of` maps a key path
    in course.md's front matter to its line."""
    problems: list[Problem] = []
    if settings.questions_per_attempt > len(questions):
        problems.append(
            Problem.error(
                display,
                line_of("quiz", "questions_per_attempt"),
                "questions-per-attempt-too-many",
                wanted=settings.questions_per_attempt,
                available=len(questions),
            )
        )
    for tag, quota in settings.tag_quotas.items():
        available = sum(1 for question in questions if tag in question.tags)
        if quota > available:
            problems.append(
                Problem.error(
                    display,
                    line_of("quiz", "tag_quotas", tag),
                    "tag-quota-too-many",
                    tag=tag,
                    wanted=quota,
                    available=available,
                )
            )
    total = sum(settings.tag_quotas.values())
    if total > settings.questions_per_attempt:
        problems.append(
            Problem.error(
                display,
                line_of("quiz", "tag_quotas"),
                "tag-quota-sum",
                total=total,
                wanted=settings.questions_per_attempt,
            )
        )
    return problems

"""Warnings about a whole course's question bank: patterns that let a learner pass without
knowing the subject, and lessons the exam never asks about.

Warnings, not errors: the course still syncs. `content check` and the trainers' authoring
pages show them, because both load courses through trainer.content.loader.

How a lesson maps to its questions: `quiz.tag_quotas` in course.md names one tag per lesson,
in lesson order (the first tag is lesson 1's, and so on); a question examines a lesson when it
carries that lesson's tag.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from trainer.content.model import Lesson, Problem, QuizSettings
from trainer.content.question_model import Question

# Over this share of single-choice questions whose right answer is the longest option, a
# learner who always picks the longest option passes too often.
LONGEST_RIGHT_LIMIT_PERCENT = 40
# A bank smaller than this many times the draw shows a learner most of it in a few attempts.
BANK_TIMES_DRAW = 3


def _asked(question: Question) -> Question:
    """A scenario is judged by the question it asks."""
    return getattr(question, "asked", None) or question


def right_is_strictly_longest(question: Question) -> bool:
    options = getattr(question, "options", ())
    right = [option for option in options if option.correct]
    if len(right) != 1:
        return False
    longest_wrong = max((len(o.text) for o in options if not o.correct), default=0)
    return len(right[0].text) > longest_wrong


def check_bank(
    questions: Sequence[Question],
    lessons: Sequence[Lesson],
    settings: QuizSettings,
    course_md: str,
    quiz_md: str,
    display_root: str,
    line_of: Callable[..., int],
) -> list[Problem]:
    problems: list[Problem] = []
    asked = [_asked(question) for question in questions]

    singles = [question for question in asked if question.type == "single"]
    longest = sum(1 for question in singles if right_is_strictly_longest(question))
    # Compared in whole numbers: 2 of 5 is exactly 40 % and does not warn.
    if singles and longest * 100 > LONGEST_RIGHT_LIMIT_PERCENT * len(singles):
        problems.append(
            Problem.warning(
                quiz_md,
                0,
                "bank-right-is-longest",
                longest=longest,
                total=len(singles),
                percent=round(100 * longest / len(singles)),
                limit=LONGEST_RIGHT_LIMIT_PERCENT,
            )
        )

    multiples = [question for question in asked if question.type == "multiple"]
    if multiples and all(
        sum(o.correct for o in q.options) >= sum(not o.correct for o in q.options)
        for q in multiples
    ):
        problems.append(
            Problem.warning(quiz_md, 0, "bank-multiple-right-majority", total=len(multiples))
        )

    wanted = settings.questions_per_attempt
    if len(questions) < BANK_TIMES_DRAW * wanted:
        problems.append(
            Problem.warning(
                course_md,
                line_of("quiz", "questions_per_attempt"),
                "bank-too-small",
                available=len(questions),
                wanted=wanted,
                minimum=BANK_TIMES_DRAW * wanted,
            )
        )

    lesson_tags = list(settings.tag_quotas)
    for index, lesson in enumerate(lessons):
        display = f"{display_root}/{lesson.path}"
        if index >= len(lesson_tags):
            problems.append(
                Problem.warning(
                    display, 1, "lesson-no-quota-tag", number=index + 1, title=lesson.title
                )
            )
            continue
        tag = lesson_tags[index]
        if not any(tag in question.tags for question in questions):
            problems.append(
                Problem.warning(
                    display, 1, "lesson-not-examined", number=index + 1, title=lesson.title, tag=tag
                )
            )
    return problems

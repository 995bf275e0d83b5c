"""For trainers: every attempt of a course, and how each question performs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext

from trainer.courses.sync import course_for_version
from trainer.extensions import db
from trainer.models import CourseRecord, CourseVersion, QuizAttempt, QuizResult, User
from trainer.paging import Page, page_of_query
from trainer.quizzes.answers import describe_response


def _in_words(question, response) -> str:
    """A wrong answer as the trainer reads it: a true/false choice in the page's words (对/错),
    as the exam offered it; other types as their module describes them."""
    if question.type == "truefalse":
        return gettext("True") if response else gettext("False")
    return describe_response(question, response)


# Share of the ranked learners in the upper and lower groups (the classic 27 %).
GROUP_SHARE = 0.27
MIN_ANSWERS_TO_FLAG = 5
NEARLY_ALL_WRONG = 0.2


@dataclass(frozen=True)
class AttemptRow:
    attempt_id: int
    employee_no: str
    name: str
    version: str
    round_number: int
    attempt_number: int
    started_at: datetime
    graded_at: datetime | None
    closed_by: str | None
    percent: float | None
    passed: bool | None


def attempt_rows(record: CourseRecord) -> list[AttemptRow]:
    """Every attempt of the course, latest first (the CSV)."""
    return _rows(db.session.execute(_attempts_statement(record)).all())


def attempt_page(record: CourseRecord, number: int) -> Page:
    """One page of the attempts, latest first, with how many there are in all."""
    found = page_of_query(_attempts_statement(record), number, scalars=False)
    return Page(_rows(found.items), found.number, found.size, found.total)


def _attempts_statement(record: CourseRecord) -> sa.Select:
    return (
        sa.select(
            QuizAttempt, User.employee_no, User.display_name, CourseVersion.version_hash, QuizResult
        )
        .join(User, User.id == QuizAttempt.user_id)
        .join(CourseVersion, CourseVersion.id == QuizAttempt.version_id)
        .outerjoin(QuizResult, QuizResult.attempt_id == QuizAttempt.id)
        .where(QuizAttempt.course_id == record.id)
        .order_by(QuizAttempt.started_at.desc(), QuizAttempt.id.desc())
    )


def _rows(rows) -> list[AttemptRow]:
    return [
        AttemptRow(
            a.id,
            no,
            name,
            version_hash[:10],
            a.round_number,
            a.attempt_number,
            a.started_at,
            r.graded_at if r else None,
            r.closed_by if r else None,
            r.percent if r else None,
            r.passed if r else None,
        )
        for a, no, name, version_hash, r in rows
    ]


@dataclass(frozen=True)
class ItemStats:
    question_id: str
    text: str
    answered: int
    share_correct: float | None
    discrimination: float | None  # share correct in the upper group minus the lower group
    common_wrong: str | None  # the wrong answer chosen most often, in words
    flags: tuple[str, ...]  # "nearly-all-wrong", "negative-discrimination"


def item_analysis(record: CourseRecord) -> list[ItemStats]:
    """Over every graded attempt of the course (all versions), question by question."""
    results = db.session.execute(
        sa.select(QuizResult.percent, QuizResult.per_question)
        .join(QuizAttempt, QuizAttempt.id == QuizResult.attempt_id)
        .where(QuizAttempt.course_id == record.id)
        .order_by(QuizResult.percent.desc())
    ).all()
    group_size = max(1, round(len(results) * GROUP_SHARE))
    upper, lower = results[:group_size], results[-group_size:]
    course = course_for_version(record.current_version)

    def correct_share(rows, question_id):
        marks = [
            item["fraction"] >= 1
            for _, per in rows
            for item in per
            if item["id"] == question_id and item["response"] is not None
        ]
        return (sum(marks) / len(marks)) if marks else None

    stats = []
    for question in course.questions:
        answered = [
            item
            for _, per in results
            for item in per
            if item["id"] == question.id and item["response"] is not None
        ]
        share = (
            sum(item["fraction"] >= 1 for item in answered) / len(answered) if answered else None
        )
        high, low = correct_share(upper, question.id), correct_share(lower, question.id)
        discrimination = (high - low) if high is not None and low is not None else None
        wrong = Counter(_hashable(item["response"]) for item in answered if item["fraction"] < 1)
        common_wrong = (
            _in_words(question, _unhashable(wrong.most_common(1)[0][0])) if wrong else None
        )
        flags = []
        if len(answered) >= MIN_ANSWERS_TO_FLAG:
            if share is not None and share < NEARLY_ALL_WRONG:
                flags.append("nearly-all-wrong")
            if discrimination is not None and discrimination < 0:
                flags.append("negative-discrimination")
        stats.append(
            ItemStats(
                question.id,
                question.text,
                len(answered),
                share,
                discrimination,
                common_wrong,
                tuple(flags),
            )
        )
    return stats


def _hashable(response):
    if isinstance(response, list):
        return ("list", tuple(response))
    if isinstance(response, dict):
        return ("dict", tuple(sorted(response.items())))
    return response


def _unhashable(value):
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "list":
        return list(value[1])
    if isinstance(value, tuple) and len(value) == 2 and value[0] == "dict":
        return dict(value[1])
    return value

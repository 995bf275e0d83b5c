"""Reading courses: the catalogue, lesson progress and course evaluations."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from trainer.content import CATEGORIES
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.models import (
    CourseEvaluation,
    CourseLesson,
    CourseRecord,
    CourseVersion,
    LessonProgress,
    User,
    utcnow,
)
from trainer.progress import standing_of, standings

MIN_LEARNED_POINTS = 3
MAX_ANSWER_LENGTH = 2000
_POINT_SEPARATORS = re.compile(r"[\n;；。]+|(?:^|\s)\d+[.、)）]")


class CourseError(Exception):
    """A learner action the rules refuse; ``code`` picks the message shown."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class CatalogueEntry:
    record: CourseRecord
    version: CourseVersion
    lesson_count: int
    read_count: int

    @property
    def percent_read(self) -> int:
        return round(100 * self.read_count / self.lesson_count) if self.lesson_count else 0


def live_courses_query():
    return (
        sa.select(CourseRecord, CourseVersion)
        .join(CourseVersion, CourseRecord.current_version_id == CourseVersion.id)
        .where(CourseRecord.status != "missing")
    )


def catalogue(
    user: User, category: str | None = None, query: str | None = None
) -> list[CatalogueEntry]:
    statement = live_courses_query().order_by(CourseVersion.category, CourseVersion.title)
    if category in CATEGORIES:
        statement = statement.where(CourseVersion.category == category)
    if query:
        statement = statement.where(CourseVersion.title.ilike(f"%{query.strip()}%"))
    rows = db.session.execute(statement).all()
    found = standings([user.id], [record.id for record, _ in rows])
    entries = []
    for record, version in rows:
        standing = found[(user.id, record.id)]
        entries.append(
            CatalogueEntry(record, version, standing.lessons_total, standing.lessons_read_count)
        )
    return entries


def live_course(slug: str) -> tuple[CourseRecord, CourseVersion] | None:
    row = db.session.execute(live_courses_query().where(CourseRecord.slug == slug)).first()
    return (row[0], row[1]) if row else None


@dataclass(frozen=True)
class LessonOutline:
    number: int
    title: str


def lesson_and_outline(
    version: CourseVersion, number: int
) -> tuple[CourseLesson | None, list[LessonOutline]]:
    """One lesson with its HTML, and every lesson's number and title (for previous/next),
    without loading the other lessons' HTML."""
    lesson = db.session.scalar(
        sa.select(CourseLesson).where(
            CourseLesson.version_id == version.id, CourseLesson.number == number
        )
    )
    outline = [
        LessonOutline(n, t)
        for n, t in db.session.execute(
            sa.select(CourseLesson.number, CourseLesson.title)
            .where(CourseLesson.version_id == version.id)
            .order_by(CourseLesson.number)
        )
    ]
    return lesson, outline


def mark_lesson_read(user: User, version: CourseVersion, lesson_number: int) -> None:
    """One row per lesson (a unique constraint backs this); reading again refreshes its time,
    which is how retraining after a failed round is recorded."""
    if lesson_number not in {lesson.number for lesson in version.lessons}:
        raise CourseError("no-such-lesson")
    with write_transaction():
        progress = db.session.scalar(
            sa.select(LessonProgress).where(
                LessonProgress.user_id == user.id,
                LessonProgress.version_id == version.id,
                LessonProgress.lesson_number == lesson_number,
            )
        )
        if progress is None:
            db.session.add(
                LessonProgress(user_id=user.id, version_id=version.id, lesson_number=lesson_number)
            )
        else:
            progress.read_at = utcnow()


def learned_points(text: str) -> list[str]:
    """Split 'what I learned' into points: one per line, or separated by ；/。/numbering."""
    return [
        part.strip(" \t-•*、，,")
        for part in _POINT_SEPARATORS.split(text or "")
        if part and part.strip(" \t-•*、，,")
    ]


def evaluation_of(user: User, version: CourseVersion) -> CourseEvaluation | None:
    return db.session.scalar(
        sa.select(CourseEvaluation).where(
            CourseEvaluation.user_id == user.id, CourseEvaluation.version_id == version.id
        )
    )


def submit_evaluation(
    user: User, version: CourseVersion, rating: int, learned: str, apply_at_work: str, improve: str
) -> CourseEvaluation:
    """Record or replace the learner's evaluation of this course version."""
    standing = standing_of(user.id, version.course_id)
    if standing is None or not standing.all_lessons_read:
        raise CourseError("lessons-unread")
    if rating not in range(1, 6):
        raise CourseError("bad-rating")
    if len(learned_points(learned)) < MIN_LEARNED_POINTS:
        raise CourseError("too-few-points", num=MIN_LEARNED_POINTS)
    if not apply_at_work.strip():
        raise CourseError("apply-missing")
    if max(len(learned), len(apply_at_work), len(improve)) > MAX_ANSWER_LENGTH:
        raise CourseError("too-long", num=MAX_ANSWER_LENGTH)
    with write_transaction():
        evaluation = evaluation_of(user, version)
        if evaluation is None:
            evaluation = CourseEvaluation(user_id=user.id, version_id=version.id)
            db.session.add(evaluation)
        evaluation.rating = rating
        evaluation.learned = learned.strip()
        evaluation.apply_at_work = apply_at_work.strip()
        evaluation.improve = improve.strip()
    return evaluation


@dataclass(frozen=True)
class EvaluationSummary:
    version: CourseVersion
    count: int
    average_rating: float | None
    evaluations: list[CourseEvaluation]


def evaluation_summaries(record: CourseRecord) -> list[EvaluationSummary]:
    """Per version, newest first: how many rated it, the average, and every answer."""
    summaries = []
    for version in record.versions:
        evaluations = list(
            db.session.scalars(
                sa.select(CourseEvaluation)
                .where(CourseEvaluation.version_id == version.id)
                .order_by(CourseEvaluation.created_at.desc())
            )
        )
        average = (sum(e.rating for e in evaluations) / len(evaluations)) if evaluations else None
        summaries.append(EvaluationSummary(version, len(evaluations), average, evaluations))
    return summaries

"""Reading courses: the catalogue, lesson progress and course evaluations."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from trainer.content import CATEGORIES
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.hotpath import Companion, LeanQuery, lean_companion_row
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


@dataclass(frozen=True)
class LessonState:
    version_id: int  # the course's live version
    version_hash: str  # its content, so a cached page never outlives a database reset
    number: int
    is_read: bool


def _lesson_state_select() -> sa.Select:
    lesson_exists = sa.exists().where(
        CourseLesson.version_id == CourseVersion.id, CourseLesson.number == sa.bindparam("number")
    )
    is_read = sa.exists().where(
        LessonProgress.user_id == sa.bindparam("user_id"),
        LessonProgress.version_id == CourseVersion.id,
        LessonProgress.lesson_number == sa.bindparam("number"),
    )
    return (
        sa.select(
            CourseVersion.id,
            CourseVersion.version_hash,
            lesson_exists.label("lesson_exists"),
            is_read.label("is_read"),
        )
        .select_from(CourseRecord)
        .join(CourseVersion, CourseRecord.current_version_id == CourseVersion.id)
        .where(CourseRecord.slug == sa.bindparam("slug"), CourseRecord.status != "missing")
    )


_LESSON_STATE = LeanQuery(_lesson_state_select())
# For the lesson page (URL arguments slug and number): read with the principal.
LESSON_STATE_WITH_PRINCIPAL = Companion(_lesson_state_select())


def lesson_state(slug: str, number: int, user_id: int) -> LessonState | None:
    """Which live version a lesson page shows and whether this user has read the lesson,
    in one lean query, which the lesson page reads together with the signed-in user (it is
    the busiest page); None: no such live lesson."""
    read, row = lean_companion_row(
        LESSON_STATE_WITH_PRINCIPAL, slug=slug, number=number, user_id=user_id
    )
    if not read:  # not read with the principal
        row = _LESSON_STATE.first(slug=slug, number=number, user_id=user_id)
    if row is None or not row[2]:
        return None
    return LessonState(row[0], row[1], number, bool(row[3]))


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

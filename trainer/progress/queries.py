"""Reading the history of many people on many courses in a fixed number of queries.

Each query filters people by a list of ids or by a SELECT of them, so five people and ten
thousand cost the same eight queries.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from trainer.content import CourseSettings
from trainer.extensions import db
from trainer.models import (
    Appeal,
    Assessment,
    AssessmentCorrection,
    Certificate,
    CourseLesson,
    CourseRecord,
    CourseVersion,
    LessonProgress,
    QuizAttempt,
    QuizExtraAttempt,
    QuizResult,
)
from trainer.progress.model import AttemptState, LiveCourse
from trainer.progress.rules import AssessmentRow, CertificateRow, History
from trainer.quizzes.rules import RetakeSettings

People = Iterable[int] | sa.Select


def _people(column, people: People):
    return column.in_(people if isinstance(people, sa.Select) else list(people))


def recertify_window_days(stored: dict | None) -> int:
    return CourseSettings.from_stored(stored).certificate.recertify_window_days


def _retake(settings: CourseSettings) -> RetakeSettings:
    quiz = settings.quiz
    return RetakeSettings(
        attempts_per_round=quiz.attempts_per_round,
        wait_minutes=quiz.wait_minutes,
        score_counts=quiz.score_counts,
    )


def live_courses(
    course_ids: Iterable[int] | None = None, slugs: Iterable[str] | None = None
) -> dict[int, LiveCourse]:
    """Courses with a live version (two queries), by course id, in catalogue order; all of
    them, or those in `course_ids` or with one of `slugs`."""
    statement = (
        sa.select(
            CourseRecord.id,
            CourseRecord.slug,
            CourseVersion.id,
            CourseVersion.title,
            CourseVersion.category,
            CourseVersion.settings,
            CourseVersion.question_count,
        )
        .join(CourseVersion, CourseRecord.current_version_id == CourseVersion.id)
        .where(CourseRecord.status != "missing")
        .order_by(CourseVersion.category, CourseVersion.title, CourseRecord.id)
    )
    if course_ids is not None:
        statement = statement.where(CourseRecord.id.in_(list(course_ids)))
    if slugs is not None:
        statement = statement.where(CourseRecord.slug.in_(sorted(slugs)))
    rows = db.session.execute(statement).all()
    lessons: dict[int, list[int]] = {}
    if rows:
        for version_id, number in db.session.execute(
            sa.select(CourseLesson.version_id, CourseLesson.number)
            .where(CourseLesson.version_id.in_([row[2] for row in rows]))
            .order_by(CourseLesson.version_id, CourseLesson.number)
        ):
            lessons.setdefault(version_id, []).append(number)
    courses = {}
    for course_id, slug, version_id, title, category, stored, question_count in rows:
        settings = CourseSettings.from_stored(stored)
        courses[course_id] = LiveCourse(
            id=course_id,
            slug=slug,
            title=title,
            category=category,
            version_id=version_id,
            lesson_numbers=tuple(lessons.get(version_id, ())),
            theory_required=bool(question_count),
            practical_required=settings.practical_required,
            attitude_required=settings.attitude_required,
            retake=_retake(settings),
            validity_months=settings.certificate.validity_months,
            prerequisites=settings.prerequisites,
            exam_requires_lessons=settings.exam_requires.all_lessons_read,
            exam_requires_prerequisites=settings.exam_requires.prerequisites_passed,
        )
    return courses


def histories(people: People, courses: dict[int, LiveCourse]) -> dict[tuple[int, int], History]:
    """History of everyone in `people` on `courses`, by (user id, course id); six queries."""
    found: dict[tuple[int, int], History] = {}
    if not courses:
        return found
    course_ids = list(courses)

    def of(user_id: int, course_id: int) -> History:
        key = (user_id, course_id)
        history = found.get(key)
        if history is None:
            history = found[key] = History()
        return history

    certificates = db.session.execute(
        sa.select(
            Certificate.user_id,
            Certificate.course_id,
            Certificate.id,
            Certificate.serial,
            Certificate.title,
            Certificate.issued_at,
            Certificate.expires_at,
            Certificate.revoked_at,
            Certificate.version_id,
        ).where(
            _people(Certificate.user_id, people),
            Certificate.kind == "course",
            Certificate.course_id.in_(course_ids),
        )
    ).all()
    version_ids = {row.version_id for row in certificates if row.version_id is not None}
    windows = (
        {
            version_id: recertify_window_days(settings)
            for version_id, settings in db.session.execute(
                sa.select(CourseVersion.id, CourseVersion.settings).where(
                    CourseVersion.id.in_(sorted(version_ids))
                )
            )
        }
        if version_ids
        else {}
    )
    for row in certificates:
        of(row.user_id, row.course_id).certificates.append(
            CertificateRow(
                row.id,
                row.serial,
                row.title,
                row.issued_at,
                row.expires_at,
                row.revoked_at,
                windows.get(row.version_id, 0),
            )
        )

    for row in db.session.execute(
        sa.select(
            QuizAttempt.user_id,
            QuizAttempt.course_id,
            QuizAttempt.id,
            QuizAttempt.round_number,
            QuizAttempt.attempt_number,
            QuizAttempt.started_at,
            QuizAttempt.extra_grant_id,
            QuizResult.graded_at,
            QuizResult.passed,
            QuizResult.percent,
        )
        .outerjoin(QuizResult, QuizResult.attempt_id == QuizAttempt.id)
        .where(_people(QuizAttempt.user_id, people), QuizAttempt.course_id.in_(course_ids))
    ):
        of(row.user_id, row.course_id).attempts.append(
            AttemptState(
                row.id,
                row.round_number,
                row.attempt_number,
                row.started_at,
                row.graded_at,
                row.passed,
                row.percent,
                row.extra_grant_id is not None,
            )
        )

    used = sa.select(QuizAttempt.extra_grant_id).where(QuizAttempt.extra_grant_id.is_not(None))
    for user_id, course_id, count in db.session.execute(
        sa.select(QuizExtraAttempt.user_id, QuizExtraAttempt.course_id, sa.func.count())
        .where(
            _people(QuizExtraAttempt.user_id, people),
            QuizExtraAttempt.course_id.in_(course_ids),
            QuizExtraAttempt.id.not_in(used),
        )
        .group_by(QuizExtraAttempt.user_id, QuizExtraAttempt.course_id)
    ):
        of(user_id, course_id).unused_grants = count

    version_to_course = {course.version_id: course.id for course in courses.values()}
    for user_id, version_id, number, read_at in db.session.execute(
        sa.select(
            LessonProgress.user_id,
            LessonProgress.version_id,
            LessonProgress.lesson_number,
            LessonProgress.read_at,
        ).where(
            _people(LessonProgress.user_id, people),
            LessonProgress.version_id.in_(list(version_to_course)),
        )
    ):
        of(user_id, version_to_course[version_id]).lesson_reads[number] = read_at

    effective = sa.func.coalesce(AssessmentCorrection.passed, Assessment.passed)
    open_appeal = sa.exists().where(Appeal.assessment_id == Assessment.id, Appeal.status == "open")
    for row in db.session.execute(
        sa.select(
            Assessment.learner_id,
            Assessment.course_id,
            Assessment.id,
            Assessment.kind,
            Assessment.submitted_at,
            effective.label("passed"),
            open_appeal.label("open_appeal"),
        )
        .outerjoin(AssessmentCorrection, AssessmentCorrection.assessment_id == Assessment.id)
        .where(
            _people(Assessment.learner_id, people),
            Assessment.status == "submitted",
            Assessment.course_id.in_(course_ids),
        )
    ):
        of(row.learner_id, row.course_id).assessments.append(
            AssessmentRow(
                row.id, row.kind, row.submitted_at, bool(row.passed), bool(row.open_appeal)
            )
        )
    return found

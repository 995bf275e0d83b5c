"""Where many people stand in many courses, in a fixed number of queries.

Reports and the "my training" page read the same facts from here: lessons read of the live
version, the theory exam (passed once any graded attempt passed) and the practical and
attitude parts (the same rule as trainer.assessments.service.outcome: passed once any
result, as corrected on appeal, passed; failed when results exist and none passed). Each
query filters people by a subquery, so five people and ten thousand cost the same queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from trainer.content import CourseSettings
from trainer.extensions import db
from trainer.hr.plans.rules import PART_FAILED, PART_PASSED, PART_PENDING, CourseFacts, Part
from trainer.models import (
    Assessment,
    AssessmentCorrection,
    CourseLesson,
    CourseRecord,
    CourseVersion,
    LessonProgress,
    QuizAttempt,
    QuizResult,
)

ASSESSED_PARTS = ("practical", "attitude")


@dataclass(frozen=True)
class LiveCourse:
    id: int
    slug: str
    title: str
    category: str
    version_id: int
    lessons_total: int
    theory_required: bool
    practical_required: bool
    attitude_required: bool

    def required_parts(self) -> tuple[str, ...]:
        parts = ("theory",) if self.theory_required else ()
        return parts + tuple(kind for kind in ASSESSED_PARTS if getattr(self, f"{kind}_required"))


def live_courses(course_ids: Iterable[int] | None = None) -> dict[int, LiveCourse]:
    """Courses with a live version (two queries), by course id, in catalogue order."""
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
        .order_by(CourseVersion.category, CourseVersion.title)
    )
    if course_ids is not None:
        statement = statement.where(CourseRecord.id.in_(list(course_ids)))
    rows = db.session.execute(statement).all()
    version_ids = [row[2] for row in rows]
    lesson_counts = (
        dict(
            db.session.execute(
                sa.select(CourseLesson.version_id, sa.func.count())
                .where(CourseLesson.version_id.in_(version_ids))
                .group_by(CourseLesson.version_id)
            ).all()
        )
        if version_ids
        else {}
    )
    courses = {}
    for course_id, slug, version_id, title, category, settings, question_count in rows:
        settings = CourseSettings.from_stored(settings)
        courses[course_id] = LiveCourse(
            id=course_id,
            slug=slug,
            title=title,
            category=category,
            version_id=version_id,
            lessons_total=lesson_counts.get(version_id, 0),
            theory_required=bool(question_count),
            practical_required=settings.practical_required,
            attitude_required=settings.attitude_required,
        )
    return courses


def _user_filter(column, people):
    """`people` is a list of user ids or a SELECT of user ids."""
    if isinstance(people, sa.Select):
        return column.in_(people)
    return column.in_(list(people))


@dataclass
class Results:
    """Raw results of many people in many courses; facts are built only when asked for."""

    courses: dict[int, LiveCourse]
    lessons_read: dict[tuple[int, int], int] = field(default_factory=dict)
    theory: dict[tuple[int, int], tuple[int, int, datetime | None]] = field(
        default_factory=dict
    )  # (attempts, graded, first pass)
    assessed: dict[tuple[int, int, str], tuple[str, datetime | None]] = field(
        default_factory=dict
    )  # (outcome, first pass)

    def get(self, key: tuple[int, int]) -> CourseFacts | None:
        """Facts of (user id, course id), or None when the person has no result there."""
        user_id, course_id = key
        if (
            key not in self.lessons_read
            and key not in self.theory
            and not any((user_id, course_id, kind) in self.assessed for kind in ASSESSED_PARTS)
        ):
            return None
        return self.facts(user_id, self.courses[course_id])

    def facts(self, user_id: int, course: LiveCourse) -> CourseFacts:
        key = (user_id, course.id)
        parts = []
        attempts, graded, first_pass = self.theory.get(key, (0, 0, None))
        if course.theory_required:
            outcome = PART_PASSED if first_pass else (PART_FAILED if graded else PART_PENDING)
            parts.append(Part("theory", outcome, first_pass))
        started = bool(attempts)
        for kind in ASSESSED_PARTS:
            result = self.assessed.get((*key, kind))
            started = started or result is not None
            if getattr(course, f"{kind}_required"):
                outcome, moment = result or (PART_PENDING, None)
                parts.append(Part(kind, outcome, moment))
        read = min(self.lessons_read.get(key, 0), course.lessons_total)
        if not parts:  # no exam and no assessment: done when every lesson is read
            read_all = bool(course.lessons_total) and read >= course.lessons_total
            parts.append(Part("lessons", PART_PASSED if read_all else PART_PENDING))
        return CourseFacts(
            lessons_total=course.lessons_total,
            lessons_read=read,
            parts=tuple(parts),
            started=started,
        )

    def passed_and_started(self, user_id: int, course: LiveCourse) -> tuple[bool, bool]:
        """The two things a matrix cell needs, without building facts (10,000 × 40 cells)."""
        key = (user_id, course.id)
        theory = self.theory.get(key)
        practical = self.assessed.get((user_id, course.id, "practical"))
        attitude = self.assessed.get((user_id, course.id, "attitude"))
        read = self.lessons_read.get(key, 0)
        started = theory is not None or practical is not None or attitude is not None or read > 0
        if not started:
            return False, False
        if course.theory_required or course.practical_required or course.attitude_required:
            passed = (
                (not course.theory_required or (theory is not None and theory[2]))
                and (
                    not course.practical_required
                    or (practical is not None and practical[0] == PART_PASSED)
                )
                and (
                    not course.attitude_required
                    or (attitude is not None and attitude[0] == PART_PASSED)
                )
            )
        else:
            passed = bool(course.lessons_total) and read >= course.lessons_total
        return bool(passed), True


def gather(people, courses: dict[int, LiveCourse]) -> Results:
    """Results of everyone in `people` (user ids or a SELECT of them) in `courses`: three
    grouped queries, whatever the number of people."""
    results = Results(courses)
    if not courses:
        return results
    course_ids = list(courses)
    version_to_course = {course.version_id: course.id for course in courses.values()}
    for user_id, version_id, count in db.session.execute(
        sa.select(LessonProgress.user_id, LessonProgress.version_id, sa.func.count())
        .where(
            _user_filter(LessonProgress.user_id, people),
            LessonProgress.version_id.in_(list(version_to_course)),
        )
        .group_by(LessonProgress.user_id, LessonProgress.version_id)
    ):
        results.lessons_read[(user_id, version_to_course[version_id])] = count

    passed_at = sa.case((QuizResult.passed.is_(True), QuizResult.graded_at))
    for user_id, course_id, attempts, graded, first_pass in db.session.execute(
        sa.select(
            QuizAttempt.user_id,
            QuizAttempt.course_id,
            sa.func.count(QuizAttempt.id),
            sa.func.count(QuizResult.attempt_id),
            sa.func.min(passed_at),
        )
        .outerjoin(QuizResult, QuizResult.attempt_id == QuizAttempt.id)
        .where(_user_filter(QuizAttempt.user_id, people), QuizAttempt.course_id.in_(course_ids))
        .group_by(QuizAttempt.user_id, QuizAttempt.course_id)
    ):
        results.theory[(user_id, course_id)] = (attempts, graded, first_pass)

    effective = sa.func.coalesce(AssessmentCorrection.passed, Assessment.passed)
    for user_id, course_id, kind, count, first_pass in db.session.execute(
        sa.select(
            Assessment.learner_id,
            Assessment.course_id,
            Assessment.kind,
            sa.func.count(Assessment.id),
            sa.func.min(sa.case((effective.is_(True), Assessment.submitted_at))),
        )
        .outerjoin(AssessmentCorrection, AssessmentCorrection.assessment_id == Assessment.id)
        .where(
            _user_filter(Assessment.learner_id, people),
            Assessment.status == "submitted",
            Assessment.course_id.in_(course_ids),
        )
        .group_by(Assessment.learner_id, Assessment.course_id, Assessment.kind)
    ):
        outcome = (
            PART_PASSED if first_pass is not None else (PART_FAILED if count else PART_PENDING)
        )
        results.assessed[(user_id, course_id, kind)] = (outcome, first_pass)
    return results

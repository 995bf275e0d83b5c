"""Which checklists a course asks for, and the outcome that counts for a learner.

The outcome follows submitted results of every version of the course, as corrected on
appeal: this is what the course page, the assessor's pending list and (later) certificates
read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from trainer.assessments import rules
from trainer.assessments.errors import AssessmentError
from trainer.content import settings_of
from trainer.content.model import Checklist
from trainer.courses.service import live_courses_query
from trainer.courses.sync import course_for_version
from trainer.extensions import db
from trainer.models import Assessment, CourseRecord, CourseVersion, User, utcnow
from trainer.models.assessments import ASSESSMENT_KINDS

KINDS = ASSESSMENT_KINDS


# --- checklists --------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistChoice:
    record: CourseRecord
    version: CourseVersion
    kind: str

    @property
    def key(self) -> str:
        return f"{self.record.slug}:{self.kind}"


def checklist_choices() -> list[ChecklistChoice]:
    """Every live course's required practical and attitude checklists."""
    rows = db.session.execute(live_courses_query().order_by(CourseVersion.title)).all()
    return [
        ChecklistChoice(record, version, kind)
        for record, version in rows
        for kind in KINDS
        if required(version, kind)
    ]


def checklist_for(version: CourseVersion, kind: str) -> Checklist:
    course = course_for_version(version)
    checklist = {"practical": course.practical, "attitude": course.attitude}.get(kind)
    if checklist is None:
        raise AssessmentError("no-checklist")
    return checklist


def required(version: CourseVersion, kind: str) -> bool:
    """Does this course version require its practical or attitude assessment?"""
    settings = settings_of(version)
    return {"practical": settings.practical_required, "attitude": settings.attitude_required}[kind]


def wait_minutes(version: CourseVersion) -> int:
    return settings_of(version).quiz.wait_minutes


# --- outcomes ----------------------------------------------------------------------------


def results_for(
    learner_id: int, course_id: int, kind: str, since: datetime | None = None
) -> list[Assessment]:
    """Submitted results of one learner, course (any version) and kind, newest first."""
    statement = (
        sa.select(Assessment)
        .where(
            Assessment.learner_id == learner_id,
            Assessment.course_id == course_id,
            Assessment.kind == kind,
            Assessment.status == "submitted",
        )
        .options(selectinload(Assessment.correction), selectinload(Assessment.appeals))
        .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
    )
    if since is not None:
        statement = statement.where(Assessment.submitted_at >= since)
    return list(db.session.scalars(statement))


def outcome(user: User, version: CourseVersion, kind: str, since: datetime | None = None) -> str:
    """ "passed" once any result (as corrected on appeal) passed, "failed" when results exist
    but none passed, else "pending". Results of every version of the course count."""
    results = results_for(user.id, version.course_id, kind, since)
    if not results:
        return "pending"
    return "passed" if any(result.effective_passed for result in results) else "failed"


def practical_outcome(user: User, version: CourseVersion, since: datetime | None = None) -> str:
    return outcome(user, version, "practical", since)


def attitude_outcome(user: User, version: CourseVersion, since: datetime | None = None) -> str:
    return outcome(user, version, "attitude", since)


def retake_opens_at(learner: User, version: CourseVersion, kind: str) -> datetime | None:
    """When the latest result failed: the moment a new assessment may start."""
    results = results_for(learner.id, version.course_id, kind)
    if not results or results[0].effective_passed:
        return None
    return rules.retake_opens_at(results[0].submitted_at, wait_minutes(version))


@dataclass(frozen=True)
class KindStatus:
    """What the course page says about one required checklist."""

    kind: str
    outcome: str
    latest: Assessment | None
    retake_at: datetime | None  # only while the wait is still running
    open_appeal: bool


def course_status(
    user: User, version: CourseVersion, now: datetime | None = None
) -> list[KindStatus]:
    now = now or utcnow()
    statuses = []
    for kind in KINDS:
        if not required(version, kind):
            continue
        results = results_for(user.id, version.course_id, kind)
        passed = any(result.effective_passed for result in results)
        state = "passed" if passed else ("failed" if results else "pending")
        latest = results[0] if results else None
        retake_at = None
        if latest is not None and not latest.effective_passed:
            opens_at = rules.retake_opens_at(latest.submitted_at, wait_minutes(version))
            retake_at = opens_at if opens_at > now else None
        open_appeal = any(appeal.is_open for result in results for appeal in result.appeals)
        statuses.append(KindStatus(kind, state, latest, retake_at, open_appeal))
    return statuses


@dataclass(frozen=True)
class PendingTask:
    choice: ChecklistChoice
    outcome: str  # "pending" or "failed"


def _targets(version: CourseVersion, learner: User) -> bool:
    positions = settings_of(version).target_positions
    return "all" in positions or (
        learner.position is not None and learner.position.code in positions
    )


def pending_for(learners: list[User]) -> dict[int, list[PendingTask]]:
    """Per learner: required checklists of courses for their position not yet passed."""
    choices = checklist_choices()
    ids = [learner.id for learner in learners]
    results = (
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.learner_id.in_(ids), Assessment.status == "submitted")
            .options(selectinload(Assessment.correction))
        )
        if ids
        else []
    )
    seen: dict[tuple[int, int, str], bool] = {}
    for result in results:
        key = (result.learner_id, result.course_id, result.kind)
        seen[key] = seen.get(key, False) or bool(result.effective_passed)
    pending: dict[int, list[PendingTask]] = {}
    for learner in learners:
        for choice in choices:
            if not _targets(choice.version, learner):
                continue
            passed = seen.get((learner.id, choice.record.id, choice.kind))
            if not passed:
                state = "pending" if passed is None else "failed"
                pending.setdefault(learner.id, []).append(PendingTask(choice, state))
    return pending

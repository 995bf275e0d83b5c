"""Which checklists a course asks for, and the outcome that counts for a learner.

Where a learner stands on them (outcome, retake wait, appeals) is trainer.progress's
business: the course page, the assessor's pending list and certificates read it there.
"""

from __future__ import annotations

from dataclasses import dataclass

from trainer.assessments.errors import AssessmentError
from trainer.content import settings_of
from trainer.content.model import Checklist
from trainer.courses.service import live_courses_query
from trainer.courses.sync import course_for_version
from trainer.extensions import db
from trainer.models import CourseRecord, CourseVersion, User
from trainer.models.assessments import ASSESSMENT_KINDS
from trainer.progress import PASSED, standings

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


# --- what is still to assess --------------------------------------------------------------


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
    """Per learner: required checklists of courses for their position not passed in the
    current cycle (trainer.progress)."""
    choices = checklist_choices()
    found = standings(
        [learner.id for learner in learners], {choice.record.id for choice in choices}
    )
    pending: dict[int, list[PendingTask]] = {}
    for learner in learners:
        for choice in choices:
            if not _targets(choice.version, learner):
                continue
            standing = found.get(learner.id, choice.record.id)
            state = standing.assessment(choice.kind) if standing is not None else None
            if state is not None and state.outcome != PASSED:
                pending.setdefault(learner.id, []).append(PendingTask(choice, state.outcome))
    return pending

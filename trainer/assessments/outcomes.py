"""Which checklists a course asks for, and the outcome that counts for a learner.

Where a learner stands on them (outcome, retake wait, appeals) is trainer.progress's
business: the course page, the assessor's pending list and certificates read it there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from trainer.assessments.errors import AssessmentError
from trainer.content import settings_of
from trainer.content.model import Checklist
from trainer.courses.service import live_courses_query
from trainer.courses.sync import course_for_version
from trainer.extensions import db
from trainer.models import Assessment, CourseRecord, CourseVersion, User
from trainer.models.assessments import ASSESSMENT_KINDS
from trainer.progress import FAILED, PASSED, standings

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


# --- the outcome of one result ---------------------------------------------------------------


@dataclass(frozen=True)
class ResultOutcome:
    """What a submitted result's page says: one final outcome; when an appeal overturned the
    original, what the original was and why (a note, never a second verdict)."""

    passed: bool  # the outcome that counts (the correction's, when there is one)
    changed_on_appeal: bool
    original_passed: bool
    original_critical_failed: bool  # the original failed on a critical item

    @property
    def key(self) -> str:
        return PASSED if self.passed else FAILED

    @property
    def original_key(self) -> str:
        return PASSED if self.original_passed else FAILED

    @property
    def shows_critical_failure(self) -> bool:
        """The critical-item warning is the verdict's reason only while the fail stands."""
        return self.original_critical_failed and not self.passed


def outcome_of(assessment: Assessment) -> ResultOutcome:
    correction = assessment.correction
    original = bool(assessment.passed)
    return ResultOutcome(
        passed=correction.passed if correction is not None else original,
        changed_on_appeal=correction is not None and correction.passed != original,
        original_passed=original,
        original_critical_failed=bool(assessment.critical_failed),
    )


# --- what is still to assess --------------------------------------------------------------


@dataclass(frozen=True)
class PendingTask:
    choice: ChecklistChoice
    outcome: str  # "pending" or "failed"
    due_on: date | None = None  # of the plan or onboarding assignment that asks for it
    retake_at: datetime | None = None  # failed and the wait is not over: no new result before

    @property
    def waiting(self) -> bool:
        return self.retake_at is not None


def pending_for(
    learners: list[User], today: date, now: datetime | None = None
) -> dict[int, list[PendingTask]]:
    """Per learner: the practical and attitude checklists they must still pass, exactly as
    their assigned plans and onboarding ask (trainer.hr.plans.training, the one truth of what
    a person is assigned) and as trainer.progress says they stand; most urgent first."""
    from trainer.hr.plans.training import assignment_views, one_per_course

    views = assignment_views([learner.id for learner in learners], today, now=now)
    choices = {(choice.record.id, choice.kind): choice for choice in checklist_choices()}
    by_learner: dict[int, list] = {}
    for view in views:
        by_learner.setdefault(view.user_id, []).append(view)
    pending: dict[int, list[PendingTask]] = {}
    for learner in learners:
        for view in sorted(
            one_per_course(by_learner.get(learner.id, [])),
            key=lambda v: (v.due_on, v.course.title),
        ):
            for state in view.standing.assessed:
                choice = choices.get((view.course.id, state.kind))
                if choice is None or state.outcome == PASSED:
                    continue
                pending.setdefault(learner.id, []).append(
                    PendingTask(choice, state.outcome, view.due_on, state.retake_at)
                )
    return pending


def retake_waits(learner: User, now: datetime | None = None) -> dict[str, datetime]:
    """Checklist key -> the moment a failed checklist may be assessed again, for each one
    whose wait (trainer.assessments.rules.retake_opens_at, via trainer.progress) is not over."""
    choices = checklist_choices()
    found = standings([learner.id], {choice.record.id for choice in choices}, now)
    waits = {}
    for choice in choices:
        standing = found.get(learner.id, choice.record.id)
        state = standing.assessment(choice.kind) if standing is not None else None
        if state is not None and state.retake_at is not None:
            waits[choice.key] = state.retake_at
    return waits

"""Assessments: drafts the assessor fills in as they go, submission, and reading results.

Functions take the acting user and the time explicitly and raise AssessmentError with a
code the views turn into a message. Every write runs in one write_transaction together with
its audit record. Scope and outcome rules live in scope.py and outcomes.py; their public
functions are re-exported here so callers (views, certificates) have one module to import.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from trainer.assessments.errors import AssessmentError
from trainer.assessments.outcomes import (
    KINDS,
    ChecklistChoice,
    PendingTask,
    checklist_choices,
    checklist_for,
    outcome_of,
    pending_for,
    retake_waits,
)
from trainer.assessments.scope import (
    check_may_assess,
    learners_in_scope,
    may_assess,
    scope_department_ids,
)
from trainer.assessments.scoring import ScoringError, is_critical_failure, score_task
from trainer.audit.service import record
from trainer.completion import record_progress
from trainer.content.model import Checklist, ChecklistItem
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.models import Assessment, AssessmentScore, CourseVersion, User, utcnow
from trainer.models.assessments import ASSESSMENT_MODES
from trainer.notifications import notify, path_for
from trainer.progress import standing_of

__all__ = [
    "KINDS",
    "MODES",
    "AssessmentError",
    "ChecklistChoice",
    "PendingTask",
    "check_may_assess",
    "checklist_choices",
    "checklist_for",
    "checklist_of",
    "drafts_of",
    "get_assessment_for",
    "learners_in_scope",
    "may_assess",
    "outcome_of",
    "own_assessment",
    "pending_for",
    "recent_results_by",
    "results_of",
    "retake_waits",
    "save_draft",
    "scope_department_ids",
    "score_sheet",
    "start_assessment",
    "submit_assessment",
]

MODES = ASSESSMENT_MODES
MAX_PLACE_LENGTH = 200
MAX_COMMENT_LENGTH = 1000
MAX_OVERALL_COMMENT_LENGTH = 4000


def checklist_of(assessment: Assessment) -> Checklist:
    return checklist_for(assessment.version, assessment.kind)


def _check_retake_wait(learner: User, version: CourseVersion, kind: str, now: datetime) -> None:
    standing = standing_of(learner.id, version.course_id, now)
    state = standing.assessment(kind) if standing is not None else None
    if state is not None and state.retake_at is not None:
        raise AssessmentError("retake-wait", opens_at=state.retake_at)


# --- drafts and submission ---------------------------------------------------------------


def audit_facts(assessment: Assessment) -> dict:
    """The facts an audit record keeps about an assessment, readable without joins."""
    return {
        "learner": assessment.learner.employee_no,
        "learner_name": assessment.learner.display_name,
        "course": assessment.course.slug,
        "kind": assessment.kind,
    }


def start_assessment(
    assessor: User,
    learner: User,
    version: CourseVersion,
    kind: str,
    mode: str,
    place: str,
    observed_on: date,
    today: date,
    now: datetime | None = None,
) -> tuple[Assessment, bool]:
    """Open a draft (or return the assessor's draft for the same learner and checklist)."""
    now = now or utcnow()
    if kind not in KINDS or mode not in MODES:
        raise AssessmentError("bad-choice")
    checklist_for(version, kind)
    place = (place or "").strip()
    if not place:
        raise AssessmentError("place-missing")
    if len(place) > MAX_PLACE_LENGTH:
        raise AssessmentError("too-long", num=MAX_PLACE_LENGTH)
    if observed_on > today:
        raise AssessmentError("future-date")
    check_may_assess(assessor, learner)

    def existing_draft() -> Assessment | None:
        return db.session.scalar(
            sa.select(Assessment).where(
                Assessment.assessor_id == assessor.id,
                Assessment.learner_id == learner.id,
                Assessment.version_id == version.id,
                Assessment.kind == kind,
                Assessment.status == "draft",
            )
        )

    try:
        with write_transaction():
            draft = existing_draft()
            if draft is not None:
                return draft, False
            _check_retake_wait(learner, version, kind, now)
            assessment = Assessment(
                learner_id=learner.id,
                assessor_id=assessor.id,
                course_id=version.course_id,
                version_id=version.id,
                kind=kind,
                mode=mode,
                place=place,
                observed_on=observed_on,
                created_at=now,
                updated_at=now,
            )
            db.session.add(assessment)
            db.session.flush()
            record(
                assessor,
                "assessment.started",
                "assessment",
                assessment.id,
                **audit_facts(assessment),
                mode=mode,
                place=place,
                observed_on=observed_on.isoformat(),
            )
    except IntegrityError:  # the same draft opened at the same moment by a double tap
        draft = existing_draft()
        if draft is None:
            raise
        return draft, False
    return assessment, True


def own_assessment(assessment_id: int, assessor: User) -> Assessment | None:
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None or assessment.assessor_id != assessor.id:
        return None
    return assessment


def _check_input(
    checklist: Checklist,
    scores: Mapping[str, int | None],
    comments: Mapping[str, str],
    overall_comment: str,
) -> None:
    invalid = [
        item.title
        for item in checklist.items
        if scores.get(item.id) is not None
        and scores[item.id] not in {score for score, _ in item.scale}
    ]
    if invalid:
        raise AssessmentError("invalid-score", items=invalid)
    if any(len(comments.get(item.id) or "") > MAX_COMMENT_LENGTH for item in checklist.items):
        raise AssessmentError("too-long", num=MAX_COMMENT_LENGTH)
    if len(overall_comment or "") > MAX_OVERALL_COMMENT_LENGTH:
        raise AssessmentError("too-long", num=MAX_OVERALL_COMMENT_LENGTH)


def _check_editable(assessment: Assessment, assessor: User) -> None:
    if assessment.assessor_id != assessor.id:
        raise AssessmentError("not-your-draft")
    if assessment.status != "draft":
        raise AssessmentError("already-submitted")
    check_may_assess(assessor, assessment.learner)


def _lock_draft(assessment_id: int, now: datetime) -> None:
    """Claim the draft row; refuses once it was submitted, even by a request in flight."""
    result = db.session.execute(
        sa.update(Assessment)
        .where(Assessment.id == assessment_id, Assessment.status == "draft")
        .values(updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise AssessmentError("already-submitted")


def _write_scores(
    assessment: Assessment,
    checklist: Checklist,
    scores: Mapping[str, int | None],
    comments: Mapping[str, str],
) -> None:
    """The form holds the whole sheet: store exactly what it says, item by item."""
    rows = {
        row.item_id: row
        for row in db.session.scalars(
            sa.select(AssessmentScore).where(AssessmentScore.assessment_id == assessment.id)
        )
    }
    for item in checklist.items:
        score = scores.get(item.id)
        comment = (comments.get(item.id) or "").strip()
        row = rows.get(item.id)
        if score is None and not comment:
            if row is not None:
                db.session.delete(row)
            continue
        if row is None:
            row = AssessmentScore(assessment_id=assessment.id, item_id=item.id)
            db.session.add(row)
        row.score = score
        row.comment = comment


def save_draft(
    assessment: Assessment,
    assessor: User,
    scores: Mapping[str, int | None],
    comments: Mapping[str, str],
    overall_comment: str,
    now: datetime | None = None,
) -> Assessment:
    now = now or utcnow()
    checklist = checklist_of(assessment)
    _check_input(checklist, scores, comments, overall_comment)
    _check_editable(assessment, assessor)
    with write_transaction():
        _lock_draft(assessment.id, now)
        _write_scores(assessment, checklist, scores, comments)
        assessment.overall_comment = (overall_comment or "").strip()
    return assessment


def submit_assessment(
    assessment: Assessment,
    assessor: User,
    scores: Mapping[str, int | None],
    comments: Mapping[str, str],
    overall_comment: str,
    now: datetime | None = None,
) -> Assessment:
    """Score the whole sheet and freeze it: from here on it is only read, never edited."""
    now = now or utcnow()
    checklist = checklist_of(assessment)
    _check_input(checklist, scores, comments, overall_comment)
    _check_editable(assessment, assessor)
    try:
        task = score_task(checklist, scores)
    except ScoringError as error:
        raise AssessmentError(
            "missing-scores", items=[item.title for item in error.missing]
        ) from error
    with write_transaction():
        _lock_draft(assessment.id, now)
        _check_retake_wait(assessment.learner, assessment.version, assessment.kind, now)
        _write_scores(assessment, checklist, scores, comments)
        assessment.overall_comment = (overall_comment or "").strip()
        assessment.status = "submitted"
        assessment.submitted_at = now
        assessment.points = task.points
        assessment.max_points = task.max_points
        assessment.pass_mark = task.pass_mark
        assessment.passed = task.passed
        assessment.critical_failed = bool(task.critical_failures)
        record(
            assessor,
            "assessment.submitted",
            "assessment",
            assessment.id,
            **audit_facts(assessment),
            percent=task.percent,
            passed=task.passed,
            critical_failures=list(task.critical_failures),
        )
        notify(
            db.session(),
            assessment.learner,
            "assessment_result",
            {"course": assessment.version.title, "kind": assessment.kind, "passed": task.passed},
            path_for("assessments.detail", assessment_id=assessment.id),
            subject=("assessment", assessment.id),
        )
        if task.passed:  # may complete the course: a certificate request, in this transaction
            record_progress(assessment.learner_id, assessment.course_id)
    return assessment


# --- reading results ---------------------------------------------------------------------


def get_assessment_for(assessment_id: int, viewer: User) -> Assessment | None:
    """The assessment if the viewer may read it: the learner (once submitted), its assessor,
    HR and administrators, and assessors whose scope covers the learner."""
    assessment = db.session.get(Assessment, assessment_id)
    if assessment is None:
        return None
    if assessment.assessor_id == viewer.id:
        return assessment
    if assessment.status != "submitted":
        return None
    if assessment.learner_id == viewer.id or viewer.has_role("hr", "admin"):
        return assessment
    if viewer.has_role("assessor") and may_assess(viewer, assessment.learner):
        return assessment
    return None


def results_of(learner: User) -> list[Assessment]:
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.learner_id == learner.id, Assessment.status == "submitted")
            .options(selectinload(Assessment.correction), selectinload(Assessment.appeals))
            .order_by(Assessment.submitted_at.desc(), Assessment.id.desc())
        )
    )


def drafts_of(assessor: User) -> list[Assessment]:
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.assessor_id == assessor.id, Assessment.status == "draft")
            .order_by(Assessment.updated_at.desc())
        )
    )


def recent_results_by(assessor: User, limit: int = 10) -> list[Assessment]:
    return list(
        db.session.scalars(
            sa.select(Assessment)
            .where(Assessment.assessor_id == assessor.id, Assessment.status == "submitted")
            .options(selectinload(Assessment.correction))
            .order_by(Assessment.submitted_at.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class ItemResult:
    item: ChecklistItem
    score: int | None
    label: str | None
    comment: str

    @property
    def critical_failed(self) -> bool:
        return is_critical_failure(self.item, self.score)

    @property
    def points(self) -> int | None:
        """What the item adds to the total: its score times its weight (scoring.py)."""
        return None if self.score is None else self.score * self.item.weight

    @property
    def max_points(self) -> int:
        return self.item.max_score * self.item.weight


@dataclass(frozen=True)
class StepResult:
    title: str
    items: tuple[ItemResult, ...]


@dataclass(frozen=True)
class ScoreSheet:
    steps: tuple[StepResult, ...]

    def __iter__(self):
        return iter(self.steps)

    def __getitem__(self, index: int) -> StepResult:
        return self.steps[index]

    @property
    def points(self) -> int:
        return sum(result.points or 0 for step in self.steps for result in step.items)

    @property
    def max_points(self) -> int:
        return sum(result.max_points for step in self.steps for result in step.items)


def score_sheet(assessment: Assessment) -> ScoreSheet:
    """The checklist step by step with what the assessor gave each item."""
    rows = {row.item_id: row for row in assessment.scores}
    steps = []
    for step in checklist_of(assessment).steps:
        items = []
        for item in step.items:
            row = rows.get(item.id)
            score = row.score if row else None
            label = dict(item.scale).get(score) if score is not None else None
            items.append(ItemResult(item, score, label, row.comment if row else ""))
        steps.append(StepResult(step.title, tuple(items)))
    return ScoreSheet(tuple(steps))

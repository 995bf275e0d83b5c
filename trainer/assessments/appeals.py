"""Appeals (申诉): the learner disputes a failed result; someone else upholds or overturns it.

Nothing is edited in place: an overturned result gets an AssessmentCorrection with the new
outcome, and the original result, the appeal and the decision all stay readable.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from trainer.assessments import rules
from trainer.assessments.errors import AssessmentError
from trainer.assessments.scope import scope_department_ids
from trainer.assessments.service import audit_facts
from trainer.audit.service import record
from trainer.completion import record_progress
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.models import Appeal, Assessment, AssessmentCorrection, User, utcnow
from trainer.notifications import hr_who_manage, notify, path_for

MAX_REASON_LENGTH = 2000
_UNKNOWN = object()


def appeal_deadline(assessment: Assessment, window_days: int) -> datetime:
    return rules.appeal_deadline(assessment.submitted_at, window_days)


def appeal_refusal(
    assessment: Assessment, user: User, window_days: int, now: datetime | None = None
) -> AssessmentError | None:
    """Why this user may not appeal this result now, or None when they may."""
    now = now or utcnow()
    if assessment.learner_id != user.id:
        return AssessmentError("not-your-result")
    if assessment.status != "submitted":
        return AssessmentError("not-submitted")
    if any(appeal.is_open for appeal in assessment.appeals):
        return AssessmentError("appeal-open")
    if assessment.appeals:
        return AssessmentError("appeal-decided")
    if assessment.effective_passed:
        return AssessmentError("nothing-to-appeal")
    if not rules.appeal_in_time(assessment.submitted_at, window_days, now):
        return AssessmentError("appeal-too-late", deadline=appeal_deadline(assessment, window_days))
    return None


def lodge_appeal(
    assessment: Assessment, user: User, reason: str, window_days: int, now: datetime | None = None
) -> Appeal:
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise AssessmentError("reason-missing")
    if len(reason) > MAX_REASON_LENGTH:
        raise AssessmentError("too-long", num=MAX_REASON_LENGTH)
    try:
        with write_transaction():
            refusal = appeal_refusal(assessment, user, window_days, now)
            if refusal is not None:
                raise refusal
            appeal = Appeal(
                assessment_id=assessment.id, appellant_id=user.id, reason=reason, created_at=now
            )
            db.session.add(appeal)
            db.session.flush()
            record(
                user,
                "appeal.lodged",
                "appeal",
                appeal.id,
                assessment=assessment.id,
                **audit_facts(assessment),
                reason=reason,
            )
            facts = {
                "name": user.display_name,
                "no": user.employee_no,
                "course": assessment.version.title,
                "kind": assessment.kind,
            }
            link = path_for("assessments.detail", assessment_id=assessment.id)
            for hr in hr_who_manage(user):
                notify(
                    db.session(), hr, "appeal_lodged", facts, link, subject=("appeal", appeal.id)
                )
    except IntegrityError as error:  # the one-open-appeal index: another tab won the race
        raise AssessmentError("appeal-open") from error
    return appeal


def decide_refusal(
    appeal: Appeal, user: User, scope: set[int] | None | object = _UNKNOWN
) -> AssessmentError | None:
    """Why this user may not decide this appeal, or None when they may.

    ``scope`` is the user's scope_department_ids() when the caller already has it."""
    assessment = appeal.assessment
    if not appeal.is_open:
        return AssessmentError("appeal-closed")
    if assessment.assessor_id == user.id:
        return AssessmentError("own-assessment")
    if assessment.learner_id == user.id:
        return AssessmentError("own-appeal")
    if user.has_role("hr", "admin"):
        return None
    if user.has_role("assessor"):
        if scope is _UNKNOWN:
            scope = scope_department_ids(user)
        if scope is None or assessment.learner.department_id in scope:
            return None
    return AssessmentError("not-allowed")


def decide_appeal(
    appeal: Appeal, user: User, overturn: bool, reason: str, now: datetime | None = None
) -> Appeal:
    """Uphold (the result stands) or overturn (a correction with the opposite outcome)."""
    now = now or utcnow()
    reason = (reason or "").strip()
    if not reason:
        raise AssessmentError("decision-reason-missing")
    if len(reason) > MAX_REASON_LENGTH:
        raise AssessmentError("too-long", num=MAX_REASON_LENGTH)
    refusal = decide_refusal(appeal, user)
    if refusal is not None:
        raise refusal
    status = "overturned" if overturn else "upheld"
    try:
        with write_transaction():
            # Only an appeal still open is decided, even if two people press at once.
            result = db.session.execute(
                sa.update(Appeal)
                .where(Appeal.id == appeal.id, Appeal.status == "open")
                .values(
                    status=status, decided_by_id=user.id, decided_at=now, decision_reason=reason
                )
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                raise AssessmentError("appeal-closed")
            assessment = appeal.assessment
            details = {"assessment": assessment.id, **audit_facts(assessment), "reason": reason}
            if overturn:
                correction = AssessmentCorrection(
                    assessment_id=assessment.id,
                    appeal_id=appeal.id,
                    passed=not assessment.passed,
                    reason=reason,
                    created_by_id=user.id,
                    created_at=now,
                )
                db.session.add(correction)
                db.session.flush()
                details.update(correction=correction.id, passed=correction.passed)
            record(user, f"appeal.{status}", "appeal", appeal.id, **details)
            notify(
                db.session(),
                assessment.learner,
                "appeal_decided",
                {
                    "course": assessment.version.title,
                    "kind": assessment.kind,
                    "overturned": overturn,
                    "passed": assessment.passed != overturn,  # the outcome that now stands
                },
                path_for("assessments.detail", assessment_id=assessment.id),
                subject=("appeal", appeal.id),
            )
            if overturn:
                # The outcome changed: a course may now be complete (certificate eligibility).
                record_progress(assessment.learner_id, assessment.course_id)
    except IntegrityError as error:  # a correction already exists for this result
        raise AssessmentError("appeal-closed") from error
    db.session.refresh(appeal)
    return appeal


def get_appeal(appeal_id: int) -> Appeal | None:
    return db.session.get(Appeal, appeal_id)


def appeals_to_decide(user: User) -> list[Appeal]:
    """Open appeals this user may decide, oldest first."""
    appeals = db.session.scalars(
        sa.select(Appeal)
        .where(Appeal.status == "open")
        .options(selectinload(Appeal.assessment).selectinload(Assessment.learner))
        .order_by(Appeal.created_at)
    )
    scope = scope_department_ids(user)
    return [appeal for appeal in appeals if decide_refusal(appeal, user, scope) is None]


def recently_decided(user: User, limit: int = 20) -> list[Appeal]:
    """Decided appeals the user may read: all for HR and administrators, else their scope."""
    appeals = db.session.scalars(
        sa.select(Appeal)
        .where(Appeal.status != "open")
        .options(selectinload(Appeal.assessment).selectinload(Assessment.learner))
        .order_by(Appeal.decided_at.desc())
        .limit(200)
    )
    if not user.has_role("hr", "admin"):
        scope = scope_department_ids(user) or set()
        appeals = [
            appeal
            for appeal in appeals
            if appeal.assessment.assessor_id == user.id
            or appeal.assessment.learner.department_id in scope
        ]
    return list(appeals)[:limit]

"""HR's side: which assessor may assess which departments, and the audit log to read."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from trainer.assessments.errors import AssessmentError
from trainer.audit.service import record
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.models import (
    Appeal,
    Assessment,
    AssessorAssignment,
    AuditEvent,
    Department,
    User,
    UserRole,
)
from trainer.notifications import notify, path_for


def assignments() -> list[AssessorAssignment]:
    rows = db.session.scalars(
        sa.select(AssessorAssignment)
        .options(
            selectinload(AssessorAssignment.assessor), selectinload(AssessorAssignment.department)
        )
        .join(User, User.id == AssessorAssignment.assessor_id)
        .order_by(User.employee_no, AssessorAssignment.id)
    )
    return list(rows)


def assessors() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .join(UserRole)
            .where(UserRole.role == "assessor", User.active.is_(True))
            .order_by(User.employee_no)
        )
    )


def departments() -> list[Department]:
    return sorted(db.session.scalars(sa.select(Department)), key=lambda d: d.path)


def assign(actor: User, assessor: User, department: Department) -> AssessorAssignment:
    if not assessor.has_role("assessor") or not assessor.active:
        raise AssessmentError("not-an-assessor", name=assessor.display_name)
    try:
        with write_transaction():
            assignment = AssessorAssignment(
                assessor_id=assessor.id, department_id=department.id, created_by_id=actor.id
            )
            db.session.add(assignment)
            db.session.flush()
            record(
                actor,
                "assessor.assigned",
                "assessor_assignment",
                assignment.id,
                assessor=assessor.employee_no,
                assessor_name=assessor.display_name,
                department=department.path,
            )
            notify(
                db.session(),
                assessor,
                "assessor_assigned",
                {"department": department.path},
                path_for("assessments.index"),
                subject=("assessor_assignment", assignment.id),
            )
    except IntegrityError as error:  # unique (assessor, department)
        raise AssessmentError(
            "already-assigned", name=assessor.display_name, department=department.path
        ) from error
    return assignment


def unassign(actor: User, assignment: AssessorAssignment) -> None:
    assessor, department = assignment.assessor, assignment.department
    facts = {
        "assessor": assessor.employee_no,
        "assessor_name": assessor.display_name,
        "department": department.path,
    }
    assignment_id = assignment.id
    with write_transaction():
        deleted = db.session.execute(
            sa.delete(AssessorAssignment)
            .where(AssessorAssignment.id == assignment_id)
            .execution_options(synchronize_session=False)
        )
        if deleted.rowcount == 1:
            record(actor, "assessor.unassigned", "assessor_assignment", assignment_id, **facts)
    db.session.expire_all()


def find_people(query: str, limit: int = 20) -> list[User]:
    query = (query or "").strip()
    if not query:
        return []
    pattern = f"%{query}%"
    return list(
        db.session.scalars(
            sa.select(User)
            .where(sa.or_(User.employee_no == query, User.display_name.ilike(pattern)))
            .order_by(User.employee_no)
            .limit(limit)
        )
    )


def audit_log_query(learners: list[User] | None = None) -> sa.Select:
    """Every audit event, newest first; for given learners, the events about their
    assessments and appeals and what they did themselves."""
    statement = (
        sa.select(AuditEvent)
        .options(selectinload(AuditEvent.actor))
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
    if learners is None:
        return statement
    ids = [learner.id for learner in learners]
    assessment_ids = sa.select(Assessment.id).where(Assessment.learner_id.in_(ids))
    appeal_ids = sa.select(Appeal.id).join(Assessment).where(Assessment.learner_id.in_(ids))
    return statement.where(
        sa.or_(
            sa.and_(
                AuditEvent.subject_type == "assessment", AuditEvent.subject_id.in_(assessment_ids)
            ),
            sa.and_(AuditEvent.subject_type == "appeal", AuditEvent.subject_id.in_(appeal_ids)),
            AuditEvent.actor_id.in_(ids),
        )
    )

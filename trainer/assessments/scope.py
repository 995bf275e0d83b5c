"""Who may assess whom: HR assigns departments; a department covers everything below it."""

from __future__ import annotations

import sqlalchemy as sa

from trainer.assessments import rules
from trainer.assessments.errors import AssessmentError
from trainer.extensions import db
from trainer.models import AssessorAssignment, Department, User


def scope_department_ids(assessor: User) -> set[int] | None:
    """Departments whose staff the user may assess; None means everyone (administrators)."""
    if assessor.has_role("admin"):
        return None
    if not assessor.has_role("assessor"):
        return set()
    roots = list(
        db.session.scalars(
            sa.select(AssessorAssignment.department_id).where(
                AssessorAssignment.assessor_id == assessor.id
            )
        )
    )
    if not roots:
        return set()
    parent_of = dict(db.session.execute(sa.select(Department.id, Department.parent_id)).all())
    return rules.departments_below(roots, parent_of)


def check_may_assess(assessor: User, learner: User) -> None:
    if learner.id == assessor.id:
        raise AssessmentError("self")
    if not learner.active:
        raise AssessmentError("inactive", name=learner.display_name)
    scope = scope_department_ids(assessor)
    if scope is not None and learner.department_id not in scope:
        raise AssessmentError("out-of-scope", name=learner.display_name)


def may_assess(assessor: User, learner: User) -> bool:
    try:
        check_may_assess(assessor, learner)
    except AssessmentError:
        return False
    return True


def learners_in_scope(assessor: User, query: str = "") -> sa.Select:
    """Active staff the assessor may assess, never themselves; by name or employee number."""
    statement = (
        sa.select(User)
        .where(User.active.is_(True), User.id != assessor.id)
        .order_by(User.employee_no)
    )
    scope = scope_department_ids(assessor)
    if scope is not None:
        statement = statement.where(User.department_id.in_(sorted(scope)))
    query = (query or "").strip()
    if query:
        pattern = f"%{query}%"
        statement = statement.where(
            sa.or_(User.display_name.ilike(pattern), User.employee_no.ilike(pattern))
        )
    return statement

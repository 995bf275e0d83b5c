"""What a person has to do: their assignments, most urgent first, and the onboarding
checklist that ends with being cleared to take up the post (可以正式上岗).

Who else may look: HR and administrators; a store supervisor or store manager of the same
department; an assessor whose assigned departments include the person's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from trainer.extensions import db
from trainer.hr.plans import rules
from trainer.models import User
from trainer.models.plans import PlanAssignment, PlanItem, SkillPlan
from trainer.progress import LiveCourse, Standing, standings

SUPERVISOR_POSITIONS = ("store-supervisor", "store-manager")


@dataclass(frozen=True)
class AssignmentView:
    assignment_id: int
    user_id: int
    plan_id: int
    plan_name: str
    plan_kind: str
    mandatory: bool
    course: LiveCourse
    due_on: date
    status: str
    progress: int
    standing: Standing  # trainer.progress: where the person stands on the course

    def days_from(self, today: date) -> int:
        return (self.due_on - today).days


def assignment_views(
    people,
    today: date,
    plan_id: int | None = None,
    course_ids: list[int] | None = None,
    now: datetime | None = None,
) -> list[AssignmentView]:
    """Current assignments (active people, not withdrawn, live courses, plans not archived
    unless `plan_id` names one) of `people` (user ids or a SELECT of them), with status and
    standing at `now` (default: the clock's now). A fixed number of queries."""
    statement = (
        sa.select(
            PlanAssignment.id,
            PlanAssignment.user_id,
            PlanAssignment.due_on,
            PlanItem.course_id,
            PlanItem.mandatory,
            SkillPlan.id,
            SkillPlan.name,
            SkillPlan.kind,
        )
        .join(PlanItem, PlanAssignment.item_id == PlanItem.id)
        .join(SkillPlan, PlanItem.plan_id == SkillPlan.id)
        .join(User, PlanAssignment.user_id == User.id)
        .where(
            PlanAssignment.withdrawn_at.is_(None),
            User.active.is_(True),
            PlanAssignment.user_id.in_(people if isinstance(people, sa.Select) else list(people)),
        )
    )
    if plan_id is not None:
        statement = statement.where(SkillPlan.id == plan_id)
    else:
        # An archived plan asks nothing more of anyone: no to-do, no reminder, no overdue.
        statement = statement.where(SkillPlan.archived_at.is_(None))
    if course_ids is not None:
        statement = statement.where(PlanItem.course_id.in_(course_ids))
    rows = db.session.execute(statement).all()
    found = standings(people, {row.course_id for row in rows}, now)
    views = []
    for (
        assignment_id,
        user_id,
        due,
        course_id,
        mandatory,
        the_plan_id,
        plan_name,
        plan_kind,
    ) in rows:
        standing = found.get(user_id, course_id)
        if standing is None:  # the course folder was removed: nothing to do for it now
            continue
        views.append(
            AssignmentView(
                assignment_id,
                user_id,
                the_plan_id,
                plan_name,
                plan_kind,
                mandatory,
                standing.course,
                due,
                rules.status(standing, due, today),
                rules.progress_percent(standing),
                standing,
            )
        )
    return views


@dataclass(frozen=True)
class Training:
    person: User
    assignments: list[AssignmentView]  # most urgent first; one per course
    onboarding: list[AssignmentView]  # mandatory courses of onboarding plans
    clearance: rules.Clearance | None  # None: no onboarding plan


def one_per_course(views: list[AssignmentView]) -> list[AssignmentView]:
    """A course in two plans is one thing to do: keep the earliest due date, and mandatory
    wins over optional."""
    best: dict[int, AssignmentView] = {}
    for view in views:
        current = best.get(view.course.id)
        if current is None or (not view.mandatory, view.due_on) < (
            not current.mandatory,
            current.due_on,
        ):
            best[view.course.id] = view
    return list(best.values())


def training_of(person: User, today: date) -> Training:
    views = assignment_views([person.id], today)
    assignments = sorted(
        one_per_course(views),
        key=lambda v: (rules.urgency_key(v.status, v.due_on, v.mandatory), v.course.title),
    )
    onboarding = sorted(
        one_per_course([v for v in views if v.plan_kind == "onboarding" and v.mandatory]),
        key=lambda v: (v.due_on, v.course.title),
    )
    clearance = rules.clearance([v.standing for v in onboarding]) if onboarding else None
    return Training(person, assignments, onboarding, clearance)


def onboarding_by_person(
    people, today: date
) -> dict[int, tuple[list[AssignmentView], rules.Clearance]]:
    """For reports and supervisors: each new hire's onboarding courses and clearance."""
    views = [
        v for v in assignment_views(people, today) if v.plan_kind == "onboarding" and v.mandatory
    ]
    by_person: dict[int, list[AssignmentView]] = {}
    for view in views:
        by_person.setdefault(view.user_id, []).append(view)
    result = {}
    for user_id, person_views in by_person.items():
        courses = sorted(one_per_course(person_views), key=lambda v: (v.due_on, v.course.title))
        result[user_id] = (courses, rules.clearance([v.standing for v in courses]))
    return result


# --- who may see whose training -------------------------------------------------------------


def _assessor_departments(viewer: User) -> set[int]:
    from trainer.assessments.service import scope_department_ids

    scope = scope_department_ids(viewer) if viewer.has_role("assessor") else set()
    return scope or set()


def is_supervisor(viewer: User) -> bool:
    return (
        viewer.position is not None
        and (viewer.position.code in SUPERVISOR_POSITIONS or viewer.position.manages_department)
        and viewer.department_id is not None
    )


def may_view_training(viewer: User, person: User) -> bool:
    if viewer.id == person.id or viewer.has_role("hr", "admin"):
        return True
    if person.department_id is None:
        return False
    if is_supervisor(viewer) and viewer.department_id == person.department_id:
        return True
    return person.department_id in _assessor_departments(viewer)


def team_query(viewer: User) -> sa.Select:
    """Active people this viewer looks after (not themselves), by employee number."""
    departments = _assessor_departments(viewer)
    if is_supervisor(viewer):
        departments = departments | {viewer.department_id}
    return (
        sa.select(User)
        .where(
            User.active.is_(True), User.id != viewer.id, User.department_id.in_(sorted(departments))
        )
        .order_by(User.employee_no)
    )


def looks_after_anyone(viewer: User) -> bool:
    return is_supervisor(viewer) or bool(_assessor_departments(viewer))

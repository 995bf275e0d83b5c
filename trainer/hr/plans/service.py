"""Skill plans: drawing them up, and assigning them to the people they target.

Assignment is a sync: run it again after staff changes and new people get the plan, people
who no longer match are withdrawn (their history stays), and nobody gets a duplicate (a
unique constraint on item and person backs this, so two syncs at once cannot double up).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from trainer.assessments.rules import departments_below
from trainer.audit.service import record
from trainer.clock import local_today
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.hr.plans import rules
from trainer.models import CourseRecord, Department, Position, User, utcnow
from trainer.models.plans import (
    DUE_KINDS,
    PLAN_KINDS,
    TARGET_KINDS,
    PlanAssignment,
    PlanItem,
    PlanTarget,
    SkillPlan,
)

MAX_NAME = 200
MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_DUE_DAYS = 3650


class PlanError(Exception):
    """Something the rules refuse; ``code`` picks the message shown."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


# --- drawing up a plan --------------------------------------------------------------------


def plans(archived: bool = False) -> list[SkillPlan]:
    """The plans in use, or (archived=True) only the archived ones."""
    in_list = SkillPlan.archived_at.is_not(None) if archived else SkillPlan.archived_at.is_(None)
    return list(
        db.session.scalars(
            sa.select(SkillPlan).where(in_list).order_by(SkillPlan.year.desc(), SkillPlan.name)
        )
    )


def get_plan(plan_id: int) -> SkillPlan | None:
    return db.session.get(SkillPlan, plan_id)


def _check_plan_fields(name: str, year: int, kind: str) -> str:
    name = (name or "").strip()
    if not name:
        raise PlanError("name-missing")
    if len(name) > MAX_NAME:
        raise PlanError("name-too-long", num=MAX_NAME)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise PlanError("bad-year")
    if kind not in PLAN_KINDS:
        raise PlanError("bad-kind")
    return name


def create_plan(
    actor: User,
    name: str,
    year: int,
    kind: str,
    description: str = "",
    starts_on: date | None = None,
) -> SkillPlan:
    """`starts_on` defaults to January 1 of the plan's year."""
    name = _check_plan_fields(name, year, kind)
    starts_on = starts_on or date(year, 1, 1)
    try:
        with write_transaction():
            plan = SkillPlan(
                name=name,
                year=year,
                kind=kind,
                starts_on=starts_on,
                description=description.strip(),
                created_by_id=actor.id,
            )
            db.session.add(plan)
            db.session.flush()
            record(
                actor,
                "plan.created",
                "plan",
                plan.id,
                name=name,
                year=year,
                kind=kind,
                starts_on=starts_on.isoformat(),
            )
    except IntegrityError as error:
        raise PlanError("duplicate-plan", name=name, year=year) from error
    return plan


def update_plan(
    actor: User,
    plan: SkillPlan,
    name: str,
    year: int,
    kind: str,
    description: str = "",
    starts_on: date | None = None,
) -> None:
    """A new start changes the due dates of current staff at the next assignment."""
    name = _check_plan_fields(name, year, kind)
    try:
        with write_transaction():
            plan.name, plan.year, plan.kind = name, year, kind
            plan.description = description.strip()
            if starts_on is not None:
                plan.starts_on = starts_on
            record(
                actor,
                "plan.updated",
                "plan",
                plan.id,
                name=name,
                year=year,
                kind=kind,
                starts_on=plan.starts_on.isoformat(),
            )
    except IntegrityError as error:
        raise PlanError("duplicate-plan", name=name, year=year) from error


def add_item(
    actor: User,
    plan: SkillPlan,
    course: CourseRecord,
    mandatory: bool,
    due_kind: str,
    due_date: date | None = None,
    due_days: int | None = None,
    staff_due_date: date | None = None,
    today: date | None = None,
) -> PlanItem:
    """A date that has already gone by is refused: everyone would start overdue."""
    today = today or local_today()
    if due_kind not in DUE_KINDS:
        raise PlanError("bad-due-kind")
    if due_kind == "fixed" and due_date is None:
        raise PlanError("due-date-missing")
    if due_kind == "fixed" and rules.starts_overdue(due_date, today):
        raise PlanError("due-date-passed", date=due_date.isoformat())
    if due_kind != "fixed" and (due_days is None or not 0 <= due_days <= MAX_DUE_DAYS):
        raise PlanError("due-days-missing", num=MAX_DUE_DAYS)
    if due_kind != "after_hire":
        staff_due_date = None  # only "after hire" tells current staff from new hires
    if staff_due_date is not None and rules.starts_overdue(staff_due_date, today):
        raise PlanError("staff-due-date-passed", date=staff_due_date.isoformat())
    try:
        with write_transaction():
            item = PlanItem(
                plan_id=plan.id,
                course_id=course.id,
                mandatory=mandatory,
                due_kind=due_kind,
                due_date=due_date if due_kind == "fixed" else None,
                due_days=due_days if due_kind != "fixed" else None,
                staff_due_date=staff_due_date,
            )
            db.session.add(item)
            db.session.flush()
            record(
                actor,
                "plan.item_added",
                "plan",
                plan.id,
                course=course.slug,
                mandatory=mandatory,
                due_kind=due_kind,
                due_date=due_date.isoformat() if due_kind == "fixed" else None,
                due_days=due_days if due_kind != "fixed" else None,
                staff_due_date=staff_due_date.isoformat() if staff_due_date else None,
            )
    except IntegrityError as error:
        raise PlanError("duplicate-course") from error
    return item


def remove_item(actor: User, item: PlanItem) -> None:
    with write_transaction():
        record(actor, "plan.item_removed", "plan", item.plan_id, course=item.course.slug)
        db.session.delete(item)


def add_target(
    actor: User,
    plan: SkillPlan,
    kind: str,
    department: Department | None = None,
    position: Position | None = None,
    user: User | None = None,
    hired_since: date | None = None,
) -> PlanTarget:
    needs = {"department": department, "position": position, "person": user, "new_hires": position}
    if kind not in TARGET_KINDS:
        raise PlanError("bad-target")
    if needs[kind] is None:
        raise PlanError(f"target-{kind}-missing")
    if kind == "new_hires" and hired_since is None:
        raise PlanError("hired-since-missing")
    with write_transaction():
        target = PlanTarget(
            plan_id=plan.id,
            kind=kind,
            department_id=department.id if kind == "department" else None,
            position_id=position.id if kind in ("position", "new_hires") else None,
            user_id=user.id if kind == "person" else None,
            hired_since=hired_since if kind == "new_hires" else None,
        )
        db.session.add(target)
        db.session.flush()
        record(actor, "plan.target_added", "plan", plan.id, kind=kind)
    return target


def remove_target(actor: User, target: PlanTarget) -> None:
    with write_transaction():
        record(actor, "plan.target_removed", "plan", target.plan_id, kind=target.kind)
        db.session.delete(target)


# --- assigning ----------------------------------------------------------------------------


@dataclass
class SyncResult:
    added: int = 0
    withdrawn: int = 0
    restored: int = 0
    redated: int = 0

    def __iadd__(self, other: SyncResult) -> SyncResult:
        self.added += other.added
        self.withdrawn += other.withdrawn
        self.restored += other.restored
        self.redated += other.redated
        return self


def targeted_people(plan: SkillPlan) -> dict[int, date | None]:
    """Active people the plan's targets match: {user id: hire date}. One query."""
    conditions = []
    department_roots = [t.department_id for t in plan.targets if t.kind == "department"]
    if department_roots:
        parent_of = dict(db.session.execute(sa.select(Department.id, Department.parent_id)).all())
        conditions.append(
            User.department_id.in_(sorted(departments_below(department_roots, parent_of)))
        )
    positions = [t.position_id for t in plan.targets if t.kind == "position"]
    if positions:
        conditions.append(User.position_id.in_(positions))
    people = [t.user_id for t in plan.targets if t.kind == "person"]
    if people:
        conditions.append(User.id.in_(people))
    for target in plan.targets:
        if target.kind == "new_hires":
            conditions.append(
                sa.and_(
                    User.position_id == target.position_id, User.hire_date >= target.hired_since
                )
            )
    if not conditions:
        return {}
    return dict(
        db.session.execute(
            sa.select(User.id, User.hire_date).where(User.active.is_(True), sa.or_(*conditions))
        ).all()
    )


@dataclass
class _Changes:
    """What a sync of one plan would write, worked out without writing anything."""

    result: SyncResult
    new_rows: list[dict]
    updates: list[dict]
    people: int
    # Per item: the due date of every targeted person after the sync, and of the new ones.
    due_dates: dict[int, Counter]
    new_due_dates: dict[int, Counter]


def _changes(plan: SkillPlan, today: date) -> _Changes:
    result = SyncResult()
    people = targeted_people(plan)
    item_ids = [item.id for item in plan.items]
    existing = (
        {
            (row.item_id, row.user_id): row
            for row in db.session.execute(
                sa.select(
                    PlanAssignment.id,
                    PlanAssignment.item_id,
                    PlanAssignment.user_id,
                    PlanAssignment.assigned_on,
                    PlanAssignment.due_on,
                    PlanAssignment.withdrawn_at,
                ).where(PlanAssignment.item_id.in_(item_ids))
            )
        }
        if item_ids
        else {}
    )
    now = utcnow()
    new_rows, updates = [], []
    due_dates = {item.id: Counter() for item in plan.items}
    new_due_dates = {item.id: Counter() for item in plan.items}
    for item in plan.items:
        for user_id, hire_date in people.items():
            row = existing.get((item.id, user_id))
            assigned_on = row.assigned_on if row else today
            due = rules.due_on(
                item.due_kind,
                item.due_date,
                item.due_days,
                hire_date,
                assigned_on,
                plan.starts_on,
                item.staff_due_date,
            )
            due_dates[item.id][due] += 1
            if row is None:
                new_due_dates[item.id][due] += 1
                new_rows.append(
                    {
                        "item_id": item.id,
                        "user_id": user_id,
                        "assigned_at": now,
                        "assigned_on": today,
                        "due_on": due,
                    }
                )
                result.added += 1
                continue
            change = {}
            if row.withdrawn_at is not None:
                change["withdrawn_at"] = None
                result.restored += 1
            if row.due_on != due:
                change["due_on"] = due
                result.redated += 1
            if change:
                updates.append({"id": row.id, **change})
    for (_item_id, user_id), row in existing.items():
        if user_id not in people and row.withdrawn_at is None:
            updates.append({"id": row.id, "withdrawn_at": now})
            result.withdrawn += 1
    return _Changes(result, new_rows, updates, len(people), due_dates, new_due_dates)


def _sync(plan: SkillPlan, today: date) -> SyncResult:
    """Bring one plan's assignments in line with its targets. Runs inside the caller's
    transaction."""
    return _apply(plan, _changes(plan, today))


def _apply(plan: SkillPlan, changes: _Changes) -> SyncResult:
    if changes.new_rows:
        db.session.execute(sa.insert(PlanAssignment), changes.new_rows)
    if changes.updates:
        db.session.execute(sa.update(PlanAssignment), changes.updates)
    plan.synced_at = utcnow()
    return changes.result


@dataclass(frozen=True)
class ItemPreview:
    item: PlanItem
    due_dates: list[tuple[date, int, int]]  # (due date, people, of whom new), earliest first
    added: int
    starting_overdue: int  # new assignments whose due date has already gone by


@dataclass(frozen=True)
class Preview:
    """What "Assign" would do, for HR to check before pressing it."""

    people: int
    result: SyncResult
    items: list[ItemPreview]

    @property
    def starting_overdue(self) -> int:
        return sum(item.starting_overdue for item in self.items)


def preview(plan: SkillPlan, today: date) -> Preview:
    """Reads only: the same computation the sync writes."""
    changes = _changes(plan, today)
    items = []
    for item in plan.items:
        everyone, new = changes.due_dates[item.id], changes.new_due_dates[item.id]
        items.append(
            ItemPreview(
                item,
                [(due, everyone[due], new[due]) for due in sorted(everyone)],
                sum(new.values()),
                _starting_overdue(new, today),
            )
        )
    return Preview(changes.people, changes.result, items)


def _starting_overdue(new_due_dates: Counter, today: date) -> int:
    return sum(n for due, n in new_due_dates.items() if rules.starts_overdue(due, today))


def _refuse_starting_overdue(plan: SkillPlan, changes: _Changes, today: date) -> None:
    for item in plan.items:
        late = _starting_overdue(changes.new_due_dates[item.id], today)
        if late:
            raise PlanError(
                "would-start-overdue",
                course=_course_title(item.course),
                date=item.due_date.isoformat() if item.due_date else "",
                num=late,
            )


def _course_title(course: CourseRecord) -> str:
    return course.current_version.title if course.current_version else course.slug


def sync_plan(
    actor: User | None, plan: SkillPlan, today: date, people: Sequence[User] = ()
) -> SyncResult:
    """HR's "Assign": refused for an archived plan, and when someone would be given a
    course whose fixed due date has gone by (nothing is written then). ``people`` (ticked
    on the people list) become the plan's person targets in the same transaction, so a
    refusal adds none of them."""
    for attempt in range(2):
        try:
            with write_transaction():
                plan = db.session.get(SkillPlan, plan.id)
                if plan.archived:
                    raise PlanError("plan-archived")
                _add_people(actor, plan, people)
                changes = _changes(plan, today)
                _refuse_starting_overdue(plan, changes, today)
                result = _apply(plan, changes)
                record(
                    actor,
                    "plan.synced",
                    "plan",
                    plan.id,
                    added=result.added,
                    withdrawn=result.withdrawn,
                    restored=result.restored,
                )
            return result
        except IntegrityError:
            # Another sync inserted the same assignments a moment ago; the second pass
            # sees them and adds nothing twice.
            if attempt:
                raise
    raise AssertionError("unreachable")


def _add_people(actor: User | None, plan: SkillPlan, people: Sequence[User]) -> None:
    already = {target.user_id for target in plan.targets if target.kind == "person"}
    added = [person for person in people if person.id not in already]
    for person in added:
        plan.targets.append(PlanTarget(kind="person", user_id=person.id))
    if added:
        db.session.flush()
        record(
            actor,
            "plan.target_added",
            "plan",
            plan.id,
            kind="person",
            people=[person.employee_no for person in added],
        )


def archive_plan(actor: User, plan: SkillPlan) -> None:
    """An archived plan assigns nobody and reminds nobody; its history stays."""
    with write_transaction():
        if plan.archived_at is None:
            plan.archived_at = utcnow()
            record(actor, "plan.archived", "plan", plan.id, name=plan.name)


def restore_plan(actor: User, plan: SkillPlan) -> None:
    with write_transaction():
        if plan.archived_at is not None:
            plan.archived_at = None
            record(actor, "plan.restored", "plan", plan.id, name=plan.name)


def plans_to_sync(today: date) -> list[SkillPlan]:
    """Automatic syncs (after an import, nightly) cover this year's plans and later ones that
    are not archived; an older plan is synced only from its page."""
    return list(
        db.session.scalars(
            sa.select(SkillPlan)
            .where(SkillPlan.year >= today.year, SkillPlan.archived_at.is_(None))
            .order_by(SkillPlan.id)
        )
    )


def sync_all_plans(today: date) -> SyncResult:
    """Inside the caller's transaction (the staff import applies with it)."""
    total = SyncResult()
    for plan in plans_to_sync(today):
        total += _sync(plan, today)
    return total


def sync_all(actor: User | None, today: date) -> SyncResult:
    for attempt in range(2):
        try:
            with write_transaction():
                result = sync_all_plans(today)
                record(
                    actor,
                    "plan.synced",
                    "plan",
                    None,
                    added=result.added,
                    withdrawn=result.withdrawn,
                    restored=result.restored,
                )
            return result
        except IntegrityError:
            if attempt:
                raise
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class PlanFigures:
    people: int
    by_status: dict[str, int]


def plan_figures(plan: SkillPlan, today: date) -> PlanFigures:
    """Counts for the plan page: assignments of active people, by status."""
    from trainer.hr.plans.training import assignment_views

    views = assignment_views(
        sa.select(PlanAssignment.user_id)
        .join(PlanItem)
        .where(PlanItem.plan_id == plan.id, PlanAssignment.withdrawn_at.is_(None)),
        today,
        plan_id=plan.id,
    )
    by_status = dict.fromkeys(rules.STATUSES, 0)
    for view in views:
        by_status[view.status] += 1
    return PlanFigures(len({view.user_id for view in views}), by_status)

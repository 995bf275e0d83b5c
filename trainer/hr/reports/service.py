"""HR reports: completion matrix, overdue list, exam results per course, onboarding status,
and the figures behind the charts. Every report reads people through one filter (department
with everything below it, position) and costs the same number of queries for 5 people or
10,000.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from trainer.assessments.rules import departments_below
from trainer.extensions import db
from trainer.hr.plans import rules
from trainer.hr.plans.training import AssignmentView, assignment_views, onboarding_by_person
from trainer.models import (
    Assessment,
    AssessmentCorrection,
    Certificate,
    Department,
    Position,
    QuizAttempt,
    QuizResult,
    User,
    UserRole,
)
from trainer.models.plans import PlanAssignment, PlanItem, SkillPlan
from trainer.progress import CertificateState, LiveCourse, live_courses, standings

NOT_ASSIGNED = "none"
MATRIX_PAGE_SIZE = 200


@dataclass(frozen=True)
class Filters:
    department_id: int | None = None
    position_id: int | None = None
    plan_id: int | None = None  # only the people of this plan, and only its courses
    course_id: int | None = None  # only this course
    # Who manages whom (trainer.auth.authority.roles_out_of_reach): holders of these roles
    # are not the viewer's to manage, so no report of theirs lists them.
    roles_left_out: frozenset[str] = frozenset()

    def people(self) -> sa.Select:
        """Active people in the department (and below it) with the position (and, filtered by
        a plan, given that plan and not withdrawn from it), as user ids."""
        statement = sa.select(User.id).where(User.active.is_(True))
        if self.roles_left_out:
            statement = statement.where(
                User.id.not_in(
                    sa.select(UserRole.user_id).where(
                        UserRole.role.in_(sorted(self.roles_left_out))
                    )
                )
            )
        if self.department_id is not None:
            parent_of = dict(
                db.session.execute(sa.select(Department.id, Department.parent_id)).all()
            )
            below = departments_below([self.department_id], parent_of)
            statement = statement.where(User.department_id.in_(sorted(below)))
        if self.position_id is not None:
            statement = statement.where(User.position_id == self.position_id)
        if self.plan_id is not None:
            statement = statement.where(
                User.id.in_(
                    sa.select(PlanAssignment.user_id)
                    .join(PlanItem, PlanAssignment.item_id == PlanItem.id)
                    .where(PlanItem.plan_id == self.plan_id, PlanAssignment.withdrawn_at.is_(None))
                )
            )
        return statement

    def course_ids(self) -> list[int] | None:
        """The courses a report covers: None for every course."""
        if self.course_id is not None:
            return [self.course_id]
        if self.plan_id is not None:
            return list(
                db.session.scalars(
                    sa.select(PlanItem.course_id).where(PlanItem.plan_id == self.plan_id)
                )
            )
        return None

    def assignments(self, statement: sa.Select) -> sa.Select:
        """An assignment query (joined to PlanItem) narrowed to the plan and course filtered,
        and to plans not archived unless a plan is chosen."""
        if self.plan_id is not None:
            statement = statement.where(PlanItem.plan_id == self.plan_id)
        else:
            statement = statement.where(
                PlanItem.plan_id.in_(sa.select(SkillPlan.id).where(SkillPlan.archived_at.is_(None)))
            )
        if self.course_id is not None:
            statement = statement.where(PlanItem.course_id == self.course_id)
        return statement


@dataclass(frozen=True)
class Person:
    id: int
    employee_no: str
    name: str
    department: str
    position: str
    hire_date: date | None
    department_id: int | None = None


def department_paths() -> dict[int, str]:
    nodes = {
        row.id: (row.name, row.parent_id)
        for row in db.session.execute(
            sa.select(Department.id, Department.name, Department.parent_id)
        )
    }
    paths: dict[int, str] = {}

    def path_of(node_id: int, depth: int = 0) -> str:
        if node_id not in paths:
            name, parent_id = nodes[node_id]
            paths[node_id] = (
                name
                if parent_id is None or depth > 50
                else f"{path_of(parent_id, depth + 1)}/{name}"
            )
        return paths[node_id]

    for node_id in nodes:
        path_of(node_id)
    return paths


def people_rows(people, limit: int | None = None, offset: int = 0) -> list[Person]:
    statement = (
        sa.select(
            User.id,
            User.employee_no,
            User.display_name,
            User.department_id,
            Position.name,
            User.hire_date,
        )
        .outerjoin(Position, User.position_id == Position.id)
        .where(User.id.in_(people if isinstance(people, sa.Select) else list(people)))
        .order_by(User.employee_no)
    )
    if limit is not None:
        statement = statement.limit(limit).offset(offset)
    paths = department_paths()
    return [
        Person(row[0], row[1], row[2], paths.get(row[3], ""), row[4] or "", row[5], row[3])
        for row in db.session.execute(statement)
    ]


def count_people(filters: Filters) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(filters.people().subquery()))


# --- completion matrix --------------------------------------------------------------------


@dataclass
class Matrix:
    people: list[Person]
    courses: list[LiveCourse]
    cells: dict[tuple[int, int], str]  # (user id, course id) -> status or NOT_ASSIGNED
    column_counts: dict[int, Counter] = field(default_factory=dict)
    total_people: int = 0


def matrix(
    filters: Filters, today: date, page: int | None = 1, page_size: int = MATRIX_PAGE_SIZE
) -> Matrix:
    """People × live courses. `page=None` gives everyone (the export)."""
    if page is None:
        people = people_rows(filters.people())
        scope = filters.people()
        total = len(people)
    else:
        total = count_people(filters)
        people = people_rows(filters.people(), limit=page_size, offset=(page - 1) * page_size)
        scope = [person.id for person in people]
    found = standings(scope)
    course_ids = filters.course_ids()
    courses = {
        course_id: course
        for course_id, course in found.courses.items()
        if course_ids is None or course_id in course_ids
    }
    due: dict[tuple[int, int], date] = {}
    for user_id, course_id, due_on in db.session.execute(
        filters.assignments(
            sa.select(
                PlanAssignment.user_id, PlanItem.course_id, sa.func.min(PlanAssignment.due_on)
            )
            .join(PlanItem, PlanAssignment.item_id == PlanItem.id)
            .where(
                PlanAssignment.withdrawn_at.is_(None),
                PlanAssignment.user_id.in_(scope if isinstance(scope, sa.Select) else scope),
            )
        ).group_by(PlanAssignment.user_id, PlanItem.course_id)
    ):
        due[(user_id, course_id)] = due_on
    cells: dict[tuple[int, int], str] = {}
    counts = {course_id: Counter() for course_id in courses}
    course_list = list(courses.values())
    for person in people:
        for course in course_list:
            key = (person.id, course.id)
            standing = found[key]
            passed, started = standing.passed, standing.started
            assigned_due = due.get(key)
            if assigned_due is not None:
                state = rules.status_of(passed, started, assigned_due, today)
            elif passed:
                state = rules.PASSED
            else:
                state = NOT_ASSIGNED
            cells[key] = state
            counts[course.id][state] += 1
    return Matrix(people, list(courses.values()), cells, counts, total)


# --- overdue ------------------------------------------------------------------------------


def overdue(filters: Filters, today: date) -> list[tuple[Person, AssignmentView]]:
    late_people = sa.select(PlanAssignment.user_id).where(
        PlanAssignment.due_on < today,
        PlanAssignment.withdrawn_at.is_(None),
        PlanAssignment.user_id.in_(filters.people()),
    )
    views = [
        view
        for view in assignment_views(
            late_people, today, plan_id=filters.plan_id, course_ids=filters.course_ids()
        )
        if view.status == rules.OVERDUE
    ]
    people = {person.id: person for person in people_rows(late_people)}
    seen: set[tuple[int, int]] = set()
    rows = []
    for view in sorted(views, key=lambda v: (v.due_on, people[v.user_id].employee_no)):
        if (view.user_id, view.course.id) in seen:  # the same course in two plans
            continue
        seen.add((view.user_id, view.course.id))
        rows.append((people[view.user_id], view))
    return rows


# --- exam and assessment results per course -----------------------------------------------


@dataclass(frozen=True)
class CourseResult:
    course: LiveCourse
    people_tried: int
    people_passed: int
    graded_attempts: int
    practical_people: int
    practical_passed: int

    @property
    def pass_rate(self) -> float | None:
        return round(100 * self.people_passed / self.people_tried, 1) if self.people_tried else None

    @property
    def average_attempts(self) -> float | None:
        return round(self.graded_attempts / self.people_tried, 2) if self.people_tried else None

    @property
    def practical_pass_rate(self) -> float | None:
        return (
            round(100 * self.practical_passed / self.practical_people, 1)
            if self.practical_people
            else None
        )


def course_results(filters: Filters) -> list[CourseResult]:
    course_ids = filters.course_ids()
    courses = {
        course_id: course
        for course_id, course in live_courses().items()
        if course_ids is None or course_id in course_ids
    }
    people = filters.people()
    passed_user = sa.case((QuizResult.passed.is_(True), QuizAttempt.user_id))
    theory = {
        row[0]: row[1:]
        for row in db.session.execute(
            sa.select(
                QuizAttempt.course_id,
                sa.func.count(sa.distinct(QuizAttempt.user_id)),
                sa.func.count(sa.distinct(passed_user)),
                sa.func.count(QuizResult.attempt_id),
            )
            .join(QuizResult, QuizResult.attempt_id == QuizAttempt.id)
            .where(QuizAttempt.user_id.in_(people))
            .group_by(QuizAttempt.course_id)
        )
    }
    effective = sa.func.coalesce(AssessmentCorrection.passed, Assessment.passed)
    passed_learner = sa.case((effective.is_(True), Assessment.learner_id))
    practical = {
        row[0]: row[1:]
        for row in db.session.execute(
            sa.select(
                Assessment.course_id,
                sa.func.count(sa.distinct(Assessment.learner_id)),
                sa.func.count(sa.distinct(passed_learner)),
            )
            .outerjoin(AssessmentCorrection, AssessmentCorrection.assessment_id == Assessment.id)
            .where(
                Assessment.status == "submitted",
                Assessment.kind == "practical",
                Assessment.learner_id.in_(people),
            )
            .group_by(Assessment.course_id)
        )
    }
    return [
        CourseResult(course, *theory.get(course.id, (0, 0, 0)), *practical.get(course.id, (0, 0)))
        for course in courses.values()
    ]


# --- onboarding -----------------------------------------------------------------------------


@dataclass(frozen=True)
class NewHire:
    person: Person
    courses: list[AssignmentView]
    clearance: rules.Clearance


def onboarding(filters: Filters, today: date) -> list[NewHire]:
    by_person = onboarding_by_person(filters.people(), today)
    people = people_rows(list(by_person)) if by_person else []
    return [NewHire(person, *by_person[person.id]) for person in people]


# --- charts ---------------------------------------------------------------------------------


def chart_data(filters: Filters, today: date) -> dict:
    """Figures for the three charts; the labels are translated by the view."""
    views = assignment_views(
        filters.people(), today, plan_id=filters.plan_id, course_ids=filters.course_ids()
    )
    paths = department_paths()
    department_of = dict(
        db.session.execute(
            sa.select(User.id, User.department_id).where(User.id.in_(filters.people()))
        ).all()
    )
    per_department: dict[str, Counter] = {}
    months: Counter = Counter()
    for view in views:
        name = paths.get(department_of.get(view.user_id), "—").split("/")[-1]
        per_department.setdefault(name, Counter())[view.status] += 1
        done = view.standing.completed_at
        if done is not None:
            months[done.strftime("%Y-%m")] += 1
    month_keys = _last_months(today, 12)
    cumulative, running = [], sum(n for m, n in months.items() if m < month_keys[0])
    for month in month_keys:
        running += months.get(month, 0)
        cumulative.append(running)
    results = [r for r in course_results(filters) if r.people_tried]
    return {
        "completion": {"labels": month_keys, "values": cumulative, "total": len(views)},
        "pass_rate": {
            "labels": [r.course.title for r in results],
            "values": [r.pass_rate for r in results],
        },
        "departments": {
            "labels": sorted(per_department),
            "series": {
                state: [per_department[d][state] for d in sorted(per_department)]
                for state in rules.STATUSES
            },
        },
    }


def _last_months(today: date, count: int) -> list[str]:
    year, month = today.year, today.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(keys))


# --- certificates expiring ------------------------------------------------------------------

EXPIRING_DAYS = 60


def expiring_certificates(
    filters: Filters, today: date, days: int = EXPIRING_DAYS
) -> list[tuple[Person, CertificateState]]:
    """Certificates that expire within `days`, soonest first, of the people in the filter who
    are certified now (trainer.progress: the latest certificate of the course, not revoked;
    an older one replaced by a newer certificate, or by a revoked one, does not count)."""
    start = datetime.combine(today, datetime.min.time())
    end = start + timedelta(days=days + 1)
    holders = sa.select(Certificate.user_id).where(
        Certificate.kind == "course",
        Certificate.revoked_at.is_(None),
        Certificate.expires_at >= start,
        Certificate.expires_at < end,
        Certificate.user_id.in_(filters.people()),
    )
    found = standings(holders)
    course_ids = filters.course_ids()
    expiring = [
        (standing.user_id, standing.cycle.certificate)
        for standing in (found[key] for key in found.touched_keys())
        if standing.certified
        and (course_ids is None or standing.course.id in course_ids)
        and standing.cycle.certificate.expires_at is not None
        and start <= standing.cycle.certificate.expires_at < end
    ]
    expiring.sort(key=lambda pair: (pair[1].expires_at, pair[1].id))
    people = {person.id: person for person in people_rows(list({u for u, _ in expiring}))}
    return [
        (people[user_id], certificate) for user_id, certificate in expiring if user_id in people
    ]

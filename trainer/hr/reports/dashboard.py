"""HR's home: what needs doing today, each figure read by the report that lists it (one
truth: the same service functions, the same filters), within the people the viewer manages.

A fixed number of queries whatever the head count: every figure is read for all people at
once, never person by person.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from trainer.assessments.appeals import appeals_to_decide
from trainer.auth.authority import roles_out_of_reach
from trainer.hr.plans.training import AssignmentView
from trainer.hr.reports import service
from trainer.models import User
from trainer.progress import CertificateState

# How many names each panel shows before "see all": the list page has the rest.
SHOWN = 8


@dataclass(frozen=True)
class WaitingHire:
    person: service.Person
    days_since_hire: int | None  # None: no hire date on record
    courses_open: int


@dataclass(frozen=True)
class DepartmentOverdue:
    department_id: int | None
    department: str
    people: int
    courses: int  # person-course pairs overdue


@dataclass(frozen=True)
class Dashboard:
    onboarding_waiting: int
    hires: list[WaitingHire]  # longest since hire first, the first SHOWN
    overdue_people: int
    overdue_courses: int
    overdue_by_department: list[DepartmentOverdue]  # most overdue first
    expiring_count: int
    expiring: list[tuple[service.Person, CertificateState]]  # soonest first, the first SHOWN
    expiring_days: int
    appeals_waiting: int
    charts: dict  # service.chart_data: the charts of the reports page


def dashboard_of(viewer: User, today: date) -> Dashboard:
    filters = service.Filters(roles_left_out=roles_out_of_reach(viewer.roles))

    waiting = [hire for hire in service.onboarding(filters, today) if not hire.clearance.cleared]
    hires = sorted(
        (
            WaitingHire(
                hire.person,
                (today - hire.person.hire_date).days if hire.person.hire_date else None,
                hire.clearance.total - hire.clearance.done,
            )
            for hire in waiting
        ),
        key=lambda h: (
            -(h.days_since_hire if h.days_since_hire is not None else -1),
            h.person.employee_no,
        ),
    )

    late = service.overdue(filters, today)
    by_department: dict[int | None, list[tuple[service.Person, AssignmentView]]] = {}
    for person, view in late:
        by_department.setdefault(person.department_id, []).append((person, view))
    departments = sorted(
        (
            DepartmentOverdue(
                department_id,
                rows[0][0].department or "—",
                len({person.id for person, _ in rows}),
                len(rows),
            )
            for department_id, rows in by_department.items()
        ),
        key=lambda d: (-d.courses, d.department),
    )

    expiring = service.expiring_certificates(filters, today)
    return Dashboard(
        onboarding_waiting=len(hires),
        hires=hires[:SHOWN],
        overdue_people=len({person.id for person, _ in late}),
        overdue_courses=len(late),
        overdue_by_department=departments,
        expiring_count=len(expiring),
        expiring=expiring[:SHOWN],
        expiring_days=service.EXPIRING_DAYS,
        appeals_waiting=len(appeals_to_decide(viewer)),
        charts=service.chart_data(filters, today),
    )

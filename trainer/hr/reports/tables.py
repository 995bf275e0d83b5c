"""Each report as a plain table (headers and rows) for the CSV and XLSX exports."""

from __future__ import annotations

import json
from datetime import date

from flask_babel import gettext as _

from trainer.hr.plans import rules
from trainer.hr.reports import service
from trainer.hr.reports.exports import Table
from trainer.i18n import format_moment_for_table

# Matrix colours in the XLSX, the same as on the page.
STATUS_COLOURS = {
    rules.PASSED: "C6EFCE",
    rules.OVERDUE: "FFC7CE",
    rules.IN_PROGRESS: "FFEB9C",
    rules.NOT_STARTED: "E7E6E6",
}


def status_labels() -> dict[str, str]:
    return {
        rules.PASSED: _("Passed"),
        rules.OVERDUE: _("Overdue"),
        rules.IN_PROGRESS: _("In progress"),
        rules.NOT_STARTED: _("Not started"),
        service.NOT_ASSIGNED: "",
    }


def chart_json(data: dict) -> str:
    """service.chart_data with its labels and colours, as the charts' script reads it."""
    labels = status_labels()
    data["departments"]["series_labels"] = {state: labels[state] for state in rules.STATUSES}
    data["departments"]["colours"] = {
        state: f"#{colour}" for state, colour in STATUS_COLOURS.items()
    }
    data["text"] = {
        "completed": _("Courses completed (cumulative)"),
        "pass_rate": _("Theory exam pass rate (%)"),
    }
    return json.dumps(data, ensure_ascii=False)


def part_labels() -> dict[str, str]:
    return {"passed": _("Passed"), "failed": _("Not passed yet"), "pending": _("Not yet assessed")}


def _person_columns() -> list[str]:
    return [_("Employee number"), _("Name"), _("Department"), _("Position")]


def _person_cells(person: service.Person) -> list[object]:
    return [person.employee_no, person.name, person.department, person.position]


def matrix_table(filters: service.Filters, today: date) -> Table:
    found = service.matrix(filters, today, page=None)
    labels = status_labels()
    labels[service.NOT_ASSIGNED] = None  # an empty cell, not an empty string: smaller, faster
    course_ids = [course.id for course in found.courses]
    cells = found.cells
    rows = [
        _person_cells(person) + [labels[cells[(person.id, course_id)]] for course_id in course_ids]
        for person in found.people
    ]
    return Table(
        _("Completion matrix"),
        _person_columns() + [c.title for c in found.courses],
        rows,
        fills={labels[state]: colour for state, colour in STATUS_COLOURS.items()},
    )


def overdue_table(filters: service.Filters, today: date) -> Table:
    rows = [
        _person_cells(person)
        + [
            view.course.title,
            view.plan_name,
            view.due_on,
            (today - view.due_on).days,
            view.progress,
        ]
        for person, view in service.overdue(filters, today)
    ]
    return Table(
        _("Overdue"),
        _person_columns()
        + [_("Course"), _("Plan"), _("Due date"), _("Days overdue"), _("Progress (%)")],
        rows,
    )


def courses_table(filters: service.Filters, today: date) -> Table:
    rows = [
        [
            result.course.title,
            result.people_tried,
            result.people_passed,
            result.pass_rate,
            result.average_attempts,
            result.practical_people,
            result.practical_pass_rate,
        ]
        for result in service.course_results(filters)
    ]
    return Table(
        _("Results per course"),
        [
            _("Course"),
            _("People who took the exam"),
            _("People who passed"),
            _("Pass rate (%)"),
            _("Average attempts"),
            _("People assessed in practice"),
            _("Practical pass rate (%)"),
        ],
        rows,
    )


def onboarding_table(filters: service.Filters, today: date) -> Table:
    parts = part_labels()
    statuses = status_labels()
    rows = []
    for hire in service.onboarding(filters, today):
        cleared = (
            format_moment_for_table(hire.clearance.cleared_at)
            if hire.clearance.cleared and hire.clearance.cleared_at
            else (_("Yes") if hire.clearance.cleared else _("No"))
        )
        for view in hire.courses:
            cells = []
            for name in ("theory", "practical", "attitude"):
                part = view.standing.part(name)
                cells.append(parts[part.outcome] if part else "—")
            rows.append(
                _person_cells(hire.person)
                + [
                    hire.person.hire_date,
                    view.course.title,
                    *cells,
                    view.due_on,
                    statuses[view.status],
                    cleared,
                ]
            )
    return Table(
        _("Onboarding"),
        _person_columns()
        + [
            _("Hire date"),
            _("Course"),
            _("Theory exam"),
            _("Practical assessment"),
            _("Attitude evaluation"),
            _("Due date"),
            _("Status"),
            _("Cleared to take up the post"),
        ],
        rows,
    )


def expiring_table(filters: service.Filters, today: date) -> Table:
    rows = [
        _person_cells(person)
        + [
            certificate.title,
            certificate.serial,
            certificate.expires_at.date(),
            (certificate.expires_at.date() - today).days,
        ]
        for person, certificate in service.expiring_certificates(filters, today)
    ]
    return Table(
        _("Certificates expiring"),
        _person_columns() + [_("Course"), _("Serial"), _("Valid until"), _("Days left")],
        rows,
    )


TABLES = {
    "matrix": matrix_table,
    "overdue": overdue_table,
    "courses": courses_table,
    "onboarding": onboarding_table,
    "expiring": expiring_table,
}

"""The rules of skill plans as plain functions: due dates, status, progress, urgency.

Status words: "passed" (a valid certificate, or every required part passed in the current
certification cycle: trainer.progress.Standing.passed), "overdue" (not passed and the due date
has gone by), "in_progress" (a lesson read or an exam or assessment taken), "not_started".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

PASSED, OVERDUE, IN_PROGRESS, NOT_STARTED = "passed", "overdue", "in_progress", "not_started"
STATUSES = (OVERDUE, NOT_STARTED, IN_PROGRESS, PASSED)
# Outcomes of one part (theory, practical, attitude), as the assessments speak of them.
PART_PASSED, PART_FAILED, PART_PENDING = "passed", "failed", "pending"


def due_on(
    due_kind: str,
    due_date: date | None,
    due_days: int | None,
    hire_date: date | None,
    assigned_on: date,
    plan_starts_on: date,
    staff_due_date: date | None = None,
) -> date:
    """The date an assignment is due: the one rule every page, report and reminder reads
    (through the stored PlanAssignment.due_on that the plan's sync writes with it).

    - "fixed": that date (a date already past is refused when HR adds or assigns it).
    - "after_assignment": N days after the person was given the course.
    - "after_hire": people hired on or after the plan's start get N days after their hire;
      people already on staff (hired before the start, or no hire date on file) get the
      plan's start plus N days, or the date HR chose for current staff while it has not
      passed.
    A relative date that had already passed on the day the person was given the course
    (someone moved into a targeted department late in the year, a hire imported long after
    their first day) counts N days from that day instead: nobody starts overdue.
    """
    if due_kind == "fixed":
        return due_date
    days = timedelta(days=due_days or 0)
    if due_kind == "after_assignment":
        return assigned_on + days
    if hire_date is not None and hire_date >= plan_starts_on:
        due = hire_date + days
    elif staff_due_date is not None and staff_due_date >= assigned_on:
        return staff_due_date
    else:
        due = plan_starts_on + days
    return due if due >= assigned_on else assigned_on + days


def starts_overdue(due: date, today: date) -> bool:
    """A new assignment whose due date has gone by on the day it is given."""
    return due < today


class CourseProgress(Protocol):
    """What these rules read of a person's standing on a course (trainer.progress.Standing)."""

    @property
    def passed(self) -> bool: ...

    @property
    def started(self) -> bool: ...

    @property
    def lessons_total(self) -> int: ...

    @property
    def lessons_read_count(self) -> int: ...

    @property
    def parts(self) -> tuple: ...  # each with an `outcome`

    @property
    def completed_at(self) -> datetime | None: ...


def status(facts: CourseProgress, due: date | None, today: date) -> str:
    return status_of(facts.passed, facts.started, due, today)


def status_of(passed: bool, started: bool, due: date | None, today: date) -> str:
    if passed:
        return PASSED
    if due is not None and today > due:
        return OVERDUE
    return IN_PROGRESS if started else NOT_STARTED


def progress_percent(facts: CourseProgress) -> int:
    """Reading the lessons is one share; each required part passed is another."""
    if facts.passed:
        return 100
    shares = 1 + len(facts.parts)
    done = (facts.lessons_read_count / facts.lessons_total) if facts.lessons_total else 0.0
    done += sum(part.outcome == PART_PASSED for part in facts.parts)
    return min(99, round(100 * done / shares))


def urgency_key(state: str, due: date, mandatory: bool = True) -> tuple:
    """Most urgent first: overdue (longest overdue first), then by due date; done last."""
    return (state == PASSED, not mandatory, due)


@dataclass(frozen=True)
class Clearance:
    """Onboarding: cleared to take up the post (可以正式上岗) once every mandatory course of the
    onboarding plan is passed in all its parts; the moment is when the last part was passed."""

    done: int
    total: int
    cleared_at: datetime | None

    @property
    def cleared(self) -> bool:
        return self.total > 0 and self.done == self.total


def clearance(mandatory_facts: list[CourseProgress]) -> Clearance:
    done = [facts for facts in mandatory_facts if facts.passed]
    cleared = bool(mandatory_facts) and len(done) == len(mandatory_facts)
    moments = [facts.completed_at for facts in done if facts.completed_at]
    return Clearance(len(done), len(mandatory_facts), max(moments) if cleared and moments else None)

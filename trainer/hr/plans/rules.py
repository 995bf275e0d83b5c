"""The rules of skill plans as plain functions: due dates, status, progress, urgency.

Status words: "passed" (every required part passed), "overdue" (not passed and the due date
has gone by), "in_progress" (a lesson read or an exam or assessment taken), "not_started".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

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
) -> date:
    """The date an assignment is due. Without a hire date, "after hire" counts from the day
    the person was assigned (they were just imported, so that is close to their start)."""
    if due_kind == "fixed":
        return due_date
    start = hire_date if due_kind == "after_hire" and hire_date else assigned_on
    return start + timedelta(days=due_days or 0)


@dataclass(frozen=True)
class Part:
    """One part of a course that must be passed: the theory exam, a practical or attitude."""

    name: str  # theory | practical | attitude
    outcome: str  # passed | failed | pending
    passed_at: datetime | None = None


@dataclass(frozen=True)
class CourseFacts:
    """Where one person stands in one course, gathered in bulk by plans.progress."""

    lessons_total: int = 0
    lessons_read: int = 0
    parts: tuple[Part, ...] = ()
    started: bool = False  # an exam attempt or an assessment exists

    @property
    def passed(self) -> bool:
        return bool(self.parts) and all(part.outcome == PART_PASSED for part in self.parts)

    @property
    def completed_at(self) -> datetime | None:
        if not self.passed:
            return None
        moments = [part.passed_at for part in self.parts if part.passed_at]
        return max(moments) if moments else None

    def part(self, name: str) -> Part | None:
        return next((part for part in self.parts if part.name == name), None)


NO_FACTS = CourseFacts()


def status(facts: CourseFacts, due: date | None, today: date) -> str:
    return status_of(facts.passed, bool(facts.lessons_read or facts.started), due, today)


def status_of(passed: bool, started: bool, due: date | None, today: date) -> str:
    if passed:
        return PASSED
    if due is not None and today > due:
        return OVERDUE
    return IN_PROGRESS if started else NOT_STARTED


def progress_percent(facts: CourseFacts) -> int:
    """Reading the lessons is one share; each required part passed is another."""
    if facts.passed:
        return 100
    shares = 1 + len(facts.parts)
    done = (facts.lessons_read / facts.lessons_total) if facts.lessons_total else 0.0
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


def clearance(mandatory_facts: list[CourseFacts]) -> Clearance:
    done = [facts for facts in mandatory_facts if facts.passed]
    cleared = bool(mandatory_facts) and len(done) == len(mandatory_facts)
    moments = [facts.completed_at for facts in done if facts.completed_at]
    return Clearance(len(done), len(mandatory_facts), max(moments) if cleared and moments else None)

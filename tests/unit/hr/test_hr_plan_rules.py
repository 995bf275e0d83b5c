"""Plan rules as plain functions: due dates, status, progress, urgency, clearance."""

from datetime import date, datetime, timedelta

import pytest

from trainer.hr.plans import rules
from trainer.progress import AttemptState, LiveCourse
from trainer.progress import rules as progress_rules
from trainer.progress.rules import AssessmentRow, History
from trainer.quizzes.rules import RetakeSettings

TODAY = date(2026, 3, 10)


START = date(2026, 3, 1)  # the plan's start in the due-date table below
NO = None

# kind, fixed date, days, hire date, assigned on, due date for current staff, plan start
#   -> due date. Written by hand from the rule in docs/hr-guide.md.
DUE_DATES = [
    ("fixed", date(2026, 6, 30), NO, NO, TODAY, NO, START, date(2026, 6, 30)),
    ("after_assignment", NO, 30, date(2020, 1, 1), TODAY, NO, START, date(2026, 4, 9)),
    # Hired the day before / on / after the plan starts, given the plan on its first day.
    ("after_hire", NO, 30, date(2026, 2, 28), START, NO, START, date(2026, 3, 31)),
    ("after_hire", NO, 30, date(2026, 3, 1), START, NO, START, date(2026, 3, 31)),
    ("after_hire", NO, 30, date(2026, 3, 2), START, NO, START, date(2026, 4, 1)),
    # The 2019 hire of the issue: the plan's start + 30, not a date in 2019.
    ("after_hire", NO, 30, date(2019, 5, 1), START, NO, START, date(2026, 3, 31)),
    ("after_hire", NO, 30, NO, START, NO, START, date(2026, 3, 31)),  # no hire date: on staff
    # The date HR chose for current staff: only for people hired before the start.
    ("after_hire", NO, 30, date(2026, 2, 28), START, date(2026, 5, 15), START, date(2026, 5, 15)),
    ("after_hire", NO, 30, date(2026, 3, 1), START, date(2026, 5, 15), START, date(2026, 3, 31)),
    ("after_hire", NO, 30, date(2026, 3, 2), START, date(2026, 5, 15), START, date(2026, 4, 1)),
    # A new hire imported a week after starting keeps "30 days after hire".
    ("after_hire", NO, 30, date(2026, 3, 2), date(2026, 3, 9), NO, START, date(2026, 4, 1)),
    # Given the course on the due day itself: due today; a day later: 30 days from then.
    ("after_hire", NO, 30, date(2026, 3, 2), date(2026, 4, 1), NO, START, date(2026, 4, 1)),
    ("after_hire", NO, 30, date(2026, 3, 2), date(2026, 4, 2), NO, START, date(2026, 5, 2)),
    # Someone on staff moved into the plan in June, after start + 30 and the staff date.
    ("after_hire", NO, 30, date(2019, 5, 1), date(2026, 6, 1), NO, START, date(2026, 7, 1)),
    (
        "after_hire",
        NO,
        30,
        date(2019, 5, 1),
        date(2026, 6, 1),
        date(2026, 5, 15),
        START,
        date(2026, 7, 1),
    ),
    # A plan assigned in December that starts on January 1.
    (
        "after_hire",
        NO,
        30,
        date(2020, 1, 1),
        date(2026, 12, 6),
        NO,
        date(2027, 1, 1),
        date(2027, 1, 31),
    ),
]


@pytest.mark.parametrize(
    ("kind", "fixed", "days", "hired", "assigned", "staff_date", "start", "expected"), DUE_DATES
)
def test_due_dates(kind, fixed, days, hired, assigned, staff_date, start, expected):
    assert rules.due_on(kind, fixed, days, hired, assigned, start, staff_date) == expected


@pytest.mark.parametrize(
    ("due", "starts_overdue"),
    [(TODAY - timedelta(days=1), True), (TODAY, False), (TODAY + timedelta(days=1), False)],
)
def test_a_due_date_before_today_starts_overdue(due, starts_overdue):
    assert rules.starts_overdue(due, TODAY) is starts_overdue


def facts(*outcomes, read=0, total=4, started=False):
    """A real standing (trainer.progress) on a course whose required parts are, in order,
    theory, practical and attitude, each with the given outcome; passed on March 1, 2, 3."""
    course = LiveCourse(
        id=1,
        slug="c",
        title="c",
        category="other",
        version_id=1,
        lesson_numbers=tuple(range(1, total + 1)),
        theory_required=len(outcomes) >= 1,
        practical_required=len(outcomes) >= 2,
        attitude_required=len(outcomes) >= 3,
        retake=RetakeSettings(attempts_per_round=3, wait_minutes=0),
        validity_months=24,
    )
    history = History(lesson_reads={n: datetime(2026, 3, 1) for n in range(1, read + 1)})
    for i, outcome in enumerate(outcomes):
        at = datetime(2026, 3, i + 1)
        if outcome == "pending":
            continue
        if i == 0:
            history.attempts.append(
                AttemptState(1, 1, 1, at, at, outcome == "passed", 100.0, False)
            )
        else:
            kind = ("practical", "attitude")[i - 1]
            history.assessments.append(AssessmentRow(i, kind, at, outcome == "passed", False))
    assert not started or history.attempts or history.assessments
    return progress_rules.standing(7, course, history, datetime(2026, 3, 10))


def test_status_order_of_precedence():
    due = date(2026, 3, 9)
    assert rules.status(facts("passed"), due, TODAY) == rules.PASSED  # late but done
    assert rules.status(facts("pending"), due, TODAY) == rules.OVERDUE
    assert rules.status(facts("pending", read=1), date(2026, 4, 1), TODAY) == rules.IN_PROGRESS
    assert rules.status(facts("failed", started=True), date(2026, 4, 1), TODAY) == rules.IN_PROGRESS
    assert rules.status(facts("pending"), date(2026, 4, 1), TODAY) == rules.NOT_STARTED
    assert rules.status(facts("pending"), TODAY, TODAY) == rules.NOT_STARTED  # due today


def test_passed_needs_every_required_part():
    assert not facts("passed", "passed", "pending").passed
    assert facts("passed", "passed", "passed").passed
    assert facts("passed", "passed", "passed").completed_at == datetime(2026, 3, 3)


def test_progress_counts_lessons_and_parts():
    assert rules.progress_percent(facts("pending", read=0)) == 0
    assert rules.progress_percent(facts("pending", read=2, total=4)) == 25
    assert rules.progress_percent(facts("passed", "pending", read=4)) == 67
    assert rules.progress_percent(facts("passed", read=0)) == 100


def test_most_urgent_first():
    items = [
        ("passed", date(2026, 1, 1), True),
        ("not_started", date(2026, 5, 1), True),
        ("overdue", date(2026, 3, 1), True),
        ("not_started", date(2026, 4, 1), False),
    ]
    ordered = sorted(items, key=lambda item: rules.urgency_key(*item))
    assert [item[0] for item in ordered] == ["overdue", "not_started", "not_started", "passed"]
    assert ordered[2][2] is False  # optional after mandatory


def test_clearance_is_the_moment_the_last_part_passed():
    done = facts("passed", "passed", "passed")
    assert rules.clearance([done, facts("passed")]).cleared
    assert rules.clearance([done, facts("passed")]).cleared_at == datetime(2026, 3, 3)
    waiting = rules.clearance([done, facts("passed", "pending")])
    assert not waiting.cleared and (waiting.done, waiting.total) == (1, 2)
    assert waiting.cleared_at is None

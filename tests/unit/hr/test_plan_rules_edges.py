"""Plan rules at their edges: written against the mutants a mutation run left alive
(docs/testing.md)."""

from dataclasses import dataclass
from datetime import date, datetime

from trainer.hr.plans import rules
from trainer.progress import Part


@dataclass(frozen=True)
class CourseFacts:
    """The part of a standing that the plan rules read (rules.CourseProgress)."""

    lessons_total: int
    lessons_read_count: int
    parts: tuple
    passed: bool = False
    started: bool = False
    completed_at: datetime | None = None


TODAY = date(2026, 3, 10)


def test_a_relative_due_date_without_a_number_of_days_is_the_start_day():
    start = date(2026, 1, 1)
    assert rules.due_on("after_assignment", None, None, None, TODAY, start) == TODAY
    hired = date(2026, 3, 12)  # hired after being given the plan
    assert rules.due_on("after_hire", None, None, hired, TODAY, start) == hired


def test_progress_of_a_course_without_lessons_counts_only_its_parts():
    # No lessons: the reading share counts as nothing done (and nothing divides by zero).
    no_lessons = CourseFacts(0, 0, (Part("theory", "pending"), Part("practical", "failed")))
    assert rules.progress_percent(no_lessons) == 0
    one_passed = CourseFacts(
        0, 0, (Part("theory", "passed", datetime(2026, 3, 1)), Part("practical", "pending"))
    )
    assert rules.progress_percent(one_passed) == 33  # 1 share of 3: 33.3 rounds to 33


def test_progress_stops_at_99_until_the_course_is_passed():
    # Every lesson read, nothing to pass: 1 share of 1, yet not "passed" (no parts).
    assert rules.progress_percent(CourseFacts(4, 4, ())) == 99


def test_urgency_treats_an_item_as_mandatory_unless_told_otherwise():
    due = date(2026, 4, 1)
    assert rules.urgency_key("not_started", due) == rules.urgency_key("not_started", due, True)
    assert rules.urgency_key("not_started", due) < rules.urgency_key("not_started", due, False)

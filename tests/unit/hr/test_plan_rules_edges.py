"""Plan rules at their edges: written against the mutants a mutation run left alive
(docs/testing.md)."""

from datetime import date, datetime

from trainer.plans import rules
from trainer.plans.rules import CourseFacts, Part

TODAY = date(2026, 3, 10)


def test_a_relative_due_date_without_a_number_of_days_is_the_start_day():
    assert rules.due_on("after_assignment", None, None, None, TODAY) == TODAY
    assert rules.due_on("after_hire", None, None, date(2026, 3, 2), TODAY) == date(2026, 3, 2)


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


def test_a_course_part_is_found_by_name():
    theory = Part("theory", "passed", datetime(2026, 3, 1))
    facts = CourseFacts(2, 1, (theory, Part("practical", "pending")))
    assert facts.part("theory") == theory
    assert facts.part("practical").outcome == "pending"
    assert facts.part("attitude") is None

"""Appeal windows, retake waits and the department tree behind an assessor's scope."""

from datetime import datetime, timedelta

from trainer.assessments.rules import (
    appeal_deadline,
    appeal_in_time,
    departments_below,
    retake_opens_at,
)

SUBMITTED = datetime(2026, 9, 1, 10, 0)


def test_appeal_window_counts_days_from_submission_inclusive_of_the_last_moment():
    deadline = appeal_deadline(SUBMITTED, 7)
    assert deadline == datetime(2026, 9, 8, 10, 0)
    assert appeal_in_time(SUBMITTED, 7, deadline)
    assert not appeal_in_time(SUBMITTED, 7, deadline + timedelta(seconds=1))
    assert not appeal_in_time(SUBMITTED, 0, SUBMITTED + timedelta(seconds=1))


def test_retake_opens_after_the_course_wait():
    assert retake_opens_at(SUBMITTED, 30) == SUBMITTED + timedelta(minutes=30)
    assert retake_opens_at(SUBMITTED, 0) == SUBMITTED
    assert retake_opens_at(SUBMITTED, -5) == SUBMITTED  # a nonsense wait never goes back


# company(1) ─ east(2) ─ store A(3) ─ team(5)
#            └ north(4) ─ store B(6)
TREE = {1: None, 2: 1, 3: 2, 4: 1, 5: 3, 6: 4}


def test_a_department_covers_everything_below_it():
    assert departments_below([2], TREE) == {2, 3, 5}
    assert departments_below([3, 6], TREE) == {3, 5, 6}
    assert departments_below([1], TREE) == set(TREE)


def test_unknown_departments_and_loops_are_harmless():
    assert departments_below([99], TREE) == set()
    assert departments_below([], TREE) == set()
    assert departments_below([1], {1: 2, 2: 1}) == {1, 2}


def test_appeal_window_is_seven_days_unless_configured(tmp_path, monkeypatch):
    from trainer.config import build_config

    monkeypatch.setenv("TRAINER_SECRET_KEY", "test")
    monkeypatch.delenv("TRAINER_APPEAL_WINDOW_DAYS", raising=False)
    assert build_config(tmp_path)["APPEAL_WINDOW_DAYS"] == 7
    monkeypatch.setenv("TRAINER_APPEAL_WINDOW_DAYS", "14")
    assert build_config(tmp_path)["APPEAL_WINDOW_DAYS"] == 14

"""Retake rules and the draw, as plain functions."""

import random
from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from trainer.quizzes.rules import (
    CAN_START,
    IN_PROGRESS,
    PASSED,
    RETRAIN,
    WAIT,
    AttemptSummary,
    RetakeSettings,
    counted_percent,
    draw_questions,
    quiz_state,
)

NOW = datetime(2026, 11, 22, 12, 0)
SETTINGS = RetakeSettings(attempts_per_round=3, wait_minutes=30)


def failed(round_number, number, minutes_ago, grant=False, percent=50.0):
    return AttemptSummary(
        round_number, number, NOW - timedelta(minutes=minutes_ago), False, percent, used_grant=grant
    )


def test_first_attempt_can_start():
    state = quiz_state([], SETTINGS, NOW, 0, None)
    assert (state.kind, state.round_number, state.attempt_number, state.attempts_left) == (
        CAN_START,
        1,
        1,
        3,
    )


def test_wait_between_attempts():
    state = quiz_state([failed(1, 1, minutes_ago=10)], SETTINGS, NOW, 0, None)
    assert state.kind == WAIT
    assert state.opens_at == NOW + timedelta(minutes=20)
    assert state.attempts_left == 2


def test_after_the_wait_the_next_attempt_opens():
    state = quiz_state([failed(1, 1, minutes_ago=31)], SETTINGS, NOW, 0, None)
    assert (state.kind, state.attempt_number) == (CAN_START, 2)


def test_round_used_up_requires_retraining():
    attempts = [failed(1, 1, 200), failed(1, 2, 150), failed(1, 3, 100)]
    state = quiz_state(attempts, SETTINGS, NOW, 0, lessons_reread_at=None)
    assert state.kind == RETRAIN
    # Lessons read before the last attempt do not count as retraining.
    stale = quiz_state(attempts, SETTINGS, NOW, 0, lessons_reread_at=NOW - timedelta(hours=5))
    assert stale.kind == RETRAIN


def test_retraining_opens_a_new_round():
    attempts = [failed(1, 1, 200), failed(1, 2, 150), failed(1, 3, 100)]
    state = quiz_state(attempts, SETTINGS, NOW, 0, lessons_reread_at=NOW - timedelta(minutes=5))
    assert (state.kind, state.round_number, state.attempt_number, state.attempts_left) == (
        CAN_START,
        2,
        1,
        3,
    )


def test_retraining_still_respects_the_wait():
    attempts = [failed(1, 1, 200), failed(1, 2, 150), failed(1, 3, 10)]
    state = quiz_state(attempts, SETTINGS, NOW, 0, lessons_reread_at=NOW - timedelta(minutes=5))
    assert (state.kind, state.round_number) == (WAIT, 2)


def test_extra_attempt_grant_extends_the_round():
    attempts = [failed(1, 1, 200), failed(1, 2, 150), failed(1, 3, 100)]
    state = quiz_state(attempts, SETTINGS, NOW, unused_grants=1, lessons_reread_at=None)
    assert (state.kind, state.round_number, state.attempt_number, state.uses_grant) == (
        CAN_START,
        1,
        4,
        True,
    )
    used = [*attempts, failed(1, 4, 60, grant=True)]
    assert quiz_state(used, SETTINGS, NOW, 0, None).kind == RETRAIN


def test_a_pass_is_final():
    attempts = [failed(1, 1, 100), AttemptSummary(1, 2, NOW, True, 90.0)]
    state = quiz_state(attempts, SETTINGS, NOW, 0, None)
    assert state.kind == PASSED and state.counted_percent == 90.0


def test_open_attempt_is_in_progress():
    attempts = [AttemptSummary(1, 1, None, None, None)]
    assert quiz_state(attempts, SETTINGS, NOW, 0, None).kind == IN_PROGRESS


def test_best_or_last_score_counts():
    attempts = [failed(1, 1, 100, percent=70.0), failed(1, 2, 50, percent=40.0)]
    assert counted_percent(attempts, "best") == 70.0
    assert counted_percent(attempts, "last") == 40.0


class _Q:
    def __init__(self, qid, tags=()):
        self.id, self.tags = qid, tuple(tags)


@given(count=st.integers(1, 12), quota=st.integers(0, 4), seed=st.integers(0, 10**6))
def test_draw_respects_count_quota_and_has_no_duplicates(count, quota, seed):
    bank = [_Q(f"q{i}", ["迎宾"] if i < 4 else []) for i in range(12)]
    drawn = draw_questions(bank, count, {"迎宾": quota}, random.Random(seed))
    assert len(drawn) == count
    assert len({q.id for q in drawn}) == count
    assert sum("迎宾" in q.tags for q in drawn) >= min(quota, 4, count)

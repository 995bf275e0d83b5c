"""The retake rules' whole answer at each edge, and how a drawn question is frozen.

Written against the mutants a mutation run left alive (docs/testing.md): every field of the
state the course page shows (round, attempt, attempts left, the counted score), the exact
moment the wait ends, lessons re-read at the moment of the last attempt, grants on top of
a round, and the tokens a frozen question carries for each answer shape.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from pathlib import Path

from trainer.content import load_course
from trainer.quizzes.rules import (
    CAN_START,
    IN_PROGRESS,
    PASSED,
    RETRAIN,
    WAIT,
    AttemptSummary,
    QuizState,
    RetakeSettings,
    freeze_question,
    quiz_state,
)

NOW = datetime(2026, 11, 22, 12, 0)
BEST = RetakeSettings(attempts_per_round=2, wait_minutes=30)
LAST = RetakeSettings(attempts_per_round=2, wait_minutes=30, score_counts="last")
FIXTURE_COURSES = Path(__file__).resolve().parents[2] / "fixtures" / "courses"


def graded(round_number, number, minutes_ago, percent, passed=False, grant=False):
    return AttemptSummary(
        round_number,
        number,
        NOW - timedelta(minutes=minutes_ago),
        passed,
        percent,
        used_grant=grant,
    )


def test_a_pass_ends_the_exam_with_nothing_left_to_take():
    attempts = [graded(1, 1, 90, 40.0), graded(1, 2, 30, 85.0, passed=True)]
    assert quiz_state(attempts, BEST, NOW, 2, None) == QuizState(
        PASSED, 0, 0, 0, counted_percent=85.0
    )


def test_the_last_score_counts_when_the_course_says_so():
    attempts = [graded(1, 1, 90, 70.0), graded(1, 2, 40, 30.0)]
    assert quiz_state(attempts, LAST, NOW, 0, None).counted_percent == 30.0
    assert quiz_state(attempts, BEST, NOW, 0, None).counted_percent == 70.0


def test_an_open_attempt_is_the_one_in_progress():
    attempts = [graded(2, 1, 90, 40.0), AttemptSummary(2, 2, None, None, None)]
    assert quiz_state(attempts, BEST, NOW, 0, None) == QuizState(
        IN_PROGRESS, 2, 2, 0, counted_percent=40.0
    )


def test_grants_add_to_the_first_round():
    assert quiz_state([], BEST, NOW, 3, None) == QuizState(CAN_START, 1, 1, 5)


def test_grants_add_to_the_attempts_left_in_a_round():
    attempts = [graded(1, 1, 60, 40.0)]
    assert quiz_state(attempts, BEST, NOW, 1, None) == QuizState(
        CAN_START, 1, 2, 2, counted_percent=40.0
    )


def test_a_grant_is_spent_once_the_round_is_used_up():
    attempts = [graded(1, 1, 90, 40.0), graded(1, 2, 60, 50.0)]
    assert quiz_state(attempts, BEST, NOW, 1, None) == QuizState(
        CAN_START, 1, 3, 1, uses_grant=True, counted_percent=50.0
    )


def test_the_wait_ends_at_its_exact_moment():
    attempts = [graded(1, 1, 30, 40.0)]  # graded exactly 30 minutes ago, the wait is 30
    assert quiz_state(attempts, BEST, NOW, 0, None) == QuizState(
        CAN_START, 1, 2, 1, counted_percent=40.0
    )
    one_second_early = quiz_state(attempts, BEST, NOW - timedelta(seconds=1), 0, None)
    assert one_second_early == QuizState(WAIT, 1, 2, 1, opens_at=NOW, counted_percent=40.0)


def test_waiting_for_a_granted_attempt_says_it_uses_the_grant():
    attempts = [graded(1, 1, 90, 40.0), graded(1, 2, 10, 50.0)]
    assert quiz_state(attempts, BEST, NOW, 1, None) == QuizState(
        WAIT, 1, 3, 1, opens_at=NOW + timedelta(minutes=20), uses_grant=True, counted_percent=50.0
    )


def test_a_used_up_round_asks_for_retraining_and_names_the_next_round():
    attempts = [graded(1, 1, 90, 40.0), graded(1, 2, 60, 50.0)]
    assert quiz_state(attempts, BEST, NOW, 0, None) == QuizState(
        RETRAIN, 2, 1, 0, counted_percent=50.0
    )


def test_lessons_read_at_the_moment_of_the_last_attempt_are_not_a_retraining():
    attempts = [graded(1, 1, 90, 40.0), graded(1, 2, 60, 50.0)]
    last_graded_at = NOW - timedelta(minutes=60)
    assert quiz_state(attempts, BEST, NOW, 0, last_graded_at).kind == RETRAIN
    after = quiz_state(attempts, BEST, NOW, 0, last_graded_at + timedelta(seconds=1))
    assert after == QuizState(CAN_START, 2, 1, 2, counted_percent=50.0)


def test_a_new_round_after_retraining_still_waits():
    attempts = [graded(1, 1, 90, 40.0), graded(1, 2, 10, 50.0)]
    state = quiz_state(attempts, BEST, NOW, 0, NOW - timedelta(minutes=5))
    assert state == QuizState(
        WAIT, 2, 1, 2, opens_at=NOW + timedelta(minutes=20), counted_percent=50.0
    )


def _bank():
    course, problems = load_course(FIXTURE_COURSES / "store-service")
    assert course is not None, problems
    return course.questions


def _frozen(question_id):
    question = next(q for q in _bank() if q.id == question_id)
    return question, freeze_question(question, random.Random(7))


def _keys(entry, field):
    tokens = [token for token, _key in entry[field]]
    assert len(set(tokens)) == len(tokens) and all(len(token) == 8 for token in tokens)
    return sorted(key for _token, key in entry[field])


def test_a_choice_question_is_frozen_with_a_token_for_each_option():
    question, entry = _frozen("greet-within-3-seconds")
    assert set(entry) == {"id", "options"} and entry["id"] == question.id
    assert _keys(entry, "options") == sorted(option.key for option in question.options)


def test_an_ordering_question_is_frozen_with_a_token_for_each_item():
    question, entry = _frozen(next(q.id for q in _bank() if q.type == "ordering"))
    assert set(entry) == {"id", "items"}
    assert _keys(entry, "items") == sorted(item.key for item in question.items)


def test_a_matching_question_is_frozen_with_a_token_for_each_right_side():
    question, entry = _frozen(next(q.id for q in _bank() if q.type == "matching"))
    assert set(entry) == {"id", "rights"}
    assert _keys(entry, "rights") == sorted({pair.right_key for pair in question.pairs})


def test_a_scenario_is_frozen_by_the_question_it_asks():
    question, entry = _frozen("complaint-case-aisle")
    assert set(entry) == {"id", "options"} and entry["id"] == "complaint-case-aisle"
    assert _keys(entry, "options") == sorted(option.key for option in question.asked.options)

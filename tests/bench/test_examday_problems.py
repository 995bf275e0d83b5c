"""The exam-day section counts what the database check found by kind, so a run that lost
answers is told apart from one whose learners were stopped by errors before they sent any."""

from __future__ import annotations

from bench.examday.bench import problem_kinds

PROBLEMS = [
    "ED00001: did not reach the exam (start /quiz/examday-safety/start: status 0, expected 302)",
    "ED00002: did not reach the exam (lesson /courses/examday-service/lessons/1: status 0, "
    "expected 200)",
    "ED00003: did not submit (autosave /quiz/attempt/7/save: status 0, expected 200)",
    "ED00003: attempt 7 graded 0 times",
    "ED00004: attempt 12 graded 2 times",
    "ED00005: attempt 31: answers sent but not stored as sent: [3, 4]; stored but not sent: []",
    "ED00006: attempt 40: answers sent but not stored as sent: [1]; stored but not sent: [9]",
    "ED00007: attempts [5, 6] in the database, started 6",
    "12 of 300 certificates not issued within 300 s of the last submit (user ids [1, 2, 3])",
]


def test_problems_are_counted_by_kind():
    assert dict(problem_kinds(PROBLEMS)) == {
        "did not reach the exam": 2,
        "did not submit": 1,
        "attempt graded 0 times": 1,
        "attempt graded 2 times": 1,
        "attempt: answers sent but not stored as sent: [...]; stored but not sent: [...]": 2,
        "attempts [...] in the database, one started": 1,
        "certificates not issued within 300 s of the last submit": 1,
    }


def test_no_problems_no_kinds():
    assert problem_kinds([]) == {}

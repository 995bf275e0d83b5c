"""A response of the wrong shape earns nothing, and a number typed as a number counts.

Written against the mutants a mutation run left alive (docs/testing.md): each question type's
"not a response I can read: 0 points" branch, and numerical answers arriving as numbers.
"""

from __future__ import annotations

import dataclasses

import pytest

from trainer.content import grade_response


@pytest.fixture
def bank(course):
    loaded, _ = course.load()
    return {question.id: question for question in loaded.questions}


@pytest.mark.parametrize(
    ("question_id", "response"),
    [
        ("welcome-phrases", "o1"),  # multiple choice: one string, not a list of keys
        ("welcome-phrases", 7),
        ("fitting-room-actions", "o1"),
        ("greeting-time", 3),  # fill: a number where text is expected
        ("greeting-time", ["3"]),
        ("seven-steps-order", "i1"),  # ordering: a string, not a sequence of keys
        ("seven-steps-order", 12),
        ("phrase-matching", ["o1", "o2"]),  # matching: a list, not left -> right pairs
        ("phrase-matching", "o1"),
        ("fitting-room-count", True),  # numerical: a yes/no is not the number 1
        ("fitting-room-count", "三件"),
        ("fitting-room-count", ["3"]),
    ],
)
def test_a_response_of_the_wrong_shape_earns_nothing(bank, question_id, response):
    assert grade_response(bank[question_id], response) == 0.0


def test_a_numerical_answer_may_arrive_as_a_number(bank):
    count = bank["fitting-room-count"]  # 2 to 4 are right
    assert grade_response(count, 3) == 1.0
    assert grade_response(count, 2.5) == 1.0
    assert grade_response(count, 5) == 0.0
    minutes = bank["alteration-minutes"]  # 15 +/- 5
    assert grade_response(minutes, 20) == 1.0
    assert grade_response(minutes, 21) == 0.0


def test_a_true_false_answer_may_arrive_as_a_word(bank):
    question = bank["alteration-promise"]  # the right answer is "false"
    for word in ("false", "No", " 错 ", "错误", "否"):
        assert grade_response(question, word) == 1.0, word
    for word in ("true", "YES", "对", "正确", "是", "也许"):
        assert grade_response(question, word) == 0.0, word
    true_one = dataclasses.replace(question, answer=True)
    for word in ("true", "Yes", "对", "正确", " 是 "):
        assert grade_response(true_one, word) == 1.0, word
    for word in ("false", "错", "也许"):
        assert grade_response(true_one, word) == 0.0, word


class _QuestionOfAnUnknownType:
    id, type, points = "essay-1", "essay", 1


class _BrokenSequence:
    def __iter__(self):
        raise TypeError("not really a sequence")


def test_an_unknown_type_or_a_response_that_breaks_grading_earns_nothing(bank):
    assert grade_response(_QuestionOfAnUnknownType(), "anything") == 0.0
    assert grade_response(bank["seven-steps-order"], _BrokenSequence()) == 0.0

"""What grading stores: the points (partial credit kept to the hundredth of a point and
beyond), each question's record, and the result under its own attempt.

Written against the mutants a mutation run left alive (docs/testing.md). The course: a
matching question of four pairs (1 point) and a true/false question (1 point). Two pairs
right and the true/false right is 0.5 + 1 = 1.5 of 2 points, 75 percent.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.conftest import make_user
from tests.course_helpers import ready_for_exam
from trainer.courses.service import live_course
from trainer.courses.sync import course_for_version, sync_content
from trainer.extensions import db
from trainer.models import QuizResult
from trainer.quizzes import service

QUIZ = """## pairs
type: matching

把情况和说法连起来。

- 顾客进店 => 您好，欢迎光临
- 顾客离店 => 谢谢光临
- 顾客等候 => 让您久等了
- 顾客道谢 => 不客气

## tf
type: truefalse
answer: true

上班要准时到岗。
"""


@pytest.fixture
def course(app, users):
    folder = Path(app.config["CONTENT_DIR"]) / "courses" / "graded"
    (folder / "lessons").mkdir(parents=True)
    (folder / "course.md").write_text(
        "---\ntitle: 评分记录\nsummary: 测试。\ncategory: standards\nlanguage: zh-CN\n"
        "estimated_minutes: 5\ntarget_positions: [all]\nprerequisites: []\n"
        "quiz:\n  questions_per_attempt: 2\n  pass_mark: 70\n---\n\n说明。\n",
        encoding="utf-8",
    )
    (folder / "lessons" / "01-intro.md").write_text("# 介绍\n\n内容。\n", encoding="utf-8")
    (folder / "quiz.md").write_text(QUIZ, encoding="utf-8")
    sync_content(Path(app.config["CONTENT_DIR"]))
    ready_for_exam(users["learner"], "graded")
    return live_course("graded")


def _two_pairs_right(version) -> dict[str, str]:
    first, second, third, fourth = course_for_version(version).questions_by_id["pairs"].pairs
    # the first two right, the last two swapped (wrong)
    return {
        first.left_key: first.right_key,
        second.left_key: second.right_key,
        third.left_key: fourth.right_key,
        fourth.left_key: third.right_key,
    }


def test_partial_credit_is_kept_in_the_points(app, users, course):
    record, version = course
    learner = users["learner"]
    attempt = service.start_attempt(learner, record, version, rng=random.Random(1))
    answers = {"pairs": _two_pairs_right(version), "tf": True}
    result = service.submit_attempt(learner, attempt, answers)
    assert (result.points, result.max_points, result.percent, result.passed) == (
        1.5,
        2.0,
        75.0,
        True,
    )
    assert sorted(result.per_question, key=lambda item: item["id"]) == [
        {"id": "pairs", "fraction": 0.5, "points": 0.5, "max": 1, "response": answers["pairs"]},
        {"id": "tf", "fraction": 1.0, "points": 1.0, "max": 1, "response": True},
    ]


def test_unanswered_questions_earn_nothing(app, users, course):
    record, version = course
    learner = users["learner"]
    attempt = service.start_attempt(learner, record, version, rng=random.Random(1))
    result = service.submit_attempt(learner, attempt, {"tf": True})
    assert (result.points, result.percent, result.passed) == (1.0, 50.0, False)
    [pairs] = [item for item in result.per_question if item["id"] == "pairs"]
    assert pairs == {"id": "pairs", "fraction": 0.0, "points": 0.0, "max": 1, "response": None}


def test_each_result_is_stored_under_its_own_attempt(app, users, course):
    record, version = course
    first_learner, second_learner = users["learner"], make_user("L0002", "学员二", {"learner"})
    ready_for_exam(second_learner, "graded")
    first = service.start_attempt(first_learner, record, version, rng=random.Random(1))
    second = service.start_attempt(second_learner, record, version, rng=random.Random(2))
    # The later attempt is graded first.
    service.submit_attempt(second_learner, second, {"tf": True})
    service.submit_attempt(first_learner, first, {"pairs": _two_pairs_right(version), "tf": True})
    db.session.expire_all()
    assert db.session.get(QuizResult, second.id).percent == 50.0
    assert db.session.get(QuizResult, first.id).percent == 75.0

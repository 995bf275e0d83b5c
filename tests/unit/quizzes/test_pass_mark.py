"""Quiz scores just under, at and just over the pass mark: in the service and on the page.

The course below has four true/false questions worth 59, 1, 1 and 39 points (100 in all) and
a pass mark of 60, so each score is the sum of the points of the questions answered right:

    right answers        points   percent   passed
    big                      59     59.0      no     (one point short)
    big + one                60     60.0      yes    (exactly the pass mark)
    big + one + two          61     61.0      yes
    one + two + rest         41     41.0      no
    all four                100    100.0      yes

A second course (three questions of one point, pass mark 67) has a score that is under the
mark only after rounding: 2 of 3 right is 66.67 percent, which does not reach 67.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from tests.course_helpers import ready_for_exam
from trainer.courses.service import live_course
from trainer.courses.sync import sync_content
from trainer.extensions import db
from trainer.models import QuizAttempt, QuizResult
from trainer.progress import standing_of
from trainer.quizzes import service

WEIGHTED = {"big": 59, "one": 1, "two": 1, "rest": 39}
THIRDS = {"first": 1, "second": 1, "third": 1}


def _write_course(content_dir: Path, slug: str, points: dict[str, int], pass_mark: int) -> None:
    folder = content_dir / "courses" / slug
    (folder / "lessons").mkdir(parents=True)
    (folder / "course.md").write_text(
        f"---\ntitle: 及格线 {slug}\nsummary: 测试及格线。\ncategory: standards\n"
        "language: zh-CN\nestimated_minutes: 5\ntarget_positions: [all]\nprerequisites: []\n"
        f"quiz:\n  questions_per_attempt: {len(points)}\n  pass_mark: {pass_mark}\n---\n\n"
        "说明。\n",
        encoding="utf-8",
    )
    (folder / "lessons" / "01-intro.md").write_text("# 介绍\n\n内容。\n", encoding="utf-8")
    blocks = [
        f"## {question}\ntype: truefalse\npoints: {value}\nanswer: true\n\n题目 {question}。\n"
        for question, value in points.items()
    ]
    (folder / "quiz.md").write_text("\n".join(blocks), encoding="utf-8")


@pytest.fixture
def courses(app, users):
    content_dir = Path(app.config["CONTENT_DIR"])
    _write_course(content_dir, "weighted", WEIGHTED, pass_mark=60)
    _write_course(content_dir, "thirds", THIRDS, pass_mark=67)
    report = sync_content(content_dir)
    assert set(report.outcomes.values()) == {"new"}, report.problems
    for slug in ("weighted", "thirds"):
        ready_for_exam(users["learner"], slug)


def _answers(attempt, right: set[str]) -> dict[str, bool]:
    """True (the right answer) for the questions in `right`, False for the others."""
    return {entry["id"]: entry["id"] in right for entry in attempt.draw}


CASES = [
    ("weighted", {"big"}, 59.0, False),
    ("weighted", {"big", "one"}, 60.0, True),
    ("weighted", {"big", "one", "two"}, 61.0, True),
    ("weighted", {"one", "two", "rest"}, 41.0, False),
    ("weighted", set(WEIGHTED), 100.0, True),
    ("thirds", {"first", "second"}, 66.67, False),
    ("thirds", set(THIRDS), 100.0, True),
]


@pytest.mark.parametrize(("slug", "right", "percent", "passed"), CASES)
def test_service_grades_around_the_pass_mark(app, users, courses, slug, right, percent, passed):
    learner = users["learner"]
    record, version = live_course(slug)
    attempt = service.start_attempt(learner, record, version, rng=random.Random(3))
    result = service.submit_attempt(learner, attempt, _answers(attempt, right))
    assert (result.percent, result.passed) == (percent, passed)
    assert (standing_of(learner.id, record.id).exam.outcome == "passed") is passed


@pytest.mark.parametrize(("slug", "right", "percent", "passed"), CASES)
def test_result_page_around_the_pass_mark(client, signed_in, courses, slug, right, percent, passed):
    signed_in("learner")
    started = client.post(f"/quiz/{slug}/start")
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    attempt = db.session.get(QuizAttempt, attempt_id)
    form = {
        f"q{index}": "true" if entry["id"] in right else "false"
        for index, entry in enumerate(attempt.draw, start=1)
    }
    submitted = client.post(f"/quiz/attempt/{attempt_id}/submit", data=form)
    assert submitted.headers["Location"] == f"/quiz/attempt/{attempt_id}/result"
    page = client.get(submitted.headers["Location"]).get_data(as_text=True)
    shown = f"{percent:g}%"
    assert f'<p class="score">{shown}</p>' in page
    assert ("已通过" if passed else "未通过") in page
    assert ("result passed" if passed else "result failed") in page
    stored = db.session.get(QuizResult, attempt_id)
    assert (stored.percent, stored.passed) == (percent, passed)

"""The review after an exam: the learner's choice in the page's words, right or wrong apart."""

import re

import pytest

from tests.course_helpers import ready_for_exam
from tests.quiz_helpers import answers_form, correct_response
from trainer.courses.sync import course_for_version
from trainer.extensions import db
from trainer.models import QuizAttempt


@pytest.fixture
def exam(client, users, signed_in, synced):
    signed_in("learner")
    ready_for_exam(users["learner"], "store-service")  # lessons read, prerequisite passed
    response = client.post("/quiz/store-service/start")
    attempt = db.session.get(QuizAttempt, int(response.headers["Location"].rsplit("/", 1)[1]))
    # Question 1 is the true/false one whose right answer is "false" (错).
    course = course_for_version(attempt.version)
    truefalse = course.questions_by_id["alteration-promise"]
    assert truefalse.answer is False
    others = [entry for entry in attempt.draw if entry["id"] != truefalse.id][:5]
    attempt.draw = [{"id": truefalse.id}, *others]
    db.session.commit()
    return attempt


def _review_item(page: str, number: int) -> str:
    items = re.findall(r'<article class="card review-item.*?</article>', page, re.S)
    return items[number - 1]


def _submit_and_review(client, exam, truefalse_value: str) -> str:
    form = answers_form(exam, correct_response)
    form["q1"] = [truefalse_value]
    response = client.post(f"/quiz/attempt/{exam.id}/submit", data=form)
    assert response.status_code == 302
    page = client.get(f"/quiz/attempt/{exam.id}/result").get_data(as_text=True)
    assert "review-item" in page  # one wrong of six still passes: the review is shown
    return _review_item(page, 1)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_a_right_false_reads_as_the_learners_false_with_a_right_mark(client, exam):
    item = _text(_submit_and_review(client, exam, "false"))
    assert "你的答案: 错" in item
    assert "✓ 答对了" in item and "答错了" not in item
    assert "✗" not in item.split("你的答案")[1]


def test_a_wrong_true_reads_as_the_learners_true_with_a_wrong_mark(client, exam):
    item = _text(_submit_and_review(client, exam, "true"))
    assert "你的答案: 对" in item
    assert "✗ 答错了" in item and "答对了" not in item


def test_the_review_speaks_english_in_english(client, exam, users):
    users["learner"].locale = "en"
    db.session.commit()
    item = _text(_submit_and_review(client, exam, "false"))
    assert "Your answer: False" in item
    assert "✓ Correct" in item

"""交卷 asks first, saying how many questions are unanswered or incomplete."""

import random
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.course_helpers import ready_for_exam
from tests.quiz_helpers import answers_form, correct_response
from trainer.courses.sync import course_for_version
from trainer.extensions import db
from trainer.models import QuizAnswer, QuizAttempt, QuizResult, utcnow
from trainer.quizzes.rules import freeze_question


@pytest.fixture
def exam(client, users, signed_in, synced):
    """Question 1 is the ordering question, 6 the fill-in one; six points in all."""
    signed_in("learner")
    ready_for_exam(users["learner"], "store-service")  # lessons read, prerequisite passed
    response = client.post("/quiz/store-service/start")
    attempt = db.session.get(QuizAttempt, int(response.headers["Location"].rsplit("/", 1)[1]))
    course = course_for_version(attempt.version)
    others = [q.id for q in course.questions if q.type not in ("ordering", "scenario", "fill")]
    ids = ["seven-steps-order", *others[:4], "greeting-time"]
    rng = random.Random(3)
    attempt.draw = [freeze_question(course.questions_by_id[qid], rng) for qid in ids]
    db.session.commit()
    return attempt


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _half_done(exam) -> dict:
    form = answers_form(exam, correct_response)
    for name in sorted(name for name in form if name.startswith("q1-"))[1:]:
        form[name] = [""]  # the ordering question: only one item placed
    form["q6"] = [""]  # the fill-in question: left empty
    form["shown"] = [str(i) for i in range(1, 7)]
    return form


def test_submit_asks_first_and_counts_unanswered_and_incomplete(client, exam):
    response = client.post(f"/quiz/attempt/{exam.id}/confirm", data=_half_done(exam))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = _text(page)
    assert "确定交卷吗？" in text
    assert "共 6 题，已答 4 题" in text
    assert "1 道题未作答： 第 6 题" in text
    assert "1 道题未答完整，不会得分： 第 1 题" in text
    assert f'href="/quiz/attempt/{exam.id}#question-6"' in page
    assert f'action="/quiz/attempt/{exam.id}/submit"' in page
    assert db.session.get(QuizResult, exam.id) is None  # nothing graded yet
    stored = {a.question_id: a.complete for a in db.session.scalars(sa.select(QuizAnswer))}
    assert sorted(stored.values()) == [False, True, True, True, True]  # all kept


def test_confirming_grades_what_was_saved(client, exam):
    client.post(f"/quiz/attempt/{exam.id}/confirm", data=_half_done(exam))
    response = client.post(f"/quiz/attempt/{exam.id}/submit", data={})
    assert response.headers["Location"].endswith(f"/quiz/attempt/{exam.id}/result")
    result = db.session.get(QuizResult, exam.id)
    assert (result.points, result.max_points, result.closed_by) == (4, 6, "learner")


def test_all_answered_says_so(client, exam):
    form = answers_form(exam, correct_response)
    text = _text(client.post(f"/quiz/attempt/{exam.id}/confirm", data=form).get_data(as_text=True))
    assert "每道题都已作答。" in text and "未作答" not in text and "不会得分" not in text


def test_going_back_to_the_exam_changes_nothing(client, exam):
    client.post(f"/quiz/attempt/{exam.id}/confirm", data=_half_done(exam))
    page = client.get(f"/quiz/attempt/{exam.id}")
    assert page.status_code == 200 and db.session.get(QuizResult, exam.id) is None


def test_after_the_deadline_the_submit_button_grades_at_once(client, exam):
    client.post(f"/quiz/attempt/{exam.id}/save", data=answers_form(exam, correct_response))
    exam.deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.post(f"/quiz/attempt/{exam.id}/confirm", data={})
    assert response.headers["Location"].endswith(f"/quiz/attempt/{exam.id}/result")
    assert db.session.get(QuizResult, exam.id).closed_by == "deadline"


def test_counts_use_plural_forms_in_english(client, exam, users):
    users["learner"].locale = "en"
    db.session.commit()
    form = _half_done(exam)
    del form["q4"]  # ticks taken back: nothing sent, but the page showed it (shown=4)
    form["q5"] = [""]
    text = _text(client.post(f"/quiz/attempt/{exam.id}/confirm", data=form).get_data(as_text=True))
    assert "1 question is incomplete and will score nothing:" in text
    assert "3 questions are unanswered: Question 4 , Question 5 , Question 6" in text


def test_the_exam_page_sends_its_submit_button_to_the_confirmation(client, exam):
    page = client.get(f"/quiz/attempt/{exam.id}").get_data(as_text=True)
    assert f'action="/quiz/attempt/{exam.id}/confirm"' in page
    assert f'formaction="/quiz/attempt/{exam.id}/save"' in page

"""Saving an exam per question: a half-filled question never costs the other answers."""

import random
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.course_helpers import ready_for_exam
from tests.quiz_helpers import answers_form, correct_response
from trainer.courses.sync import course_for_version
from trainer.extensions import db
from trainer.models import QuizAnswer, QuizAttempt, QuizResult, utcnow
from trainer.quizzes.rules import freeze_question

JSON = {"Accept": "application/json"}


@pytest.fixture
def exam(client, users, signed_in, synced):
    """An attempt whose question 1 is the three-step ordering question and whose other five
    questions are worth one point each (six points in all)."""
    signed_in("learner")
    ready_for_exam(users["learner"], "store-service")  # lessons read, prerequisite passed
    response = client.post("/quiz/store-service/start")
    attempt = db.session.get(QuizAttempt, int(response.headers["Location"].rsplit("/", 1)[1]))
    course = course_for_version(attempt.version)
    ordering = course.questions_by_id["seven-steps-order"]
    others = [q.id for q in course.questions if q.type not in ("ordering", "scenario")][:5]
    draw = {entry["id"]: entry for entry in attempt.draw}
    rng = random.Random(7)
    attempt.draw = [
        draw.get(ordering.id) or freeze_question(ordering, rng),
        *[draw.get(qid) or freeze_question(course.questions_by_id[qid], rng) for qid in others],
    ]
    db.session.commit()
    return attempt


def _half_filled(exam) -> dict[str, list[str]]:
    """Every answer right, but only the first item of the ordering question placed."""
    form = answers_form(exam, correct_response)
    ordering_fields = sorted(name for name in form if name.startswith("q1-"))
    assert len(ordering_fields) == 3
    for name in ordering_fields[1:]:
        form[name] = [""]
    form["shown"] = [str(i) for i in range(1, 7)]
    return form


def test_a_half_filled_ordering_is_saved_incomplete_and_every_other_answer_is_stored(client, exam):
    form = _half_filled(exam)
    response = client.post(f"/quiz/attempt/{exam.id}/save", data=form, headers=JSON)
    assert response.status_code == 200
    data = response.get_json()
    assert data["questions"]["1"]["state"] == "incomplete"
    assert "请为每一项选择顺序" in data["questions"]["1"]["text"]
    assert [data["questions"][str(i)]["state"] for i in range(2, 7)] == ["answered"] * 5
    stored = {a.question_id: a.complete for a in db.session.scalars(sa.select(QuizAnswer))}
    assert stored == {entry["id"]: entry is not exam.draw[0] for entry in exam.draw}


def test_the_page_shows_the_half_filled_question_as_left_and_marked(client, exam):
    form = _half_filled(exam)
    placed = sorted(name for name in form if name.startswith("q1-"))[0]
    client.post(f"/quiz/attempt/{exam.id}/save", data=form)
    page = client.get(f"/quiz/attempt/{exam.id}").get_data(as_text=True)
    question_1 = page[page.index('id="question-1"') : page.index('id="question-2"')]
    assert 'data-state="incomplete"' in question_1
    assert "已保存为未完成：请为每一项选择顺序。" in question_1
    chosen = form[placed][0]
    assert f'<option value="{chosen}" selected>' in question_1
    assert question_1.count("selected>") == 1
    question_2 = page[page.index('id="question-2"') : page.index('id="question-3"')]
    assert "已保存。" in question_2


def test_the_deadline_grades_every_stored_complete_answer(client, exam):
    client.post(f"/quiz/attempt/{exam.id}/save", data=_half_filled(exam), headers=JSON)
    exam.deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get(f"/quiz/attempt/{exam.id}")  # the page closes the expired attempt
    assert response.headers["Location"].endswith(f"/quiz/attempt/{exam.id}/result")
    result = db.session.get(QuizResult, exam.id)
    assert result.closed_by == "deadline"
    assert (result.points, result.max_points, result.percent) == (5, 6, 83.33)
    assert result.passed  # pass mark 80


def test_finishing_the_ordering_later_makes_it_count(client, exam):
    client.post(f"/quiz/attempt/{exam.id}/save", data=_half_filled(exam), headers=JSON)
    client.post(
        f"/quiz/attempt/{exam.id}/save", data=answers_form(exam, correct_response), headers=JSON
    )
    assert all(db.session.scalars(sa.select(QuizAnswer.complete)))
    client.post(f"/quiz/attempt/{exam.id}/submit", data={})
    assert db.session.get(QuizResult, exam.id).percent == 100.0


def test_an_emptied_typed_answer_is_forgotten_not_kept(client, exam):
    form = answers_form(exam, correct_response)
    client.post(f"/quiz/attempt/{exam.id}/save", data=form, headers=JSON)
    course = course_for_version(exam.version)
    fill_index = next(
        i
        for i, entry in enumerate(exam.draw, 1)
        if course.questions_by_id[entry["id"]].type == "fill"
    )
    response = client.post(
        f"/quiz/attempt/{exam.id}/save",
        data={f"q{fill_index}": "", "shown": str(fill_index)},
        headers=JSON,
    )
    assert response.get_json()["questions"] == {
        str(fill_index): {"state": "cleared", "text": "未保存答案。"}
    }
    stored = set(db.session.scalars(sa.select(QuizAnswer.question_id)))
    assert len(stored) == 5 and exam.draw[fill_index - 1]["id"] not in stored


def test_a_draft_is_never_graded_even_when_it_reads_like_a_right_answer(client, exam, users):
    from trainer.quizzes import service

    ordering = course_for_version(exam.version).questions_by_id["seven-steps-order"]
    service.save_answers(
        users["learner"], exam, {}, drafts={ordering.id: list(ordering.correct_order)}
    )
    result = service.grade_attempt(exam, closed_by="deadline")
    assert result.points == 0 and result.per_question[0]["response"] is None

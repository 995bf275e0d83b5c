"""The theory exam through the browser's eyes: the page, saving, submitting, bad input."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.course_helpers import ready_for_exam
from tests.quiz_helpers import (
    answers_form,
    correct_response,
    put_single_choice_first,
    wrong_response,
)
from trainer.courses.sync import course_for_version
from trainer.extensions import db
from trainer.models import QuizAnswer, QuizAttempt, QuizResult, utcnow


@pytest.fixture
def exam(client, users, signed_in, synced):
    """The learner has started the store-service exam; returns the attempt."""
    signed_in("learner")
    ready_for_exam(users["learner"], "store-service")  # lessons read, prerequisite passed
    response = client.post("/quiz/store-service/start")
    attempt_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return db.session.get(QuizAttempt, attempt_id)


def test_course_page_offers_the_exam(client, users, signed_in, synced):
    signed_in("learner")
    ready_for_exam(users["learner"], "store-service")
    page = client.get("/courses/store-service").get_data(as_text=True)
    assert "第 1 轮：还有 3 次机会" in page
    assert 'data-testid="start-quiz"' in page


def test_exam_page_never_contains_the_answers(client, exam):
    page = client.get(f"/quiz/attempt/{exam.id}").get_data(as_text=True)
    course = course_for_version(exam.version)
    assert "解析" not in page
    for question in course.questions:
        asked = getattr(question, "asked", question)
        for option in getattr(asked, "options", ()):
            assert f'value="{option.key}"' not in page  # bank keys never reach the page
        if question.explanation:
            assert question.explanation[:12] not in page
    assert "correct" not in page.lower() and "data-answer" not in page
    # Text answers start empty: nothing pre-filled that could be an accepted answer.
    assert set(re.findall(r'class="text-answer"[^>]*value="([^"]*)"', page)) <= {""}


def test_answers_survive_a_reload(client, exam):
    form = answers_form(exam, correct_response)
    response = client.post(f"/quiz/attempt/{exam.id}/save", data=form)
    assert response.status_code == 302
    page = client.get(f"/quiz/attempt/{exam.id}").get_data(as_text=True)
    for name, values in form.items():
        for value in values:
            if name.count("-") == 0 and len(value) == 8:  # a choice token
                assert re.search(rf'name="{name}" value="{value}" checked', page)


def test_autosave_answers_json(client, exam):
    form = answers_form(exam, correct_response)
    response = client.post(
        f"/quiz/attempt/{exam.id}/save", data=form, headers={"Accept": "application/json"}
    )
    data = response.get_json()
    assert data["saved"] is True and data["answered"] == 6
    assert {number: q["state"] for number, q in data["questions"].items()} == {
        str(i): "answered" for i in range(1, 7)
    }
    assert data["questions"]["1"]["text"] == "已保存。"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAnswer)) == 6


def test_submit_shows_the_result_and_a_second_submit_changes_nothing(client, exam):
    form = answers_form(exam, correct_response)
    response = client.post(f"/quiz/attempt/{exam.id}/submit", data=form)
    assert response.headers["Location"] == f"/quiz/attempt/{exam.id}/result"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "100%" in page and "已通过" in page
    client.post(f"/quiz/attempt/{exam.id}/submit", data=answers_form(exam, wrong_response))
    assert db.session.get(QuizResult, exam.id).percent == 100.0


def test_submit_writes_the_grading_once_and_nothing_per_question(client, exam):
    """The submit button stores one graded result (the answers graded are kept in it), not
    a row per answer, and a failed exam has nothing to complete."""
    from tests.conftest import recorded_statements

    form = answers_form(exam, wrong_response)
    with recorded_statements() as statements:
        response = client.post(f"/quiz/attempt/{exam.id}/submit", data=form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/quiz/attempt/{exam.id}/result")
    writes = [
        s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert len(writes) == 1, writes
    assert writes[0].startswith("INSERT INTO quiz_results")
    assert not db.session.get(QuizResult, exam.id).passed


def test_submit_signed_in_by_the_remember_me_cookie_alone(client, users, synced):
    """A learner whose browser session ended but who ticked "remember me": the submit signs
    them in from that cookie and still finds and grades the attempt."""
    from tests.conftest import sign_in

    ready_for_exam(users["learner"], "store-service")
    assert sign_in(client, "L0001", remember="y").status_code == 302
    response = client.post("/quiz/store-service/start")
    attempt = db.session.get(QuizAttempt, int(response.headers["Location"].rsplit("/", 1)[1]))
    form = answers_form(attempt, correct_response)
    with client.session_transaction() as browser_session:
        browser_session.pop("_user_id")  # only the remember-me cookie is left
    response = client.post(f"/quiz/attempt/{attempt.id}/submit", data=form)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/quiz/attempt/{attempt.id}/result")
    assert db.session.get(QuizResult, attempt.id).percent == 100.0


def test_tampered_option_is_refused_and_the_other_answers_are_saved(client, exam):
    put_single_choice_first(exam)  # the draw is random
    form = answers_form(exam, correct_response)
    form["q1"] = ["o1"]  # a bank key instead of this attempt's token
    response = client.post(f"/quiz/attempt/{exam.id}/save", data=form)
    assert response.status_code == 400
    assert "不是这道题的选项" in response.get_data(as_text=True)
    stored = set(db.session.scalars(sa.select(QuizAnswer.question_id)))
    assert stored == {entry["id"] for entry in exam.draw[1:]}  # all but the refused one


def test_non_numeric_answer_is_kept_as_typed_and_marked_incomplete(client, exam):
    course = course_for_version(exam.version)
    numerical = next(q for q in course.questions if q.type == "numerical")
    exam.draw = [{"id": numerical.id}, *exam.draw[1:]]  # make question 1 the numerical one
    db.session.commit()
    response = client.post(f"/quiz/attempt/{exam.id}/save", data={"q1": "三秒"})
    assert response.status_code == 302
    answer = db.session.scalar(sa.select(QuizAnswer))
    assert (answer.response, answer.complete) == ("三秒", False)
    page = client.get(f"/quiz/attempt/{exam.id}").get_data(as_text=True)
    assert 'value="三秒"' in page
    assert "已保存为未完成：请输入数字" in page
    # Full-width digits are numbers too.
    assert client.post(f"/quiz/attempt/{exam.id}/save", data={"q1": "３"}).status_code == 302
    db.session.refresh(answer)
    assert (answer.response, answer.complete) == ("３", True)


def test_someone_elses_attempt_is_not_found(app, client, exam, users):
    client.post("/auth/logout")
    from tests.conftest import sign_in

    sign_in(client, users["trainer"].employee_no)
    assert client.get(f"/quiz/attempt/{exam.id}").status_code == 404
    assert client.post(f"/quiz/attempt/{exam.id}/submit", data={}).status_code == 404
    assert db.session.get(QuizResult, exam.id) is None


def test_late_submission_over_http_is_graded_at_the_deadline(client, exam):
    client.post(f"/quiz/attempt/{exam.id}/save", data=answers_form(exam, correct_response))
    exam.deadline_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.post(
        f"/quiz/attempt/{exam.id}/submit",
        data=answers_form(exam, wrong_response),
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "时间已到" in page and "100%" in page


def test_review_follows_the_course_policy(client, exam):
    # store-service reviews after a pass: a failed attempt hides the answers.
    client.post(f"/quiz/attempt/{exam.id}/submit", data=answers_form(exam, wrong_response))
    page = client.get(f"/quiz/attempt/{exam.id}/result").get_data(as_text=True)
    assert 'data-testid="review-hidden"' in page and "通过后才显示" in page


def test_review_after_a_pass_shows_explanations(client, exam):
    client.post(f"/quiz/attempt/{exam.id}/submit", data=answers_form(exam, correct_response))
    page = client.get(f"/quiz/attempt/{exam.id}/result").get_data(as_text=True)
    assert "解析" in page and "正确答案" in page


def test_wait_message_after_a_failed_attempt(client, exam):
    client.post(f"/quiz/attempt/{exam.id}/submit", data=answers_form(exam, wrong_response))
    response = client.post("/quiz/store-service/start", follow_redirects=True)
    assert "下一次考试将于" in response.get_data(as_text=True)


def test_staff_see_attempts_csv_and_analysis(client, exam, users, signed_in):
    client.post(f"/quiz/attempt/{exam.id}/submit", data=answers_form(exam, correct_response))
    client.post("/auth/logout")
    signed_in("trainer")
    page = client.get("/quiz/store-service/attempts").get_data(as_text=True)
    assert "学员小张" in page and "100%" in page
    csv = client.get("/quiz/store-service/attempts?format=csv")
    assert csv.mimetype == "text/csv"
    assert "L0001,学员小张" in csv.get_data(as_text=True)
    analysis = client.get("/quiz/store-service/analysis").get_data(as_text=True)
    assert "区分度" in analysis


def test_hr_grants_an_extra_attempt(client, users, signed_in, synced):
    signed_in("hr")
    response = client.post(
        "/quiz/store-service/attempts",
        data={"employee_no": "L0001", "reason": "考试时系统故障"},
        follow_redirects=True,
    )
    assert "学员小张 获得了一次额外机会" in response.get_data(as_text=True)
    unknown = client.post(
        "/quiz/store-service/attempts",
        data={"employee_no": "NOPE", "reason": "x"},
        follow_redirects=True,
    )
    assert "没有工号为 NOPE 的人员" in unknown.get_data(as_text=True)


def test_learners_cannot_open_staff_pages(client, users, signed_in, synced):
    signed_in("learner")
    assert client.get("/quiz/store-service/attempts").status_code == 403
    assert client.get("/quiz/store-service/analysis").status_code == 403

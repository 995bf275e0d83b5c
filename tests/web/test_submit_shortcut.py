"""The exam's submit button answered in front of Flask (trainer.quizzes.submit_shortcut).

An ordinary submit must come out exactly as the view makes it (the same response, the same
stored grading, a certificate when the course is complete); every other submit must be left
to Flask and come out as before.
"""

import re
from collections import OrderedDict
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, make_user, sign_in
from tests.quiz_helpers import (
    answers_form,
    correct_response,
    put_single_choice_first,
    wrong_response,
)
from trainer import page_cache
from trainer.extensions import db
from trainer.models import Certificate, QuizAnswer, QuizAttempt, QuizResult, User, utcnow
from trainer.quizzes import service, submit_shortcut


def start_exam(client, slug: str = "store-service") -> QuizAttempt:
    response = client.post(f"/quiz/{slug}/start")
    assert response.status_code == 302, response.get_data(as_text=True)
    return db.session.get(QuizAttempt, int(response.headers["Location"].rsplit("/", 1)[1]))


def shortcut(app) -> submit_shortcut.SubmitShortcut:
    assert isinstance(app.wsgi_app, submit_shortcut.SubmitShortcut)
    return app.wsgi_app


def described(response, attempt_id: int) -> tuple:
    """A response with the attempt's id written as <id>, to compare two attempts' answers."""
    def plain(text: str) -> str:
        return text.replace(f"/attempt/{attempt_id}/", "/attempt/<id>/")

    return (response.status, [(name, plain(value)) for name, value in response.headers],
            plain(response.get_data(as_text=True)))


def stored(attempt_id: int) -> tuple:
    result = db.session.get(QuizResult, attempt_id)
    db.session.refresh(result)
    return (result.closed_by, result.points, result.max_points, result.percent, result.passed,
            result.per_question)


@pytest.fixture
def two_learners(app, client, users, synced):
    """Two learners' clients, each with an open store-service exam drawn alike (the same
    questions and option tokens), so the same form answers both."""
    make_user("L0002", "第二位学员", {"learner"}, department_path="测试公司/华东区/上海一店")
    other = app.test_client()
    assert sign_in(client, "L0001").status_code == 302
    assert sign_in(other, "L0002").status_code == 302
    first, second = start_exam(client), start_exam(other)
    second.draw = first.draw
    db.session.commit()
    return (client, first), (other, second)


@pytest.mark.parametrize("pick", [correct_response, wrong_response], ids=["pass", "fail"])
def test_an_ordinary_submit_comes_out_as_the_view_makes_it(app, two_learners, pick):
    (flask_client, through_flask), (other, short_cut) = two_learners
    form = answers_form(through_flask, pick)

    app.config["SUBMIT_SHORTCUT"] = False
    by_flask = flask_client.post(f"/quiz/attempt/{through_flask.id}/submit", data=form)
    assert shortcut(app).taken == 0
    app.config["SUBMIT_SHORTCUT"] = True
    by_shortcut = other.post(f"/quiz/attempt/{short_cut.id}/submit", data=form)
    assert shortcut(app).taken == 1

    assert by_shortcut.status_code == 302
    assert described(by_shortcut, short_cut.id) == described(by_flask, through_flask.id)
    assert stored(short_cut.id) == stored(through_flask.id)
    assert stored(short_cut.id)[4] is (pick is correct_response)
    # The learner then sees their result page as usual.
    page = other.get(by_shortcut.headers["Location"]).get_data(as_text=True)
    assert ("已通过" in page) is (pick is correct_response)


def test_a_pass_that_completes_the_course_issues_the_certificate(app, client, users, synced):
    assert sign_in(client, "L0001").status_code == 302
    attempt = start_exam(client, "basics")
    response = client.post(f"/quiz/attempt/{attempt.id}/submit",
                           data=answers_form(attempt, correct_response))
    assert response.status_code == 302 and shortcut(app).taken == 1
    certificate = db.session.scalar(sa.select(Certificate).where(
        Certificate.user_id == users["learner"].id))
    assert certificate is not None and certificate.kind == "course"


def test_questions_left_out_count_as_saved_earlier(app, client, users, synced):
    assert sign_in(client, "L0001").status_code == 302
    attempt = start_exam(client)
    form = answers_form(attempt, correct_response)
    assert client.post(f"/quiz/attempt/{attempt.id}/save", data=form).status_code == 302
    first_question = {name: values for name, values in form.items()
                      if name == "q1" or name.startswith("q1-")}
    response = client.post(f"/quiz/attempt/{attempt.id}/submit", data=first_question)
    assert response.status_code == 302 and shortcut(app).taken == 1
    assert db.session.get(QuizResult, attempt.id).percent == 100.0


def test_a_second_submit_is_left_to_the_view_and_changes_nothing(app, client, users, synced):
    assert sign_in(client, "L0001").status_code == 302
    attempt = start_exam(client)
    client.post(f"/quiz/attempt/{attempt.id}/submit", data=answers_form(attempt, wrong_response))
    before = stored(attempt.id)
    again = client.post(f"/quiz/attempt/{attempt.id}/submit",
                        data=answers_form(attempt, correct_response))
    assert again.headers["Location"] == f"/quiz/attempt/{attempt.id}/result"
    assert shortcut(app).taken == 1  # the first one only
    assert stored(attempt.id) == before


TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def signed_in_with_csrf(client) -> tuple[str, QuizAttempt]:
    """Signed in through the form with CSRF on; (the token of the pages, an open exam),
    the exam started with that token (so Flask-WTF has verified it)."""
    token = TOKEN.search(client.get("/auth/login").get_data(as_text=True))[1]
    assert client.post("/auth/login", data={"login": "L0001", "password": PASSWORD,
                                            "csrf_token": token}).status_code == 302
    token = TOKEN.search(client.get("/courses/store-service").get_data(as_text=True))[1]
    response = client.post("/quiz/store-service/start", data={"csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    return token, db.session.get(QuizAttempt,
                                 int(response.headers["Location"].rsplit("/", 1)[1]))


def test_with_csrf_on_a_token_new_to_this_worker_is_checked_as_flask_wtf_checks_it(
        csrf_app, client, users, synced, monkeypatch):
    token, attempt = signed_in_with_csrf(client)
    # As in a worker that has not seen this token yet.
    monkeypatch.setattr(page_cache, "_verified_tokens", OrderedDict())
    form = {**answers_form(attempt, wrong_response), "csrf_token": [token]}
    assert client.post(f"/quiz/attempt/{attempt.id}/submit", data=form).status_code == 302
    assert shortcut(csrf_app).taken == 1
    assert db.session.get(QuizResult, attempt.id) is not None


def test_with_csrf_on_another_sessions_token_is_refused(csrf_app, client, users, synced,
                                                        monkeypatch):
    """A genuine token, signed by the app, but for another browser's session."""
    make_user("L0002", "第二位学员", {"learner"}, department_path="测试公司/华东区/上海一店")
    other = csrf_app.test_client()
    page = other.get("/auth/login").get_data(as_text=True)
    others_token = TOKEN.search(page)[1]
    _token, attempt = signed_in_with_csrf(client)
    monkeypatch.setattr(page_cache, "_verified_tokens", OrderedDict())
    form = {**answers_form(attempt, wrong_response), "csrf_token": [others_token]}
    assert client.post(f"/quiz/attempt/{attempt.id}/submit", data=form).status_code == 400
    assert shortcut(csrf_app).taken == 0 and db.session.get(QuizResult, attempt.id) is None


def test_with_csrf_on_a_token_signed_with_another_key_is_refused(csrf_app, client, users,
                                                                 synced):
    from itsdangerous import URLSafeTimedSerializer

    _token, attempt = signed_in_with_csrf(client)
    with client.session_transaction() as browser_session:
        raw = browser_session["csrf_token"]
    forged = URLSafeTimedSerializer("not-the-apps-key", salt="wtf-csrf-token").dumps(raw)
    form = {**answers_form(attempt, wrong_response), "csrf_token": [forged]}
    assert client.post(f"/quiz/attempt/{attempt.id}/submit", data=form).status_code == 400
    assert shortcut(csrf_app).taken == 0 and db.session.get(QuizResult, attempt.id) is None


def test_with_csrf_on_a_verified_token_is_taken_and_a_forged_one_never(csrf_app, client,
                                                                       users, synced):
    token, attempt = signed_in_with_csrf(client)
    form = {**answers_form(attempt, wrong_response), "csrf_token": [token]}
    forged = client.post(f"/quiz/attempt/{attempt.id}/submit",
                         data={**form, "csrf_token": [token[:-2] + "xx"]})
    assert forged.status_code == 400
    missing = client.post(f"/quiz/attempt/{attempt.id}/submit",
                          data={name: values for name, values in form.items()
                                if name != "csrf_token"})
    assert missing.status_code == 400
    assert shortcut(csrf_app).taken == 0 and db.session.get(QuizResult, attempt.id) is None
    response = client.post(f"/quiz/attempt/{attempt.id}/submit", data=form)
    assert response.status_code == 302 and shortcut(csrf_app).taken == 1
    assert db.session.get(QuizResult, attempt.id) is not None


@pytest.fixture
def exam(client, users, synced) -> QuizAttempt:
    assert sign_in(client, "L0001").status_code == 302
    return start_exam(client)


def test_someone_elses_attempt_is_not_found(app, client, exam, users):
    client.post("/auth/logout")
    assert sign_in(client, users["trainer"].employee_no).status_code == 302
    response = client.post(f"/quiz/attempt/{exam.id}/submit",
                           data=answers_form(exam, correct_response))
    assert response.status_code == 404
    assert shortcut(app).taken == 0 and db.session.get(QuizResult, exam.id) is None


def test_a_tampered_answer_gets_the_exam_page_back(app, client, exam):
    put_single_choice_first(exam)  # the draw is random
    form = answers_form(exam, correct_response)
    form["q1"] = ["o1"]  # a bank key instead of this attempt's token
    response = client.post(f"/quiz/attempt/{exam.id}/submit", data=form)
    assert response.status_code == 400
    assert "不是这道题的选项" in response.get_data(as_text=True)
    assert shortcut(app).taken == 0 and db.session.get(QuizResult, exam.id) is None


def test_a_late_submit_is_graded_at_the_deadline_by_the_view(app, client, exam):
    exam.deadline_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    response = client.post(f"/quiz/attempt/{exam.id}/submit",
                           data=answers_form(exam, correct_response))
    assert response.headers["Location"] == f"/quiz/attempt/{exam.id}/result"
    assert shortcut(app).taken == 0
    assert db.session.get(QuizResult, exam.id).closed_by == "deadline"
    assert "时间已到" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_deadline_passing_while_grading_gets_the_views_message(app, client, exam,
                                                                   monkeypatch):
    """The deadline passes between the shortcut's check and the grading: graded at the
    deadline, and the learner is told so, as the view tells them."""
    seen = []
    real = service.is_past_deadline

    def deadline_passes_after_the_first_look(attempt, now):
        seen.append(now)
        return len(seen) > 1 or real(attempt, now)

    monkeypatch.setattr(service, "is_past_deadline", deadline_passes_after_the_first_look)
    response = client.post(f"/quiz/attempt/{exam.id}/submit",
                           data=answers_form(exam, correct_response))
    assert response.headers["Location"] == f"/quiz/attempt/{exam.id}/result"
    assert db.session.get(QuizResult, exam.id).closed_by == "deadline"
    assert "时间已到" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_error_while_grading_gets_flasks_error_page(app, client, exam, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the 500 page

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(service, "submit_answers", broken)
    response = client.post(f"/quiz/attempt/{exam.id}/submit",
                           data=answers_form(exam, correct_response))
    assert response.status_code == 500
    assert "系统出现了问题" in response.get_data(as_text=True)
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(("change", "sent_to"), [
    (lambda user: setattr(user, "session_epoch", user.session_epoch + 1), "/auth/login"),
    (lambda user: setattr(user, "active", False), "/auth/login"),
    (lambda user: setattr(user, "must_change_password", True), "/auth/password"),
], ids=["signed out everywhere", "deactivated", "forced password change"])
def test_a_learner_who_may_not_submit_now_is_sent_where_flask_sends_them(app, client, exam,
                                                                         change, sent_to):
    change(db.session.scalar(sa.select(User).where(User.employee_no == "L0001")))
    db.session.commit()
    response = client.post(f"/quiz/attempt/{exam.id}/submit",
                           data=answers_form(exam, correct_response))
    assert response.status_code == 302
    assert response.headers["Location"].partition("?")[0] == sent_to
    assert shortcut(app).taken == 0 and db.session.get(QuizResult, exam.id) is None


def test_other_spellings_of_the_address_are_left_to_flask(app, client, exam):
    form = answers_form(exam, correct_response)
    assert client.post(f"/quiz/attempt/{exam.id}/submit/", data=form).status_code == 404
    assert db.session.get(QuizResult, exam.id) is None
    # Werkzeug reads "01" as 1: the view grades it, the shortcut leaves it alone.
    response = client.post(f"/quiz/attempt/0{exam.id}/submit", data=form)
    assert response.headers["Location"] == f"/quiz/attempt/{exam.id}/result"
    assert db.session.get(QuizResult, exam.id).percent == 100.0
    assert shortcut(app).taken == 0


def test_a_signed_out_browser_is_sent_to_sign_in(app, client, exam):
    form = answers_form(exam, correct_response)
    client.post("/auth/logout")
    response = client.post(f"/quiz/attempt/{exam.id}/submit", data=form)
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert shortcut(app).taken == 0 and db.session.get(QuizResult, exam.id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAnswer)) == 0


def test_the_shortcut_stands_only_before_the_hooks_it_knows(app):
    assert submit_shortcut.why_not_installable(app) is None
    app.before_request_funcs[None].append(lambda: None)
    try:
        reason = submit_shortcut.why_not_installable(app)
        assert reason is not None and "before_request" in reason
    finally:
        app.before_request_funcs[None].pop()


def test_a_hook_added_later_switches_the_shortcut_off(app, client, exam):
    """Hooks can be added until the first request: the shortcut looks at them then."""
    from trainer import create_app

    fresh = create_app({**app.config, "SUBMIT_SHORTCUT": True})
    calls = []
    fresh.before_request(lambda: calls.append("hook"))
    hooks = fresh.before_request_funcs[None]
    hooks.insert(0, hooks.pop())  # first, so that it runs whatever the others answer
    assert isinstance(fresh.wsgi_app, submit_shortcut.SubmitShortcut)
    fresh.test_client().post(f"/quiz/attempt/{exam.id}/submit")
    assert calls == ["hook"]
    assert fresh.wsgi_app.taken == 0 and fresh.wsgi_app.off_because is not None

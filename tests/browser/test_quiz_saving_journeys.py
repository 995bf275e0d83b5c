"""Typed exam answers are saved as the learner types, and the page says "saved" only for
what the server confirmed: across a reload, an offline spell and a server restart."""

import random
import threading

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect
from werkzeug.serving import make_server

from tests.browser.conftest import demo_user, sign_in
from tests.course_helpers import ready_for_exam
from trainer import create_app
from trainer.courses.sync import course_for_version
from trainer.extensions import db
from trainer.models import QuizAnswer, QuizAttempt
from trainer.quizzes.rules import freeze_question

pytestmark = pytest.mark.browser

SAVED = "所有答案已保存。"


class Server:
    """A live server that can be stopped and started again on the same port."""

    def __init__(self, app):
        self.app = app
        self.server = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, app=None) -> None:
        self.server = make_server("127.0.0.1", self.port, app or self.app, threaded=True)
        self.port = self.server.server_port
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def server(app):
    server = Server(app)
    server.start()
    yield server
    server.stop()


def _start_exam(page, base_url, password) -> int:
    """Start the exam with question 1 the fill-in question and 2 the ordering one."""
    sign_in(page, base_url, "demo-learner", password)
    ready_for_exam(demo_user("demo-learner"), "store-service")  # lessons read, basics passed
    page.goto(f"{base_url}/courses/store-service")
    page.get_by_test_id("start-quiz").click()
    expect(page.get_by_role("heading", name="理论知识考试")).to_be_visible()
    attempt_id = int(page.url.rstrip("/").split("/")[-1])
    db.session.commit()  # end the test's read snapshot: the server wrote since
    attempt = db.session.get(QuizAttempt, attempt_id)
    by_id = course_for_version(attempt.version).questions_by_id
    first = ["greeting-time", "seven-steps-order"]
    rest = [entry for entry in attempt.draw if entry["id"] not in first]
    attempt.draw = [freeze_question(by_id[qid], random.Random(1)) for qid in first]
    attempt.draw += rest[:4]
    db.session.commit()
    page.reload()
    return attempt_id


def _stored(attempt_id: int) -> dict:
    db.session.commit()
    return {
        answer.question_id: answer.response
        for answer in db.session.scalars(
            sa.select(QuizAnswer).where(QuizAnswer.attempt_id == attempt_id)
        )
    }


def test_a_typed_answer_is_saved_while_typing_and_kept_across_a_reload(phone, server, demo, synced):
    attempt_id = _start_exam(phone, server.url, demo)
    answer = phone.locator("#q1")
    answer.press_sequentially("三", delay=30)  # typed, never leaving the field
    state = phone.locator("#answer-state-1")
    expect(state).to_have_attribute("data-state", "answered")
    expect(state).to_have_text("已保存。")
    expect(phone.get_by_test_id("save-status")).to_have_text(SAVED)
    assert _stored(attempt_id)["greeting-time"] == "三"
    phone.reload()
    expect(phone.locator("#q1")).to_have_value("三")


def test_an_offline_spell_never_claims_saved_and_saves_when_back_online(
    phone, server, demo, synced
):
    attempt_id = _start_exam(phone, server.url, demo)
    phone.context.set_offline(True)
    phone.locator("#q1").press_sequentially("3", delay=30)
    state = phone.locator("#answer-state-1")
    expect(state).to_contain_text("没有网络连接")
    bar = phone.get_by_test_id("save-status")
    expect(bar).to_contain_text("没有网络连接")
    for _ in range(3):  # several save tries fail meanwhile: none may say "saved"
        phone.wait_for_timeout(1500)
        assert state.get_attribute("data-state") == "unsaved"
        assert bar.text_content() != SAVED
    assert "greeting-time" not in _stored(attempt_id)

    phone.context.set_offline(False)
    expect(state).to_have_text("已保存。")
    expect(bar).to_have_text(SAVED)
    assert _stored(attempt_id)["greeting-time"] == "3"


def test_a_server_restart_mid_exam_loses_no_typed_answer(phone, server, app, demo, synced):
    attempt_id = _start_exam(phone, server.url, demo)
    phone.locator("#q1").press_sequentially("3", delay=30)
    state = phone.locator("#answer-state-1")
    expect(state).to_have_text("已保存。")

    server.stop()
    phone.locator("#q1").fill("三")
    phone.locator("#q1").press("End")
    expect(state).to_contain_text("没有网络连接")
    assert phone.get_by_test_id("save-status").text_content() != SAVED

    server.start(create_app(dict(app.config)))  # a new process would build a new app
    expect(state).to_have_text("已保存。", timeout=15_000)
    expect(phone.get_by_test_id("save-status")).to_have_text(SAVED)
    assert _stored(attempt_id)["greeting-time"] == "三"
    phone.reload()
    expect(phone.locator("#q1")).to_have_value("三")


def test_a_half_filled_ordering_is_marked_incomplete_and_typed_answers_still_save(
    phone, server, demo, synced
):
    attempt_id = _start_exam(phone, server.url, demo)
    phone.locator("#question-2 select").first.select_option("1")
    state = phone.locator("#answer-state-2")
    expect(state).to_contain_text("已保存为未完成：请为每一项选择顺序。")
    expect(phone.locator("#question-2")).to_have_class("card question incomplete")
    phone.locator("#q1").press_sequentially("3", delay=30)
    expect(phone.locator("#answer-state-1")).to_have_text("已保存。")
    stored = _stored(attempt_id)
    assert stored["greeting-time"] == "3" and len(stored["seven-steps-order"]) == 1


def test_signed_out_meanwhile_says_so_instead_of_saved(phone, server, demo, synced):
    _start_exam(phone, server.url, demo)
    phone.context.clear_cookies()  # signed out, e.g. from another tab
    phone.locator("#q1").press_sequentially("3", delay=30)
    expect(phone.get_by_test_id("save-status")).to_contain_text("服务器拒绝")
    expect(phone.locator("#answer-state-1")).to_have_attribute("data-state", "unsaved")

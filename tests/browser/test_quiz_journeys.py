"""A new hire takes the theory exam on a phone: fails, waits, retakes, is sent back to the
lessons, and passes — in real Chromium."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import demo_user, read_in_the_browser, sign_in
from tests.course_helpers import pass_prerequisites
from tests.quiz_helpers import correct_response, wrong_response
from trainer.extensions import db
from trainer.models import LessonProgress, QuizAttempt, QuizResult
from trainer.quizzes.answers import asked_question
from trainer.quizzes.service import drawn_questions

pytestmark = pytest.mark.browser


def _answer_all(page, attempt_id: int, pick) -> None:
    """Fill the exam form like a person would, choosing the answers pick() gives."""
    db.session.commit()  # end the test's read snapshot: the server wrote since
    attempt = db.session.get(QuizAttempt, attempt_id)
    for index, (question, entry) in enumerate(drawn_questions(attempt), start=1):
        asked = asked_question(question)
        response = pick(question)
        block = page.locator(f"#question-{index}")
        if asked.type in ("single", "multiple"):
            keys = {response} if isinstance(response, str) else set(response)
            for token, key in entry["options"]:
                if key in keys:
                    block.locator(f'input[value="{token}"]').check()
        elif asked.type == "truefalse":
            block.locator(f'input[value="{"true" if response else "false"}"]').check()
        elif asked.type in ("fill", "numerical"):
            block.locator("input.text-answer").fill(str(response))
        elif asked.type == "ordering":
            for token, key in entry["items"]:
                block.locator(f'select[name="q{index}-{token}"]').select_option(
                    str(response.index(key) + 1)
                )
        elif asked.type == "matching":
            token_of = {key: token for token, key in entry["rights"]}
            for left, right in response.items():
                block.locator(f'select[name="q{index}-{left}"]').select_option(token_of[right])


def _current_attempt_id(page) -> int:
    return int(page.url.rstrip("/").split("/")[-1])


def _age_results(minutes: int) -> None:
    """Let time pass: move every graded result back by `minutes`."""
    db.session.commit()  # end the test's read snapshot: the server wrote since
    for result in db.session.scalars(sa.select(QuizResult)):
        result.graded_at -= timedelta(minutes=minutes)
    db.session.commit()


def _age_reading(hours: int) -> None:
    """Let time pass since the first reading."""
    db.session.commit()  # end the test's read snapshot: the server wrote since
    for read in db.session.scalars(sa.select(LessonProgress)):
        read.read_at -= timedelta(hours=hours)
    db.session.commit()


def _read_every_lesson(page, base_url):
    """Retraining through the lesson pages' main button, as a learner would."""
    page.goto(f"{base_url}/courses/store-service/lessons/1")
    page.get_by_role("button", name="已重读，下一课").click()
    expect(page).to_have_url(f"{base_url}/courses/store-service/lessons/2")
    page.get_by_role("button", name="已重读，返回课程").click()
    expect(page).to_have_url(f"{base_url}/courses/store-service")


def test_fail_wait_retake_retrain_and_pass_on_a_phone(phone, live_server, demo, synced):
    sign_in(phone, live_server, "demo-learner", demo)
    pass_prerequisites(demo_user("demo-learner"), "store-service")
    read_in_the_browser(phone, live_server, "store-service")  # the exam opens after reading
    _age_reading(hours=3)  # read earlier today, before the results this test ages
    phone.goto(f"{live_server}/courses/store-service")
    status = phone.get_by_test_id("quiz-status")
    expect(status).to_contain_text("第 1 轮：还有 3 次机会")

    for attempt_number in (1, 2, 3):
        phone.get_by_test_id("start-quiz").click()
        expect(phone.get_by_role("heading", name="理论知识考试")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        _answer_all(phone, _current_attempt_id(phone), wrong_response)
        phone.get_by_test_id("submit").click()
        phone.get_by_test_id("confirm-submit").click()  # 交卷 asks first
        expect(phone.get_by_test_id("result")).to_contain_text("未通过")
        if attempt_number < 3:
            expect(phone.get_by_test_id("next-step")).to_contain_text("下一次考试于")
            phone.goto(f"{live_server}/courses/store-service")
            expect(phone.get_by_test_id("start-quiz")).to_have_count(0)
            _age_results(31)  # the 30-minute wait passes
            phone.reload()

    expect(phone.get_by_test_id("next-step")).to_contain_text("请重新学习全部课时")
    phone.get_by_role("link", name="返回课程").click()
    expect(phone.get_by_test_id("reread-list")).to_contain_text("第一步：主动迎宾")
    _age_results(31)
    _read_every_lesson(phone, live_server)
    phone.goto(f"{live_server}/courses/store-service")
    expect(status).to_contain_text("第 2 轮：还有 3 次机会")

    phone.get_by_test_id("start-quiz").click()
    _answer_all(phone, _current_attempt_id(phone), correct_response)
    phone.get_by_test_id("submit").click()
    phone.get_by_test_id("confirm-submit").click()  # 交卷 asks first
    expect(phone.get_by_test_id("result")).to_contain_text("已通过")
    expect(phone.get_by_text("正确答案").first).to_be_visible()  # review after a pass
    phone.get_by_role("link", name="返回课程").click()
    expect(status).to_contain_text("你已通过理论知识考试")


def test_answers_are_kept_across_a_reload(phone, live_server, demo, synced):
    sign_in(phone, live_server, "demo-learner", demo)
    pass_prerequisites(demo_user("demo-learner"), "store-service")
    read_in_the_browser(phone, live_server, "store-service")
    phone.goto(f"{live_server}/courses/store-service")
    phone.get_by_test_id("start-quiz").click()
    attempt_id = _current_attempt_id(phone)
    _answer_all(phone, attempt_id, correct_response)
    expect(phone.get_by_test_id("save-status")).to_have_text("所有答案已保存。")
    phone.reload()  # e.g. the phone dropped the connection
    checked = phone.locator("input:checked").count()
    assert checked >= 1
    phone.get_by_test_id("submit").click()
    phone.get_by_test_id("confirm-submit").click()  # 交卷 asks first
    expect(phone.get_by_test_id("result")).to_contain_text("100%")

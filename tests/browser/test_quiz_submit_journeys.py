"""交卷 on a 360 px phone: well apart from 保存答案, and it asks first, counting what is
unanswered or incomplete; going back changes nothing, confirming grades."""

import pytest
from playwright.sync_api import expect

from tests.browser.test_quiz_saving_journeys import _start_exam
from trainer.extensions import db
from trainer.models import QuizResult

pytestmark = pytest.mark.browser

MIN_GAP = 40  # CSS px between the two buttons: more than a thumb's slip


def test_submit_and_save_are_far_apart_on_a_phone(phone, live_server, demo, synced):
    _start_exam(phone, live_server, demo)
    save = phone.get_by_test_id("save").bounding_box()
    submit = phone.get_by_test_id("submit").bounding_box()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    vertical = submit["y"] - (save["y"] + save["height"])
    horizontal = max(
        submit["x"] - (save["x"] + save["width"]), save["x"] - (submit["x"] + submit["width"])
    )
    assert max(vertical, horizontal) >= MIN_GAP, (save, submit)


def test_submit_asks_first_with_the_counts_then_grades(phone, live_server, demo, synced):
    attempt_id = _start_exam(phone, live_server, demo)
    phone.locator("#question-2 select").first.select_option("1")  # ordering: one of three
    phone.locator("#q1").press_sequentially("3", delay=30)
    expect(phone.get_by_test_id("save-status")).to_have_text("所有答案已保存。")
    phone.get_by_test_id("submit").click()

    expect(phone.get_by_role("heading", name="确定交卷吗？")).to_be_visible()
    expect(phone.get_by_test_id("unanswered")).to_contain_text("4 道题未作答")
    expect(phone.get_by_test_id("incomplete")).to_contain_text("1 道题未答完整，不会得分： 第 2 题")
    db.session.commit()
    assert db.session.get(QuizResult, attempt_id) is None  # asking used nothing

    phone.get_by_test_id("back-to-exam").click()
    expect(phone.locator("#q1")).to_have_value("3")
    phone.get_by_test_id("submit").click()
    phone.get_by_test_id("confirm-submit").click()
    expect(phone.get_by_test_id("result")).to_contain_text("未通过")
    db.session.commit()
    assert db.session.get(QuizResult, attempt_id).points == 1  # the typed answer, right

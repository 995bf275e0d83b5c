"""Reading the shipped courses on a phone, and a trainer previewing one, in real Chromium."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.course_helpers import SHIPPED_COURSES, copy_fixture_courses
from trainer.courses.sync import sync_content

pytestmark = pytest.mark.browser


@pytest.fixture
def shipped(app):
    copy_fixture_courses(Path(app.config["CONTENT_DIR"]), SHIPPED_COURSES)
    sync_content(Path(app.config["CONTENT_DIR"]))


def test_new_hire_reads_a_whole_course_on_a_phone_and_evaluates_it(
    phone, live_server, demo, shipped
):
    sign_in(phone, live_server, "demo-learner", demo)
    phone.get_by_test_id("menu-toggle").click()
    phone.locator('[data-nav="courses.index"]').click()
    phone.get_by_label("类别").select_option("sop")
    phone.get_by_role("button", name="筛选").click()
    phone.get_by_role("link", name="售中服务七步曲").click()
    expect(phone.get_by_test_id("requirements")).to_contain_text("通过实际操作考核")
    phone.get_by_role("link", name="开始第一课").click()
    lessons = 0
    while True:
        lessons += 1
        expect(phone.locator("article.lesson h1")).to_be_visible()
        # Readable on a 360-px screen: nothing forces sideways scrolling.
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        # The main button at the end of the lesson records the reading.
        button = phone.get_by_role("button", name="下一课")
        if button.count() == 0:
            phone.get_by_role("button", name="完成本课").click()
            break
        button.click()
    assert lessons == 5
    expect(phone.get_by_text("你已读完所有课时")).to_be_visible()
    phone.get_by_text("4", exact=True).click()
    phone.get_by_label("你学到了什么？至少写三点，每行一点。").fill(
        "三秒内迎宾\n带路到试衣间\n不承诺马上改好"
    )
    phone.get_by_label("你将如何在工作中应用？").fill("明天开始在门口迎宾时用")
    phone.get_by_role("button", name="保存评价").click()
    expect(phone.get_by_text("谢谢，你的评价已保存。")).to_be_visible()
    expect(phone.get_by_text("已读 5 / 5 课")).to_be_visible()


def test_lesson_table_of_contents_jumps_to_chinese_headings(phone, live_server, demo, shipped):
    sign_in(phone, live_server, "demo-learner", demo)
    phone.goto(f"{live_server}/courses/sales-seven-steps/lessons/3")
    toc_link = phone.locator("nav.toc a").first
    heading_text = toc_link.inner_text()
    toc_link.click()
    assert phone.evaluate("decodeURIComponent(location.hash)") != ""
    target = phone.evaluate(
        "document.getElementById(decodeURIComponent(location.hash.slice(1)))?.textContent"
    )
    assert target and heading_text in target


def test_trainer_previews_a_course_with_answers_on_desktop(desktop, live_server, demo, shipped):
    sign_in(desktop, live_server, "demo-trainer", demo)
    desktop.locator('[data-nav="authoring.index"]').click()
    expect(desktop.locator('tr[data-course="sales-seven-steps"]')).to_contain_text("正常")
    desktop.locator('tr[data-course="sales-seven-steps"] a').first.click()
    desktop.get_by_role("link", name="按学员视角预览").click()
    expect(desktop.get_by_text("培训师预览：这里显示题目答案")).to_be_visible()
    expect(desktop.locator(".question-preview").first).to_be_visible()
    assert desktop.locator(".question-preview").count() >= 15
    expect(desktop.get_by_role("heading", name="实际操作考核", exact=False)).to_be_visible()


def test_new_hire_follows_the_next_step_reads_to_the_end_and_the_exam_opens(
    app, phone, live_server, demo, shipped
):
    """On a 360-px phone: the home page's first button leads into the onboarding course;
    the exam stays closed until every lesson is read through its main button at the end."""
    from trainer.demo import create_demo_accounts

    create_demo_accounts(demo)  # again, now that the courses exist: the onboarding plan
    sign_in(phone, live_server, "demo-learner", demo)
    next_step = phone.get_by_test_id("next-step")
    expect(next_step.get_by_role("link")).to_have_text("开始阅读《新员工入职必修》第1课")
    next_step.get_by_role("link").click()
    expect(phone).to_have_url(f"{live_server}/courses/onboarding/lessons/1")
    phone.goto(f"{live_server}/courses/onboarding")
    expect(phone.get_by_test_id("exam-gate")).to_contain_text("还有 5 课未读：")
    expect(phone.get_by_test_id("start-quiz")).to_have_count(0)

    phone.get_by_role("link", name="开始第一课").click()
    for number in range(1, 6):
        expect(phone).to_have_url(f"{live_server}/courses/onboarding/lessons/{number}")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        # The button sits after the whole lesson: the reader scrolls to it.
        button = phone.get_by_test_id("lesson-done")
        article = phone.locator("article.lesson").bounding_box()
        assert button.bounding_box()["y"] >= article["y"] + article["height"]
        expect(button).to_have_text("下一课" if number < 5 else "完成本课")
        button.click()
        if number == 4:  # one lesson left: the exam is still closed
            phone.goto(f"{live_server}/courses/onboarding")
            expect(phone.get_by_test_id("exam-gate")).to_contain_text("还有 1 课未读：")
            phone.get_by_test_id("exam-gate").get_by_role("link").click()

    phone.goto(f"{live_server}/")
    expect(next_step.get_by_role("link")).to_have_text("参加《新员工入职必修》考试")
    next_step.get_by_role("link").click()
    expect(phone.get_by_test_id("exam-gate")).to_have_count(0)
    phone.get_by_test_id("start-quiz").click()
    expect(phone.get_by_role("heading", name="理论知识考试")).to_be_visible()

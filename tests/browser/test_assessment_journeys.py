"""The practical assessment in real Chromium: scored on a phone, appealed, overturned."""

import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, sign_in
from tests.course_helpers import SHIPPED_COURSES
from trainer.courses.sync import sync_content
from trainer.demo import STORE_A
from trainer.extensions import db
from trainer.hr.people.service import ensure_department_path
from trainer.models import Assessment, AssessmentCorrection, AssessorAssignment, AuditEvent, User

pytestmark = pytest.mark.browser

CRITICAL_ITEM = "greet-within-3s"


@pytest.fixture
def shipped(app, demo):
    """The shipped courses of the demo onboarding plan (syncing every shipped course is slower), and
    the plan itself: the assessor's list shows what the new hire is assigned."""
    from trainer.demo import create_demo_accounts

    courses = Path(app.config["CONTENT_DIR"]) / "courses"
    for slug in ("onboarding", "sales-seven-steps", "reception-sop"):
        shutil.copytree(SHIPPED_COURSES / slug, courses / slug)
    sync_content(Path(app.config["CONTENT_DIR"]))
    create_demo_accounts(demo)  # again, now that the plan's courses are there


@pytest.fixture
def assessor_for_store_a(demo):
    assessor = db.session.scalar(sa.select(User).where(User.employee_no == "demo-assessor"))
    store = ensure_department_path(STORE_A)
    db.session.add(AssessorAssignment(assessor_id=assessor.id, department_id=store.id))
    db.session.commit()


def no_sideways_scrolling(page) -> None:
    page.wait_for_load_state()  # after a form's navigation, the new document is complete
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > 360.5)
            .slice(0, 5)
            .map(e => `${e.tagName}.${e.className} ${(e.textContent || '').trim().slice(0, 30)}`)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, too_wide


def _mark_all_read(login: str) -> None:
    from trainer.models import OutboxMessage, utcnow

    user = db.session.scalar(sa.select(User).where(User.employee_no == login))
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.recipient_id == user.id, OutboxMessage.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()


def test_phone_scoring_appeal_and_overturn_of_the_seven_step_checklist(
    phone, browser, desktop, live_server, demo, shipped, assessor_for_store_a
):
    _mark_all_read("demo-learner")  # the new hire has read what the demo set-up told them
    # The assessor, on a phone on the shop floor, finds the new hire and starts.
    sign_in(phone, live_server, "demo-assessor", demo)
    phone.get_by_test_id("menu-toggle").click()
    phone.locator('[data-nav="assessments.index"]').click()
    phone.get_by_placeholder("姓名或工号").fill("演示新员工")
    phone.get_by_role("button", name="搜索").click()
    card = phone.locator('[data-employee="demo-learner"]')
    # Seen in CI: checked while the search's page was still loading (no document yet).
    expect(card).to_be_visible()
    no_sideways_scrolling(phone)
    card.locator("li", has_text="售中服务七步曲").get_by_role("link", name="考核").click()
    expect(phone.get_by_label("考核清单")).to_have_value("sales-seven-steps:practical")
    phone.get_by_text("神秘顾客").click()
    phone.get_by_label("考核地点").fill("上海一店 女装区")
    no_sideways_scrolling(phone)
    phone.get_by_role("button", name="开始评分").click()

    expect(phone.get_by_role("heading", name="售中服务七步曲现场考核")).to_be_visible()
    no_sideways_scrolling(phone)
    items = phone.locator("fieldset.item")
    assert items.count() == 14
    for choice in phone.locator(".score-choice span").all()[:6]:
        box = choice.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44  # big touch targets

    def score(index: int) -> None:
        item = items.nth(index)
        choices = item.locator("label.score-choice")
        is_critical_miss = item.get_attribute("data-item") == CRITICAL_ITEM
        (choices.first if is_critical_miss else choices.last).click()

    # The first half is saved as the assessor goes: a reload keeps it.
    for index in range(7):
        score(index)
    critical = phone.locator(f'[data-item="{CRITICAL_ITEM}"]')
    critical.get_by_label("这一项的评语（可不填）").fill(
        "顾客进店约 10 秒后才问候，当时在整理货架。"
    )
    expect(phone.get_by_test_id("scoring-form")).to_have_attribute("data-autosave-state", "saved")
    expect(phone.locator("[data-autosave-status]")).to_contain_text("草稿已于")
    phone.reload()
    expect(critical.locator('input[value="0"]')).to_be_checked()
    expect(critical.get_by_label("这一项的评语（可不填）")).to_have_value(
        "顾客进店约 10 秒后才问候，当时在整理货架。"
    )
    for index in range(7, 14):
        score(index)
    phone.get_by_label("总体评语").fill("介绍和试衣做得很好，迎宾要更主动。")
    no_sideways_scrolling(phone)
    phone.get_by_role("button", name="提交结果").click()

    # 40 of 46 points is above the pass mark, but the critical item fails the task.
    expect(phone.get_by_text("结果已提交：不通过。")).to_be_visible()
    expect(phone.get_by_test_id("outcome-badge")).to_have_text("未通过")
    expect(phone.get_by_test_id("outcome")).to_contain_text("得分 87%（46 分中得 40 分）")
    expect(phone.get_by_text("有关键项得 0 分")).to_be_visible()
    no_sideways_scrolling(phone)

    # The new hire, on their own phone, sees the result item by item and appeals.
    learner = browser.new_context(locale="zh-CN", **PHONE).new_page()
    learner.set_default_timeout(10_000)
    sign_in(learner, live_server, "demo-learner", demo)
    # The bell in the header (no menu to open) counts the result; opening it leads there.
    bell = learner.get_by_test_id("bell")
    expect(bell).to_be_visible()
    expect(learner.get_by_test_id("bell-count")).to_have_text("1")
    bell.click()
    newest = learner.get_by_test_id("notifications").locator("li").first
    expect(newest).to_contain_text("你的售中服务七步曲实际操作考核结果已出")
    expect(newest).to_contain_text("结果：未通过。")
    no_sideways_scrolling(learner)
    newest.get_by_role("button").click()
    expect(learner.locator(f'[data-item="{CRITICAL_ITEM}"]')).to_contain_text("关键项未做到")
    expect(learner.get_by_test_id("bell-count")).to_have_count(0)  # read: nothing new
    learner.goto(f"{live_server}/courses/sales-seven-steps")
    status = learner.get_by_test_id("assessment-status")
    expect(status).to_contain_text("实际操作考核")
    expect(status).to_contain_text("未通过")
    status.get_by_role("link", name="逐项查看考核结果").click()
    missed = learner.locator(f'[data-item="{CRITICAL_ITEM}"]')
    expect(missed).to_contain_text("0/2 × 权重 3 = 0 · 未做到")
    expect(missed).to_contain_text("关键项未做到")
    expect(missed).to_contain_text("顾客进店约 10 秒后才问候")
    expect(learner.locator('[data-item="farewell"]')).to_contain_text("2/2 × 权重 2 = 4 · 完全做到")
    expect(learner.get_by_test_id("overall-comment")).to_have_text(
        "介绍和试衣做得很好，迎宾要更主动。"
    )
    no_sideways_scrolling(learner)
    learner.get_by_label("你为什么认为这个结果有误？").fill(
        "顾客是从侧门进来的，我在门口迎宾位看不到，看到后马上问候了。"
    )
    learner.get_by_role("button", name="提交申诉").click()
    expect(learner.get_by_text("申诉已提交，将由考核员以外的人处理。")).to_be_visible()

    # HR, not the assessor, reviews the appeal on a desktop and overturns the result.
    sign_in(desktop, live_server, "demo-hr", demo)
    expect(desktop.get_by_test_id("bell-count")).to_have_text("1")  # the new appeal
    desktop.locator('[data-nav="assessments.appeal_list"]').click()
    queue = desktop.get_by_test_id("appeals-to-decide")
    expect(queue).to_contain_text("演示新员工")
    queue.get_by_role("link", name="查看并处理").click()
    desktop.get_by_text("改判：更正原结果").click()
    desktop.get_by_label("处理理由").fill(
        "调取监控：顾客从侧门进入，考核员位置看不到，导购看到后立即问候。"
    )
    desktop.get_by_role("button", name="保存处理结果").click()
    expect(desktop.get_by_text("申诉已处理：原结果已改判")).to_be_visible()
    expect(desktop.get_by_test_id("outcome-badge")).to_have_text("已通过")
    # One outcome: the final pass, with a note that the appeal changed it; no red verdict.
    expect(desktop.get_by_test_id("outcome-badge")).to_have_count(1)
    expect(desktop.get_by_test_id("correction")).to_contain_text("原结果为“未通过”")
    expect(desktop.get_by_test_id("critical-failure")).to_have_count(0)

    # The learner's course page now shows the new outcome.
    learner.goto(f"{live_server}/courses/sales-seven-steps")
    expect(learner.locator('[data-kind="practical"]')).to_contain_text("已通过")
    expect(learner.get_by_test_id("bell-count")).to_have_text("1")  # the decision
    learner.get_by_test_id("bell").click()
    expect(learner.get_by_test_id("notifications").locator("li").first).to_contain_text(
        "你的申诉已被采纳：结果改为通过。"
    )
    learner.context.close()

    result = db.session.scalar(sa.select(Assessment))
    assert result.passed is False and result.mode == "mystery_shopper"
    assert db.session.scalar(sa.select(AssessmentCorrection.passed)) is True
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"assessment.submitted", "appeal.lodged", "appeal.overturned"} <= actions

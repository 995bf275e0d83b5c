"""First journeys in real Chromium: each demo role on a phone, language, sign-out, errors."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser

ROLE_NAV = {
    "demo-admin": True,
    "demo-hr": True,
    "demo-trainer": False,
    "demo-assessor": False,
    "demo-learner": False,
}


@pytest.mark.parametrize("account", sorted(ROLE_NAV))
def test_each_demo_role_signs_in_on_a_phone_and_out_again(phone, live_server, demo, account):
    sign_in(phone, live_server, account, demo)
    expect(phone.get_by_test_id("who-am-i")).to_contain_text(account)
    expect(phone.get_by_test_id("department")).to_have_text("示例服务集团/华东区/上海一店")
    # On a phone the menu is folded away behind one button.
    people_link = phone.locator('[data-nav="people.index"]')
    expect(phone.locator('[data-nav="main.home"]')).to_be_hidden()
    phone.get_by_test_id("menu-toggle").click()
    expect(phone.locator('[data-nav="main.home"]')).to_be_visible()
    if ROLE_NAV[account]:
        expect(people_link).to_be_visible()
    else:
        expect(people_link).to_have_count(0)
    # Nothing is wider than the phone screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.get_by_test_id("sign-out").click()
    expect(phone.get_by_text("你已退出登录。")).to_be_visible()
    phone.goto(live_server + "/")
    expect(phone).to_have_url(re.compile(r"/auth/login\?next="))


def test_wrong_password_shows_the_error_in_chinese(phone, live_server, demo):
    sign_in(phone, live_server, "demo-learner", "not-the-password")
    expect(phone.get_by_text("工号/邮箱或密码错误。请检查后重试。")).to_be_visible()
    expect(phone).to_have_url(re.compile(r"/auth/login$"))


def test_language_switch_is_remembered(phone, live_server, demo):
    sign_in(phone, live_server, "demo-learner", demo)
    expect(phone.get_by_role("heading", level=1)).to_have_text("你好，演示新员工")
    phone.get_by_role("button", name="English").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Hello, 演示新员工")
    phone.reload()
    expect(phone.get_by_text("Employee number")).to_be_visible()
    phone.get_by_role("button", name="中文").click()
    expect(phone.get_by_text("工号", exact=True)).to_be_visible()


def test_hr_gives_a_learner_a_reset_code_and_the_learner_chooses_a_password(
    desktop, browser, live_server, demo
):
    sign_in(desktop, live_server, "demo-hr", demo)
    expect(desktop.locator('[data-nav="people.index"]')).to_be_visible()  # no menu button
    desktop.locator('[data-nav="people.index"]').click()
    # HR gets no buttons for the administrator.
    expect(
        desktop.locator('tr[data-employee="demo-admin"]').get_by_role("button", name="重置密码")
    ).to_have_count(0)
    row = desktop.locator('tr[data-employee="S1001"]')
    row.get_by_role("button", name="重置密码").click()
    code = desktop.get_by_test_id("reset-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    learner = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
    page = learner.new_page()
    page.goto(live_server + "/auth/login")
    page.get_by_role("link", name="我有重设码").click()
    page.get_by_label("工号或邮箱").fill("S1001")
    page.get_by_label("人事给的重设码").fill(code)
    page.get_by_label("新密码", exact=True).fill("wang-fang-2026")
    page.get_by_label("再次输入新密码").fill("wang-fang-2026")
    page.get_by_role("button", name="保存新密码").click()
    expect(page.get_by_text("新密码已设置，请用它登录。")).to_be_visible()
    sign_in(page, live_server, "S1001", "wang-fang-2026")
    expect(page.get_by_text("为你的账号发起了密码重设")).to_be_visible()
    learner.close()


def test_learner_on_an_hr_page_sees_a_clear_403(desktop, live_server, demo):
    sign_in(desktop, live_server, "demo-learner", demo)
    response = desktop.goto(live_server + "/hr/people/")
    assert response.status == 403
    expect(desktop.get_by_role("heading", level=1)).to_have_text("你没有权限访问此页面")

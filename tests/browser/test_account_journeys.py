"""Accounts in the browser at a laptop's width (1366 px): an administrator finds a person
with the list's filters, edits their roles and position, and the change shows on the list."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def laptop(request, browser):
    from tests.browser.conftest import _page

    yield from _page(request, browser, {"viewport": {"width": 1366, "height": 768}})


def test_an_administrator_edits_a_persons_roles_and_the_change_shows(laptop, live_server, demo):
    page = laptop
    sign_in(page, live_server, "demo-admin", demo)
    page.locator('[data-nav="people.index"]').click()

    # Find the sales associates of the store who are assessors: nobody yet.
    page.get_by_label("岗位").select_option(label="导购")
    page.get_by_label("角色").select_option(label="考核员")
    page.get_by_role("button", name="搜索").click()
    expect(page.get_by_text("没有符合条件的人员。")).to_be_visible()

    # Edit 王芳 (S1001): make her an assessor too.
    page.get_by_role("link", name="清除筛选").click()
    page.get_by_label("姓名或工号").fill("S1001")
    page.get_by_role("button", name="搜索").click()
    row = page.locator('tr[data-employee="S1001"]')
    expect(row.locator(".badge", has_text="考核员")).to_have_count(0)
    row.get_by_role("link", name="编辑").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("王芳")
    assert_accessible(page)
    # An administrator may give every role, HR and administrator included.
    expect(page.get_by_label("管理员", exact=True)).to_be_visible()
    page.get_by_label("考核员").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("王芳 的修改已保存。")).to_be_visible()
    expect(page.get_by_label("考核员")).to_be_checked()

    # The list shows the new role, and the combined filters now find her.
    page.get_by_role("link", name="← 人员").click()
    page.get_by_label("岗位").select_option(label="导购")
    page.get_by_label("角色").select_option(label="考核员")
    page.get_by_role("button", name="搜索").click()
    row = page.locator('tr[data-employee="S1001"]')
    expect(row).to_be_visible()
    expect(row.locator(".badge", has_text="考核员")).to_be_visible()
    expect(page.locator("tbody tr")).to_have_count(1)
    # Ticking everyone on the page ticks each row's box (for a bulk action).
    page.get_by_label("勾选本页所有人").check()
    expect(row.get_by_role("checkbox", name="选择 王芳")).to_be_checked()
    # Nothing sticks out of a 1366 px screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366

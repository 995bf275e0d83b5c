"""Getting a new hire signed in: HR invites a store in one action and downloads the printable
sheet; the new hire scans the QR code with a phone (360 px), chooses a password and is in."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.unit.certificates.conftest import require_poppler
from tests.unit.hr.invitation_helpers import pdf_pages_text, qr_codes_in

pytestmark = pytest.mark.browser


def test_a_new_hire_signs_in_with_the_qr_code_from_the_store_sheet(
    desktop, phone, live_server, demo, tmp_path
):
    require_poppler()
    sign_in(desktop, live_server, "demo-hr", demo)
    desktop.goto(live_server + "/hr/people/")
    desktop.get_by_text("邀请从未登录过的人员").click()
    desktop.get_by_label("部门（含下属部门）").select_option(label="示例服务集团/华东区/上海一店")
    desktop.get_by_role("button", name="发送邀请并生成登录单").click()
    # Only the demo new hire of that store has never signed in.
    expect(desktop.get_by_text("已邀请 1 名从未登录过的人员。")).to_be_visible()
    assert_accessible(desktop)
    with desktop.expect_download() as download:
        desktop.get_by_test_id("download-sheets").click()
    download.value.save_as(tmp_path / "sheets.pdf")
    pdf = (tmp_path / "sheets.pdf").read_bytes()
    [page_text] = pdf_pages_text(pdf, tmp_path)
    assert "上海一店" in page_text and "刘洋" in page_text and "S1003" in page_text
    assert "孙丽" not in page_text  # a new hire of the other store
    [code] = qr_codes_in(pdf, tmp_path)

    # The QR code names the configured site; here the site runs on the live server.
    phone.goto(live_server + urlsplit(code).path)
    expect(phone.get_by_role("heading", level=1)).to_have_text("设置你的密码")
    expect(phone.get_by_text("工号 S1003")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_label("新密码", exact=True).fill("liu-yang-2026")
    phone.get_by_label("再次输入新密码").fill("liu-yang-2026")
    phone.get_by_role("button", name="保存密码并登录").click()
    expect(phone.get_by_text("欢迎你，刘洋！密码已设置好。")).to_be_visible()
    expect(phone.get_by_test_id("who-am-i")).to_contain_text("S1003")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360

    # The printed code worked once: scanning it again explains why it no longer does.
    phone.goto(live_server + urlsplit(code).path)
    expect(phone.get_by_text("这个登录链接已经用过了")).to_be_visible()

"""A learner passes, gets a Chinese PDF whose QR code opens the verify page; HR revokes it and
the verify page says so; the learning map moves — in real Chromium."""

import shutil
import subprocess

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import read_in_the_browser, sign_in
from tests.quiz_helpers import correct_response
from trainer.extensions import db
from trainer.models import QuizAttempt

pytestmark = pytest.mark.browser


def _pass_basics_in_the_browser(page, base_url):
    from tests.browser.test_quiz_journeys import _answer_all, _current_attempt_id

    read_in_the_browser(page, base_url, "basics")  # the exam opens after reading
    page.goto(f"{base_url}/courses/basics")
    page.get_by_test_id("start-quiz").click()
    _answer_all(page, _current_attempt_id(page), correct_response)
    page.get_by_test_id("submit").click()
    page.get_by_test_id("confirm-submit").click()  # 交卷 asks first
    expect(page.get_by_test_id("result")).to_contain_text("已通过")


def test_pass_download_scan_verify_revoke(
    app, phone, desktop, live_server, demo, synced, paths_dir, tmp_path
):
    app.config["BASE_URL"] = live_server
    sign_in(phone, live_server, "demo-learner", demo)
    page = phone
    page.goto(f"{live_server}/career")
    expect(page.locator('[data-level="junior"]')).to_contain_text("已取得 0 / 1 门要求的课程证书")

    _pass_basics_in_the_browser(page, live_server)
    page.goto(f"{live_server}/courses/basics")
    expect(page.get_by_test_id("certificate-status")).to_contain_text("有效")

    page.goto(f"{live_server}/certificates/")
    card = page.locator("section.certificate").filter(has_text="新员工入门")
    pdf_url = card.get_by_role("link", name="下载 PDF").get_attribute("href")
    pdf = page.request.get(live_server + pdf_url).body()
    assert pdf.startswith(b"%PDF")
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "150",
            "-singlefile",
            str(tmp_path / "certificate.pdf"),
            str(tmp_path / "page1"),
        ],
        check=True,
    )
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "certificate.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "培训合格证书" in text and "演示新员工" in text

    assert shutil.which("zbarimg"), "zbar-tools is installed by `make test`"
    scanned = subprocess.run(
        ["zbarimg", "-q", "--raw", str(tmp_path / "page1.png")], capture_output=True, text=True
    ).stdout.strip()
    assert scanned.startswith(f"{live_server}/verify/")

    # Anyone holding the paper scans it: no sign-in needed.
    visitor = desktop
    visitor.goto(scanned)
    verify = visitor.get_by_test_id("verify")
    expect(verify).to_contain_text("有效")
    expect(verify).to_contain_text("演示新员工")
    expect(verify).to_contain_text("新员工入门")

    # The learning map moved: eligible for the level, which HR approves
    # (test_promotion_journeys.py).
    page.goto(f"{live_server}/career")
    expect(page.locator('[data-level="junior"]')).to_contain_text("具备晋升资格")

    # HR revokes after a violation; the verify page shows it at once.
    hr = desktop.context.browser.new_context(
        locale="zh-CN", viewport={"width": 1280, "height": 800}
    )
    hr_page = hr.new_page()
    sign_in(hr_page, live_server, "demo-hr", demo)
    hr_page.goto(f"{live_server}/certificates/manage?q=新员工入门")
    row = hr_page.locator("tr").filter(has_text="新员工入门")
    row.get_by_placeholder("撤销原因").fill("与顾客争吵，违反服务规范")
    row.get_by_role("button", name="撤销").click()
    expect(hr_page.get_by_text("已撤销，验证页面即刻显示")).to_be_visible()
    hr.close()
    visitor.reload()
    expect(verify).to_contain_text("已撤销")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(QuizAttempt)) == 1

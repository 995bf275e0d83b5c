"""HR in real Chromium: imports two stores from a GBK CSV, assigns the onboarding plan to the
new hires, sees who is overdue, exports the matrix to Excel, and the reminders reach a local
SMTP server exactly once."""

from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.course_helpers import copy_fixture_courses
from tests.unit.hr.helpers import STAFF_FILES
from tests.unit.hr.smtp import parts_of, running_smtp_server
from trainer.clock import local_today
from trainer.courses.service import live_course
from trainer.courses.sync import sync_content
from trainer.extensions import db
from trainer.hr.plans import service as plans
from trainer.hr.reminders.service import send_reminders
from trainer.models import OutboxMessage, User
from trainer.models.plans import PlanAssignment

pytestmark = pytest.mark.browser


@pytest.fixture
def onboarding_plan(app, demo):
    copy_fixture_courses(Path(app.config["CONTENT_DIR"]))
    sync_content(Path(app.config["CONTENT_DIR"]))
    hr = db.session.scalar(sa.select(User).where(User.employee_no == "demo-hr"))
    plan = plans.create_plan(hr, "新员工入职培训", local_today().year, "onboarding")
    for slug, days in (("basics", 14), ("store-service", 30)):
        plans.add_item(hr, plan, live_course(slug)[0], True, "after_hire", due_days=days)
    db.session.commit()
    return plan


def _days_pass(days: int) -> None:
    """As if the plan had been assigned `days` ago (the server's clock cannot be moved)."""
    for assignment in db.session.scalars(sa.select(PlanAssignment)):
        assignment.assigned_on -= timedelta(days=days)
        assignment.due_on -= timedelta(days=days)
    db.session.commit()


def test_hr_imports_two_stores_assigns_onboarding_and_reminds_once(
    desktop, live_server, demo, onboarding_plan, tmp_path
):
    page = desktop
    sign_in(page, live_server, "demo-hr", demo)
    page.get_by_role("link", name="导入员工").click()

    # 1. Import the staff of two stores from a GBK CSV, as Chinese Excel saves it.
    page.get_by_label("员工名单文件（CSV 或 XLSX）").set_input_files(
        str(STAFF_FILES / "two-stores-gbk.csv")
    )
    page.get_by_role("button", name="上传并预览").click()
    expect(page.get_by_test_id("count-create")).to_have_text("6")
    expect(page.get_by_test_id("count-problems")).to_have_text("0")
    expect(page.get_by_test_id("rows-create")).to_contain_text("王芳")
    page.reload()  # the preview survives a reload
    page.get_by_test_id("apply-import").click()
    expect(page.get_by_text("导入完成：新建 6 人")).to_be_visible()

    # 2. Give the onboarding plan to this year's new sales associates.
    page.locator('[data-nav="plans.index"]').click()
    page.get_by_role("link", name="新员工入职培训").click()
    page.get_by_label("培训对象", exact=True).select_option("new_hires")
    page.locator("#position").select_option(label="导购 (sales-associate)")
    page.get_by_label("入职日期不早于（新员工时填写）").fill(f"{local_today().year}-01-01")
    page.get_by_role("button", name="添加", exact=True).click()
    # The preview first: hires imported months after their first day start with the full
    # 14 and 30 days from today, so nobody starts overdue.
    page.get_by_role("link", name="预览并分配").click()
    expect(page.get_by_test_id("preview-starting-overdue")).to_have_text("0")
    page.get_by_role("button", name="立即分配").click()
    expect(page.get_by_text("分配完成：新增")).to_be_visible()
    expect(page.get_by_test_id("figure-overdue")).to_have_text("0")

    # A month goes by and nobody has started: both onboarding courses are now overdue.
    _days_pass(31)

    # 3. See who is overdue, then the matrix of one store, and export it to Excel.
    page.locator('[data-nav="reports.index"]').click()
    page.get_by_role("link", name="已逾期").first.click()
    overdue = page.get_by_test_id("overdue")
    expect(overdue.locator('tr[data-employee="E1001"]').first).to_contain_text("王芳")
    expect(overdue.locator('tr[data-employee="E2003"]').first).to_be_visible()
    expect(overdue.locator('tr[data-employee="E1003"]')).to_have_count(0)  # a supervisor
    page.get_by_role("link", name="完成情况矩阵").click()
    page.get_by_label("部门").select_option(label="示例服务集团/华东区/杭州二店")
    page.get_by_role("button", name="显示").click()
    matrix = page.get_by_test_id("matrix")
    expect(matrix.locator('tr[data-employee="E2001"] td[data-course="basics"]')).to_have_text(
        "已逾期"
    )
    expect(matrix.locator('tr[data-employee="E1001"]')).to_have_count(0)
    page.get_by_test_id("export-xlsx").click()  # the file is built by a job (run at once)
    expect(page.get_by_test_id("export-status")).to_have_attribute("data-status", "done")
    with page.expect_download() as download_info:
        page.get_by_test_id("export-download").click()
    saved = tmp_path / "matrix.xlsx"
    download_info.value.save_as(saved)
    sheet = load_workbook(saved).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) >= {"E2001", "E2002", "E2003"} and "E1001" not in rows
    assert rows["E2001"][1] == "陈静" and "已逾期" in rows["E2001"]

    # 4. The nightly reminders reach the local SMTP server once, however often they run.
    with running_smtp_server() as (inbox, settings):
        first = send_reminders(settings, local_today(), days_before=7)
        second = send_reminders(settings, local_today(), days_before=7)
    db.session.commit()
    recipients = sorted(to[0] for to, _message in inbox.messages)
    # Three new hires have e-mail addresses, each with two overdue courses: one e-mail each.
    assert recipients == ["chenjing@example.com", "liqiang@example.com", "wangfang@example.com"]
    assert first.sent == 3 and second.sent == 0 and second.queued == 0
    assert inbox.subjects() == ["[Trainer] 2 项培训提醒"] * 3
    assert all(
        parts_of(message)["text/plain"].count("培训已逾期") == 2 for _to, message in inbox.messages
    )
    # 刘洋 (E2003) has no e-mail: the same reminder waits in the app.
    no_email = db.session.scalars(
        sa.select(OutboxMessage)
        .join(User, OutboxMessage.recipient_id == User.id)
        .where(User.employee_no == "E2003")
    ).all()
    assert len(no_email) == 2 and {m.email_state for m in no_email} == {"no_email"}
    assert date.today().year >= 2026

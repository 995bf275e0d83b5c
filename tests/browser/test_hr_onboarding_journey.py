"""Issue 23, done when: HR imports 30 people of two new stores from a CSV with Chinese headers,
invites them in one action (e-mails through a real SMTP server, printable sheets checked as a
PDF), one new hire scans the QR code on a phone and chooses a password; HR gives existing and
new staff a plan with "30 days after hire" and the preview shows the right due dates; an
administrator changes a person's roles; the audit log tells each of these as a sentence."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from datetime import date, timedelta
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in
from tests.course_helpers import copy_fixture_courses
from tests.unit.certificates.conftest import require_poppler
from tests.unit.hr.invitation_helpers import pdf_pages_text
from tests.unit.hr.smtp import running_smtp_server
from trainer.clock import local_today
from trainer.courses.sync import sync_content

pytestmark = pytest.mark.browser

GUANGZHOU = "示例服务集团/华南区/广州一店"
SHENZHEN = "示例服务集团/华南区/深圳二店"
SURNAMES = "赵钱孙李周吴郑王冯陈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
PLAN_DAYS = 30
# The plan started ten days ago; the new hires joined after it started.
PLAN_STARTED_DAYS_AGO = 10
NEW_HIRE_DAYS_AFTER_START = (2, 4, 6, 8)
ADMIN_CONTEXT = {"viewport": {"width": 1366, "height": 768}}


def staff_rows(plan_start: date) -> list[dict]:
    """30 people: 16 in Guangzhou (G1001-G1016), 14 in Shenzhen (Z2001-Z2014). Every third
    person joined after the plan started; the others were on staff before it (one of them
    joined the day before it started, the others years ago). Every other person has a
    company e-mail (front-line staff often have none)."""
    rows = []
    for index in range(30):
        in_guangzhou = index < 16
        number = f"G{1001 + index}" if in_guangzhou else f"Z{2001 + index - 16}"
        if index % 3 == 0:
            hired = plan_start + timedelta(days=NEW_HIRE_DAYS_AFTER_START[index % 4])
        elif index == 1:  # joined the day before the plan started: still current staff
            hired = plan_start - timedelta(days=1)
        else:
            hired = date(2019 + index % 5, 1 + index % 12, 1 + index % 28)
        rows.append(
            {
                "employee_no": number,
                "name": SURNAMES[index % 10] + GIVEN[index % 20] + GIVEN[index // 10 + 5],
                "email": f"{number.lower()}@example.com" if index % 2 else "",
                "department": GUANGZHOU if in_guangzhou else SHENZHEN,
                "hire_date": hired,
            }
        )
    return rows


def write_staff_csv(path: Path, rows: list[dict]) -> Path:
    lines = ["工号,姓名,邮箱,部门,岗位,入职日期,角色"]
    lines += [
        f"{r['employee_no']},{r['name']},{r['email']},{r['department']},导购,"
        f"{r['hire_date'].isoformat()},学员"
        for r in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def decode_qr(image: Path) -> list[str]:
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
        capture_output=True,
        text=True,
    )
    return [line for line in result.stdout.splitlines() if line.strip()]


def qr_codes_of_pages(pdf_path: Path, tmp_path: Path) -> tuple[list[set[str]], list[str]]:
    """Every QR code of each page, and those of the first card alone (the top left card: the
    first person of the first department), read by zbarimg from the rendered pages. zbar now
    and then misses one of eight codes on a page at one resolution, as a phone does at one
    distance: each page is read at three."""
    from PIL import Image

    pages: list[set[str]] = []
    for dpi in (150, 200, 300):
        prefix = tmp_path / f"sheet{dpi}"
        subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf_path), str(prefix)], check=True)
        images = sorted(tmp_path.glob(f"sheet{dpi}-*.png"))
        pages = pages or [set() for _image in images]
        for found, image in zip(pages, images, strict=True):
            found.update(decode_qr(image))
    with Image.open(sorted(tmp_path.glob("sheet150-*.png"))[0]) as first_page:
        width, height = first_page.size
        # The left half of the page and its top third hold the first card and nothing else.
        first_page.crop((0, 0, width // 2, height // 3)).save(tmp_path / "first-card.png")
    return pages, decode_qr(tmp_path / "first-card.png")


def mail_text(message) -> str:
    payload = message.get_payload(decode=True)
    return payload.decode(message.get_content_charset() or "utf-8")


def test_hr_onboards_thirty_people_from_import_to_audit_log(
    app, browser, desktop, phone, live_server, demo, tmp_path
):
    require_poppler()
    copy_fixture_courses(Path(app.config["CONTENT_DIR"]))
    sync_content(Path(app.config["CONTENT_DIR"]))
    today = local_today()
    plan_start = today - timedelta(days=PLAN_STARTED_DAYS_AGO)
    rows = staff_rows(plan_start)
    staff_file = write_staff_csv(tmp_path / "华南区新员工.csv", rows)
    # The QR codes and e-mailed links name the site the people open: here, the live server.
    app.config["BASE_URL"] = live_server
    hr = desktop

    with running_smtp_server() as (inbox, settings):
        app.config.update(SMTP_HOST=settings.host, SMTP_PORT=settings.port)

        # 1. HR imports the file: 30 to create, two new stores, nothing wrong.
        sign_in(hr, live_server, "demo-hr", demo)
        hr.goto(live_server + "/hr/staff/import")
        assert_accessible(hr)
        hr.get_by_label("员工名单文件（CSV 或 XLSX）").set_input_files(str(staff_file))
        hr.get_by_role("button", name="上传并预览").click()
        expect(hr.get_by_test_id("count-create")).to_have_text("30")
        expect(hr.get_by_test_id("count-problems")).to_have_text("0")
        expect(hr.get_by_test_id("new-departments")).to_contain_text("深圳二店")
        assert_accessible(hr)
        hr.get_by_test_id("apply-import").click()
        expect(hr.get_by_test_id("import-applied")).to_contain_text("新建 30")

        # 2. ... and invites everyone in the file in one action.
        hr.get_by_test_id("invite-import").click()
        expect(hr.get_by_test_id("invitations-done")).to_be_visible()
        expect(hr.get_by_test_id("emailed")).to_have_text("15")
        assert_accessible(hr)
        with hr.expect_download() as download:
            hr.get_by_test_id("download-sheets").click()
        sheets = tmp_path / "sheets.pdf"
        download.value.save_as(sheets)
    app.config["SMTP_HOST"] = None  # the server has stopped: nothing later may mail

    # The e-mails reached the SMTP server: one to each of the 15 with an address.
    with_email = {r["email"]: r for r in rows if r["email"]}
    assert sorted(to[0] for to, _message in inbox.messages) == sorted(with_email)
    links = {}
    for to, message in inbox.messages:
        person = with_email[to[0]]
        assert "欢迎" in str(make_header(decode_header(message["Subject"])))
        body = mail_text(message)
        assert person["name"] in body and person["employee_no"] in body
        [links[person["employee_no"]]] = re.findall(live_server + r"/auth/invitation/\S+", body)

    # The printable sheets: Guangzhou's pages, then Shenzhen's, no page mixing the two; each
    # page names its store (a page the cards run onto says so), and every name and employee
    # number is on them, each card's QR code the same one-time link as the e-mail.
    pages = pdf_pages_text(sheets.read_bytes(), tmp_path)
    stores = []
    for page in pages:
        prefixes = {number[0] for number in re.findall(r"\b[GZ]\d{4}\b", page)}
        assert prefixes in ({"G"}, {"Z"}), page
        store, other = (GUANGZHOU, SHENZHEN) if prefixes == {"G"} else (SHENZHEN, GUANGZHOU)
        assert store in page and other not in page, page
        continued = bool(stores) and stores[-1] == store
        assert page.lstrip().startswith(f"{store}（续）" if continued else store), page
        stores.append(store)
    assert stores == sorted(stores, key=[GUANGZHOU, SHENZHEN].index) and len(set(stores)) == 2
    text = "\n".join(pages)
    for row in rows:
        assert row["name"] in text and row["employee_no"] in text
    codes, [first_card] = qr_codes_of_pages(sheets, tmp_path)
    assert len(codes) == len(pages)
    decoded = [code for page in codes for code in page]
    assert len(decoded) == len(set(decoded)) == 30
    assert set(links.values()) <= set(decoded)

    # 3. The first card of the Guangzhou sheet is G1001's: a new hire without e-mail, who
    # scans it with a phone and chooses a password.
    assert first_card in codes[0] and first_card not in links.values()
    phone.goto(first_card)
    expect(phone.get_by_text("工号 G1001")).to_be_visible()
    assert_accessible(phone)
    phone.get_by_label("新密码", exact=True).fill("guangzhou-2026")
    phone.get_by_label("再次输入新密码").fill("guangzhou-2026")
    phone.get_by_role("button", name="保存密码并登录").click()
    expect(phone.get_by_test_id("who-am-i")).to_contain_text("G1001")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    # The card worked once: scanning it again explains why it no longer does.
    phone.goto(first_card)
    expect(phone.get_by_text("这个登录链接已经用过了")).to_be_visible()

    # 4. HR draws up an onboarding plan for the two stores, "30 days after hire".
    hr.goto(live_server + "/hr/plans/")
    hr.get_by_label("计划名称").fill("华南区入职培训")
    hr.get_by_label("年度").fill(str(plan_start.year))
    hr.get_by_label("开始日期").fill(plan_start.isoformat())
    hr.get_by_label("类型").select_option(label="新员工入职培训（通过后可以正式上岗）")
    hr.get_by_role("button", name="创建计划").click()
    expect(hr.get_by_text("已创建计划 华南区入职培训。")).to_be_visible()
    assert_accessible(hr)
    add_item = hr.get_by_test_id("add-item")
    add_item.get_by_label("课程").select_option(label="门店售中服务")
    add_item.get_by_label("截止", exact=True).select_option(label="入职后 N 天")
    add_item.get_by_label("天数（N 天后时填写）").fill(str(PLAN_DAYS))
    add_item.get_by_role("button", name="添加课程").click()
    add_target = hr.get_by_test_id("add-target")
    add_target.get_by_label("培训对象", exact=True).select_option(label="某个部门（含下级部门）")
    add_target.get_by_label("部门", exact=True).select_option(label="示例服务集团/华南区")
    add_target.get_by_role("button", name="添加", exact=True).click()
    hr.get_by_test_id("preview-link").click()

    # The preview: people on staff before the plan started are due 30 days after its start;
    # each new hire 30 days after their own first day; nobody starts overdue.
    expected = Counter(
        (r["hire_date"] if r["hire_date"] >= plan_start else plan_start) + timedelta(days=PLAN_DAYS)
        for r in rows
    )
    assert expected[plan_start + timedelta(days=30)] == 20  # the existing staff
    expect(hr.get_by_test_id("preview-people")).to_have_text("30")
    expect(hr.get_by_test_id("preview-starting-overdue")).to_have_text("0")
    table = hr.get_by_test_id("preview-item")
    expect(table.locator("tr[data-due]")).to_have_count(len(expected))
    for due, people in expected.items():
        cells = table.locator(f'tr[data-due="{due.isoformat()}"] td')
        expect(cells.nth(1)).to_have_text(str(people))
    assert_accessible(hr)
    hr.get_by_role("button", name="立即分配").click()
    expect(hr.get_by_text("分配完成：新增")).to_be_visible()

    # 5. An administrator makes a Shenzhen supervisor an assessor.
    admin_context = browser.new_context(locale="zh-CN", **ADMIN_CONTEXT)
    admin_context.set_default_timeout(10_000)
    admin = admin_context.new_page()
    try:
        sign_in(admin, live_server, "demo-admin", demo)
        admin.goto(live_server + "/hr/people/?q=Z2001")
        assert_accessible(admin)
        admin.get_by_role("link", name="编辑").first.click()
        z2001 = next(r for r in rows if r["employee_no"] == "Z2001")
        expect(admin.get_by_role("heading", level=1)).to_have_text(f"{z2001['name']} Z2001")
        assert_accessible(admin)
        admin.get_by_label("考核员").check()
        admin.get_by_role("button", name="保存").click()
        expect(admin.get_by_text("已保存")).to_be_visible()

        # 6. The audit log tells each step as a sentence.
        admin.goto(live_server + "/audit/")
        assert_accessible(admin)
        log = admin.get_by_test_id("audit-log")
        g1001 = next(r for r in rows if r["employee_no"] == "G1001")
        g1002 = next(r for r in rows if r["employee_no"] == "G1002")
        for sentence in (
            "演示人事 导入了员工文件 华南区新员工.csv：新增 30 人，修改 0 人，停用 0 人，"
            "重新启用 0 人。",
            f"演示人事 为 {g1001['name']} 生成了打印版登录码。",
            f"演示人事 通过邮件向 {g1002['name']} 发送了登录邀请。",
            f"{g1001['name']} 使用邀请设置了密码。",
            "演示人事 创建了计划 华南区入职培训。",
            "演示人事 将课程 门店售中服务 加入计划 华南区入职培训。",
            "演示人事 为计划 华南区入职培训 添加了一组人员。",
            "演示人事 更新了计划 华南区入职培训：新增 30 项分配，撤回 0 项，恢复 0 项。",
            f"演示管理员 将 {z2001['name']} 的角色从 学员 改为 考核员、学员。",
        ):
            expect(log.get_by_text(sentence, exact=True)).to_have_count(1)
    finally:
        admin_context.close()

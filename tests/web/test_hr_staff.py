"""HR imports staff in the browser (upload → preview → confirm) and from the command line,
and manages departments and positions."""

import io

import pytest
import sqlalchemy as sa

from tests.conftest import count_rows, make_user, sign_in
from tests.unit.hr.helpers import STAFF_FILES, positions, staff_file
from trainer.extensions import db
from trainer.models import Department, ImportBatch, Position, User


@pytest.fixture
def hr(app, client, users, signed_in):
    positions()
    return signed_in("hr")


def upload(client, name: str, data: bytes | None = None):
    data = staff_file(name) if data is None else data
    return client.post(
        "/hr/staff/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def test_upload_preview_survives_a_reload_and_confirm_applies(client, hr):
    response = upload(client, "two-stores-gbk.csv")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert 'data-testid="count-create">6<' in page
    assert "测试公司/华东区/杭州二店" in page  # to be created
    assert "王芳" in page and count_rows(User) == 5
    # The preview is kept on the server: reloading it shows the same.
    assert 'data-testid="count-create">6<' in client.get(preview_url).get_data(as_text=True)
    token = preview_url.rsplit("/", 1)[1]
    response = client.post(f"/hr/staff/import/{token}/apply", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "导入完成：新建 6 人" in page
    assert count_rows(User) == 11
    # Confirming twice does not import twice.
    page = client.post(f"/hr/staff/import/{token}/apply", follow_redirects=True).get_data(
        as_text=True
    )
    assert "此文件已经导入过了" in page and count_rows(User) == 11


def test_a_file_with_bad_rows_shows_every_problem_and_cannot_be_applied(client, hr):
    response = upload(client, "bad-rows.csv")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "第 2 行，入职日期 列：2026-02-30 不是有效日期" in page
    assert "第 3 行，岗位 列：没有岗位 保安队长" in page
    assert "第 4 行，工号 列：工号 E3001 重复出现（第一次在第 2 行）" in page
    assert 'data-testid="apply-import"' not in page
    token = response.headers["Location"].rsplit("/", 1)[1]
    page = client.post(f"/hr/staff/import/{token}/apply", follow_redirects=True).get_data(
        as_text=True
    )
    assert "没有导入任何数据" in page
    assert db.session.scalar(sa.select(User).where(User.employee_no == "E3004")) is None


def test_missing_columns_and_wrong_encoding_are_explained(client, hr):
    page = client.get(
        upload(client, "x.csv", "部门,岗位\r\n华东区,导购\r\n".encode()).headers["Location"]
    ).get_data(as_text=True)
    assert "缺少必填列：employee_no/工号、name/姓名" in page
    page = client.get(upload(client, "x.csv", b"\xff\xff\x80\x80\n").headers["Location"]).get_data(
        as_text=True
    )
    assert "CSV UTF-8" in page


def test_a_50000_row_file_previews_instead_of_failing(client, hr):
    lines = ["工号,姓名,部门,岗位"] + [
        f"N{i:05d},员工{i},华东区/上海一店,导购" for i in range(50_000)
    ]
    lines.append("N00007,重复,华东区/上海一店,导购")
    response = upload(client, "big.csv", ("\r\n".join(lines) + "\r\n").encode("gbk"))
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-testid="count-create">50000<' in text
    assert "第 50002 行，工号 列：工号 N00007 重复出现（第一次在第 9 行）" in text
    assert "……还有 49800 条。" in text  # the first 200 new people are listed


def test_an_xlsx_file_imports(client, hr):
    token = upload(client, "staff.xlsx").headers["Location"].rsplit("/", 1)[1]
    client.post(f"/hr/staff/import/{token}/apply")
    assert (
        db.session.scalar(sa.select(User).where(User.employee_no == "1001")).display_name == "王芳"
    )


def test_another_hr_person_cannot_open_my_preview(app, client, hr):
    token = upload(client, "two-stores-gbk.csv").headers["Location"].rsplit("/", 1)[1]
    make_user("H0002", "人事二号", {"hr"})
    other = app.test_client()
    sign_in(other, "H0002")
    assert other.get(f"/hr/staff/import/{token}").status_code == 404
    assert other.post(f"/hr/staff/import/{token}/apply").status_code == 404


def test_learner_cannot_import(client, users, signed_in):
    signed_in("learner")
    assert upload(client, "two-stores-gbk.csv").status_code == 403
    assert count_rows(ImportBatch) == 0


def test_hr_adds_renames_and_moves_departments(client, hr):
    client.post(
        "/hr/organisation/departments", data={"name": "华南区", "kind": "region", "parent": "0"}
    )
    south = db.session.scalar(sa.select(Department).where(Department.name == "华南区"))
    shop = db.session.scalar(sa.select(Department).where(Department.name == "上海一店"))
    client.post(f"/hr/organisation/departments/{shop.id}/rename", data={"name": "上海旗舰店"})
    client.post(f"/hr/organisation/departments/{shop.id}/move", data={"parent": south.id})
    db.session.expire_all()
    assert shop.path == "华南区/上海旗舰店"
    page = client.get("/hr/organisation").get_data(as_text=True)
    assert 'data-department="华南区/上海旗舰店"' in page
    # A department cannot move under its own child.
    response = client.post(
        f"/hr/organisation/departments/{south.id}/move",
        data={"parent": shop.id},
        follow_redirects=True,
    )
    assert "部门不能移到自己或自己的下级部门之下" in response.get_data(as_text=True)
    # Two departments of one name side by side are refused.
    response = client.post(
        "/hr/organisation/departments", data={"name": "华南区", "kind": "region", "parent": "0"}
    )
    assert response.status_code == 400 and "该位置已有名为 华南区 的部门" in response.get_data(
        as_text=True
    )


def test_hr_adds_and_renames_positions(client, hr):
    client.post("/hr/organisation/positions", data={"code": "cashier", "name": "收银员"})
    cashier = db.session.scalar(sa.select(Position).where(Position.code == "cashier"))
    client.post(f"/hr/organisation/positions/{cashier.id}/rename", data={"name": "收银"})
    db.session.refresh(cashier)
    assert cashier.name == "收银"
    response = client.post("/hr/organisation/positions", data={"code": "Bad Code", "name": "x"})
    assert response.status_code == 400


def test_cli_previews_lists_bad_rows_and_exits_non_zero(app, users):
    positions()
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["trainer", "staff", "import", str(STAFF_FILES / "bad-rows.csv"), "--apply"]
    )
    assert result.exit_code == 1
    assert "第 2 行，入职日期 列：" in result.output
    assert "第 3 行，岗位 列：" in result.output
    assert db.session.scalar(sa.select(User).where(User.employee_no == "E3004")) is None


def test_cli_preview_then_apply(app, users):
    positions()
    runner = app.test_cli_runner()
    path = str(STAFF_FILES / "two-stores-gbk.csv")
    result = runner.invoke(args=["trainer", "staff", "import", path])
    assert result.exit_code == 0 and "create 6" in result.output
    assert count_rows(User) == 5
    result = runner.invoke(args=["trainer", "staff", "import", path, "--apply"])
    assert result.exit_code == 0, result.output
    assert count_rows(User) == 11
    result = runner.invoke(args=["trainer", "staff", "import", path, "--apply"])
    assert result.exit_code == 0 and "unchanged 6" in result.output

"""The staff import helps HR: a template to start from, a "did you mean" for a department
written with its last name only, known positions by name, and no apply button when nothing
would change."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from tests.conftest import count_rows, make_user
from tests.unit.hr.helpers import csv_bytes, positions
from trainer.models import Department, User

HEADERS = ["工号", "姓名", "邮箱", "部门", "岗位", "入职日期", "角色", "在职"]


@pytest.fixture
def hr(app, client, users, signed_in):
    positions()
    return signed_in("hr")


def preview(client, data: bytes, name: str = "staff.csv") -> tuple[str, str]:
    response = client.post(
        "/hr/staff/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    return client.get(location).get_data(as_text=True), location.rsplit("/", 1)[1]


def test_the_templates_have_the_chinese_headers_and_import_once_filled(client, hr):
    response = client.get("/hr/staff/import/template.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    assert list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")))) == [HEADERS]

    response = client.get("/hr/staff/import/template.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [cell.value for cell in next(sheet.iter_rows(max_row=1))] == HEADERS
    assert client.get("/hr/staff/import/template.pdf").status_code == 404

    filled = response.data  # XLSX: add one person and upload it
    workbook = load_workbook(io.BytesIO(filled))
    workbook.active.append(["N0001", "新员工", "", "华东区/上海一店", "导购", "2026-03-01", "", ""])
    out = io.BytesIO()
    workbook.save(out)
    page, _token = preview(client, out.getvalue(), "staff.xlsx")
    assert 'data-testid="count-create">1<' in page and 'data-testid="apply-import"' in page
    assert "/hr/staff/import/template.xlsx" in client.get("/hr/staff/import").get_data(as_text=True)


def test_a_store_written_by_its_name_alone_gets_a_did_you_mean(client, hr):
    page, token = preview(client, csv_bytes("工号,姓名,部门", "N0001,新员工,上海一店"))
    assert re.search(r"第 2 行，部门 列：.*上海一店.*测试公司/华东区/上海一店", page)
    assert 'data-testid="apply-import"' not in page
    before = count_rows(Department)
    client.post(f"/hr/staff/import/{token}/apply")
    assert count_rows(Department) == before and count_rows(User) == 5


def test_a_store_name_in_two_regions_lists_both(client, hr):
    make_user("X1", "华南员工", {"learner"}, department_path="测试公司/华南区/上海一店")
    page, _token = preview(client, csv_bytes("工号,姓名,部门", "N0001,新员工,上海一店"))
    problem = re.search(r"第 2 行，部门 列：[^<]*", page).group(0)
    assert "测试公司/华东区/上海一店" in problem and "测试公司/华南区/上海一店" in problem
    assert 'data-testid="apply-import"' not in page


@pytest.mark.parametrize(
    "written",
    ["华东区/上海一店", "测试公司/华东区/上海一店", "测试公司 / 华东区 / 上海一店"],
)
def test_a_path_that_names_the_store_fully_is_fine(client, hr, written):
    page, _token = preview(client, csv_bytes("工号,姓名,部门", f"N0001,新员工,{written}"))
    assert 'data-testid="count-problems">0<' in page
    assert 'data-testid="new-departments"' not in page


def test_a_new_store_is_still_created(client, hr):
    page, _token = preview(client, csv_bytes("工号,姓名,部门", "N0001,新员工,华南区/深圳一店"))
    assert 'data-testid="count-problems">0<' in page
    assert "测试公司/华南区/深圳一店" in page and 'data-testid="apply-import"' in page


def test_an_unknown_position_lists_the_positions_by_their_chinese_names(client, hr):
    page, _token = preview(client, csv_bytes("工号,姓名,岗位", "N0001,新员工,保安队长"))
    problem = re.search(r"第 2 行，岗位 列：[^<]*", page).group(0)
    assert "导购" in problem and "店长" in problem and "客服专员" in problem
    assert "sales-associate" not in problem


def test_no_apply_button_when_nothing_would_change(client, hr):
    rows = ("工号,姓名,部门", "N0001,新员工,华东区/上海一店")
    _page, token = preview(client, csv_bytes(*rows))
    client.post(f"/hr/staff/import/{token}/apply")
    page, _token = preview(client, csv_bytes(*rows))
    assert 'data-testid="count-unchanged">1<' in page
    assert 'data-testid="import-nothing-to-change"' in page
    assert 'data-testid="apply-import"' not in page
    # One change is enough for the button.
    page, _token = preview(client, csv_bytes("工号,姓名,部门", "N0001,新员工乙,华东区/上海一店"))
    assert 'data-testid="apply-import"' in page
    assert 'data-testid="import-nothing-to-change"' not in page

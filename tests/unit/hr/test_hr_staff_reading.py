"""Reading staff files as Excel saves them: encodings, headers, XLSX cells, broken files."""

import io

import pytest
from openpyxl import Workbook

from tests.unit.hr.helpers import csv_bytes, staff_file
from trainer.hr.staff.reading import read_staff_file


@pytest.mark.parametrize(
    "name, encoding",
    [
        ("two-stores-gbk.csv", "GBK"),
        ("two-stores-utf8-bom.csv", "UTF-8"),
        ("two-stores-english.csv", "UTF-8"),
    ],
)
def test_chinese_excel_csv_in_any_of_its_encodings_reads_the_same(name, encoding):
    parsed = read_staff_file(staff_file(name))
    assert parsed.problems == []
    assert parsed.encoding == encoding
    assert len(parsed.rows) == 6
    number, first = parsed.rows[0]
    assert number == 2  # the row number HR sees in Excel
    assert first["name"] == "王芳" and first["department"] == "华东区/上海一店"
    assert parsed.rows[2][1]["roles"] == "学员,考核员"


def test_utf16_unicode_text_with_tabs_is_read():
    data = "工号\t姓名\nE1\t王芳\n".encode("utf-16")
    parsed = read_staff_file(data)
    assert parsed.problems == [] and parsed.rows == [(2, {"employee_no": "E1", "name": "王芳"})]


def test_xlsx_numbers_and_dates_become_text_hr_recognises():
    parsed = read_staff_file(staff_file("staff.xlsx"))
    assert parsed.problems == [] and parsed.encoding == "XLSX"
    assert parsed.rows[0][1]["employee_no"] == "1001"  # not 1001.0
    assert parsed.rows[0][1]["hire_date"] == "2026-03-02"  # not 2026-03-02 00:00:00


def test_missing_required_columns_are_named_with_the_headers_found():
    parsed = read_staff_file(csv_bytes("工号,部门", "E1,华东区"))
    assert [p.code for p in parsed.problems] == ["missing-columns"]
    assert "name/姓名" in parsed.problems[0].message()
    assert "工号、部门" in parsed.problems[0].message()


def test_bytes_that_are_neither_utf8_nor_gbk_are_refused_with_advice():
    parsed = read_staff_file(b"\xff\xff\x80\x80,\x80\n")
    assert [p.code for p in parsed.problems] == ["bad-encoding"]
    assert "CSV UTF-8" in parsed.problems[0].message()


def test_an_old_xls_workbook_is_refused_with_advice():
    parsed = read_staff_file(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert [p.code for p in parsed.problems] == ["old-excel"]


def test_a_broken_xlsx_is_refused():
    assert [p.code for p in read_staff_file(b"PK\x03\x04 not really a zip").problems] == [
        "bad-xlsx"
    ]


def test_empty_file_and_header_only_file():
    assert [p.code for p in read_staff_file(b"").problems] == ["file-empty"]
    assert [p.code for p in read_staff_file(csv_bytes("工号,姓名")).problems] == ["no-rows"]


def test_unknown_columns_are_ignored_and_listed():
    parsed = read_staff_file(csv_bytes("工号,姓名,备注", "E1,王芳,夜班"))
    assert parsed.problems == [] and parsed.ignored_headers == ["备注"]


def test_blank_lines_are_skipped_and_short_rows_padded():
    parsed = read_staff_file(csv_bytes("工号,姓名,邮箱", "", "E1,王芳", ",,"))
    assert parsed.rows == [(3, {"employee_no": "E1", "name": "王芳", "email": ""})]


def test_xlsx_first_sheet_with_header_not_on_the_first_row():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([])
    sheet.append(["employee_no", "name"])
    sheet.append(["E9", "测试"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    parsed = read_staff_file(buffer.getvalue())
    assert parsed.rows == [(3, {"employee_no": "E9", "name": "测试"})]

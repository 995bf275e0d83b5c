"""Staff files built to exhaust the server are refused quickly and in little memory
(issue 21: a 3.3 MB XLSX whose shared strings inflate to 1.5 GB took 1.8 GB of memory; 200
rows of 16,384 columns took 110 s of CPU; 2 million empty rows took 93 s). The bombs are
generated here, each a real ZIP/XLSX around a normal workbook."""

import io
import time
import tracemalloc
import zipfile

from openpyxl import Workbook

from trainer.hr.staff import reading
from trainer.hr.staff.reading import read_staff_file

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData>"
)
SHEET_TAIL = b"</sheetData></worksheet>"


def _workbook_with(replaced: dict[str, bytes]) -> bytes:
    """A normal one-row workbook saved by openpyxl, with some parts replaced."""
    book = Workbook()
    book.active.append(["工号", "姓名"])
    book.active.append(["E1", "王芳"])
    plain = io.BytesIO()
    book.save(plain)
    source = zipfile.ZipFile(io.BytesIO(plain.getvalue()))
    parts = {item.filename: source.read(item) for item in source.infolist()}
    if STRINGS in replaced and STRINGS not in parts:  # wire it up as Excel does
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>",
            b'<Relationship Id="rIdS" Target="sharedStrings.xml" Type="http://schemas.'
            b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
            b"</Relationships>",
        )
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
            b'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    parts.update(replaced)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


def _inline(column: int, row: int, text: str) -> bytes:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return f'<c r="{letters}{row}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def _measure(data: bytes):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        parsed = read_staff_file(data, "staff.xlsx")
        return parsed, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_normal_generated_workbook_still_reads():
    parsed = read_staff_file(_workbook_with({}))
    assert parsed.problems == [] and parsed.rows == [(2, {"employee_no": "E1", "name": "王芳"})]


def test_shared_strings_that_inflate_enormously_are_refused_before_unpacking():
    strings = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>"
        + b"A" * (200 * 1024 * 1024)
        + b"</t></si></sst>"
    )
    data = _workbook_with({STRINGS: strings})
    del strings
    assert len(data) < 1024 * 1024  # a small upload...
    parsed, seconds, peak = _measure(data)
    assert [p.code for p in parsed.problems] == ["xlsx-too-large"]
    assert seconds < 2 and peak < 20 * 1024 * 1024  # ...that is never unpacked


def test_a_workbook_over_the_unpacked_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reading, "MAX_XLSX_UNPACKED_BYTES", 64 * 1024)
    rows = b"".join(
        b"<row>" + _inline(1, n, f"E{n}") + _inline(2, n, f"名{n}") + b"</row>"
        for n in range(1, 2000)
    )
    data = _workbook_with({SHEET: SHEET_HEAD + rows + SHEET_TAIL})
    assert [p.code for p in read_staff_file(data).problems] == ["xlsx-too-large"]


def test_rows_of_16384_columns_are_refused_without_parsing_them():
    wide_row = b"".join(_inline(column, 1, "x") for column in range(1, 16385))
    rows = b"".join(wide_row.replace(b'1" t=', f'{n}" t='.encode()) for n in range(1, 21))
    data = _workbook_with({SHEET: SHEET_HEAD + rows + SHEET_TAIL})
    parsed, seconds, _peak = _measure(data)
    assert [p.code for p in parsed.problems] == ["too-many-columns"]
    assert seconds < 2


def test_a_lying_dimension_does_not_pad_rows_to_16384_cells():
    sheet = (
        SHEET_HEAD.replace(b"<sheetData>", b'<dimension ref="A1:XFD3000"/><sheetData>')
        + b"".join(
            b"<row>"
            + _inline(1, n, "工号" if n == 1 else f"E{n}")
            + _inline(2, n, "姓名" if n == 1 else f"名{n}")
            + b"</row>"
            for n in range(1, 3001)
        )
        + SHEET_TAIL
    )
    parsed, seconds, _peak = _measure(_workbook_with({SHEET: sheet}))
    assert parsed.problems == [] and len(parsed.rows) == 2999
    assert seconds < 5


def test_empty_rows_count_toward_the_row_limit():
    empty = b"".join(f'<row r="{n}"/>'.encode() for n in range(2, reading.MAX_ROWS + 10))
    header = b"<row>" + _inline(1, 1, "工号") + _inline(2, 1, "姓名") + b"</row>"
    data = _workbook_with({SHEET: SHEET_HEAD + header + empty + SHEET_TAIL})
    parsed, seconds, _peak = _measure(data)
    assert [p.code for p in parsed.problems] == ["too-many-rows"]
    assert seconds < 5


def test_empty_csv_lines_count_toward_the_row_limit():
    data = ("工号,姓名\r\n" + "\r\n" * (reading.MAX_ROWS + 5) + "E1,王芳\r\n").encode()
    assert [p.code for p in read_staff_file(data).problems] == ["too-many-rows"]


def test_a_csv_cell_of_megabytes_is_a_clear_problem_not_a_crash():
    data = ("工号,姓名,备注\r\nE1,王芳," + "备" * 200_000 + "\r\n").encode()
    assert [p.code for p in read_staff_file(data).problems] == ["bad-csv"]

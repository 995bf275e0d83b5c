"""Reading a staff file as Excel saves it: CSV (UTF-8 with or without BOM, GBK, UTF-16
"Unicode text") or XLSX, with English or Chinese headers. No Flask imports.

The result is plain text per row and field; checking the values is the importer's job.
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.parsers import expat

from trainer.hr.staff.problems import ImportProblem

FIELDS = ("employee_no", "name", "email", "department", "position", "hire_date", "roles", "active")
REQUIRED_FIELDS = ("employee_no", "name")
HEADERS = {  # field: (English header, Chinese header, other names seen in HR files)
    "employee_no": ("employee_no", "工号", "employeeno", "员工编号", "员工工号"),
    "name": ("name", "姓名", "display_name", "名字"),
    "email": ("email", "邮箱", "e-mail", "电子邮箱", "邮件"),
    "department": ("department", "部门", "所属部门"),
    "position": ("position", "岗位", "职位"),
    "hire_date": ("hire_date", "入职日期", "hiredate", "入职时间"),
    "roles": ("roles", "角色", "role"),
    "active": ("active", "在职", "是否在职", "状态"),
}
_HEADER_TO_FIELD = {alias: name for name, aliases in HEADERS.items() for alias in aliases}
MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_ROWS = 100_000
# Staff files have 8 known columns; a few dozen more (notes, codes) are ignored. A row wider
# than this is refused before it is parsed: 200 rows of 16,384 columns took 110 s of CPU.
MAX_COLUMNS = 200
# An XLSX file is a ZIP: its parts are checked before anything is unpacked, or a 3 MB file
# whose shared strings inflate to 1.5 GB takes 1.8 GB of memory.
MAX_XLSX_UNPACKED_BYTES = 256 * 1024 * 1024
MAX_XLSX_RATIO = 100  # unpacked/packed for any part over 1 MB; real workbooks stay under ~30
MAX_XLSX_PARTS = 1000
_XLSX_MAGIC = b"PK\x03\x04"
_OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"


@dataclass
class ParsedFile:
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as written
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, values)
    problems: list[ImportProblem] = field(default_factory=list)  # file-level: nothing applies
    ignored_headers: list[str] = field(default_factory=list)
    encoding: str = ""

    def to_json(self) -> dict:
        return {
            "columns": self.columns,
            "rows": [[number, values] for number, values in self.rows],
            "problems": [problem.to_json() for problem in self.problems],
            "ignored_headers": self.ignored_headers,
            "encoding": self.encoding,
        }

    @classmethod
    def from_json(cls, data: dict) -> ParsedFile:
        return cls(
            columns=data["columns"],
            rows=[(number, values) for number, values in data["rows"]],
            problems=[ImportProblem.from_json(p) for p in data.get("problems", [])],
            ignored_headers=data.get("ignored_headers", []),
            encoding=data.get("encoding", ""),
        )


def _normalise_header(text: str) -> str:
    return "".join(str(text or "").split()).strip("*＊:：").lower()


def read_staff_file(data: bytes, filename: str = "") -> ParsedFile:
    """Sniff the format from the bytes (not the name: Excel users rename files) and read it."""
    if len(data) > MAX_FILE_BYTES:
        return ParsedFile(
            problems=[
                ImportProblem(0, None, "file-too-large", {"num": MAX_FILE_BYTES // (1024 * 1024)})
            ]
        )
    if not data.strip():
        return ParsedFile(problems=[ImportProblem(0, None, "file-empty")])
    if data.startswith(_OLD_EXCEL_MAGIC):
        return ParsedFile(problems=[ImportProblem(0, None, "old-excel")])
    if data.startswith(_XLSX_MAGIC):
        return _read_xlsx(data)
    return _read_csv(data)


def _decode(data: bytes) -> tuple[str | None, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            return None, ""
    for encoding, label in (("utf-8-sig", "UTF-8"), ("gb18030", "GBK")):
        try:
            return data.decode(encoding), label
        except UnicodeDecodeError:
            continue
    return None, ""


def _read_csv(data: bytes) -> ParsedFile:
    text, encoding = _decode(data)
    if text is None or "\x00" in text:
        return ParsedFile(problems=[ImportProblem(0, None, "bad-encoding")])
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "，"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        parsed = _from_rows(enumerate(reader, start=1))
    except csv.Error:  # a cell over 128 KB, or a stray NUL: not a staff file
        return ParsedFile(problems=[ImportProblem(0, None, "bad-csv")])
    parsed.encoding = encoding
    return parsed


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == datetime.min.time()
            else (value.isoformat(sep=" "))
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Excel stores 工号 1001 as 1001.0
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


class _Refused(Exception):
    def __init__(self, problem: ImportProblem):
        super().__init__(problem.code)
        self.problem = problem


def _check_xlsx_package(data: bytes) -> None:
    """Refuse a workbook that would unpack too large, or whose sheets hold more rows or
    columns than a staff file can, before openpyxl reads any of it."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as error:
        raise _Refused(ImportProblem(0, None, "bad-xlsx")) from error
    with package:
        parts = package.infolist()
        too_big = ImportProblem(
            0, None, "xlsx-too-large", {"num": MAX_XLSX_UNPACKED_BYTES // (1024 * 1024)}
        )
        if len(parts) > MAX_XLSX_PARTS:
            raise _Refused(too_big)
        if sum(part.file_size for part in parts) > MAX_XLSX_UNPACKED_BYTES:
            raise _Refused(too_big)
        for part in parts:
            if part.file_size > 1024 * 1024 and (
                part.file_size > MAX_XLSX_RATIO * max(part.compress_size, 1)
            ):
                raise _Refused(too_big)
        for part in parts:
            if part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml"):
                # The declared size bounds what is unpacked: ZipExtFile stops there.
                with package.open(part) as stream:
                    _scan_sheet(stream)


def _column_index(reference: str) -> int:
    index = 0
    for char in reference:
        if not char.isalpha():
            break
        index = index * 26 + (ord(char.upper()) - 64)
    return index


def _scan_sheet(stream) -> None:
    """Stream the sheet's XML (expat, in C) and stop at the first row past MAX_ROWS or cell
    past MAX_COLUMNS. Every row counts, empty ones too: 2 million empty rows took 93 s."""
    state = {"rows": 0, "cells": 0}

    def start(name: str, attributes: dict) -> None:
        local = name.rsplit("}", 1)[-1]
        if local == "row":
            state["rows"] += 1
            state["cells"] = 0
            if state["rows"] > MAX_ROWS + 1:  # + the header row
                raise _Refused(ImportProblem(0, None, "too-many-rows", {"num": MAX_ROWS}))
        elif local == "c":
            state["cells"] += 1
            reference = attributes.get("r")
            column = _column_index(reference) if reference else state["cells"]
            if column > MAX_COLUMNS:
                raise _Refused(ImportProblem(0, None, "too-many-columns", {"num": MAX_COLUMNS}))

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    try:
        while chunk := stream.read(1 << 16):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except (expat.ExpatError, zipfile.BadZipFile, EOFError, zlib.error) as error:
        raise _Refused(ImportProblem(0, None, "bad-xlsx")) from error


def _read_xlsx(data: bytes) -> ParsedFile:
    from openpyxl import load_workbook

    try:
        _check_xlsx_package(data)
    except _Refused as refused:
        return ParsedFile(problems=[refused.problem])
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a broken file
        return ParsedFile(problems=[ImportProblem(0, None, "bad-xlsx")])
    try:
        sheet = workbook.worksheets[0]
        # max_col: a lying <dimension> cannot make openpyxl pad rows to 16,384 cells.
        rows = (
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(
                sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), start=1
            )
        )
        parsed = _from_rows(rows)
    finally:
        workbook.close()
    parsed.encoding = "XLSX"
    return parsed


def _from_rows(rows) -> ParsedFile:
    parsed = ParsedFile()
    header: list[str] | None = None
    positions: dict[str, int] = {}
    for number, cells in rows:
        if number > MAX_ROWS + 1:  # every line counts, empty ones too
            parsed.problems.append(ImportProblem(0, None, "too-many-rows", {"num": MAX_ROWS}))
            return parsed
        cells = [str(cell).strip() for cell in cells]
        if not any(cells):
            continue
        if header is None:
            header = cells
            for index, text in enumerate(header):
                name = _HEADER_TO_FIELD.get(_normalise_header(text))
                if name is None:
                    if text:
                        parsed.ignored_headers.append(text)
                elif name in positions:
                    parsed.problems.append(
                        ImportProblem(number, text, "duplicate-column", {"column": text})
                    )
                else:
                    positions[name] = index
                    parsed.columns[name] = text
            missing = [name for name in REQUIRED_FIELDS if name not in positions]
            if missing:
                parsed.problems.append(
                    ImportProblem(
                        0,
                        None,
                        "missing-columns",
                        {
                            "columns": "、".join(
                                f"{HEADERS[name][0]}/{HEADERS[name][1]}" for name in missing
                            ),
                            "found": "、".join(text for text in header if text) or "—",
                        },
                    )
                )
                return parsed
            continue
        if len(parsed.rows) >= MAX_ROWS:
            parsed.problems.append(ImportProblem(0, None, "too-many-rows", {"num": MAX_ROWS}))
            return parsed
        parsed.rows.append(
            (
                number,
                {
                    name: cells[index] if index < len(cells) else ""
                    for name, index in positions.items()
                },
            )
        )
    if header is None:
        parsed.problems.append(ImportProblem(0, None, "file-empty"))
    elif not parsed.rows:
        parsed.problems.append(ImportProblem(0, None, "no-rows"))
    return parsed

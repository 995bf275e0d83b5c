"""Tables as CSV (UTF-8 with BOM, so Excel shows Chinese) and XLSX.

A cell that starts with = + - @ or a tab/carriage return would be read by Excel as a formula
(`=cmd|' /C calc'!A0`); such text gets a leading apostrophe so it stays text. Numbers and
dates are written as numbers and dates.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[object]]
    # Cell text -> background colour (hex RGB) for the XLSX, e.g. statuses in the matrix.
    fills: dict[str, str] = field(default_factory=dict)


def neutralise(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv(table: Table) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([neutralise(header) for header in table.headers])
    for row in table.rows:
        writer.writerow([neutralise(_text(value)) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def to_xlsx(table: Table) -> bytes:
    from trainer.hr.reports.xlsx import write_xlsx

    return write_xlsx(
        _sheet_title(table.title),
        [str(neutralise(h)) for h in table.headers],
        [[neutralise(value) for value in row] for row in table.rows],
        table.fills,
    )


def _sheet_title(title: str) -> str:
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in title).strip("'")
    return (cleaned or "Sheet")[:31]

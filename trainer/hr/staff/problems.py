"""What can be wrong in a staff file, said so that HR can fix it: row, column and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

MESSAGES = {
    "file-too-large": _l("The file is larger than %(num)s MB. Split it into smaller files."),
    "file-empty": _l("The file is empty."),
    "no-rows": _l("The file has a header row but no staff rows."),
    "old-excel": _l(
        "This is an old Excel workbook (.xls). In Excel choose File → Save As → "
        "Excel Workbook (.xlsx) or CSV, then upload that file."
    ),
    "bad-xlsx": _l(
        "The file looks like an Excel workbook but cannot be opened. Save it again "
        "in Excel as .xlsx or CSV."
    ),
    "bad-encoding": _l(
        "The file is neither UTF-8 nor GBK text. In Excel choose Save As → "
        "CSV UTF-8 (comma delimited), then upload that file."
    ),
    "missing-columns": _l(
        "Required column(s) missing: %(columns)s. The header row found: "
        "%(found)s. If the headers look garbled, save the file as CSV UTF-8."
    ),
    "duplicate-column": _l("The column %(column)s appears twice in the header row."),
    "xlsx-too-large": _l(
        "This workbook would unpack to more than %(num)s MB or is packed suspiciously "
        "tightly. Save it again in Excel as CSV UTF-8, or split it into smaller files."
    ),
    "too-many-columns": _l(
        "A row has more than %(num)s columns. Keep only the staff columns (delete the empty "
        "columns to the right) and save again."
    ),
    "bad-csv": _l(
        "The file cannot be read as CSV: a cell is far too long or holds a stray character. "
        "Save it again in Excel as CSV UTF-8."
    ),
    "too-many-rows": _l("The file has more than %(num)s rows. Split it into smaller files."),
    "required": _l("This cell is empty; every row needs it."),
    "too-long": _l("Too long: at most %(num)s characters."),
    "duplicate-employee-no": _l(
        "Employee number %(value)s appears again (first on row "
        "%(first)s). Each person may appear only once."
    ),
    "duplicate-email": _l(
        "The e-mail %(value)s is also on row %(first)s. Each person needs "
        "their own e-mail, or leave it empty."
    ),
    "email-taken": _l("The e-mail %(value)s already belongs to %(name)s (%(no)s)."),
    "bad-email": _l("%(value)s is not an e-mail address."),
    "bad-date": _l("%(value)s is not a real date. Write it as YYYY-MM-DD, e.g. 2026-03-01."),
    "date-out-of-range": _l("%(value)s is not a plausible hire date."),
    "unknown-position": _l(
        "There is no position %(value)s. Use the code or name of a "
        "position HR has set up (%(known)s), or add the position first."
    ),
    "ambiguous-position": _l(
        "Several positions are called %(value)s; use the position code instead."
    ),
    "bad-department": _l("%(value)s is not a department path; write it like 华东区/上海一店."),
    "department-did-you-mean": _l(
        "There is no department %(value)s at that level. Did you mean %(path)s? "
        "Write the full path."
    ),
    "department-ambiguous": _l(
        "Several departments are called %(value)s: %(paths)s. Write the full path of the one "
        "you mean."
    ),
    "unknown-role": _l("%(value)s is not a role. Use %(known)s."),
    "admin-role": _l("The administrator role cannot be given by an import."),
    "bad-active": _l("%(value)s is neither yes nor no. Write 1 or 0, 是 or 否, 在职 or 离职."),
    "self-deactivate": _l("This row would deactivate your own account."),
    "self-change": _l(
        "This row would change your own account; ask another HR person or an administrator."
    ),
    "not-for-hr": _l(
        "%(value)s holds the HR or administrator role: only an administrator "
        "can change this person. Leave the row as it is or remove it."
    ),
    "role-not-grantable": _l("You may not give the role %(value)s; you may give %(known)s."),
}


@dataclass(frozen=True)
class ImportProblem:
    row: int  # 0: the whole file
    column: str | None  # the header as written in the file
    code: str
    params: dict = field(default_factory=dict)

    def message(self) -> str:
        text = MESSAGES.get(self.code, _l("This value cannot be imported."))
        return str(text % self.params) if self.params else str(text)

    def describe(self) -> str:
        """One line for the command line and the preview: row N, column X: why."""
        if self.row and self.column:
            return _(
                "row %(row)s, column %(column)s: %(why)s",
                row=self.row,
                column=self.column,
                why=self.message(),
            )
        if self.row:
            return _("row %(row)s: %(why)s", row=self.row, why=self.message())
        return self.message()

    def to_json(self) -> dict:
        return {"row": self.row, "column": self.column, "code": self.code, "params": self.params}

    @classmethod
    def from_json(cls, data: dict) -> ImportProblem:
        return cls(data["row"], data["column"], data["code"], data.get("params") or {})

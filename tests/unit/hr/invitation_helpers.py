"""Helpers for the invitation tests: new hires who never signed in, the sheets' QR codes."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from trainer.extensions import db
from trainer.hr.people.service import NewUser, create_user
from trainer.models import PasswordReset, User, utcnow

STORE = "测试公司/华东区/上海一店"
TILL_TEAM = "测试公司/华东区/上海一店/收银组"
OTHER_STORE = "测试公司/华北区/北京一店"


def new_hire(employee_no: str, name: str, department: str = STORE, **extra) -> User:
    """An imported person: no password, never signed in."""
    extra.setdefault("hire_date", date(2026, 11, 1))
    user = create_user(
        NewUser(
            employee_no=employee_no,
            display_name=name,
            password=None,
            roles=frozenset(extra.pop("roles", {"learner"})),
            department_path=department,
            **extra,
        )
    )
    db.session.commit()
    return user


def mark_signed_in(*people: User) -> None:
    for person in people:
        person.last_signed_in_at = utcnow()
    db.session.commit()


def open_invitations() -> dict[str, int]:
    """Employee number -> how many open (unused) invitations that person has."""
    rows = db.session.execute(
        sa.select(User.employee_no, sa.func.count())
        .join(PasswordReset, PasswordReset.user_id == User.id)
        .where(PasswordReset.purpose == "invitation", PasswordReset.used_at.is_(None))
        .group_by(User.employee_no)
    ).all()
    return dict(rows)


def pdf_pages_text(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page (pdftotext separates pages with a form feed)."""
    path = tmp_path / "sheets.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [page for page in text.split("\f") if page.strip()]


def qr_codes_in(pdf: bytes, tmp_path: Path) -> list[str]:
    """Every QR code printed on the sheets, decoded by zbarimg from the rendered pages."""
    path = tmp_path / "sheets-qr.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")], check=True)
    found = []
    for image in sorted(tmp_path.glob("page*.png")):
        result = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
            capture_output=True,
            text=True,
        )
        found.extend(line for line in result.stdout.splitlines() if line.strip())
    return found

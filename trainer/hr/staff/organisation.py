"""Departments (a tree) and positions, as HR manages them in the browser."""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from trainer.assessments.rules import departments_below
from trainer.audit.service import record
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.models import Department, Position, User, utcnow
from trainer.models.people import DEPARTMENT_KINDS

MAX_NAME = 100
MAX_CODE = 50
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class OrganisationError(Exception):
    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class TreeRow:
    department: Department
    depth: int
    path: str
    people: int


def tree(include_archived: bool = True) -> list[TreeRow]:
    """Every department in tree order (parents before children), with head counts.
    ``include_archived=False``: what forms offer (an archived department's sub-departments
    are archived too, so nothing is cut off)."""
    statement = sa.select(Department).order_by(Department.name)
    if not include_archived:
        statement = statement.where(Department.archived_at.is_(None))
    departments = list(db.session.scalars(statement))
    counts = dict(
        db.session.execute(
            sa.select(User.department_id, sa.func.count())
            .where(User.active.is_(True))
            .group_by(User.department_id)
        ).all()
    )
    children: dict[int | None, list[Department]] = {}
    for department in departments:
        children.setdefault(department.parent_id, []).append(department)
    rows: list[TreeRow] = []
    seen: set[int] = set()

    def walk(parent_id: int | None, depth: int, prefix: str) -> None:
        for department in children.get(parent_id, []):
            if department.id in seen:
                continue
            seen.add(department.id)
            path = f"{prefix}/{department.name}" if prefix else department.name
            rows.append(TreeRow(department, depth, path, counts.get(department.id, 0)))
            walk(department.id, depth + 1, path)

    walk(None, 0, "")
    return rows


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise OrganisationError("name-missing")
    if len(name) > MAX_NAME:
        raise OrganisationError("name-too-long", num=MAX_NAME)
    if "/" in name:
        raise OrganisationError("slash-in-name")
    return name


def _sibling_exists(name: str, parent_id: int | None, except_id: int | None = None) -> bool:
    statement = sa.select(Department.id).where(
        Department.name == name,
        Department.parent_id.is_(None) if parent_id is None else Department.parent_id == parent_id,
    )
    if except_id is not None:
        statement = statement.where(Department.id != except_id)
    return db.session.scalar(statement) is not None


def add_department(actor: User, name: str, kind: str, parent: Department | None) -> Department:
    name = _clean_name(name)
    if kind not in DEPARTMENT_KINDS:
        raise OrganisationError("bad-kind")
    if parent is not None and parent.archived_at is not None:
        raise OrganisationError("parent-archived", name=parent.name)
    try:
        with write_transaction():
            # NULL parents are never equal in a UNIQUE constraint, so the top level is
            # checked here (inside the write lock on SQLite).
            if _sibling_exists(name, parent.id if parent else None):
                raise OrganisationError("name-taken", name=name)
            department = Department(name=name, kind=kind, parent_id=parent.id if parent else None)
            db.session.add(department)
            db.session.flush()
            record(
                actor,
                "department.added",
                "department",
                department.id,
                name=name,
                parent=parent.id if parent else None,
            )
    except IntegrityError as error:
        raise OrganisationError("name-taken", name=name) from error
    return department


def rename_department(actor: User, department: Department, name: str) -> None:
    name = _clean_name(name)
    old = department.name
    try:
        with write_transaction():
            if _sibling_exists(name, department.parent_id, except_id=department.id):
                raise OrganisationError("name-taken", name=name)
            department.name = name
            record(actor, "department.renamed", "department", department.id, old=old, new=name)
    except IntegrityError as error:
        raise OrganisationError("name-taken", name=name) from error


def move_department(actor: User, department: Department, new_parent: Department | None) -> None:
    """Move a department (with everything below it) under another one, or to the top."""
    if new_parent is not None and new_parent.archived_at is not None:
        raise OrganisationError("parent-archived", name=new_parent.name)
    if new_parent is not None:
        parent_of = dict(db.session.execute(sa.select(Department.id, Department.parent_id)).all())
        if new_parent.id in departments_below([department.id], parent_of):
            raise OrganisationError("move-into-itself")
    old_parent = department.parent_id
    try:
        with write_transaction():
            if _sibling_exists(
                department.name, new_parent.id if new_parent else None, except_id=department.id
            ):
                raise OrganisationError("name-taken", name=department.name)
            department.parent_id = new_parent.id if new_parent else None
            record(
                actor,
                "department.moved",
                "department",
                department.id,
                old_parent=old_parent,
                new_parent=department.parent_id,
            )
    except IntegrityError as error:
        raise OrganisationError("name-taken", name=department.name) from error


def department_choices(keep: Department | None = None) -> list[tuple[int, str]]:
    """(id, path) of the departments a form offers: the ones in use, plus ``keep`` (the
    record's own department, still shown when it has been archived)."""
    choices = [(row.department.id, row.path) for row in tree(include_archived=False)]
    if keep is not None and keep.archived_at is not None:
        choices.append((keep.id, keep.path))
    return choices


def position_choices(keep: Position | None = None) -> list[tuple[int, str]]:
    """(id, "name (code)") of the positions a form offers, plus ``keep`` when archived."""
    found = list(
        db.session.scalars(
            sa.select(Position).where(Position.archived_at.is_(None)).order_by(Position.code)
        )
    )
    if keep is not None and keep.archived_at is not None:
        found.append(keep)
    return [(position.id, f"{position.name} ({position.code})") for position in found]


def positions() -> list[tuple[Position, int]]:
    counts = dict(
        db.session.execute(
            sa.select(User.position_id, sa.func.count())
            .where(User.active.is_(True))
            .group_by(User.position_id)
        ).all()
    )
    return [
        (position, counts.get(position.id, 0))
        for position in db.session.scalars(sa.select(Position).order_by(Position.code))
    ]


def add_position(actor: User, code: str, name: str) -> Position:
    code = (code or "").strip().lower()
    if not _CODE.match(code) or len(code) > MAX_CODE:
        raise OrganisationError("bad-code")
    name = _clean_name(name)
    try:
        with write_transaction():
            position = Position(code=code, name=name, department_kind="store")
            db.session.add(position)
            db.session.flush()
            record(actor, "position.added", "position", position.id, code=code, name=name)
    except IntegrityError as error:
        raise OrganisationError("code-taken", code=code) from error
    return position


def rename_position(actor: User, position: Position, name: str) -> None:
    name = _clean_name(name)
    with write_transaction():
        old = position.name
        position.name = name
        record(actor, "position.renamed", "position", position.id, old=old, new=name)


def set_manages_department(actor: User, position: Position, manages: bool) -> None:
    """Whether holders of the position manage their department (店长): they get the weekly
    digest of its overdue people."""
    with write_transaction():
        if position.manages_department != manages:
            position.manages_department = manages
            record(
                actor,
                "position.manages_department",
                "position",
                position.id,
                name=position.name,
                manages=manages,
            )


# --- archiving: nothing is deleted while people or plans use it --------------------------------


def archive_department(actor: User, department: Department) -> None:
    """Not offered in forms any more; people and plans that name it keep it. Refused while a
    sub-department is still in use (archive those first), so forms never offer a
    department under an archived one."""
    with write_transaction():
        if department.archived_at is not None:
            return
        open_child = db.session.scalar(
            sa.select(Department.name).where(
                Department.parent_id == department.id, Department.archived_at.is_(None)
            )
        )
        if open_child is not None:
            raise OrganisationError("has-open-children", name=open_child)
        department.archived_at = utcnow()
        record(actor, "department.archived", "department", department.id, name=department.name)


def restore_department(actor: User, department: Department) -> None:
    """Offered in forms again. Refused under an archived parent (restore that first)."""
    with write_transaction():
        if department.archived_at is None:
            return
        if department.parent is not None and department.parent.archived_at is not None:
            raise OrganisationError("parent-archived", name=department.parent.name)
        department.archived_at = None
        record(actor, "department.restored", "department", department.id, name=department.name)


def archive_position(actor: User, position: Position) -> None:
    with write_transaction():
        if position.archived_at is None:
            position.archived_at = utcnow()
            record(
                actor,
                "position.archived",
                "position",
                position.id,
                code=position.code,
                name=position.name,
            )


def restore_position(actor: User, position: Position) -> None:
    with write_transaction():
        if position.archived_at is not None:
            position.archived_at = None
            record(
                actor,
                "position.restored",
                "position",
                position.id,
                code=position.code,
                name=position.name,
            )

"""Creating people and the organisation they belong to (CLI, demo data, imports), and
managing one person (activation, roles) under the rule in trainer.auth.authority."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from trainer.audit.service import record
from trainer.auth.authority import Refused, check_manage, role_change_problem
from trainer.extensions import db
from trainer.models import ROLES, Department, Position, User


class PeopleError(Exception):
    pass


@dataclass(frozen=True)
class NewUser:
    employee_no: str
    display_name: str
    password: str | None  # None: no password yet (an invitation lets them choose one)
    roles: frozenset[str] = frozenset({"learner"})
    email: str | None = None
    hire_date: date | None = None
    department_path: str | None = None
    position_code: str | None = None
    locale: str | None = None


def ensure_department_path(path: str, leaf_kind: str = "store") -> Department:
    """Find or create every department along 'company/region/store'."""
    names = [part.strip() for part in path.split("/") if part.strip()]
    if not names:
        raise PeopleError("empty department path")
    kinds = ["company", "region", leaf_kind][-len(names) :] if len(names) <= 3 else None
    parent: Department | None = None
    for depth, name in enumerate(names):
        kind = kinds[depth] if kinds else ("company" if depth == 0 else leaf_kind)
        node = db.session.scalar(
            sa.select(Department).where(
                Department.name == name,
                Department.parent_id.is_(None)
                if parent is None
                else Department.parent_id == parent.id,
            )
        )
        if node is None:
            node = Department(name=name, kind=kind, parent=parent)
            db.session.add(node)
            db.session.flush()
        parent = node
    return parent


def ensure_position(code: str, name: str, department_kind: str = "store") -> Position:
    position = db.session.scalar(sa.select(Position).where(Position.code == code))
    if position is None:
        position = Position(code=code, name=name, department_kind=department_kind)
        db.session.add(position)
        db.session.flush()
    return position


def create_user(new: NewUser) -> User:
    """Add one user; refuses a taken employee number or e-mail instead of overwriting."""
    unknown = set(new.roles) - set(ROLES)
    if unknown:
        raise PeopleError(f"unknown role(s): {', '.join(sorted(unknown))}; use {', '.join(ROLES)}")
    if db.session.scalar(sa.select(User.id).where(User.employee_no == new.employee_no)):
        raise PeopleError(f"employee number {new.employee_no} is already taken")
    if new.email and db.session.scalar(
        sa.select(User.id).where(sa.func.lower(User.email) == new.email.lower())
    ):
        raise PeopleError(f"e-mail {new.email} is already used by another account")
    user = User(
        employee_no=new.employee_no,
        display_name=new.display_name,
        email=new.email,
        hire_date=new.hire_date,
        locale=new.locale,
    )
    if new.department_path:
        user.department = ensure_department_path(new.department_path)
    if new.position_code:
        position = db.session.scalar(sa.select(Position).where(Position.code == new.position_code))
        if position is None:
            raise PeopleError(f"unknown position code {new.position_code}")
        user.position = position
    user.set_roles(new.roles)
    if new.password:
        user.set_password(new.password)
    db.session.add(user)
    db.session.flush()
    return user


# --- managing one person: every change checked by the one rule, every change audited -----


def set_active(actor: User, target: User, active: bool) -> bool:
    """Deactivate (ending their sessions) or reactivate; False when nothing changed."""
    check_manage(actor, target)
    if target.active == active:
        return False
    target.active = active
    if not active:
        target.session_epoch = (target.session_epoch or 0) + 1  # ends their open sessions
    record(
        actor,
        "person.reactivated" if active else "person.deactivated",
        "user",
        target.id,
        person=target.employee_no,
        person_name=target.display_name,
    )
    db.session.commit()
    return True


def change_roles(actor: User, target: User, roles: set[str] | frozenset[str]) -> bool:
    """Give ``target`` exactly ``roles``; False when nothing changed."""
    check_manage(actor, target)
    roles = frozenset(roles)
    if not roles:
        raise Refused("no-roles")
    unknown = roles - set(ROLES)
    if unknown:
        raise PeopleError(f"unknown role(s): {', '.join(sorted(unknown))}")
    old = target.roles
    problem = role_change_problem(actor.roles, old, roles)
    if problem:
        raise Refused(problem)
    if old == roles:
        return False
    target.set_roles(roles)
    record(
        actor,
        "person.roles_changed",
        "user",
        target.id,
        person=target.employee_no,
        person_name=target.display_name,
        old=sorted(old),
        new=sorted(roles),
    )
    db.session.commit()
    return True

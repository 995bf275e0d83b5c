"""Creating people and the organisation they belong to (CLI, demo data, imports), managing
one person from the web (create, edit, activation, roles) and a selection of people at once,
always under the rule in trainer.auth.authority; finding people for the people list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from trainer.assessments.rules import departments_below
from trainer.audit.service import record
from trainer.auth.authority import Refused, check_manage, manage_problem, role_change_problem
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.models import ROLES, Department, Position, User, UserRole


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


def _set_active(actor: User, target: User, active: bool) -> bool:
    """Inside the caller's transaction; False when nothing changed."""
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
    return True


def set_active(actor: User, target: User, active: bool) -> bool:
    """Deactivate (ending their sessions) or reactivate; False when nothing changed."""
    with write_transaction():
        return _set_active(actor, target, active)


def _check_roles(actor: User, old: frozenset[str], roles: frozenset[str]) -> None:
    if not roles:
        raise Refused("no-roles")
    unknown = roles - set(ROLES)
    if unknown:
        raise PeopleError(f"unknown role(s): {', '.join(sorted(unknown))}")
    problem = role_change_problem(actor.roles, old, roles)
    if problem:
        raise Refused(problem)


def _change_roles(actor: User, target: User, roles: frozenset[str]) -> bool:
    """Inside the caller's transaction; False when nothing changed."""
    check_manage(actor, target)
    old = target.roles
    _check_roles(actor, old, roles)
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
    return True


def change_roles(actor: User, target: User, roles: set[str] | frozenset[str]) -> bool:
    """Give ``target`` exactly ``roles``; False when nothing changed."""
    with write_transaction():
        return _change_roles(actor, target, frozenset(roles))


# --- the person form: create and edit -------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class PersonFields:
    """What the person form sends. ``employee_no`` is only read when creating."""

    display_name: str
    roles: frozenset[str]
    email: str | None = None
    department_id: int | None = None
    position_id: int | None = None
    hire_date: date | None = None
    employee_no: str = ""


class FieldProblems(Exception):
    """The form's values are refused; ``problems`` maps a field to a code. Nothing saved."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = problems


def _clean(fields: PersonFields) -> PersonFields:
    email = (fields.email or "").strip() or None
    return PersonFields(
        display_name=(fields.display_name or "").strip(),
        roles=frozenset(fields.roles),
        email=email.lower() if email else None,
        department_id=fields.department_id or None,
        position_id=fields.position_id or None,
        hire_date=fields.hire_date,
        employee_no=(fields.employee_no or "").strip(),
    )


def _field_problems(
    fields: PersonFields,
    creating: bool,
    person: User | None = None,
) -> dict[str, str]:
    """Everything wrong with the values, read from the database as it is now."""
    problems: dict[str, str] = {}
    if creating:
        if not fields.employee_no:
            problems["employee_no"] = "employee-no-missing"
        elif len(fields.employee_no) > 50:
            problems["employee_no"] = "employee-no-too-long"
        elif db.session.scalar(sa.select(User.id).where(User.employee_no == fields.employee_no)):
            problems["employee_no"] = "employee-no-taken"
    if not fields.display_name:
        problems["display_name"] = "name-missing"
    elif len(fields.display_name) > 100:
        problems["display_name"] = "name-too-long"
    if fields.email:
        if len(fields.email) > 254 or not _EMAIL.match(fields.email):
            problems["email"] = "email-invalid"
        else:
            taken_by = db.session.scalar(
                sa.select(User.id).where(sa.func.lower(User.email) == fields.email)
            )
            if taken_by is not None and (person is None or taken_by != person.id):
                problems["email"] = "email-taken"
    # An archived department or position stays on the people who have it, but nobody new
    # is put there.
    if fields.department_id is not None:
        department = db.session.get(Department, fields.department_id)
        if department is None:
            problems["department"] = "department-unknown"
        elif department.archived_at is not None and (
            person is None or person.department_id != department.id
        ):
            problems["department"] = "department-archived"
    if fields.position_id is not None:
        position = db.session.get(Position, fields.position_id)
        if position is None:
            problems["position"] = "position-unknown"
        elif position.archived_at is not None and (
            person is None or person.position_id != position.id
        ):
            problems["position"] = "position-archived"
    return problems


def _duplicate_problem(error: IntegrityError) -> dict[str, str]:
    """Two people saved at once with the same number or address: the constraint decides."""
    text = str(error.orig).lower()
    if "email" in text:
        return {"email": "email-taken"}
    return {"employee_no": "employee-no-taken"}


def create_person(actor: User, fields: PersonFields) -> User:
    """A new account from the web; refused outright (Refused) when the actor may not manage
    someone with these roles, FieldProblems for bad values. No password: invite them."""
    fields = _clean(fields)
    problem = manage_problem(actor.id, actor.roles, None, fields.roles)
    if problem:
        raise Refused(problem)
    _check_roles(actor, frozenset(), fields.roles)
    try:
        with write_transaction():
            problems = _field_problems(fields, creating=True)
            if problems:
                raise FieldProblems(problems)
            person = User(
                employee_no=fields.employee_no,
                display_name=fields.display_name,
                email=fields.email,
                hire_date=fields.hire_date,
                department_id=fields.department_id,
                position_id=fields.position_id,
            )
            person.set_roles(fields.roles)
            db.session.add(person)
            db.session.flush()
            record(
                actor,
                "person.created",
                "user",
                person.id,
                person=person.employee_no,
                person_name=person.display_name,
                roles=sorted(fields.roles),
            )
    except IntegrityError as error:
        raise FieldProblems(_duplicate_problem(error)) from error
    return person


def update_person(actor: User, person: User, fields: PersonFields) -> list[str]:
    """Save the form for an existing person; returns the names of the fields that changed.
    Role changes are checked and audited as on their own (person.roles_changed)."""
    check_manage(actor, person)
    fields = _clean(fields)
    _check_roles(actor, person.roles, fields.roles)
    try:
        with write_transaction():
            problems = _field_problems(fields, creating=False, person=person)
            if problems:
                raise FieldProblems(problems)
            old = {
                "display_name": person.display_name,
                "email": person.email,
                "department": person.department_id,
                "position": person.position_id,
                "hire_date": person.hire_date,
            }
            person.display_name = fields.display_name
            person.email = fields.email
            person.department_id = fields.department_id
            person.position_id = fields.position_id
            person.hire_date = fields.hire_date
            new = {
                "display_name": person.display_name,
                "email": person.email,
                "department": person.department_id,
                "position": person.position_id,
                "hire_date": person.hire_date,
            }
            changed = [name for name in old if old[name] != new[name]]
            if changed:
                record(
                    actor,
                    "person.updated",
                    "user",
                    person.id,
                    person=person.employee_no,
                    person_name=person.display_name,
                    changed={name: [_plain(old[name]), _plain(new[name])] for name in changed},
                )
            if _change_roles(actor, person, fields.roles):
                changed.append("roles")
            db.session.flush()
    except IntegrityError as error:
        raise FieldProblems(_duplicate_problem(error)) from error
    return changed


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date) else value


# --- the people list ------------------------------------------------------------------------

STATUSES = ("active", "inactive", "never-signed-in")


@dataclass(frozen=True)
class PeopleFilter:
    query: str = ""
    department_id: int | None = None  # with its sub-departments
    position_id: int | None = None
    role: str | None = None
    status: str | None = None  # one of STATUSES


def people_query(wanted: PeopleFilter) -> sa.Select:
    """The people matching every filter given, by employee number (with what the list
    shows of each loaded alongside, not one query per row)."""
    statement = (
        sa.select(User)
        .options(sa.orm.selectinload(User.department), sa.orm.selectinload(User.position))
        .order_by(User.employee_no)
    )
    query = wanted.query.strip()
    if query:
        pattern = f"%{query}%"
        statement = statement.where(
            sa.or_(
                User.employee_no.ilike(pattern),
                User.display_name.ilike(pattern),
                User.email.ilike(pattern),
            )
        )
    if wanted.department_id:
        parent_of = dict(db.session.execute(sa.select(Department.id, Department.parent_id)).all())
        statement = statement.where(
            User.department_id.in_(sorted(departments_below([wanted.department_id], parent_of)))
        )
    if wanted.position_id:
        statement = statement.where(User.position_id == wanted.position_id)
    if wanted.role:
        statement = statement.where(
            User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == wanted.role))
        )
    if wanted.status == "active":
        statement = statement.where(User.active.is_(True))
    elif wanted.status == "inactive":
        statement = statement.where(User.active.is_(False))
    elif wanted.status == "never-signed-in":
        statement = statement.where(User.active.is_(True), User.last_signed_in_at.is_(None))
    return statement


# --- a selection of people at once: all or nothing ------------------------------------------


@dataclass(frozen=True)
class Unchangeable:
    person: User
    code: str  # a trainer.auth.authority refusal code, or "inactive" / "signed-in"


@dataclass
class BulkRefused(Exception):
    """Nobody was changed, because of these people."""

    unchangeable: list[Unchangeable] = field(default_factory=list)

    def __str__(self) -> str:
        return ", ".join(f"{u.person.employee_no}: {u.code}" for u in self.unchangeable)


def selected_people(ids: Sequence[int]) -> list[User]:
    """The people a selection names (unknown ids are dropped), by employee number."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        return []
    return list(
        db.session.scalars(sa.select(User).where(User.id.in_(ids)).order_by(User.employee_no))
    )


def _refuse_unless_all(people: Sequence[User], problem_of) -> None:
    unchangeable = [Unchangeable(person, code) for person in people if (code := problem_of(person))]
    if unchangeable:
        raise BulkRefused(unchangeable)


def bulk_deactivate(actor: User, people: Sequence[User]) -> int:
    """Deactivate everyone chosen (ending their sessions), or nobody; returns how many were
    active before."""
    _refuse_unless_all(
        people, lambda person: manage_problem(actor.id, actor.roles, person.id, person.roles)
    )
    with write_transaction():
        return sum(_set_active(actor, person, False) for person in people)


def bulk_invite(actor: User, people: Sequence[User]):
    """Invite everyone chosen (the invitations job, as for a group), or nobody: each must be
    someone the actor may invite (active, never signed in)."""
    from trainer.auth.resets import invitation_problem
    from trainer.hr.invitations import service as invitations

    _refuse_unless_all(people, lambda person: invitation_problem(actor, person))
    return invitations.request_invitations(
        actor, invitations.people_selection([person.id for person in people])
    )


def bulk_assign_plan(actor: User, plan, people: Sequence[User], today: date):
    """Add everyone chosen to a plan's targets and assign it (the plan's own "Assign"), or
    nobody: each must be an active person the actor may manage."""
    from trainer.hr.plans import service as plans

    def problem_of(person: User) -> str | None:
        return manage_problem(actor.id, actor.roles, person.id, person.roles) or (
            None if person.active else "inactive"
        )

    _refuse_unless_all(people, problem_of)
    return plans.sync_plan(actor, plan, today, people=people)

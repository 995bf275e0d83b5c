"""Staff import: check every row against the database, preview, then apply all or nothing.

Rules, in the words HR reads on the preview page:
- A person is found by employee number. People not in the file are left as they are.
- An empty cell leaves that field unchanged; a column missing from the file too.
- Departments along a path that does not exist yet are created (listed in the preview).
  The company at the top of the tree may be left out when there is only one.
- An unknown position is an error on that row: positions are set up first.
- 在职 = 0/否/离职 deactivates the person (never deletes: their history stays).
- Any bad row stops the whole import; nothing is half-applied.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from trainer.audit.service import record
from trainer.auth.authority import grantable_roles, manage_problem, role_change_problem
from trainer.clock import local_today
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.hr.people.service import ensure_department_path
from trainer.hr.reports.exports import Table, to_csv, to_xlsx
from trainer.hr.staff.problems import ImportProblem
from trainer.hr.staff.reading import HEADERS, MAX_FILE_BYTES, ParsedFile, read_staff_file
from trainer.models import AuditEvent, Department, Position, User, UserRole, utcnow
from trainer.models.staff import ImportBatch

MAX_UPLOAD_BYTES = MAX_FILE_BYTES
BATCH_LIFETIME = timedelta(days=7)
# (English header, Chinese header, required) for the upload page.
HEADER_HELP = [
    (aliases[0], aliases[1], name in ("employee_no", "name")) for name, aliases in HEADERS.items()
]
MAX_EMPLOYEE_NO = 50
MAX_NAME = 100
MAX_DEPARTMENT_NAME = 100
ROLE_WORDS = {
    "learner": "learner",
    "学员": "learner",
    "员工": "learner",
    "trainer": "trainer",
    "培训师": "trainer",
    "讲师": "trainer",
    "assessor": "assessor",
    "考核员": "assessor",
    "带教师傅": "assessor",
    "hr": "hr",
    "人事": "hr",
    "人力资源": "hr",
    "admin": "admin",
    "管理员": "admin",
}
YES = {"1", "是", "在职", "true", "yes", "y", "active", "正常"}
NO = {"0", "否", "离职", "false", "no", "n", "inactive", "停用", "已离职"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"
)
_ROLE_SPLIT = re.compile(r"[,，、;；/|\s]+")
_PATH_SPLIT = re.compile(r"\s*[/／>＞\\]\s*")


class ImportRejected(Exception):
    def __init__(self, plan: ImportPlan):
        super().__init__(f"{len(plan.problems)} problem(s)")
        self.plan = plan


@dataclass
class RowPlan:
    row: int
    employee_no: str
    name: str
    action: str  # create | update | deactivate | reactivate | unchanged | ignored
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, old, new)
    values: dict = field(default_factory=dict)
    user_id: int | None = None


@dataclass
class ImportPlan:
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    new_departments: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    ignored_headers: list[str] = field(default_factory=list)
    encoding: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def changes_anything(self) -> bool:
        """Whether applying would change anyone: a file whose people are all as written has
        nothing to apply."""
        return any(
            row.action in ("create", "update", "deactivate", "reactivate") for row in self.rows
        )

    def by_action(self, action: str) -> list[RowPlan]:
        return [row for row in self.rows if row.action == action]

    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(
            ("create", "update", "deactivate", "reactivate", "unchanged", "ignored"), 0
        )
        for row in self.rows:
            counts[row.action] += 1
        return counts


@dataclass
class _Staff:
    """The current staff as plain tuples: comparing 50,000 rows must not load 50,000 objects."""

    by_no: dict[str, tuple]
    roles: dict[int, set[str]]
    email_owner: dict[str, tuple]
    department_ids: dict[str, int]  # full path -> id
    department_paths: dict[int, str]
    roots: list[str]
    positions_by_code: dict[str, Position]
    positions_by_name: dict[str, list[Position]]
    # "华东区/上海一店" and "上海一店" -> every full path ending with them: a department written
    # short is found, or is ambiguous, instead of becoming a new department.
    paths_by_ending: dict[str, list[str]] = field(default_factory=dict)


def _load_staff() -> _Staff:
    users = db.session.execute(
        sa.select(
            User.id,
            User.employee_no,
            User.display_name,
            User.email,
            User.department_id,
            User.position_id,
            User.hire_date,
            User.active,
        )
    ).all()
    roles: dict[int, set[str]] = {}
    for user_id, role in db.session.execute(sa.select(UserRole.user_id, UserRole.role)):
        roles.setdefault(user_id, set()).add(role)
    nodes = db.session.execute(
        sa.select(Department.id, Department.name, Department.parent_id)
    ).all()
    parent_of = {node.id: (node.name, node.parent_id) for node in nodes}
    paths: dict[int, str] = {}

    def path_of(node_id: int) -> str:
        if node_id not in paths:
            name, parent_id = parent_of[node_id]
            paths[node_id] = name if parent_id is None else f"{path_of(parent_id)}/{name}"
        return paths[node_id]

    for node_id in parent_of:
        path_of(node_id)
    paths_by_ending: dict[str, list[str]] = {}
    for path in sorted(paths.values()):
        parts = path.split("/")
        for depth in range(1, len(parts)):
            paths_by_ending.setdefault("/".join(parts[depth:]), []).append(path)
    positions = list(db.session.scalars(sa.select(Position).order_by(Position.code)))
    by_name: dict[str, list[Position]] = {}
    for position in positions:
        by_name.setdefault(position.name, []).append(position)
    return _Staff(
        by_no={user.employee_no: user for user in users},
        roles=roles,
        email_owner={user.email.lower(): user for user in users if user.email},
        department_ids={path: node_id for node_id, path in paths.items()},
        department_paths=paths,
        roots=[name for name, parent_id in parent_of.values() if parent_id is None],
        positions_by_code={position.code: position for position in positions},
        positions_by_name=by_name,
        paths_by_ending=paths_by_ending,
    )


def parse_date(text: str) -> date | None:
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(text)
    return date(int(match[1]), int(match[2]), int(match[3]))  # ValueError on 2026-02-30


def _full_path(text: str, staff: _Staff) -> str | None:
    parts = [part for part in _PATH_SPLIT.split(text.strip()) if part]
    if not parts or any(len(part) > MAX_DEPARTMENT_NAME for part in parts):
        return None
    path = "/".join(parts)
    if path in staff.department_ids:
        return path
    # One company at the top: HR may write 华东区/上海一店 for 示例集团/华东区/上海一店.
    if len(staff.roots) == 1 and parts[0] != staff.roots[0]:
        return f"{staff.roots[0]}/{path}"
    return path


def plan_import(
    parsed: ParsedFile, actor: User | None = None, today: date | None = None
) -> ImportPlan:
    """Compare the file with the database; changes nothing."""
    today = today or local_today()
    actor_id, actor_roles = (actor.id, actor.roles) if actor is not None else (None, None)
    may_grant = grantable_roles(actor_roles)
    plan = ImportPlan(
        problems=list(parsed.problems),
        columns=dict(parsed.columns),
        ignored_headers=list(parsed.ignored_headers),
        encoding=parsed.encoding,
    )
    if parsed.problems:
        return plan
    staff = _load_staff()
    columns = parsed.columns
    first_row_of_no: dict[str, int] = {}
    first_row_of_email: dict[str, int] = {}
    new_departments: dict[str, None] = {}
    # Listed as HR knows them: by their (Chinese) names, not their codes.
    known_positions = (
        "、".join(dict.fromkeys(p.name for p in staff.positions_by_code.values())) or "—"
    )

    for number, cells in parsed.rows:
        problems: list[ImportProblem] = []

        def bad(field_name: str, code: str, problems=problems, number=number, **params) -> None:
            problems.append(ImportProblem(number, columns.get(field_name), code, params))

        employee_no = cells.get("employee_no", "").strip()
        name = cells.get("name", "").strip()
        if not employee_no:
            bad("employee_no", "required")
        elif len(employee_no) > MAX_EMPLOYEE_NO:
            bad("employee_no", "too-long", num=MAX_EMPLOYEE_NO)
        elif employee_no in first_row_of_no:
            bad(
                "employee_no",
                "duplicate-employee-no",
                value=employee_no,
                first=first_row_of_no[employee_no],
            )
        else:
            first_row_of_no[employee_no] = number
        if not name:
            bad("name", "required")
        elif len(name) > MAX_NAME:
            bad("name", "too-long", num=MAX_NAME)
        existing = staff.by_no.get(employee_no)
        values: dict = {"employee_no": employee_no, "name": name}

        email = cells.get("email", "").strip()
        if email:
            key = email.lower()
            owner = staff.email_owner.get(key)
            if not _EMAIL.match(email) or len(email) > 254:
                bad("email", "bad-email", value=email)
            elif key in first_row_of_email:
                bad("email", "duplicate-email", value=email, first=first_row_of_email[key])
            elif owner is not None and owner.employee_no != employee_no:
                bad(
                    "email",
                    "email-taken",
                    value=email,
                    name=owner.display_name,
                    no=owner.employee_no,
                )
            else:
                first_row_of_email[key] = number
                values["email"] = email

        department = cells.get("department", "").strip()
        if department:
            path = _full_path(department, staff)
            written = "/".join(part for part in _PATH_SPLIT.split(department) if part)
            endings = staff.paths_by_ending.get(written, []) if path is not None else []
            if path is None:
                bad("department", "bad-department", value=department)
            elif path not in staff.department_ids and len(endings) == 1:
                # "上海一店" for 示例服务集团/华东区/上海一店: ask, rather than create a second one.
                bad("department", "department-did-you-mean", value=department, path=endings[0])
            elif path not in staff.department_ids and endings:
                bad(
                    "department",
                    "department-ambiguous",
                    value=department,
                    paths="、".join(endings),
                )
            else:
                values["department"] = path
                if path not in staff.department_ids:
                    parts = path.split("/")
                    for depth in range(1, len(parts) + 1):
                        prefix = "/".join(parts[:depth])
                        if prefix not in staff.department_ids:
                            new_departments[prefix] = None

        position_text = cells.get("position", "").strip()
        if position_text:
            position = staff.positions_by_code.get(position_text)
            if position is None:
                matches = staff.positions_by_name.get(position_text, [])
                if len(matches) > 1:
                    bad("position", "ambiguous-position", value=position_text)
                elif matches:
                    position = matches[0]
                else:
                    bad("position", "unknown-position", value=position_text, known=known_positions)
            if position is not None:
                values["position"] = position

        hire_text = cells.get("hire_date", "").strip()
        if hire_text:
            try:
                hire_date = parse_date(hire_text)
            except ValueError:
                bad("hire_date", "bad-date", value=hire_text)
            else:
                if not date(1950, 1, 1) <= hire_date <= date(today.year + 1, 12, 31):
                    bad("hire_date", "date-out-of-range", value=hire_text)
                else:
                    values["hire_date"] = hire_date

        roles_text = cells.get("roles", "").strip()
        if roles_text:
            roles = set()
            for word in _ROLE_SPLIT.split(roles_text):
                if not word:
                    continue
                role = ROLE_WORDS.get(word.lower())
                if role is None:
                    bad(
                        "roles",
                        "unknown-role",
                        value=word,
                        known="learner/学员、trainer/培训师、assessor/考核员、hr/人事",
                    )
                elif role == "admin":
                    bad("roles", "admin-role")
                elif role not in may_grant:
                    bad(
                        "roles",
                        "role-not-grantable",
                        value=word,
                        known="、".join(sorted(may_grant - {"admin"})) or "—",
                    )
                else:
                    roles.add(role)
            if roles:
                values["roles"] = roles

        active_text = cells.get("active", "").strip()
        if active_text:
            word = active_text.lower()
            if word in YES:
                values["active"] = True
            elif word in NO:
                values["active"] = False
            else:
                bad("active", "bad-active", value=active_text)

        if problems:
            plan.problems.extend(problems)
            continue
        row = _row_plan(number, values, existing, staff)
        if existing is not None and row.action != "unchanged":
            # The one rule of who manages whom, as on the people pages.
            held = staff.roles.get(existing.id, set())
            problem = manage_problem(actor_id, actor_roles, existing.id, held)
            if problem is None and "roles" in values:
                problem = role_change_problem(actor_roles, held - {"admin"}, values["roles"])
            if problem == "not-yourself":
                bad(
                    "active" if row.action == "deactivate" else "employee_no",
                    "self-deactivate" if row.action == "deactivate" else "self-change",
                )
            elif problem == "role-not-grantable":
                bad(
                    "roles",
                    problem,
                    value=", ".join(sorted(held - may_grant)),
                    known="、".join(sorted(may_grant - {"admin"})) or "—",
                )
            elif problem:
                bad("employee_no", "not-for-hr", value=employee_no)
            if problems:
                plan.problems.extend(problems)
                continue
        plan.rows.append(row)
    plan.new_departments = list(new_departments)
    return plan


def _row_plan(number: int, values: dict, existing, staff: _Staff) -> RowPlan:
    employee_no, name = values["employee_no"], values["name"]
    if existing is None:
        action = "create" if values.get("active", True) else "ignored"
        return RowPlan(number, employee_no, name, action, values=values)
    changes: list[tuple[str, str, str]] = []
    if name != existing.display_name:
        changes.append(("name", existing.display_name, name))
    if "email" in values and values["email"].lower() != (existing.email or "").lower():
        changes.append(("email", existing.email or "", values["email"]))
    if "department" in values:
        old = staff.department_paths.get(existing.department_id, "")
        if values["department"] != old:
            changes.append(("department", old, values["department"]))
    if "position" in values and values["position"].id != existing.position_id:
        old = next(
            (p.name for p in staff.positions_by_code.values() if p.id == existing.position_id), ""
        )
        changes.append(("position", old, values["position"].name))
    if "hire_date" in values and values["hire_date"] != existing.hire_date:
        changes.append(
            (
                "hire_date",
                existing.hire_date.isoformat() if existing.hire_date else "",
                values["hire_date"].isoformat(),
            )
        )
    current_roles = staff.roles.get(existing.id, set()) - {"admin"}
    if "roles" in values and values["roles"] != current_roles:
        changes.append(
            ("roles", ", ".join(sorted(current_roles)), ", ".join(sorted(values["roles"])))
        )
    action = "update" if changes else "unchanged"
    if "active" in values and values["active"] != existing.active:
        action = "reactivate" if values["active"] else "deactivate"
    return RowPlan(number, employee_no, name, action, changes, values, existing.id)


# --- batches: the preview survives a reload ----------------------------------------------


TEMPLATE_FORMATS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def template_file(fmt: str) -> bytes:
    """An empty staff file to fill in: the header row with the Chinese headers the import
    reads, as CSV (UTF-8 with a BOM, for Excel) or XLSX."""
    table = Table("员工导入", [aliases[1] for aliases in HEADERS.values()], [])
    return to_csv(table) if fmt == "csv" else to_xlsx(table)


def create_batch(data: bytes, filename: str, actor: User | None) -> ImportBatch:
    parsed = read_staff_file(data, filename)
    with write_transaction():
        # Uploads are kept for a week (long enough to come back to a preview), not forever.
        db.session.execute(
            sa.delete(ImportBatch).where(ImportBatch.created_at < utcnow() - BATCH_LIFETIME)
        )
        batch = ImportBatch(
            token=secrets.token_urlsafe(24),
            filename=filename[:255] or "-",
            created_by_id=actor.id if actor else None,
            parsed=parsed.to_json(),
            row_count=len(parsed.rows),
        )
        db.session.add(batch)
    return batch


def get_batch(token: str, owner: User) -> ImportBatch | None:
    """A batch is seen only by whoever uploaded it (another HR person uploads their own)."""
    batch = db.session.scalar(sa.select(ImportBatch).where(ImportBatch.token == token))
    if batch is None or batch.created_by_id != owner.id:
        return None
    return batch


def preview(batch: ImportBatch, actor: User | None, today: date | None = None) -> ImportPlan:
    return plan_import(ParsedFile.from_json(batch.parsed), actor, today)


class AlreadyApplied(Exception):
    pass


def apply_batch(
    batch: ImportBatch, actor: User | None, today: date | None = None
) -> dict[str, int]:
    """Apply in one transaction, checked again against the database as it is now."""
    with write_transaction():
        fresh = db.session.get(ImportBatch, batch.id, populate_existing=True)
        if fresh.applied_at is not None:
            raise AlreadyApplied()
        outcome = _apply(ParsedFile.from_json(fresh.parsed), actor, today, source=fresh.filename)
        fresh.applied_at = utcnow()
        fresh.outcome = outcome
    return outcome


def request_apply(batch: ImportBatch, now: datetime | None = None) -> bool:
    """HR confirmed the preview: a background job applies the file (a big file takes longer
    than a request should). False when it is applied, or being applied, already."""
    from trainer.jobs import enqueue_after_commit

    with write_transaction():
        requested = db.session.execute(
            sa.update(ImportBatch)
            .where(
                ImportBatch.id == batch.id,
                ImportBatch.applied_at.is_(None),
                sa.or_(
                    ImportBatch.apply_requested_at.is_(None), ImportBatch.apply_error.is_not(None)
                ),
            )
            .values(apply_requested_at=now or utcnow(), apply_error=None)
            .execution_options(synchronize_session=False)
        ).rowcount
        if requested:
            enqueue_after_commit(db.session(), "apply_staff_import", batch.id)
    db.session.refresh(batch)
    return bool(requested)


def apply_requested(batch_id: int, today: date) -> dict[str, int] | None:
    """The job: apply a confirmed batch, as its uploader, checked again against the staff as
    it is now. Safe to run twice (a batch is applied once); a file that no longer fits is
    marked rejected and the preview shows why."""
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.applied_at is not None or batch.apply_requested_at is None:
        return None
    try:
        return apply_batch(batch, batch.created_by, today)
    except AlreadyApplied:
        return None
    except ImportRejected:
        with write_transaction():
            db.session.execute(
                sa.update(ImportBatch)
                .where(ImportBatch.id == batch_id)
                .values(apply_error="rejected")
                .execution_options(synchronize_session=False)
            )
        return None


def requeue_lost_applies(now: datetime | None = None) -> int:
    """Confirmed batches that no job has applied in time (queue down, worker killed)."""
    from trainer.jobs import enqueue

    stale = db.session.scalars(
        sa.select(ImportBatch.id).where(
            ImportBatch.applied_at.is_(None),
            ImportBatch.apply_error.is_(None),
            ImportBatch.apply_requested_at < (now or utcnow()) - timedelta(minutes=30),
        )
    ).all()
    db.session.commit()
    return sum(enqueue("apply_staff_import", batch_id) for batch_id in stale)


def apply_file(
    parsed: ParsedFile, actor: User | None, source: str, today: date | None = None
) -> dict[str, int]:
    """The command line's path: no batch, same rules, same single transaction."""
    with write_transaction():
        return _apply(parsed, actor, today, source=source)


def _apply(
    parsed: ParsedFile, actor: User | None, today: date | None, source: str
) -> dict[str, int]:
    from trainer.hr.plans.service import sync_all_plans

    plan = plan_import(parsed, actor, today)
    if not plan.ok:
        raise ImportRejected(plan)
    department_ids: dict[str, int] = {}
    for path in plan.new_departments:
        department_ids[path] = ensure_department_path(path).id

    def department_id(path: str) -> int:
        if path not in department_ids:
            department_ids[path] = ensure_department_path(path).id
        return department_ids[path]

    audit_rows: list[dict] = []
    creates = plan.by_action("create")
    if creates:
        created = (
            db.session.execute(
                sa.insert(User).returning(User.id, sort_by_parameter_order=True),
                [
                    {
                        "employee_no": row.employee_no,
                        "display_name": row.name,
                        "email": row.values.get("email"),
                        "hire_date": row.values.get("hire_date"),
                        "department_id": department_id(row.values["department"])
                        if "department" in row.values
                        else None,
                        "position_id": row.values["position"].id
                        if "position" in row.values
                        else None,
                        "active": True,
                        "must_change_password": False,
                        "session_epoch": 0,
                        "created_at": utcnow(),
                    }
                    for row in creates
                ],
            )
            .scalars()
            .all()
        )
        db.session.execute(
            sa.insert(UserRole),
            [
                {"user_id": user_id, "role": role}
                for user_id, row in zip(created, creates, strict=True)
                for role in sorted(row.values.get("roles") or {"learner"})
            ],
        )
        audit_rows.extend(
            _audit_row(
                actor,
                "person.created",
                user_id,
                source,
                row=row,
                roles=sorted(row.values.get("roles") or {"learner"}),
            )
            for user_id, row in zip(created, creates, strict=True)
        )
    changed = [row for row in plan.rows if row.action in ("update", "deactivate", "reactivate")]
    for row in changed:
        user = db.session.get(User, row.user_id)
        values = row.values
        fields = [name for name, _old, _new in row.changes if name != "roles"]
        if fields:
            audit_rows.append(
                _audit_row(
                    actor,
                    "person.updated",
                    user.id,
                    source,
                    row=row,
                    changes={name: [old, new] for name, old, new in row.changes if name != "roles"},
                )
            )
        user.display_name = values["name"]
        if "email" in values:
            user.email = values["email"]
        if "department" in values:
            user.department_id = department_id(values["department"])
        if "position" in values:
            user.position_id = values["position"].id
        if "hire_date" in values:
            user.hire_date = values["hire_date"]
        if "roles" in values:
            old_roles = user.roles
            user.set_roles(set(values["roles"]) | (old_roles & {"admin"}))
            if user.roles != old_roles:
                audit_rows.append(
                    _audit_row(
                        actor,
                        "person.roles_changed",
                        user.id,
                        source,
                        row=row,
                        old=sorted(old_roles),
                        new=sorted(user.roles),
                    )
                )
        if "active" in values and values["active"] != user.active:
            user.active = values["active"]
            audit_rows.append(
                _audit_row(
                    actor,
                    "person.reactivated" if user.active else "person.deactivated",
                    user.id,
                    source,
                    row=row,
                )
            )
            if not user.active:
                user.session_epoch = (user.session_epoch or 0) + 1  # ends open sessions
    db.session.flush()
    if audit_rows:
        db.session.execute(sa.insert(AuditEvent), audit_rows)
    outcome = {key: value for key, value in plan.counts().items()}
    outcome["departments_created"] = len(plan.new_departments)
    outcome["assignments_added"] = sync_all_plans(today=today or local_today()).added
    record(actor, "staff.imported", "import", None, source=source, **outcome)
    return outcome


def _audit_row(
    actor: User | None, action: str, user_id: int, source: str, row: RowPlan, **details
) -> dict:
    """One audit event per person changed, written in one INSERT with the rest."""
    return {
        "actor_id": actor.id if actor else None,
        "action": action,
        "subject_type": "user",
        "subject_id": user_id,
        "at": utcnow(),
        "details": {
            "source": source,
            "row": row.row,
            "person": row.employee_no,
            "person_name": row.name,
            **details,
        },
    }

"""HR's report exports (CSV or XLSX), built by a background job.

HR asks for one (a POST writes a report_exports row and enqueues the job once that commits);
the page of the request says "being prepared" until the job has stored the file, then offers
it for download. Files are forgotten a day after they are built (the scheduler). The same
pattern as the department certificate ZIP (trainer.certificates.zips).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from trainer.auth.authority import roles_out_of_reach
from trainer.clock import local_today
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.hr.reports.exports import to_csv, to_xlsx
from trainer.hr.reports.service import Filters
from trainer.hr.reports.tables import TABLES
from trainer.jobs import enqueue_after_commit, outbox
from trainer.models import ReportExport, User, utcnow

OPEN = ("pending", "working")
FORMATS = ("csv", "xlsx")
KEPT_FOR = timedelta(days=1)
WORKING_GRACE = timedelta(minutes=30)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIMETYPES = {"csv": "text/csv", "xlsx": XLSX_TYPE}  # Flask adds "; charset=utf-8" to text


def _insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(ReportExport)


def filters_json(filters: Filters) -> str:
    """The filters as canonical JSON: equal filters give equal text (the unique index)."""
    return json.dumps(
        {
            "department": filters.department_id,
            "position": filters.position_id,
            "plan": filters.plan_id,
            "course": filters.course_id,
        },
        sort_keys=True,
    )


def filters_of(stored_filters: str, requested_by_id: int | None = None) -> Filters:
    """The stored filters; with who asked, narrowed to the people they manage, as the page
    they pressed the button on was."""
    stored = json.loads(stored_filters)
    roles: frozenset[str] = frozenset()
    if requested_by_id is not None:
        asker = db.session.get(User, requested_by_id)
        roles = roles_out_of_reach(asker.roles if asker is not None else ())
    return Filters(
        stored.get("department"),
        stored.get("position"),
        stored.get("plan"),
        stored.get("course"),
        roles,
    )


def request_export(user: User, report: str, fmt: str, filters: Filters) -> ReportExport:
    """The open request of this person for this report, format and filters, or a new one
    (and its job)."""
    if report not in TABLES or fmt not in FORMATS:
        raise ValueError(f"unknown export {report}.{fmt}")
    stored_filters = filters_json(filters)
    with write_transaction():
        new_id = db.session.scalar(
            _insert()
            .values(
                requested_by_id=user.id,
                report=report,
                fmt=fmt,
                filters=stored_filters,
                status="pending",
                requested_at=utcnow(),
                tries=0,
            )
            .on_conflict_do_nothing()
            .returning(ReportExport.id)
        )
        if new_id is not None:
            enqueue_after_commit(db.session(), "build_report_export", new_id)
    if new_id is not None:
        return db.session.get(ReportExport, new_id)
    return db.session.scalar(
        sa.select(ReportExport).where(
            ReportExport.requested_by_id == user.id,
            ReportExport.report == report,
            ReportExport.fmt == fmt,
            ReportExport.filters == stored_filters,
            ReportExport.status.in_(OPEN),
        )
    )


def build(export_id: int, now: datetime | None = None) -> int | None:
    """The job: the report's table as a file. Safe to run twice; None when the file was
    built already, else the size of the file in bytes."""
    with write_transaction():
        found = db.session.execute(
            sa.update(ReportExport)
            .where(ReportExport.id == export_id, ReportExport.status.in_(OPEN))
            .values(status="working", claimed_at=now or utcnow(), tries=ReportExport.tries + 1)
            .returning(
                ReportExport.report,
                ReportExport.fmt,
                ReportExport.filters,
                ReportExport.requested_by_id,
            )
            .execution_options(synchronize_session=False)
        ).first()
    if found is None:
        return None
    report, fmt, stored_filters, requested_by_id = found
    today = local_today()
    # The headings and states in the language of who asked (a job has no request).
    locale = db.session.scalar(sa.select(User.locale).where(User.id == requested_by_id))
    with force_locale(locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
        table = TABLES[report](filters_of(stored_filters, requested_by_id), today)
        body = to_csv(table) if fmt == "csv" else to_xlsx(table)
    db.session.commit()  # no read transaction held open into the write
    with write_transaction():
        db.session.execute(
            sa.update(ReportExport)
            .where(ReportExport.id == export_id)
            .values(
                status="done",
                done_at=utcnow(),
                content=body,
                filename=f"{report}-{today.isoformat()}.{fmt}",
            )
            .execution_options(synchronize_session=False)
        )
    return len(body)


def requeue_stale(now: datetime | None = None) -> int:
    """Enqueue again the requests whose job was lost (queue down, worker killed)."""
    return outbox.requeue_stale(ReportExport, "build_report_export", WORKING_GRACE, now)


def forget_old(now: datetime | None = None) -> int:
    return outbox.forget_done(ReportExport, KEPT_FOR, now)

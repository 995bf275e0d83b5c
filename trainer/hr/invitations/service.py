"""Invitations: getting people who have never signed in into the app, a group at a time.

HR picks a group (a department with its sub-departments, people hired since a date, the
people of a staff file just imported, or people ticked on the people list); one POST writes
an invitation_batches row and enqueues the job. The job, as that HR person, creates one
invitation (a one-time link, trainer.auth.resets) per person HR may manage who has never
signed in, e-mails the link to those with an address, and renders the printable sheets: one
A4 page per department with each person's name, employee number and the same link as a QR
code, for store managers to hand out. Links expire after INVITATION_DAYS and work once.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import Flask
from flask_babel import force_locale, format_date
from flask_babel import gettext as _

from trainer.assessments.rules import departments_below
from trainer.auth import resets
from trainer.auth.authority import Refused
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.jobs import enqueue_after_commit, outbox
from trainer.models import Department, ImportBatch, InvitationBatch, User, utcnow

OPEN = ("pending", "working")
KEPT_FOR = timedelta(days=3)  # the sheets hold live codes: print them soon
WORKING_GRACE = timedelta(minutes=30)


class SelectionError(Exception):
    """The chosen group cannot be invited; ``code`` picks the message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- whom -------------------------------------------------------------------------------------


def group_selection(department_id: int | None, hired_since: date | None) -> dict:
    """A department (with its sub-departments), people hired since a date, or both."""
    if department_id is None and hired_since is None:
        raise SelectionError("choose-group")
    selection: dict = {}
    if department_id is not None:
        if db.session.get(Department, department_id) is None:
            raise SelectionError("no-department")
        selection["department_id"] = department_id
    if hired_since is not None:
        selection["hired_since"] = hired_since.isoformat()
    return selection


def people_selection(user_ids: list[int]) -> dict:
    """People chosen one by one on the people list."""
    if not user_ids:
        raise SelectionError("choose-group")
    return {"user_ids": sorted(set(user_ids))}


def import_selection(batch: ImportBatch, actor: User) -> dict:
    """The people of a staff file the actor uploaded and has applied."""
    if batch.created_by_id != actor.id:
        raise Refused("not-allowed")
    if batch.applied_at is None:
        raise SelectionError("not-imported")
    return {"import_id": batch.id}


def _employee_numbers_of_import(import_id: int) -> list[str]:
    batch = db.session.get(ImportBatch, import_id)
    if batch is None:
        return []
    numbers = {
        (values.get("employee_no") or "").strip() for _number, values in batch.parsed["rows"]
    }
    return sorted(number for number in numbers if number)


def people_selected(selection: dict) -> list[User]:
    """Active people of the group who have never signed in (whom the actor may manage is
    decided by resets.invitation_problem)."""
    statement = (
        sa.select(User)
        .where(User.active.is_(True), User.last_signed_in_at.is_(None))
        .order_by(User.employee_no)
    )
    if "department_id" in selection:
        parent_of = dict(db.session.execute(sa.select(Department.id, Department.parent_id)).all())
        statement = statement.where(
            User.department_id.in_(departments_below([selection["department_id"]], parent_of))
        )
    if "hired_since" in selection:
        statement = statement.where(User.hire_date >= date.fromisoformat(selection["hired_since"]))
    if "import_id" in selection:
        statement = statement.where(
            User.employee_no.in_(_employee_numbers_of_import(selection["import_id"]))
        )
    if "user_ids" in selection:
        statement = statement.where(User.id.in_(selection["user_ids"]))
    return list(db.session.scalars(statement))


def describe(selection: dict) -> dict:
    """What the batch's page says about the group (plain values for the template)."""
    found = {}
    if "department_id" in selection:
        department = db.session.get(Department, selection["department_id"])
        found["department"] = department.path if department else "—"
    if "hired_since" in selection:
        found["hired_since"] = date.fromisoformat(selection["hired_since"])
    if "import_id" in selection:
        batch = db.session.get(ImportBatch, selection["import_id"])
        found["import"] = batch.filename if batch else "—"
    if "user_ids" in selection:
        found["chosen"] = len(selection["user_ids"])
    return found


# --- the request ------------------------------------------------------------------------------


def request_invitations(actor: User, selection: dict) -> InvitationBatch:
    """HR's one action: the job does the rest once this commits."""
    with write_transaction():
        batch = InvitationBatch(
            requested_by_id=actor.id,
            selection=selection,
            status="pending",
            requested_at=utcnow(),
            tries=0,
        )
        db.session.add(batch)
        db.session.flush()
        enqueue_after_commit(db.session(), "send_invitations", batch.id)
    return batch


def get_batch_or_none(batch_id: int, owner: User) -> InvitationBatch | None:
    """A batch (and its sheets full of live codes) is seen only by whoever asked for it."""
    batch = db.session.get(InvitationBatch, batch_id)
    if batch is None or batch.requested_by_id != owner.id:
        return None
    return batch


def sheets_of(batch: InvitationBatch) -> bytes | None:
    return db.session.scalar(
        sa.select(InvitationBatch.content).where(InvitationBatch.id == batch.id)
    )


# --- the job ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invitee:
    name: str
    employee_no: str
    department: str
    email: str | None
    locale: str | None
    link: str


def build(app: Flask, batch_id: int, now: datetime | None = None) -> int | None:
    """The job: invite, e-mail, render the sheets. Safe to run twice: a batch that is done
    is left alone; a batch whose run broke off gets new invitations (voiding the first)."""
    from trainer.hr.reminders.service import MailSettings

    now = now or utcnow()
    with write_transaction():
        claimed = db.session.scalar(
            sa.update(InvitationBatch)
            .where(InvitationBatch.id == batch_id, InvitationBatch.status.in_(OPEN))
            .values(status="working", claimed_at=now, tries=InvitationBatch.tries + 1)
            .returning(InvitationBatch.id)
            .execution_options(synchronize_session=False)
        )
    if claimed is None:
        return None
    lifetime = timedelta(days=int(app.config["INVITATION_DAYS"]))
    with write_transaction():
        batch = db.session.get(InvitationBatch, batch_id, populate_existing=True)
        issued = resets.start_invitations(
            batch.requested_by, people_selected(batch.selection), lifetime, now
        )
        invitees = [
            Invitee(
                person.display_name,
                person.employee_no,
                person.department.path if person.department else "",
                person.email,
                person.locale,
                f"{app.config['BASE_URL']}/auth/invitation/{secret}",
            )
            for person, secret in issued
        ]
    expires_at = now + lifetime
    from trainer.hr.invitations.sheets import render_sheets

    # The sheets first: a rendering failure retries the job before any e-mail went out, so
    # nobody gets a second e-mail whose first link was voided.
    pdf = render_sheets(app, invitees, expires_at)
    settings = MailSettings.from_config(app.config)
    emailed = failed = 0
    if settings is not None:
        send = resets.smtp_sender(settings)
        for invitee in invitees:
            if not invitee.email:
                continue
            try:
                send(_mail(app, invitee, expires_at))
            except (OSError, smtplib.SMTPException):
                failed += 1  # the printed sheet still reaches them
            else:
                emailed += 1
    with write_transaction():
        db.session.execute(
            sa.update(InvitationBatch)
            .where(InvitationBatch.id == batch_id)
            .values(
                status="done",
                done_at=utcnow(),
                invited=len(invitees),
                emailed=emailed,
                mail_failed=failed,
                expires_at=expires_at,
                content=pdf,
                last_error=None,
            )
            .execution_options(synchronize_session=False)
        )
    return len(invitees)


def _mail(app: Flask, invitee: Invitee, expires_at: datetime) -> resets.Mail:
    with force_locale(invitee.locale or app.config["BABEL_DEFAULT_LOCALE"]):
        subject = _("[%(site)s] Welcome: choose your password", site=app.config["SITE_NAME"])
        body = _(
            "Hello %(name)s,\n\nYour account for the training platform is ready. Open this "
            "link to choose your password; it works once, until %(until)s:\n\n%(link)s\n\n"
            "Afterwards, sign in with your employee number %(no)s and that password.",
            name=invitee.name,
            until=format_date(expires_at, "long"),
            link=invitee.link,
            no=invitee.employee_no,
        )
    return resets.Mail(invitee.email, subject, body)


def requeue_stale(now: datetime | None = None) -> int:
    """Enqueue again the batches whose job was lost (queue down, worker killed)."""
    return outbox.requeue_stale(InvitationBatch, "send_invitations", WORKING_GRACE, now)


def forget_old(now: datetime | None = None) -> int:
    return outbox.forget_done(InvitationBatch, KEPT_FOR, now)

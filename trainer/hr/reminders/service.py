"""Reminders: decide what is due, put each message in the outbox once, send by e-mail once.

Two steps, each safe to run twice at once:
1. queue: insert one outbox row per occasion; the unique key (kind, subject, recipient, due
   date) makes the second insert of the same occasion a no-op (ON CONFLICT DO NOTHING).
2. deliver: claim rows with one UPDATE ... WHERE email_state = 'pending'; a row claimed by
   one run is not claimed by the other, so only one run sends it.
The same rows are the in-app notifications (trainer.notifications), so people without e-mail
see them too; each keeps its kind and facts, and is written in its reader's language when it
is shown or sent.

E-mail: one per person per run for their own reminders (DIGEST_KINDS: each course stays its
own row and in-app notification, the e-mail lists them all), HTML and plain text. A manager's
weekly digest of their department's overdue people is a row of its own kind (team_overdue),
one per manager per week, sent by the same deliver().
"""

from __future__ import annotations

import secrets
import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa

from trainer.database import write_transaction
from trainer.extensions import db
from trainer.hr.plans import rules
from trainer.hr.plans.training import (
    SUPERVISOR_POSITIONS,
    AssignmentView,
    assignment_views,
    onboarding_by_person,
    one_per_course,
)
from trainer.models import Certificate, User, utcnow
from trainer.models.plans import PlanAssignment
from trainer.models.reminders import OutboxMessage
from trainer.notifications.service import DIGEST_KINDS, email_of, path_for

RECENT_DAYS = 14  # results and clearances older than this are not announced any more
MAX_SEND_ATTEMPTS = 5


@dataclass(frozen=True)
class MailSettings:
    host: str
    port: int
    user: str | None
    password: str | None
    starttls: bool
    sender: str

    @classmethod
    def from_config(cls, config) -> MailSettings | None:
        if not config.get("SMTP_HOST"):
            return None
        return cls(
            config["SMTP_HOST"],
            int(config.get("SMTP_PORT") or 25),
            config.get("SMTP_USER"),
            config.get("SMTP_PASSWORD"),
            bool(config.get("SMTP_STARTTLS")),
            config.get("MAIL_FROM") or "trainer@localhost",
        )


@dataclass
class Report:
    queued: int = 0
    sent: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    mail_configured: bool = True


# --- 1. queue ---------------------------------------------------------------------------------


def _assignment_drafts(today: date, days_before: int, among=None) -> list[tuple]:
    """Reminders of courses due within `days_before` days or overdue; `among`: a SELECT of
    the user ids to look at (default everyone)."""
    horizon = today + timedelta(days=days_before)
    people = sa.select(PlanAssignment.user_id).where(
        PlanAssignment.withdrawn_at.is_(None), PlanAssignment.due_on <= horizon
    )
    if among is not None:
        people = people.where(PlanAssignment.user_id.in_(among))
    by_user: dict[int, list[AssignmentView]] = {}
    for view in assignment_views(people, today):
        by_user.setdefault(view.user_id, []).append(view)
    drafts = []
    for user_id, views in by_user.items():
        for view in one_per_course(views):
            if view.status == rules.PASSED or view.due_on > horizon:
                continue
            kind = "overdue" if view.status == rules.OVERDUE else "due_soon"
            drafts.append(
                (
                    kind,
                    "assignment",
                    view.assignment_id,
                    user_id,
                    view.due_on,
                    {
                        "course": view.course.title,
                        "plan": view.plan_name,
                        "date": view.due_on.isoformat(),
                        "days": (view.due_on - today).days,
                    },
                )
            )
    return drafts


def _certificate_drafts(today: date, now: datetime) -> list[tuple]:
    """Holders whose certificate's recertification window is open (and not yet renewed)."""
    from trainer.progress import standings

    horizon = now + timedelta(days=367)
    holders = sa.select(Certificate.user_id).where(
        Certificate.kind == "course",
        Certificate.revoked_at.is_(None),
        Certificate.expires_at >= now,
        Certificate.expires_at < horizon,
    )
    found = standings(holders, now=now)
    drafts = []
    for key in found.touched_keys():
        standing = found[key]
        certificate = standing.cycle.certificate
        if (
            not standing.certified
            or standing.cycle.window_opens_at is None
            or standing.cycle.window_opens_at.date() > today
        ):
            continue
        drafts.append(
            (
                "certificate_expiring",
                "certificate",
                certificate.id,
                standing.user_id,
                certificate.expires_at.date(),
                {
                    "course": certificate.title,
                    "serial": certificate.serial,
                    "date": certificate.expires_at.date().isoformat(),
                },
            )
        )
    return drafts


def _clearance_drafts(today: date, now: datetime) -> list[tuple]:
    people = sa.select(PlanAssignment.user_id).where(PlanAssignment.withdrawn_at.is_(None))
    drafts = []
    cleared = {
        user_id: found[1].cleared_at
        for user_id, found in onboarding_by_person(people, today).items()
        if found[1].cleared
        and found[1].cleared_at
        and found[1].cleared_at >= now - timedelta(days=RECENT_DAYS)
    }
    if not cleared:
        return drafts
    learners = {
        user.id: user
        for user in db.session.scalars(sa.select(User).where(User.id.in_(list(cleared))))
    }
    for user_id, moment in cleared.items():
        learner = learners[user_id]
        facts = {"name": learner.display_name, "no": learner.employee_no}
        drafts.append(("cleared_for_duty", "user", user_id, user_id, moment.date(), facts))
        for supervisor in _supervisors_of(learner):
            drafts.append(
                ("cleared_for_duty", "user", user_id, supervisor.id, moment.date(), facts)
            )
    return drafts


def _supervisors_of(person: User) -> list[User]:
    from trainer.models import Position

    if person.department_id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Position, User.position_id == Position.id)
            .where(
                User.active.is_(True),
                User.id != person.id,
                User.department_id == person.department_id,
                Position.code.in_(SUPERVISOR_POSITIONS),
            )
        )
    )


def week_of(day: date) -> date:
    """The Monday of `day`'s week: the occasion of a weekly digest (one per week)."""
    return day - timedelta(days=day.weekday())


def _manager_digest_drafts(today: date) -> list[tuple]:
    """For each active holder of a position that manages its department: their department's
    overdue people, sub-departments included (a region's manager hears of its stores),
    themselves left out. Nobody overdue: no digest."""
    from trainer.assessments.rules import departments_below
    from trainer.models import Department, Position

    managers = list(
        db.session.scalars(
            sa.select(User)
            .join(Position, User.position_id == Position.id)
            .where(
                User.active.is_(True),
                User.department_id.is_not(None),
                Position.manages_department.is_(True),
            )
            .order_by(User.id)
        )
    )
    if not managers:
        return []
    parent_of = dict(db.session.execute(sa.select(Department.id, Department.parent_id)).all())
    below = {m.id: departments_below([m.department_id], parent_of) for m in managers}
    every_department = set().union(*below.values())
    people = sa.select(User.id).where(User.department_id.in_(sorted(every_department)))
    overdue: dict[int, list[AssignmentView]] = {}
    for view in assignment_views(people, today):
        overdue.setdefault(view.user_id, []).append(view)
    overdue = {
        user_id: sorted(
            (v for v in one_per_course(views) if v.status == rules.OVERDUE),
            key=lambda v: (v.due_on, v.course.title),
        )
        for user_id, views in overdue.items()
    }
    overdue = {user_id: views for user_id, views in overdue.items() if views}
    if not overdue:
        return []
    late = {
        person.id: person
        for person in db.session.scalars(
            sa.select(User)
            .where(User.id.in_(list(overdue)))
            .options(sa.orm.selectinload(User.department))
        )
    }
    week = week_of(today)
    drafts = []
    for manager in managers:
        theirs = sorted(
            (
                person
                for person in late.values()
                if person.department_id in below[manager.id] and person.id != manager.id
            ),
            key=lambda person: (person.department.path, person.employee_no),
        )
        if not theirs:
            continue
        facts = {
            "department": manager.department.path,
            "week": week.isoformat(),
            "people": [
                {
                    "name": person.display_name,
                    "no": person.employee_no,
                    "department": person.department.path,
                    "courses": [
                        {"course": v.course.title, "date": v.due_on.isoformat()}
                        for v in overdue[person.id]
                    ],
                }
                for person in theirs
            ],
        }
        drafts.append(
            ("team_overdue", "department", manager.department_id, manager.id, week, facts)
        )
    return drafts


def queue_manager_digests(today: date, now: datetime | None = None) -> int:
    """The weekly digest for the managers of departments; a second run in the same week adds
    nothing (the occasion is the week's Monday)."""
    return _put_in_outbox(_manager_digest_drafts(today), now or utcnow())


def queue(today: date, days_before: int, now: datetime | None = None) -> int:
    """Put every message that is due now into the outbox, once. Returns how many are new."""
    now = now or utcnow()
    # Assessment results are not here: they are announced when submitted
    # (trainer.assessments.service.submit_assessment).
    drafts = (
        _assignment_drafts(today, days_before)
        + _clearance_drafts(today, now)
        + _certificate_drafts(today, now)
    )
    return _put_in_outbox(drafts, now)


def queue_recertification_notices(today: date, now: datetime | None = None) -> int:
    """Only the notices of recertification windows that have opened (the scheduler's check);
    the same rows as queue() makes, so neither sends one twice."""
    now = now or utcnow()
    return _put_in_outbox(_certificate_drafts(today, now), now)


def _link(kind: str, subject_id: int, recipient_id: int) -> str:
    if kind == "team_overdue" or (kind == "cleared_for_duty" and subject_id != recipient_id):
        return path_for("training.team")  # a supervisor hears of their team
    return path_for("training.mine")


def _put_in_outbox(drafts: list[tuple], now: datetime) -> int:
    if not drafts:
        return 0
    recipients = {
        user.id: user
        for user in db.session.scalars(
            sa.select(User).where(
                User.id.in_({draft[3] for draft in drafts}), User.active.is_(True)
            )
        )
    }
    rows = []
    for kind, subject_type, subject_id, recipient_id, due, facts in drafts:
        recipient = recipients.get(recipient_id)
        if recipient is None:
            continue
        facts = (
            {**facts, "to_self": recipient_id == subject_id}
            if kind == "cleared_for_duty"
            else facts
        )
        rows.append(
            {
                "kind": kind,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "recipient_id": recipient_id,
                "due_on": due,
                "params": facts,
                "link": _link(kind, subject_id, recipient_id),
                "email_to": recipient.email,
                "email_state": "pending" if recipient.email else "no_email",
                "created_at": now,
                "attempts": 0,
            }
        )
    if not rows:
        return 0
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    with write_transaction():
        inserted = db.session.execute(
            insert(OutboxMessage).on_conflict_do_nothing().returning(OutboxMessage.id), rows
        ).all()
    return len(inserted)


# --- 2. deliver -------------------------------------------------------------------------------


def _claim(run_id: str, now: datetime) -> list[OutboxMessage]:
    with write_transaction():
        db.session.execute(
            sa.update(OutboxMessage)
            .where(
                OutboxMessage.email_state.in_(("pending", "failed")),
                OutboxMessage.attempts < MAX_SEND_ATTEMPTS,
                OutboxMessage.email_to.is_not(None),
            )
            .values(email_state="sending", claimed_by=run_id, claimed_at=now)
            .execution_options(synchronize_session=False)
        )
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.claimed_by == run_id, OutboxMessage.email_state == "sending")
            .order_by(OutboxMessage.id)
        )
    )


def _mark(message_id: int, state: str, error: str | None = None) -> None:
    with write_transaction():
        values = {"email_state": state, "attempts": OutboxMessage.attempts + 1}
        if state == "sent":
            values["sent_at"] = utcnow()
        if error is not None:
            values["last_error"] = error[:1000]
        db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.id == message_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def deliver(
    settings: MailSettings | None,
    now: datetime | None = None,
    site_name: str = "Trainer",
    default_locale: str = "zh_Hans_CN",
    base_url: str = "",
) -> Report:
    """Send every e-mail waiting in the outbox (notifications and reminders alike), each in
    its reader's language; the one way the app sends them."""
    report = Report(mail_configured=settings is not None)
    if settings is None:
        return report
    run_id = secrets.token_hex(16)
    claimed = _claim(run_id, now or utcnow())
    if not claimed:
        return report
    locales = dict(
        db.session.execute(
            sa.select(User.id, User.locale).where(User.id.in_({m.recipient_id for m in claimed}))
        ).all()
    )
    # One e-mail per person for their reminders of this run (DIGEST_KINDS); any other
    # notification is an e-mail of its own.
    groups: dict[tuple, list[OutboxMessage]] = {}
    for message in claimed:
        together = message.kind in DIGEST_KINDS
        key = (message.recipient_id, message.email_to, "digest" if together else message.id)
        groups.setdefault(key, []).append(message)
    details = [
        (
            [m.id for m in messages],
            messages[0].email_to,
            email_of(
                messages,
                locales.get(messages[0].recipient_id),
                default_locale,
                base_url,
                site_name,
            ),
        )
        for messages in groups.values()
    ]
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=30)
    except OSError as error:
        for message_ids, *_rest in details:
            for message_id in message_ids:
                _mark(message_id, "failed", f"connect: {error}")
        report.failed += len(details)
        report.errors.append(f"cannot connect to {settings.host}:{settings.port}: {error}")
        return report
    try:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        for message_ids, to, written in details:
            email = EmailMessage()
            email["From"], email["To"] = settings.sender, to
            email["Subject"] = f"[{site_name}] {written.subject}"
            email["Message-ID"] = f"<outbox-{message_ids[0]}@{settings.sender.split('@')[-1]}>"
            email.set_content(written.text)
            email.add_alternative(written.html, subtype="html")
            try:
                smtp.send_message(email)
            except smtplib.SMTPException as error:
                for message_id in message_ids:
                    _mark(message_id, "failed", str(error))
                report.failed += 1
                report.errors.append(f"{to}: {error}")
            else:
                for message_id in message_ids:
                    _mark(message_id, "sent")
                report.sent += 1
    except (smtplib.SMTPException, OSError) as error:
        report.errors.append(f"{settings.host}: {error}")
        pending = db.session.scalars(
            sa.select(OutboxMessage.id).where(
                OutboxMessage.claimed_by == run_id, OutboxMessage.email_state == "sending"
            )
        ).all()
        for message_id in pending:
            _mark(message_id, "failed", str(error))
        # Counted in e-mails, as `sent` is: those this run neither sent nor failed yet.
        report.failed = len(details) - report.sent
    finally:
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            pass
    return report


def send_reminders(
    settings: MailSettings | None,
    today: date,
    days_before: int,
    default_locale: str = "zh_Hans_CN",
    site_name: str = "Trainer",
    base_url: str = "",
) -> Report:
    queued = queue(today, days_before)
    report = deliver(
        settings, site_name=site_name, default_locale=default_locale, base_url=base_url
    )
    report.queued = queued
    return report


# --- HR: send now, and what was sent ----------------------------------------------------------

REMINDER_KINDS = ("due_soon", "overdue", "certificate_expiring", "team_overdue")


def _in_reach(actor: User):
    """A SELECT of the ids of the people the actor may manage (trainer.auth.authority)."""
    from trainer.auth.authority import roles_out_of_reach
    from trainer.models import UserRole

    out_of_reach = roles_out_of_reach(actor.roles)
    statement = sa.select(User.id).where(User.id != actor.id)
    if out_of_reach:
        statement = statement.where(
            User.id.not_in(
                sa.select(UserRole.user_id).where(UserRole.role.in_(sorted(out_of_reach)))
            )
        )
    return statement


class NoSuchPerson(Exception):
    """Nobody (active) has the employee number HR wrote."""


def send_now(
    actor: User,
    today: date,
    days_before: int,
    employee_no: str | None = None,
    now: datetime | None = None,
) -> int:
    """HR's "send now": the reminders of the people the actor may manage (or of one of them),
    without waiting for the scheduler. A reminder HR sends is an occasion of its own (that
    day), so pressing the button reminds people the nightly run already told, but twice on
    one day tells nobody twice. `employee_no`: only that person (NoSuchPerson when nobody
    active has it; Refused when they are outside the actor's reach).
    The e-mails go by the sending job; returns how many reminders were new."""
    from trainer.auth.authority import check_manage
    from trainer.jobs import enqueue
    from trainer.notifications.service import SEND_JOB

    if employee_no:
        person = db.session.scalar(
            sa.select(User).where(User.employee_no == employee_no.strip(), User.active.is_(True))
        )
        if person is None:
            raise NoSuchPerson(employee_no)
        check_manage(actor, person)
        among = sa.select(User.id).where(User.id == person.id)
    else:
        among = _in_reach(actor)
    drafts = [
        (kind, subject_type, subject_id, recipient_id, today, facts)
        for kind, subject_type, subject_id, recipient_id, _due, facts in _assignment_drafts(
            today, days_before, among
        )
    ]
    queued = _put_in_outbox(drafts, now or utcnow())
    if queued:
        enqueue(SEND_JOB)
    return queued


@dataclass(frozen=True)
class SentReminder:
    id: int
    kind: str
    title: str
    recipient_name: str
    employee_no: str
    email_to: str | None
    email_state: str
    created_at: datetime
    sent_at: datetime | None
    read_at: datetime | None


def sent_reminders(actor: User, page_number: int):
    """What was sent to whom and when, newest first, a page at a time: the reminders and
    managers' digests of the people the actor may manage, titled in the page's language."""
    from trainer.notifications.texts import title_and_body
    from trainer.paging import Page, page_of_query

    statement = (
        sa.select(OutboxMessage, User)
        .join(User, OutboxMessage.recipient_id == User.id)
        .where(
            OutboxMessage.kind.in_(REMINDER_KINDS),
            OutboxMessage.recipient_id.in_(_in_reach(actor)),
        )
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )
    page = page_of_query(statement, page_number, size=100, scalars=False)
    items = [
        SentReminder(
            message.id,
            message.kind,
            title_and_body(message.kind, message.params)[0]
            if message.params is not None
            else message.title or "",
            person.display_name,
            person.employee_no,
            message.email_to,
            message.email_state,
            message.created_at,
            message.sent_at,
            message.read_at,
        )
        for message, person in page.items
    ]
    return Page(items, page.number, page.size, page.total)

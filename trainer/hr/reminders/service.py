"""Reminders: decide what is due, put each message in the outbox once, send by e-mail once.

Two steps, each safe to run twice at once:
1. queue: insert one outbox row per occasion; the unique key (kind, subject, recipient, due
   date) makes the second insert of the same occasion a no-op (ON CONFLICT DO NOTHING).
2. deliver: claim rows with one UPDATE ... WHERE email_state = 'pending'; a row claimed by
   one run is not claimed by the other, so only one run sends it.
The same rows are the in-app notifications, so people without e-mail see them too.
"""

from __future__ import annotations

import secrets
import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _

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
from trainer.models import Assessment, Certificate, CourseRecord, User, utcnow
from trainer.models.plans import PlanAssignment
from trainer.models.reminders import OutboxMessage

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


def _assignment_drafts(today: date, days_before: int) -> list[tuple]:
    horizon = today + timedelta(days=days_before)
    people = sa.select(PlanAssignment.user_id).where(
        PlanAssignment.withdrawn_at.is_(None), PlanAssignment.due_on <= horizon
    )
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


def _assessment_drafts(now: datetime) -> list[tuple]:
    rows = db.session.execute(
        sa.select(
            Assessment.id,
            Assessment.learner_id,
            Assessment.kind,
            Assessment.passed,
            Assessment.submitted_at,
            CourseRecord.slug,
        )
        .join(CourseRecord, Assessment.course_id == CourseRecord.id)
        .where(
            Assessment.status == "submitted",
            Assessment.submitted_at >= now - timedelta(days=RECENT_DAYS),
        )
    ).all()
    titles = _course_titles()
    return [
        (
            "assessment_result",
            "assessment",
            row.id,
            row.learner_id,
            row.submitted_at.date(),
            {
                "course": titles.get(row.slug, row.slug),
                "kind": row.kind,
                "passed": bool(row.passed),
            },
        )
        for row in rows
    ]


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


def _course_titles() -> dict[str, str]:
    from trainer.progress import live_courses

    return {course.slug: course.title for course in live_courses().values()}


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


def _texts(kind: str, facts: dict) -> tuple[str, str]:
    if kind == "due_soon":
        return (
            _("Training due on %(date)s: %(course)s", **facts),
            _(
                "The course %(course)s of the plan %(plan)s is due on %(date)s, in %(days)s "
                "day(s). Open My training to continue.",
                **facts,
            ),
        )
    if kind == "overdue":
        return (
            _("Overdue training: %(course)s", **facts),
            _(
                "The course %(course)s of the plan %(plan)s was due on %(date)s and is not "
                "passed yet. Open My training to finish it.",
                **facts,
            ),
        )
    if kind == "certificate_expiring":
        return (
            _("Your certificate for %(course)s expires on %(date)s", **facts),
            _(
                "Certificate %(serial)s for %(course)s is valid until %(date)s. Recertification "
                "is open: pass the course again before then to get a new certificate.",
                **facts,
            ),
        )
    if kind == "assessment_result":
        part = (
            _("practical assessment") if facts["kind"] == "practical" else _("attitude evaluation")
        )
        outcome = _("passed") if facts["passed"] else _("not passed")
        return (
            _("Your %(part)s result for %(course)s is ready", part=part, course=facts["course"]),
            _(
                "Result: %(outcome)s. Open the course page to read the assessor's comments.",
                outcome=outcome,
            ),
        )
    if facts.get("to_self"):
        return (
            _("You are cleared to take up your post"),
            _("You have passed every part of your onboarding training: 可以正式上岗."),
        )
    return (
        _("%(name)s (%(no)s) is cleared to take up the post", name=facts["name"], no=facts["no"]),
        _("%(name)s has passed every part of the onboarding training.", name=facts["name"]),
    )


def queue(
    today: date, days_before: int, now: datetime | None = None, default_locale: str = "zh_Hans_CN"
) -> int:
    """Put every message that is due now into the outbox, once. Returns how many are new."""
    now = now or utcnow()
    drafts = (
        _assignment_drafts(today, days_before)
        + _assessment_drafts(now)
        + _clearance_drafts(today, now)
        + _certificate_drafts(today, now)
    )
    return _put_in_outbox(drafts, now, default_locale)


def queue_recertification_notices(
    today: date, now: datetime | None = None, default_locale: str = "zh_Hans_CN"
) -> int:
    """Only the notices of recertification windows that have opened (the scheduler's check);
    the same rows as queue() makes, so neither sends one twice."""
    now = now or utcnow()
    return _put_in_outbox(_certificate_drafts(today, now), now, default_locale)


def _put_in_outbox(drafts: list[tuple], now: datetime, default_locale: str) -> int:
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
        with force_locale(recipient.locale or default_locale):
            title, body = _texts(kind, facts)
        rows.append(
            {
                "kind": kind,
                "subject_type": subject_type,
                "subject_id": subject_id,
                "recipient_id": recipient_id,
                "due_on": due,
                "title": title[:300],
                "body": body,
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
    settings: MailSettings | None, now: datetime | None = None, site_name: str = "Trainer"
) -> Report:
    report = Report(mail_configured=settings is not None)
    if settings is None:
        return report
    run_id = secrets.token_hex(16)
    claimed = _claim(run_id, now or utcnow())
    if not claimed:
        return report
    details = [(m.id, m.email_to, m.title, m.body) for m in claimed]
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=30)
    except OSError as error:
        for message_id, *_rest in details:
            _mark(message_id, "failed", f"connect: {error}")
        report.failed += len(details)
        report.errors.append(f"cannot connect to {settings.host}:{settings.port}: {error}")
        return report
    try:
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password or "")
        for message_id, to, title, body in details:
            email = EmailMessage()
            email["From"], email["To"] = settings.sender, to
            email["Subject"] = f"[{site_name}] {title}"
            email["Message-ID"] = f"<outbox-{message_id}@{settings.sender.split('@')[-1]}>"
            email.set_content(body)
            try:
                smtp.send_message(email)
            except smtplib.SMTPException as error:
                _mark(message_id, "failed", str(error))
                report.failed += 1
                report.errors.append(f"{to}: {error}")
            else:
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
            report.failed += 1
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
) -> Report:
    queued = queue(today, days_before, default_locale=default_locale)
    report = deliver(settings, site_name=site_name)
    report.queued = queued
    return report


# --- in the app -------------------------------------------------------------------------------


def notifications_of(user: User, limit: int = 100) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.recipient_id == user.id)
            .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.recipient_id == user.id, OutboxMessage.read_at.is_(None))
    )


def mark_all_read(user: User) -> int:
    with write_transaction():
        result = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.recipient_id == user.id, OutboxMessage.read_at.is_(None))
            .values(read_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return result.rowcount

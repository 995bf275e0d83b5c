"""Notify people of events, list their notifications, mark them read, send them by e-mail."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _

from trainer.auth.authority import manage_problem
from trainer.clock import local_today
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.jobs import enqueue, enqueue_after_commit
from trainer.models import User, UserRole, utcnow
from trainer.models.reminders import OutboxMessage
from trainer.notifications.texts import title_and_body

SEND_JOB = "send_notifications"
# A pending e-mail older than this was not taken up by its job (the queue was down); one
# claimed longer ago than SENDING_GRACE belongs to a sender that died mid-way.
PENDING_GRACE = timedelta(minutes=2)
SENDING_GRACE = timedelta(minutes=15)


def _insert():
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(OutboxMessage)


def path_for(endpoint: str, **values) -> str:
    """The path of a page, built without a request (the certificate job has none)."""
    return current_app.url_map.bind("localhost").build(endpoint, values)


def notify(
    session: sa.orm.Session,
    recipient: User,
    kind: str,
    params: dict,
    link: str,
    *,
    subject: tuple[str, int],
    on: date | None = None,
) -> None:
    """Inside the event's transaction: one notification of `kind` for `recipient`, about
    `subject` (type, id), linking to `link` (a path from path_for). Written once per occasion:
    a job run twice does not tell anyone twice. The e-mail (when the recipient has an
    address) is sent by a job enqueued once the transaction commits."""
    if not recipient.active:
        return
    subject_type, subject_id = subject
    session.execute(
        _insert()
        .values(
            kind=kind,
            subject_type=subject_type,
            subject_id=subject_id,
            recipient_id=recipient.id,
            due_on=on or local_today(),
            params=params,
            link=link,
            created_at=utcnow(),
            email_to=recipient.email,
            email_state="pending" if recipient.email else "no_email",
            attempts=0,
        )
        .on_conflict_do_nothing()
    )
    if recipient.email:
        enqueue_after_commit(session, SEND_JOB)


def hr_who_manage(learner: User) -> list[User]:
    """The active HR people who may manage this learner (trainer.auth.authority decides)."""
    holders = db.session.scalars(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == "hr", User.active.is_(True))
        .order_by(User.id)
    )
    return [
        person
        for person in holders
        if manage_problem(person.id, person.roles, learner.id, learner.roles) is None
    ]


# --- in the app ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A notification as its reader sees it, written in the current language."""

    id: int
    kind: str
    title: str
    body: str
    created_at: datetime
    unread: bool


def _texts(message: OutboxMessage) -> tuple[str, str]:
    if message.params is None:  # written before notifications kept their params
        return message.title or "", message.body or ""
    return title_and_body(message.kind, message.params)


def notifications_of(user: User, limit: int = 100) -> list[Shown]:
    """The user's notifications, newest first, in the language of the page."""
    messages = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.recipient_id == user.id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
        .limit(limit)
    )
    return [
        Shown(m.id, m.kind, *_texts(m), created_at=m.created_at, unread=m.read_at is None)
        for m in messages
    ]


def unread_count(user: User) -> int:
    """For the bell in the menu: one COUNT on the (recipient, read_at) index."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.recipient_id == user.id, OutboxMessage.read_at.is_(None))
    )


def _fallback_link(message: OutboxMessage) -> str:
    """Rows written before notifications kept their link."""
    if message.kind == "cleared_for_duty" and message.subject_id != message.recipient_id:
        return path_for("training.team")
    return path_for("training.mine")


def open_notification(user: User, message_id: int, now: datetime | None = None) -> str | None:
    """Mark one of the user's notifications read; the path of the page it is about, or None
    when it is not theirs (or does not exist)."""
    with write_transaction():
        message = db.session.scalar(
            sa.select(OutboxMessage).where(
                OutboxMessage.id == message_id, OutboxMessage.recipient_id == user.id
            )
        )
        if message is None:
            return None
        if message.read_at is None:
            message.read_at = now or utcnow()
        link = message.link or _fallback_link(message)
    return link


def mark_all_read(user: User) -> int:
    with write_transaction():
        result = db.session.execute(
            sa.update(OutboxMessage)
            .where(OutboxMessage.recipient_id == user.id, OutboxMessage.read_at.is_(None))
            .values(read_at=utcnow())
            .execution_options(synchronize_session=False)
        )
    return result.rowcount


# --- by e-mail ----------------------------------------------------------------------------


# Reminders about one's own training that one run sends together: one e-mail per person,
# not one per course. Each stays its own row (and its own in-app notification, which links
# to the same page); only the e-mail groups them.
DIGEST_KINDS = frozenset({"due_soon", "overdue", "certificate_expiring"})


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str


def email_of(
    messages: list[OutboxMessage],
    locale: str | None,
    default_locale: str,
    base_url: str,
    site_name: str = "Trainer",
) -> Email:
    """One e-mail (subject, plain text, HTML) telling its reader of `messages`, in their
    language, each with the address of its page."""
    with force_locale(locale or default_locale):
        items = []
        for message in messages:
            title, body = _texts(message)
            link = f"{base_url}{message.link or _fallback_link(message)}"
            items.append({"title": title, "body": body, "link": link, "kind": message.kind})
        if len(items) == 1:
            subject, intro = items[0]["title"], ""
        else:
            subject = ngettext(
                "%(num)d training reminder", "%(num)d training reminders", len(items)
            )
            intro = _("Your training that needs attention:")
        text_parts = [intro] if intro else []
        for item in items:
            text_parts.append(f"{item['title']}\n{item['body']}\n{item['link']}")
        html = current_app.jinja_env.get_template("notifications/email.html").render(
            subject=subject, intro=intro, items=items, site_name=site_name
        )
    return Email(subject, "\n\n".join(text_parts) + "\n", html)


def requeue_lost_emails(now: datetime | None = None) -> int:
    """The scheduler's sweep: e-mails whose job was lost (queue down, sender killed) get a
    sending job again. 1 when one was enqueued, else 0."""
    now = now or utcnow()
    with write_transaction():
        db.session.execute(
            sa.update(OutboxMessage)
            .where(
                OutboxMessage.email_state == "sending",
                OutboxMessage.claimed_at < now - SENDING_GRACE,
            )
            .values(email_state="pending", claimed_by=None)
            .execution_options(synchronize_session=False)
        )
    waiting = db.session.scalar(
        sa.select(OutboxMessage.id)
        .where(
            OutboxMessage.email_state == "pending",
            OutboxMessage.email_to.is_not(None),
            OutboxMessage.created_at < now - PENDING_GRACE,
        )
        .limit(1)
    )
    db.session.commit()
    return int(waiting is not None and enqueue(SEND_JOB))

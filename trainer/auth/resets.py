"""Password resets without anyone seeing a password.

HR (or an administrator) starts a reset; the person gets a one-time, expiring way to choose a
new password themselves:
- a link sent to their own e-mail, or
- for a learner without e-mail (or where no mail server is set up), a one-time code that HR
  hands over and the person types on the sign-in page.
Only a SHA-256 hash of the secret is stored. Using it is a single UPDATE ... WHERE used_at IS
NULL, so it works once even when two requests race. Starting a new reset voids the open
ones. The person's old password keeps working until they use the reset (HR cannot lock
anyone out this way), and they are told about the reset the next time they sign in.
"""

from __future__ import annotations

import hashlib
import secrets
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage

import sqlalchemy as sa

from trainer.audit.service import record
from trainer.auth.authority import Refused, check_manage, manage_problem
from trainer.auth.service import AuthError, password_problem
from trainer.database import write_transaction
from trainer.extensions import db
from trainer.models import PasswordReset, User, utcnow

RESET_LIFETIME = timedelta(hours=24)
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or printed
CODE_LENGTH = 12  # 60 bits; sign-in limits slow guessing further


@dataclass(frozen=True)
class StartedReset:
    kind: str  # "link": e-mailed; "code": shown to HR once, for the learner
    expires_at: datetime
    code: str | None = None


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


def format_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def code_allowed(target: User) -> bool:
    """A printed code is for learners only: anyone with more power gets an e-mail link."""
    return bool(target.roles) and target.roles <= {"learner"}


def start_reset(
    actor: User,
    target: User,
    link_for: Callable[[str], str],
    send: Callable[[Mail], None] | None,
    texts: Callable[[str, datetime], tuple[str, str]],
    now: datetime | None = None,
) -> StartedReset:
    """Start a reset of ``target``'s password by ``actor``.

    ``send`` delivers one e-mail (None: no mail server), ``link_for(token)`` makes the absolute
    link, ``texts(link, expires_at)`` the subject and body. Raises Refused (rule, or no way to
    reach the person) or OSError/smtplib.SMTPException (mail failed: nothing is saved).
    """
    check_manage(actor, target)
    now = now or utcnow()
    if target.email and send is not None:
        kind, secret = "link", secrets.token_urlsafe(32)
    elif code_allowed(target):
        kind = "code"
        secret = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    else:
        raise Refused("no-mail-server" if target.email else "no-email")
    expires_at = now + RESET_LIFETIME
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == target.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    )
    db.session.add(
        PasswordReset(
            user_id=target.id,
            kind=kind,
            secret_hash=hash_secret(secret),
            created_by_id=actor.id,
            created_at=now,
            expires_at=expires_at,
        )
    )
    record(
        actor,
        "person.password_reset",
        "user",
        target.id,
        kind=kind,
        person=target.employee_no,
        person_name=target.display_name,
    )
    db.session.flush()
    if kind == "link":
        subject, body = texts(link_for(secret), expires_at)
        try:
            send(Mail(target.email, subject, body))
        except (OSError, smtplib.SMTPException):
            db.session.rollback()
            raise
        db.session.commit()
        return StartedReset(kind, expires_at)
    db.session.commit()
    return StartedReset(kind, expires_at, code=format_code(secret))


def find_open_link(
    token: str, now: datetime | None = None, purpose: str = "reset"
) -> PasswordReset | None:
    """The reset (or invitation) a link names while it can still be used (reads only: for
    the GET)."""
    now = now or utcnow()
    reset = db.session.scalar(
        sa.select(PasswordReset).where(
            PasswordReset.secret_hash == hash_secret(token),
            PasswordReset.kind == "link",
            PasswordReset.purpose == purpose,
        )
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        return None
    if not reset.user.active:
        return None
    return reset


def why_link_closed(token: str, now: datetime | None = None, purpose: str = "reset") -> str:
    """For a link find_open_link refused: "used" (or replaced by a newer one), "expired",
    or "unknown" (no such link, or the account was deactivated). Reads only."""
    now = now or utcnow()
    reset = db.session.scalar(
        sa.select(PasswordReset).where(
            PasswordReset.secret_hash == hash_secret(token),
            PasswordReset.kind == "link",
            PasswordReset.purpose == purpose,
        )
    )
    if reset is None or not reset.user.active:
        return "unknown"
    if reset.used_at is not None:
        return "used"
    if reset.expires_at <= now:
        return "expired"
    return "unknown"


def _find_open_code(login: str, code: str, now: datetime) -> PasswordReset | None:
    from trainer.auth.service import find_user_by_login

    user = find_user_by_login(login)
    if user is None or not user.active:
        return None
    reset = db.session.scalar(
        sa.select(PasswordReset).where(
            PasswordReset.user_id == user.id,
            PasswordReset.kind == "code",
            PasswordReset.purpose == "reset",
            PasswordReset.secret_hash == hash_secret(normalise_code(code)),
        )
    )
    if reset is None or reset.used_at is not None or reset.expires_at <= now:
        return None
    return reset


def _complete(reset: PasswordReset | None, new_password: str, now: datetime) -> User:
    if reset is None:
        raise AuthError("reset-invalid")
    user = reset.user
    problem = password_problem(user, new_password)
    if problem:
        raise AuthError(problem)
    claimed = db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=now)
    ).rowcount
    if claimed != 1:  # used by a request that ran at the same moment
        db.session.rollback()
        raise AuthError("reset-invalid")
    user.set_password(new_password)  # bumps the session epoch: every open session ends
    user.must_change_password = False
    if reset.purpose == "invitation":
        user.last_signed_in_at = now  # choosing the first password signs the person in
    record(
        user,
        "person.invitation_used" if reset.purpose == "invitation" else "person.password_reset_used",
        "user",
        user.id,
        kind=reset.kind,
        person=user.employee_no,
        person_name=user.display_name,
    )
    db.session.commit()
    return user


def complete_with_link(
    token: str, new_password: str, now: datetime | None = None, purpose: str = "reset"
) -> User:
    now = now or utcnow()
    return _complete(find_open_link(token, now, purpose), new_password, now)


# --- invitations: the first way in for someone who has never signed in -----------------------


def invitation_problem(actor: User, target: User) -> str | None:
    """Why ``actor`` may not invite ``target``, or None: only people the actor may manage,
    who are active, have a role to sign in with and have never signed in."""
    problem = manage_problem(actor.id, actor.roles, target.id, target.roles)
    if problem:
        return problem
    if not target.active or not target.roles:
        return "inactive"
    if target.last_signed_in_at is not None:
        return "signed-in"
    return None


def start_invitations(
    actor: User, targets: list[User], lifetime: timedelta, now: datetime | None = None
) -> list[tuple[User, str]]:
    """One open invitation (a one-time link) for each target ``actor`` may invite; an older
    open invitation of the same person stops working. Returns (person, secret) for the
    e-mails and the printed sheets; only the secrets' hashes are stored. The caller commits."""
    now = now or utcnow()
    invited = [target for target in targets if invitation_problem(actor, target) is None]
    if not invited:
        return []
    db.session.execute(
        sa.update(PasswordReset)
        .where(
            PasswordReset.user_id.in_([target.id for target in invited]),
            PasswordReset.purpose == "invitation",
            PasswordReset.used_at.is_(None),
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    issued = []
    for target in invited:
        secret = secrets.token_urlsafe(32)
        db.session.add(
            PasswordReset(
                user_id=target.id,
                kind="link",
                purpose="invitation",
                secret_hash=hash_secret(secret),
                created_by_id=actor.id,
                created_at=now,
                expires_at=now + lifetime,
                notified_at=now,  # nothing to tell at sign-in: the person asked for nothing
            )
        )
        record(
            actor,
            "person.invited",
            "user",
            target.id,
            person=target.employee_no,
            person_name=target.display_name,
            email=bool(target.email),
        )
        issued.append((target, secret))
    db.session.flush()
    return issued


def note_sign_in(user: User, now: datetime | None = None) -> None:
    """The person signed in: remember when, and void their open invitations (printed codes
    are only for people who have never signed in). Called on sign-in (a POST)."""
    now = now or utcnow()
    with write_transaction():  # many people sign in at shift start: wait for the writer turn
        db.session.execute(
            sa.update(User)
            .where(User.id == user.id)
            .values(last_signed_in_at=now)
            .execution_options(synchronize_session=False)
        )
        db.session.execute(
            sa.update(PasswordReset)
            .where(
                PasswordReset.user_id == user.id,
                PasswordReset.purpose == "invitation",
                PasswordReset.used_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        )


def complete_with_code(
    login: str, code: str, new_password: str, now: datetime | None = None
) -> User:
    now = now or utcnow()
    return _complete(_find_open_code(login, code, now), new_password, now)


def take_reset_notice(user: User, now: datetime | None = None) -> PasswordReset | None:
    """The latest reset the person has not been told about yet, marked as told. Called on
    sign-in (a POST)."""
    unseen = list(
        db.session.scalars(
            sa.select(PasswordReset)
            .where(
                PasswordReset.user_id == user.id,
                PasswordReset.purpose == "reset",
                PasswordReset.notified_at.is_(None),
            )
            .order_by(PasswordReset.created_at.desc(), PasswordReset.id.desc())
        )
    )
    if not unseen:
        return None
    now = now or utcnow()
    for reset in unseen:
        reset.notified_at = now
    db.session.commit()
    return unseen[0]


def smtp_sender(settings) -> Callable[[Mail], None]:
    """One e-mail now, through the configured server (MailSettings of the reminders)."""

    def send(mail: Mail) -> None:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = settings.sender, mail.to, mail.subject
        message.set_content(mail.body)
        with smtplib.SMTP(settings.host, settings.port, timeout=30) as smtp:
            if settings.starttls:
                smtp.starttls()
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            smtp.send_message(message)

    return send

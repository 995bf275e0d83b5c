"""Account rules: who can sign in, password changes and resets. No request state here."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from functools import lru_cache

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from trainer.extensions import db
from trainer.models import User

MIN_PASSWORD_LENGTH = 8


class AuthError(Exception):
    """A sign-in or password problem the person can act on; ``code`` picks the message."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class SignIn:
    user: User


def find_user_by_login(login: str) -> User | None:
    login = login.strip()
    if not login:
        return None
    user = db.session.scalar(sa.select(User).where(User.employee_no == login))
    if user is None and "@" in login:
        user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == login.lower()))
    return user


@lru_cache(maxsize=4)
def _hash_of_nothing(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)


def _check_against_nothing(password: str) -> None:
    """An unknown account costs the same hash check as a known one, so the time a sign-in
    takes does not tell which employee numbers exist."""
    method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
    check_password_hash(_hash_of_nothing(method), password)


def authenticate(login: str, password: str) -> SignIn:
    user = find_user_by_login(login)
    if user is None:
        _check_against_nothing(password)
    if user is None or not user.check_password(password):
        # Same answer for an unknown account and a wrong password: no account probing.
        raise AuthError("bad-credentials")
    if not user.active:
        raise AuthError("deactivated")
    if not user.roles:
        # Someone whose every role was taken away is not a learner by default.
        raise AuthError("no-roles")
    return SignIn(user=user)


def record_lockout(login: str, failures: int) -> None:
    """Audit that repeated wrong passwords blocked sign-in to an existing account for a while
    (the rate limit decides; this only writes it down). Unknown logins leave no trace."""
    from trainer.audit.service import record
    from trainer.database import write_transaction

    with write_transaction():
        user = find_user_by_login(login)
        if user is not None:
            record(
                None,
                "account.locked",
                "user",
                user.id,
                person=user.employee_no,
                person_name=user.display_name,
                failures=failures,
            )


def end_sessions(user: User) -> None:
    """Sign the person out everywhere: the session id carries the epoch (User.get_id)."""
    user.session_epoch = (user.session_epoch or 0) + 1
    db.session.commit()


def password_problem(user: User, new_password: str) -> str | None:
    if len(new_password) < MIN_PASSWORD_LENGTH:
        return "too-short"
    if new_password.strip().lower() in {user.employee_no.lower(), (user.email or "").lower()}:
        return "same-as-login"
    if user.check_password(new_password):
        return "unchanged"
    return None


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not user.check_password(current_password):
        raise AuthError("wrong-current-password")
    problem = password_problem(user, new_password)
    if problem:
        raise AuthError(problem)
    user.set_password(new_password)
    user.must_change_password = False
    db.session.commit()

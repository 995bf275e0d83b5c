"""Account rules: who can sign in, password changes and resets. No request state here."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

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


def authenticate(login: str, password: str) -> SignIn:
    user = find_user_by_login(login)
    if user is None or not user.check_password(password):
        # Same answer for an unknown account and a wrong password: no account probing.
        raise AuthError("bad-credentials")
    if not user.active:
        raise AuthError("deactivated")
    return SignIn(user=user)


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

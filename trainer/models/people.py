"""People: users, their roles, departments (a tree) and positions."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from trainer.clock import utcnow
from trainer.extensions import db

ROLES = ("learner", "trainer", "assessor", "hr", "admin")
DEPARTMENT_KINDS = ("company", "region", "store", "team")


class Department(db.Model):
    """A node of the organisation tree: company → region → store/team."""

    __tablename__ = "departments"
    __table_args__ = (
        sa.UniqueConstraint("parent_id", "name"),
        sa.CheckConstraint("kind IN ('company', 'region', 'store', 'team')", name="kind_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(20))
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("departments.id", ondelete="RESTRICT"), index=True
    )
    parent: Mapped[Department | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Department]] = relationship(back_populates="parent")
    # Archived: no longer offered in forms; still shown on the records that name it.
    archived_at: Mapped[datetime | None]

    @property
    def path(self) -> str:
        """Names from the top of the tree, as HR writes them: 华东区/上海一店."""
        names: list[str] = []
        node: Department | None = self
        while node is not None:
            names.append(node.name)
            node = node.parent
        return "/".join(reversed(names))


class Position(db.Model):
    """A job title (岗位). Belongs to a department kind; later sits on a career level."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(50), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    department_kind: Mapped[str] = mapped_column(sa.String(20), default="store")
    # Whoever holds it manages their department (店长): they get the weekly digest of the
    # department's overdue people (trainer.hr.reminders.service.queue_manager_digests).
    manages_department: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Archived: no longer offered in forms; still shown on the records that name it.
    archived_at: Mapped[datetime | None]


class UserRole(db.Model):
    __tablename__ = "user_roles"
    __table_args__ = (
        sa.CheckConstraint(
            "role IN ('learner', 'trainer', 'assessor', 'hr', 'admin')", name="role_known"
        ),
    )

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(sa.String(20), primary_key=True)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    employee_no: Mapped[str] = mapped_column(sa.String(50), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    hire_date: Mapped[date | None] = mapped_column(sa.Date)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(sa.String(20))
    must_change_password: Mapped[bool] = mapped_column(default=False)
    department_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("departments.id", ondelete="SET NULL"), index=True
    )
    position_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("positions.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Bumped when the password changes so other signed-in sessions end.
    session_epoch: Mapped[int] = mapped_column(default=0)
    # The last successful sign-in; None: the person has never signed in (an invitation's
    # printed code is only for such accounts).
    last_signed_in_at: Mapped[datetime | None]

    department: Mapped[Department | None] = relationship()
    position: Mapped[Position | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> frozenset[str]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def set_roles(self, roles: set[str] | frozenset[str]) -> None:
        unknown = set(roles) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}")
        keep = [row for row in self.role_rows if row.role in roles]
        have = {row.role for row in keep}
        self.role_rows = keep + [UserRole(role=role) for role in sorted(set(roles) - have)]

    def set_password(self, password: str) -> None:
        # scrypt unless configured otherwise (the test suite uses a cheaper method for speed)
        method = "scrypt"
        if has_app_context():
            method = current_app.config.get("PASSWORD_HASH_METHOD", method)
        self.password_hash = generate_password_hash(password, method=method)
        self.session_epoch = (self.session_epoch or 0) + 1

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        # The epoch in the session id makes a password change end every other session.
        return f"{self.id}:{self.session_epoch}"


class PasswordReset(db.Model):
    """A one-time way into an account: a link sent to the person's e-mail, or (for learners
    without e-mail) a code HR hands over. Only a hash of the secret is stored.

    ``purpose`` "reset" is HR's password reset; "invitation" is the first sign-in of someone
    who never signed in: one link, e-mailed and printed as a QR code on the store's sheet."""

    __tablename__ = "password_resets"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('link', 'code')", name="reset_kind_known"),
        sa.CheckConstraint("purpose IN ('reset', 'invitation')", name="reset_purpose_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    purpose: Mapped[str] = mapped_column(sa.String(20), default="reset", server_default="reset")
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]  # also set when a newer reset replaces this one
    notified_at: Mapped[datetime | None]  # when the person was told at sign-in

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

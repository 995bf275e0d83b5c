"""Annual skill plans (年度岗位技能培训计划): items, targets and one assignment per person and item.

An assignment stores only what the plan decided (who, which course, by when); whether it is
done is always derived from lesson progress, the theory exam and the practical assessments.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.extensions import db
from trainer.models.courses import CourseRecord
from trainer.models.people import Department, Position, User, utcnow

PLAN_KINDS = ("annual", "onboarding")
DUE_KINDS = ("fixed", "after_hire", "after_assignment")
TARGET_KINDS = ("department", "position", "person", "new_hires")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class SkillPlan(db.Model):
    __tablename__ = "skill_plans"
    __table_args__ = (
        sa.CheckConstraint(_in("kind", PLAN_KINDS), name="kind_known"),
        sa.UniqueConstraint("year", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    year: Mapped[int]
    # "N days after hire" counts from here for people already on staff (rules.due_on).
    starts_on: Mapped[date] = mapped_column(sa.Date)
    # Archived plans are kept (and can be restored) but assign and remind nobody.
    archived_at: Mapped[datetime | None]
    # "onboarding": learners see it as the checklist that clears them for duty (可以正式上岗).
    kind: Mapped[str] = mapped_column(sa.String(20), default="annual")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    synced_at: Mapped[datetime | None]

    items: Mapped[list[PlanItem]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanItem.id"
    )
    targets: Mapped[list[PlanTarget]] = relationship(
        back_populates="plan", cascade="all, delete-orphan", order_by="PlanTarget.id"
    )

    @property
    def is_onboarding(self) -> bool:
        return self.kind == "onboarding"

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class PlanItem(db.Model):
    """One course of a plan, mandatory or optional, with its due-date rule."""

    __tablename__ = "plan_items"
    __table_args__ = (
        sa.UniqueConstraint("plan_id", "course_id"),
        sa.CheckConstraint(_in("due_kind", DUE_KINDS), name="due_kind_known"),
        sa.CheckConstraint(
            "(due_kind = 'fixed' AND due_date IS NOT NULL) OR "
            "(due_kind <> 'fixed' AND due_days IS NOT NULL AND due_days >= 0)",
            name="due_rule_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("skill_plans.id", ondelete="CASCADE"), index=True
    )
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id", ondelete="CASCADE"))
    mandatory: Mapped[bool] = mapped_column(default=True)
    due_kind: Mapped[str] = mapped_column(sa.String(20))
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    due_days: Mapped[int | None]
    # "after_hire" only: the date HR chose for people already on staff (else start + N days).
    staff_due_date: Mapped[date | None] = mapped_column(sa.Date)

    plan: Mapped[SkillPlan] = relationship(back_populates="items")
    course: Mapped[CourseRecord] = relationship()
    assignments: Mapped[list[PlanAssignment]] = relationship(
        back_populates="item", cascade="all, delete-orphan", passive_deletes=True
    )


class PlanTarget(db.Model):
    """Who a plan is for: a department (with everything below it), a position, one person,
    or every new hire of a position hired on or after a date."""

    __tablename__ = "plan_targets"
    __table_args__ = (
        sa.CheckConstraint(_in("kind", TARGET_KINDS), name="kind_known"),
        sa.CheckConstraint(
            "(kind = 'department' AND department_id IS NOT NULL) OR "
            "(kind = 'position' AND position_id IS NOT NULL) OR "
            "(kind = 'person' AND user_id IS NOT NULL) OR "
            "(kind = 'new_hires' AND position_id IS NOT NULL AND hired_since IS NOT NULL)",
            name="target_complete",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        sa.ForeignKey("skill_plans.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))
    department_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("departments.id", ondelete="CASCADE")
    )
    position_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("positions.id", ondelete="CASCADE")
    )
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    hired_since: Mapped[date | None] = mapped_column(sa.Date)

    plan: Mapped[SkillPlan] = relationship(back_populates="targets")
    department: Mapped[Department | None] = relationship()
    position: Mapped[Position | None] = relationship()
    user: Mapped[User | None] = relationship()


class PlanAssignment(db.Model):
    """One person, one plan item. Re-syncing never duplicates it (the unique constraint);
    someone who no longer matches the plan's targets is withdrawn, not deleted."""

    __tablename__ = "plan_assignments"
    __table_args__ = (
        sa.UniqueConstraint("item_id", "user_id"),
        sa.Index("ix_plan_assignments_user", "user_id", "withdrawn_at"),
        sa.Index("ix_plan_assignments_due", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_items.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)
    assigned_on: Mapped[date] = mapped_column(sa.Date)  # local date: "N days after assignment"
    due_on: Mapped[date] = mapped_column(sa.Date)
    withdrawn_at: Mapped[datetime | None]

    item: Mapped[PlanItem] = relationship(back_populates="assignments")
    user: Mapped[User] = relationship()

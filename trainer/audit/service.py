"""Writing and reading the audit log. Callers add the event inside their own transaction,
so an action and its audit record are saved together or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from trainer.audit.sentences import Directory, Sentence, kind_label, sentence_for
from trainer.auth.authority import PROTECTED_ROLES
from trainer.clock import utc_start_of_local_day
from trainer.extensions import db
from trainer.models import (
    Appeal,
    Assessment,
    AuditEvent,
    Certificate,
    CourseRecord,
    CourseVersion,
    LevelPromotion,
    SkillPlan,
    User,
    UserRole,
)


def record(
    actor: User | None, action: str, subject_type: str, subject_id: int | None, **details: object
) -> AuditEvent:
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        details=details,
    )
    db.session.add(event)
    return event


def events(
    subject_type: str | None = None, subject_id: int | None = None, limit: int = 200
) -> list[AuditEvent]:
    statement = sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if subject_type:
        statement = statement.where(AuditEvent.subject_type == subject_type)
    if subject_id is not None:
        statement = statement.where(AuditEvent.subject_id == subject_id)
    return list(db.session.scalars(statement.limit(limit)))


# --- reading the log as sentences ----------------------------------------------------------


@dataclass(frozen=True)
class LogFilters:
    """What the audit log page is asked to show. ``people`` are matched as subject or actor,
    ``actors`` as the one who acted; days are the company's days, both ends included."""

    people: tuple[int, ...] | None = None
    actors: tuple[int, ...] | None = None
    kind: str | None = None
    first_day: date | None = None
    last_day: date | None = None


def person_of_event() -> sa.ColumnElement:
    """The person an event is about (a user's id), or NULL for events about no one (plans,
    departments, imports, courses). One expression, so the person filter and HR's scope agree."""
    certificate_holder = (
        sa.select(Certificate.user_id)
        .where(Certificate.id == AuditEvent.subject_id)
        .scalar_subquery()
    )
    assessed = (
        sa.select(Assessment.learner_id)
        .where(Assessment.id == AuditEvent.subject_id)
        .scalar_subquery()
    )
    appealing = (
        sa.select(Assessment.learner_id)
        .join(Appeal, Appeal.assessment_id == Assessment.id)
        .where(Appeal.id == AuditEvent.subject_id)
        .scalar_subquery()
    )
    promoted = (
        sa.select(LevelPromotion.user_id)
        .where(LevelPromotion.id == AuditEvent.subject_id)
        .scalar_subquery()
    )
    return sa.case(
        (AuditEvent.subject_type == "user", AuditEvent.subject_id),
        (AuditEvent.subject_type == "certificate", certificate_holder),
        (AuditEvent.subject_type == "assessment", assessed),
        (AuditEvent.subject_type == "appeal", appealing),
        (AuditEvent.subject_type == "level_promotion", promoted),
        else_=sa.null(),
    )


def log_query(filters: LogFilters, reader: User) -> sa.Select:
    """Events newest first, narrowed by the filters and by what the reader may see: an
    administrator sees everything; HR sees events about people HR manages (who hold neither
    the administrator nor the HR role) and events about no one in particular."""
    statement = sa.select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    person = person_of_event()
    if "admin" not in reader.roles:
        protected = sa.select(UserRole.user_id).where(UserRole.role.in_(PROTECTED_ROLES))
        statement = statement.where(sa.or_(person.is_(None), person.not_in(protected)))
    if filters.people is not None:
        statement = statement.where(
            sa.or_(person.in_(filters.people), AuditEvent.actor_id.in_(filters.people))
        )
    if filters.actors is not None:
        statement = statement.where(AuditEvent.actor_id.in_(filters.actors))
    if filters.kind:
        statement = statement.where(AuditEvent.action == filters.kind)
    if filters.first_day:
        statement = statement.where(AuditEvent.at >= utc_start_of_local_day(filters.first_day))
    if filters.last_day:
        next_day = filters.last_day + timedelta(days=1)
        statement = statement.where(AuditEvent.at < utc_start_of_local_day(next_day))
    return statement


def directory_for(events: list[AuditEvent]) -> Directory:
    """Everything the sentences of these events name, in a few queries."""
    directory = Directory()
    user_ids: set[int] = set()
    numbers: set[str] = set()
    ids_by_type: dict[str, set[int]] = {}
    slugs: set[str] = set()
    for event in events:
        details = event.details if isinstance(event.details, dict) else {}
        if event.actor_id:
            user_ids.add(event.actor_id)
        if event.subject_id is not None:
            ids_by_type.setdefault(event.subject_type, set()).add(event.subject_id)
        for key in ("person", "learner", "assessor", "user"):
            if isinstance(details.get(key), str):
                numbers.add(details[key])
        if isinstance(details.get("course"), str):
            slugs.add(details["course"])
    user_ids |= ids_by_type.get("user", set())
    for serial, code, holder, certificate_id in db.session.execute(
        sa.select(Certificate.serial, Certificate.code, Certificate.user_id, Certificate.id).where(
            Certificate.id.in_(ids_by_type.get("certificate", set()))
        )
    ):
        directory.certificates[certificate_id] = (serial, code, holder)
        user_ids.add(holder)
    for promotion_id, user_id in db.session.execute(
        sa.select(LevelPromotion.id, LevelPromotion.user_id).where(
            LevelPromotion.id.in_(ids_by_type.get("level_promotion", set()))
        )
    ):
        directory.promotions[promotion_id] = user_id
        user_ids.add(user_id)
    if user_ids or numbers:
        for user in db.session.scalars(
            sa.select(User).where(sa.or_(User.id.in_(user_ids), User.employee_no.in_(numbers)))
        ):
            directory.users[user.id] = user
            directory.users_by_number[user.employee_no] = user
    directory.plan_names = dict(
        db.session.execute(
            sa.select(SkillPlan.id, SkillPlan.name).where(
                SkillPlan.id.in_(ids_by_type.get("plan", set()))
            )
        ).all()
    )
    directory.course_titles = dict(
        db.session.execute(
            sa.select(CourseRecord.slug, CourseVersion.title)
            .join(CourseVersion, CourseRecord.current_version_id == CourseVersion.id)
            .where(CourseRecord.slug.in_(slugs))
        ).all()
    )
    if ids_by_type.get("level_promotion"):
        from flask import current_app

        from trainer.certificates.service import career_paths

        directory.level_titles = {
            level.id: level.title
            for track in career_paths(current_app).tracks
            for level in track.levels
        }
    return directory


@dataclass(frozen=True)
class LogLine:
    event: AuditEvent
    sentence: Sentence
    actor_name: str

    @property
    def kind(self) -> str:
        return kind_label(self.event.action)


def log_lines(events: list[AuditEvent]) -> list[LogLine]:
    directory = directory_for(events)
    return [
        LogLine(event, sentence_for(event, directory), directory.actor(event).label)
        for event in events
    ]


EXPORT_CHUNK = 1000  # events whose names are looked up together (bound parameters stay few)


def export_lines(filters: LogFilters, reader: User, limit: int) -> list[LogLine]:
    """The filtered log for a file, newest first, looked up a thousand events at a time."""
    events = list(db.session.scalars(log_query(filters, reader).limit(limit)))
    lines: list[LogLine] = []
    for start in range(0, len(events), EXPORT_CHUNK):
        lines += log_lines(events[start : start + EXPORT_CHUNK])
    return lines


def find_people(query: str, limit: int = 20) -> list[User]:
    """People whose employee number is the query, or whose name contains it."""
    query = (query or "").strip()
    if not query:
        return []
    return list(
        db.session.scalars(
            sa.select(User)
            .where(sa.or_(User.employee_no == query, User.display_name.contains(query)))
            .order_by(User.employee_no)
            .limit(limit)
        )
    )


def recorded_kinds() -> list[str]:
    """Every kind of event the log has, for the kind filter."""
    return list(
        db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )

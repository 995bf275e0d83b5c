"""All models, imported here so Alembic and the app see one metadata."""

from trainer.models.audit import AuditEvent
from trainer.models.courses import (
    CourseEvaluation,
    CourseFile,
    CourseLesson,
    CourseRecord,
    CourseVersion,
    LessonProgress,
)
from trainer.models.people import ROLES, Department, Position, User, UserRole, utcnow

__all__ = [
    "ROLES",
    "AuditEvent",
    "CourseEvaluation",
    "CourseFile",
    "CourseLesson",
    "CourseRecord",
    "CourseVersion",
    "Department",
    "LessonProgress",
    "Position",
    "User",
    "UserRole",
    "utcnow",
]

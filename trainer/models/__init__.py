"""All models, imported here so Alembic and the app see one metadata."""

from trainer.models.people import ROLES, Department, Position, User, UserRole, utcnow

__all__ = ["ROLES", "Department", "Position", "User", "UserRole", "utcnow"]

"""Readiness: can this process serve real requests? Each check answers "ok", "skipped" or
what went wrong, in words without secrets (no URLs, no error text: those go to the log)."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import Flask, current_app

from trainer.extensions import db

logger = logging.getLogger(__name__)
OK = "ok"
SKIPPED = "skipped"
_HEADS = "trainer_migration_heads"


def code_heads(app: Flask) -> frozenset[str]:
    """The migration head(s) this code expects; read once (the code does not change)."""
    heads = app.extensions.get(_HEADS)
    if heads is None:
        from alembic.script import ScriptDirectory

        config = app.extensions["migrate"].migrate.get_config()
        heads = frozenset(ScriptDirectory.from_config(config).get_heads())
        app.extensions[_HEADS] = heads
    return heads


def check_database() -> str:
    db.session.execute(sa.text("SELECT 1"))
    return OK


def check_migrations() -> str:
    found = frozenset(db.session.scalars(sa.text("SELECT version_num FROM alembic_version")).all())
    return OK if found == code_heads(current_app) else "not at the code's migration head"


def check_redis() -> str:
    url = current_app.config.get("REDIS_URL")
    if not url:
        return SKIPPED
    import redis

    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()
    return OK


def check_jobs() -> str:
    from trainer.jobs import jobs_of

    jobs_of().huey.pending_count()
    return OK


CHECKS = {
    "database": check_database,
    "migrations": check_migrations,
    "redis": check_redis,
    "jobs": check_jobs,
}
FAILURE = {
    "database": "unreachable",
    "migrations": "unreadable",
    "redis": "unreachable",
    "jobs": "unreachable",
}


def readiness() -> dict[str, str]:
    """Every check, in order; a check that raises is reported failing (and logged)."""
    results = {}
    for name, check in CHECKS.items():
        if name == "migrations" and results.get("database") != OK:
            results[name] = "not checked: database unreachable"
            continue
        try:
            results[name] = check()
        except Exception:  # noqa: BLE001 - a failing dependency is an answer, not an error
            logger.warning("readiness check %s failed", name, exc_info=True)
            if name in ("database", "migrations"):
                db.session.rollback()
            results[name] = FAILURE[name]
    return results

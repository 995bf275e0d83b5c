"""A database filled at each release's migration revision upgrades to head with its data.

For each release in trainer.releases.RELEASES: an empty database (a new SQLite file, or a
PostgreSQL schema of its own when TEST_DATABASE_URL is set) is migrated to exactly that
release's revision, filled through plain SQL written for that revision's schema (so the
rows are what that release's code wrote, not what today's models would write), upgraded to
head, and read back through today's models, services and pages.

A later release adds its line to RELEASES; when its schema needs other rows (a new NOT NULL
column, a new table worth carrying over), it adds a filler for its revision to FILLERS. A
release without a filler of its own uses the newest earlier release's filler.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import Connection
from werkzeug.security import generate_password_hash

from tests.conftest import IsolatedClient, sign_in
from tests.migration_helpers import empty_database_app
from trainer.extensions import db
from trainer.models import (
    AuditEvent,
    Certificate,
    CourseDraft,
    CourseFile,
    CourseLesson,
    CourseRecord,
    Department,
    QuizAttempt,
    QuizResult,
    User,
)
from trainer.releases import RELEASES

PASSWORD = "upgrade-check-1"
SLUG = "upgrade-check"
CODE = "7K3M9QXR2VBT4HNP8WDC"  # 20 characters of the certificate code alphabet
SERIAL = "TRN-2026-000001"
PDF = b"%PDF-1.4 upgrade check\n%%EOF\n"

COURSE_MD = """---
title: 升级检查课程
summary: 升级前写入的课程。
category: standards
language: zh-CN
estimated_minutes: 20
target_positions: [all]
prerequisites: []
quiz:
  questions_per_attempt: 2
  pass_mark: 60
---

欢迎加入。
"""
LESSON_MD = "# 欢迎\n\n## 公司对你的期望\n\n守时、诚实、尊重顾客。\n"
QUIZ_MD = """## on-time
type: truefalse
answer: true

上班要准时到岗。

## respect-everyone
type: single

对待顾客应该：

- [x] 一视同仁
- [ ] 看穿着决定热情程度
"""
SETTINGS = {
    "title": "升级检查课程",
    "summary": "升级前写入的课程。",
    "category": "standards",
    "language": "zh-CN",
    "estimated_minutes": 20,
    "target_positions": ["all"],
    "prerequisites": [],
    "quiz": {
        "questions_per_attempt": 2,
        "pass_mark": 60,
        "time_limit_minutes": 0,
        "attempts_per_round": 3,
        "wait_minutes": 0,
        "review": "after_pass",
        "tag_quotas": {},
        "score_counts": "best",
    },
    "practical_required": False,
    "attitude_required": False,
    "certificate": {"validity_months": 24, "recertify_window_days": 60},
    "exam_requires": {"all_lessons_read": True, "prerequisites_passed": True},
}
LESSON_HTML = '<h2 id="公司对你的期望">公司对你的期望</h2>\n<p>守时、诚实、尊重顾客。</p>'
ISSUED = datetime(2026, 11, 2, 8, 30)
EXPIRES = datetime(2099, 11, 2, 8, 30)  # still valid whenever the test runs


def _insert(connection: Connection, table: str, **values) -> None:
    columns = ", ".join(values)
    places = ", ".join(f":{name}" for name in values)
    connection.execute(sa.text(f"INSERT INTO {table} ({columns}) VALUES ({places})"), values)


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def fill_0_1_0(connection: Connection) -> None:
    """Rows as release 0.1.0 (revision 6ebfbf02976d) writes them."""
    at = datetime(2026, 11, 1, 9, 0)
    _insert(connection, "departments", id=1, name="升级集团", kind="company", parent_id=None)
    _insert(connection, "departments", id=2, name="上海一店", kind="store", parent_id=1)
    people = [
        (1, "U1001", "李学员", "learner", ("learner",)),
        (2, "U2001", "王讲师", "trainer", ("trainer", "assessor")),
        (3, "U3001", "赵人事", None, ("hr",)),
    ]
    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    for user_id, number, name, _, roles in people:
        _insert(
            connection,
            "users",
            id=user_id,
            employee_no=number,
            display_name=name,
            email=f"{number.lower()}@example.com",
            password_hash=hashed,
            hire_date=datetime(2026, 10, 8).date(),
            active=True,
            locale="zh_Hans_CN",
            must_change_password=False,
            department_id=2,
            position_id=None,
            created_at=at,
            session_epoch=1,
            last_signed_in_at=at,
        )
        for role in roles:
            _insert(connection, "user_roles", user_id=user_id, role=role)

    _insert(
        connection,
        "courses",
        id=1,
        slug=SLUG,
        current_version_id=None,
        status="ok",
        problems="[]",
        checked_at=at,
        source="folder",
        folder_conflict_hash=None,
        folder_conflict_kept=False,
    )
    files = {"course.md": COURSE_MD, "lessons/01-welcome.md": LESSON_MD, "quiz.md": QUIZ_MD}
    version_hash = hashlib.sha256(_json(files).encode()).hexdigest()
    _insert(
        connection,
        "course_versions",
        id=1,
        course_id=1,
        version_hash=version_hash,
        created_at=at,
        title="升级检查课程",
        summary="升级前写入的课程。",
        category="standards",
        estimated_minutes=20,
        settings=_json(SETTINGS),
        intro_html="<p>欢迎加入。</p>",
        question_count=2,
    )
    connection.execute(sa.text("UPDATE courses SET current_version_id = 1 WHERE id = 1"))
    for number, (path, text) in enumerate(sorted(files.items()), start=1):
        _insert(
            connection, "course_files", id=number, version_id=1, path=path, content=text.encode()
        )
    _insert(
        connection,
        "course_lessons",
        id=1,
        version_id=1,
        number=1,
        slug="welcome",
        title="欢迎",
        html=LESSON_HTML,
        toc=_json([[2, "公司对你的期望", "公司对你的期望"]]),
    )
    _insert(
        connection,
        "course_publications",
        id=1,
        course_id=1,
        version_id=1,
        number=1,
        source="folder",
        published_at=at,
        author_id=None,
        reviewer_id=None,
        message="",
    )
    _insert(
        connection, "lesson_progress", id=1, user_id=1, version_id=1, lesson_number=1, read_at=at
    )

    draw = [
        {"id": "on-time", "tokens": {"t1": "true", "t2": "false"}},
        {"id": "respect-everyone", "tokens": {"a1": "1", "a2": "2"}},
    ]
    _insert(
        connection,
        "quiz_attempts",
        id=1,
        user_id=1,
        course_id=1,
        version_id=1,
        round_number=1,
        attempt_number=1,
        started_at=datetime(2026, 11, 2, 8, 0),
        deadline_at=None,
        draw=_json(draw),
        extra_grant_id=None,
    )
    per_question = [
        {"id": "on-time", "fraction": 1.0, "points": 1.0, "max": 1.0, "response": True},
        {"id": "respect-everyone", "fraction": 1.0, "points": 1.0, "max": 1.0, "response": "1"},
    ]
    _insert(
        connection,
        "quiz_results",
        attempt_id=1,
        graded_at=datetime(2026, 11, 2, 8, 10),
        closed_by="learner",
        points=2.0,
        max_points=2.0,
        percent=100.0,
        passed=True,
        per_question=_json(per_question),
    )
    _insert(connection, "certificate_serials", year=2026, last_number=1)
    _insert(
        connection,
        "certificates",
        id=1,
        serial=SERIAL,
        code=CODE,
        kind="course",
        achievement="course:1:1",
        user_id=1,
        holder_name="李学员",
        course_id=1,
        version_id=1,
        level_id=None,
        title="升级检查课程",
        issued_at=ISSUED,
        expires_at=EXPIRES,
        revoked_at=None,
        revoked_by_id=None,
        revoke_reason=None,
        pdf=PDF,
        pdf_sha256=hashlib.sha256(PDF).hexdigest(),
    )
    _insert(
        connection,
        "audit_events",
        id=1,
        at=ISSUED,
        actor_id=None,
        action="certificate.issued",
        subject_type="certificate",
        subject_id=1,
        details=_json({"serial": SERIAL, "user": "U1001", "title": "升级检查课程"}),
    )
    _insert(
        connection,
        "course_drafts",
        id=1,
        slug=SLUG,
        title="升级检查课程（修订）",
        base_version_id=1,
        status="in_review",
        error_count=0,
        warning_count=0,
        created_by_id=2,
        created_at=at,
        updated_at=at,
        submitted_by_id=2,
        submitted_at=at,
        message="改了欢迎词",
    )
    _insert(
        connection,
        "course_draft_files",
        id=1,
        draft_id=1,
        path="course.md",
        content=COURSE_MD.replace("欢迎加入。", "欢迎你加入。").encode(),
        revision=2,
        updated_at=at,
        updated_by_id=2,
    )
    _insert(
        connection,
        "course_draft_notes",
        id=1,
        draft_id=1,
        author_id=2,
        kind="submitted",
        body="改了欢迎词",
        created_at=at,
    )


# Revision → the filler writing that revision's rows. A release without its own entry uses
# the newest earlier release's filler.
FILLERS: dict[str, Callable[[Connection], None]] = {"6ebfbf02976d": fill_0_1_0}


def filler_for(release: str) -> Callable[[Connection], None]:
    releases = list(RELEASES)
    for earlier in reversed(releases[: releases.index(release) + 1]):
        if RELEASES[earlier] in FILLERS:
            return FILLERS[RELEASES[earlier]]
    raise AssertionError(f"no filler for release {release} or any earlier one")


def _after_postgres_inserts(connection: Connection) -> None:
    """Rows inserted with explicit ids leave PostgreSQL's sequences behind: move them on,
    as a restore does, so rows written after the upgrade get fresh ids."""
    if connection.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        if "id" not in table.c or not table.c.id.autoincrement:
            continue
        exists = connection.scalar(sa.text("SELECT to_regclass(:name)"), {"name": table.name})
        if exists is None:
            continue
        connection.execute(
            sa.text(
                f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                f"COALESCE((SELECT max(id) FROM {table.name}), 0) + 1, false)"
            )
        )


def _current_revision() -> str:
    with db.engine.connect() as connection:
        return connection.scalar(sa.text("SELECT version_num FROM alembic_version"))


def _check_data_is_there_and_readable(app) -> None:
    db.session.remove()  # a new session: nothing read before the upgrade
    learner = db.session.get(User, 1)
    assert (learner.employee_no, learner.display_name) == ("U1001", "李学员")
    assert learner.roles == {"learner"}
    assert db.session.get(User, 2).roles == {"trainer", "assessor"}
    assert db.session.get(User, 3).roles == {"hr"}
    assert learner.department.path == "升级集团/上海一店"
    assert db.session.get(Department, 1).children[0].name == "上海一店"

    record = db.session.get(CourseRecord, 1)
    assert record.slug == SLUG and record.source == "folder"
    version = record.current_version
    assert version.id == 1 and version.settings == SETTINGS
    files = db.session.scalars(sa.select(CourseFile).where(CourseFile.version_id == 1))
    assert {f.path: f.content.decode() for f in files} == {
        "course.md": COURSE_MD,
        "lessons/01-welcome.md": LESSON_MD,
        "quiz.md": QUIZ_MD,
    }
    lesson = db.session.get(CourseLesson, 1)
    assert (lesson.version.id, lesson.title, lesson.html) == (1, "欢迎", LESSON_HTML)
    assert lesson.toc == [[2, "公司对你的期望", "公司对你的期望"]]
    assert [lesson.number for lesson in version.lessons] == [1]

    attempt = db.session.get(QuizAttempt, 1)
    assert attempt.user is learner and [q["id"] for q in attempt.draw] == [
        "on-time",
        "respect-everyone",
    ]
    result = db.session.get(QuizResult, 1)
    assert result.attempt is attempt and result.passed and result.percent == 100.0

    certificate = db.session.get(Certificate, 1)
    assert (certificate.serial, certificate.code, certificate.user) == (SERIAL, CODE, learner)
    assert certificate.pdf == PDF
    assert certificate.issued_at == ISSUED and certificate.status(datetime(2027, 1, 1)) == "valid"

    event = db.session.get(AuditEvent, 1)
    assert event.action == "certificate.issued" and event.details["serial"] == SERIAL

    draft = db.session.get(CourseDraft, 1)
    assert (draft.status, draft.message, draft.created_by.employee_no) == (
        "in_review",
        "改了欢迎词",
        "U2001",
    )
    assert [f.path for f in draft.files] == ["course.md"]
    assert [n.kind for n in draft.notes] == ["submitted"]

    # Through the services and pages, as people will read it after the upgrade.
    from trainer.audit.service import log_lines

    with app.test_request_context("/"):
        (line,) = log_lines([event])
        text = line.sentence.text()
    assert "李学员" in text and SERIAL in text, text

    client = app.test_client()
    page = client.get(f"/verify/{CODE}")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert "李学员" in body and SERIAL in body and "升级检查课程" in body
    assert sign_in(client, "U1001", PASSWORD).status_code == 302
    lesson_page = client.get(f"/courses/{SLUG}/lessons/1")
    assert lesson_page.status_code == 200
    assert "守时、诚实、尊重顾客。" in lesson_page.get_data(as_text=True)
    mine = client.get("/certificates/")
    assert mine.status_code == 200 and SERIAL in mine.get_data(as_text=True)
    download = client.get("/certificates/1.pdf")
    assert download.status_code == 200 and download.data == PDF


# The rows fill_0_1_0 writes, table by table.
FILLED_0_1_0 = {
    "departments": 2,
    "users": 3,
    "user_roles": 4,
    "courses": 1,
    "course_versions": 1,
    "course_files": 3,
    "course_lessons": 1,
    "course_publications": 1,
    "lesson_progress": 1,
    "quiz_attempts": 1,
    "quiz_results": 1,
    "certificate_serials": 1,
    "certificates": 1,
    "audit_events": 1,
    "course_drafts": 1,
    "course_draft_files": 1,
    "course_draft_notes": 1,
}


def _counts(tables=tuple(FILLED_0_1_0)) -> dict[str, int]:
    """Rows per table, read on a connection of its own (never the session's older snapshot)."""
    with db.engine.connect() as connection:
        return {t: connection.scalar(sa.text(f"SELECT count(*) FROM {t}")) for t in tables}


APP_CONFIG = {
    "TESTING": True,
    "WTF_CSRF_ENABLED": False,
    "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    "RATELIMIT_STORAGE_URI": "memory://",
    "JOBS_IMMEDIATE": True,
    "REDIS_URL": None,
}


@pytest.mark.parametrize("release", list(RELEASES))
def test_release_database_upgrades_to_head_with_its_data(release, database_url, tmp_path):
    revision = RELEASES[release]
    config = {**APP_CONFIG, "CONTENT_DIR": tmp_path / "content"}
    with empty_database_app(database_url, tmp_path, config) as app:
        app.test_client_class = IsolatedClient
        upgrade(revision=revision)
        assert _current_revision() == revision
        with db.engine.begin() as connection:
            filler_for(release)(connection)
            _after_postgres_inserts(connection)
        before = _counts()
        if filler_for(release) is fill_0_1_0:
            assert before == FILLED_0_1_0

        upgrade()  # to head
        assert _current_revision() == _head_revision()
        assert _counts() == before
        _check_data_is_there_and_readable(app)


def _head_revision() -> str:
    from alembic.script import ScriptDirectory
    from flask import current_app

    config = current_app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def test_flask_db_upgrade_twice_is_harmless(database_url, tmp_path):
    """`flask db upgrade` on an up-to-date database changes nothing, on either database."""
    config = {**APP_CONFIG, "CONTENT_DIR": tmp_path / "content"}
    with empty_database_app(database_url, tmp_path, config) as app:
        runner = app.test_cli_runner()
        first = runner.invoke(args=["db", "upgrade"])
        assert first.exit_code == 0, first.output
        with db.engine.begin() as connection:
            fill_0_1_0(connection)
        assert _counts() == FILLED_0_1_0
        second = runner.invoke(args=["db", "upgrade"])
        assert second.exit_code == 0, second.output
        assert _counts() == FILLED_0_1_0
        assert _counts(("alembic_version",)) == {"alembic_version": 1}
        assert _current_revision() == _head_revision()

"""Backup and restore drill (SQLite, and PostgreSQL with TEST_DATABASE_URL): fill the
database, back up while a writer keeps inserting, wipe everything, restore, check it all came
back; damaged, foreign and too-new archives are refused and change nothing."""

from __future__ import annotations

import io
import json
import random
import shutil
import tarfile
import threading
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import empty_all_tables
from tests.course_helpers import give_certificate, ready_for_exam
from tests.quiz_helpers import correct_response, responses
from trainer import backup
from trainer.audit import service as audit
from trainer.certificates.service import new_code
from trainer.courses.service import live_course
from trainer.extensions import db
from trainer.models import (
    AuditEvent,
    Certificate,
    CourseFile,
    CourseRecord,
    CourseVersion,
    QuizResult,
    User,
)
from trainer.quizzes import service as quiz_service

LOAD_ACTION = "course.draft_commented"  # any action with a sentence; subject_type marks ours
BATCH = 3  # rows per writer transaction: after the restore each batch is all there or absent


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=["trainer", *args], input=input)


def content_files(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def snapshot() -> dict:
    """What the drill expects back, read with plain queries (not the backup code)."""
    db.session.expire_all()
    return {
        "people": set(db.session.execute(sa.select(User.employee_no, User.display_name))),
        "results": set(db.session.execute(sa.select(QuizResult.attempt_id, QuizResult.percent))),
        "certificates": set(
            db.session.execute(sa.select(Certificate.serial, Certificate.code, Certificate.user_id))
        ),
        "audit": set(
            db.session.execute(
                sa.select(AuditEvent.id, AuditEvent.action).where(AuditEvent.subject_type != "load")
            )
        ),
        "courses": set(
            db.session.execute(
                sa.select(CourseRecord.slug, CourseVersion.version_hash, CourseFile.path)
                .join(CourseVersion, CourseVersion.course_id == CourseRecord.id)
                .join(CourseFile, CourseFile.version_id == CourseVersion.id)
            )
        ),
        "file_bytes": sum(
            len(content) for content in db.session.scalars(sa.select(CourseFile.content))
        ),
    }


@pytest.fixture
def filled(app, users, synced, paths_dir):
    learner = users["learner"]
    ready_for_exam(learner, "store-service")
    record, version = live_course("store-service")
    attempt = quiz_service.start_attempt(learner, record, version, rng=random.Random(1))
    result = quiz_service.submit_attempt(learner, attempt, responses(attempt, correct_response))
    assert result.passed
    certificate = give_certificate(learner, "basics")
    certificate.code = new_code()  # a code the public verify page accepts
    audit.record(users["trainer"], LOAD_ACTION, "course", record.id, note="before the backup")
    db.session.commit()
    state = snapshot()
    assert state["people"] and state["results"] and state["audit"] and state["courses"]
    assert state["file_bytes"] > 0
    return certificate.code


class Writer(threading.Thread):
    """Inserts audit events in batches of BATCH rows, one transaction per batch, until told
    to stop; `committed` counts the batches committed so far."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app = app
        self.stop = threading.Event()
        self.committed = 0
        self.error: BaseException | None = None

    def run(self):
        try:
            with self.app.app_context():
                while not self.stop.is_set():
                    for row in range(BATCH):
                        db.session.add(
                            AuditEvent(
                                action=LOAD_ACTION,
                                subject_type="load",
                                subject_id=self.committed,
                                details={"row": row},
                            )
                        )
                    db.session.commit()
                    self.committed += 1
                db.session.remove()
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error


def wipe(app) -> None:
    db.session.remove()
    empty_all_tables()  # first: SQLite drops a table with rows referenced only row by row
    db.drop_all()
    db.engine.dispose()
    assert sa.inspect(db.engine).get_table_names() == []


def test_drill_back_up_under_load_wipe_restore(app, client, filled, tmp_path):
    code = filled
    content_dir = Path(app.config["CONTENT_DIR"])
    before = snapshot()
    files_before = content_files(content_dir)
    assert any(name.startswith("paths/") for name in files_before)
    archive = tmp_path / "backups" / "trainer.tar.gz"

    db.session.commit()
    writer = Writer(app)
    writer.start()
    while writer.committed < 5 and writer.is_alive():
        time.sleep(0.01)
    started_with = writer.committed
    result = run(app, "backup", str(archive))
    ended_with = writer.committed
    time.sleep(0.05)
    writer.stop.set()
    writer.join(timeout=30)
    assert writer.error is None, writer.error
    assert result.exit_code == 0, result.output
    assert ended_with > started_with, "the writer wrote nothing during the backup"

    with tarfile.open(archive) as opened:
        names = opened.getnames()
        manifest = json.load(opened.extractfile("manifest.json"))
    assert names[0] == "manifest.json"
    kind = db.engine.dialect.name
    database_member = "database.sqlite3" if kind == "sqlite" else "database.pgdump"
    assert manifest["database"] == kind
    assert manifest["format_version"] == 1
    assert {entry["path"] for entry in manifest["files"]} == {
        database_member,
        *(f"content/{name}" for name in files_before),
    }
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"])

    wipe(app)
    shutil.rmtree(content_dir)
    content_dir.mkdir()
    (content_dir / "left-over.txt").write_text("written after the backup")

    result = run(app, "restore", str(archive), "--yes")
    assert result.exit_code == 0, result.output

    after = snapshot()
    assert after == before
    assert content_files(content_dir) == files_before
    aside = list(content_dir.parent.glob("content.before-restore-*"))
    assert len(aside) == 1 and content_files(aside[0]) == {
        "left-over.txt": b"written after the backup"
    }

    # The writer's batches: each all there or not at all, the ones before the backup there,
    # none from after it; they are a prefix of what the writer committed.
    counts = dict(
        db.session.execute(
            sa.select(AuditEvent.subject_id, sa.func.count())
            .where(AuditEvent.subject_type == "load")
            .group_by(AuditEvent.subject_id)
        ).all()
    )
    assert set(counts.values()) <= {BATCH}
    assert set(counts) == set(range(len(counts)))
    assert started_with <= len(counts) <= ended_with

    page = client.get(f"/verify/{code}")
    assert page.status_code == 200
    assert users_name(before, "L0001") in page.get_data(as_text=True)


def users_name(state: dict, employee_no: str) -> str:
    return next(name for number, name in state["people"] if number == employee_no)


# --- refusals: nothing changes -----------------------------------------------------------------


@pytest.fixture
def archive(app, filled, tmp_path) -> Path:
    path = tmp_path / "trainer.tar.gz"
    result = run(app, "backup", str(path))
    assert result.exit_code == 0, result.output
    # After the backup the installation moves on: a refused restore must leave this as it is.
    audit.record(None, LOAD_ACTION, "course", 1, note="after the backup")
    db.session.commit()
    (Path(app.config["CONTENT_DIR"]) / "paths" / "new.md").write_text("after the backup")
    return path


def rewrite(source: Path, target: Path, change) -> Path:
    """A copy of the archive with `change(name, data)` applied to each member's bytes."""
    with tarfile.open(source) as opened:
        members = [(m.name, opened.extractfile(m).read()) for m in opened.getmembers()]
    with tarfile.open(target, "w:gz") as written:
        for name, data in members:
            data = change(name, data)
            info = tarfile.TarInfo(name)
            info.size = len(data)
            written.addfile(info, io.BytesIO(data))
    return target


def changed_manifest(**fields):
    def change(name, data):
        if name != "manifest.json":
            return data
        return json.dumps({**json.loads(data), **fields}).encode()

    return change


def assert_refused(app, path: Path, message: str) -> None:
    content_dir = Path(app.config["CONTENT_DIR"])
    before, files_before = snapshot(), content_files(content_dir)
    result = run(app, "restore", str(path), "--yes")
    assert result.exit_code != 0
    assert "restore refused" in result.output and message in result.output, result.output
    assert snapshot() == before
    assert content_files(content_dir) == files_before
    assert not list(content_dir.parent.glob("content.before-restore-*"))


def test_a_damaged_archive_is_refused(app, archive, tmp_path):
    data = bytearray(archive.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 64] = bytes(64)
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(data))
    assert_refused(app, damaged, "damaged")


def test_a_member_that_differs_from_its_checksum_is_refused(app, archive, tmp_path):
    def change(name, data):
        return data + b"\n" if name.startswith("content/paths/") else data

    assert_refused(app, rewrite(archive, tmp_path / "edited.tar.gz", change), "checksum")


def test_a_member_missing_from_the_manifest_is_refused(app, archive, tmp_path):
    def change(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["files"] = [e for e in manifest["files"] if not e["path"].startswith("content/")]
        return json.dumps(manifest).encode()

    assert_refused(app, rewrite(archive, tmp_path / "extra.tar.gz", change), "not in the manifest")


def test_a_file_that_is_not_a_backup_is_refused(app, archive, tmp_path):
    text = tmp_path / "notes.tar.gz"
    text.write_text("hello")
    assert_refused(app, text, "is not a trainer backup")
    no_manifest = tmp_path / "plain.tar.gz"
    with tarfile.open(no_manifest, "w:gz") as written:
        written.add(archive, arcname="something.bin")
    assert_refused(app, no_manifest, "no manifest")


def test_a_backup_of_the_other_database_kind_is_refused(app, archive, tmp_path):
    other = "postgresql" if db.engine.dialect.name == "sqlite" else "sqlite"
    path = rewrite(archive, tmp_path / "other.tar.gz", changed_manifest(database=other))
    assert_refused(app, path, f"the backup is of a {other} database")


def test_a_backup_from_a_newer_revision_is_refused(app, archive, tmp_path):
    path = rewrite(
        archive, tmp_path / "newer.tar.gz", changed_manifest(alembic_revision="ffff0000")
    )
    assert_refused(app, path, "newer version of trainer")


def test_restore_asks_first_and_no_changes_nothing(app, archive):
    content_dir = Path(app.config["CONTENT_DIR"])
    before, files_before = snapshot(), content_files(content_dir)
    result = run(app, "restore", str(archive), input="n\n")
    assert result.exit_code != 0
    assert "Replace the database" in result.output
    assert snapshot() == before and content_files(content_dir) == files_before


def test_backup_does_not_overwrite_without_force(app, archive):
    result = run(app, "backup", str(archive))
    assert result.exit_code != 0 and "--force" in result.output
    assert run(app, "backup", str(archive), "--force").exit_code == 0


def test_the_revision_decides_upgrade_or_refusal(app):
    head = backup.code_head()
    older = next(
        script.revision
        for script in backup._script_directory().walk_revisions()
        if script.revision != head
    )
    kind = db.engine.dialect.name
    files = [{"path": "database.sqlite3" if kind == "sqlite" else "database.pgdump"}]
    schema = backup._current_schema() if kind == "postgresql" else None
    manifest = {"database": kind, "schema": schema, "files": files}
    assert backup.check_restorable({**manifest, "alembic_revision": None}) is False
    assert backup.check_restorable({**manifest, "alembic_revision": head}) is False
    assert backup.check_restorable({**manifest, "alembic_revision": older}) is True
    with pytest.raises(backup.BackupError, match="newer version"):
        backup.check_restorable({**manifest, "alembic_revision": "ffff0000"})

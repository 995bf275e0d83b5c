"""Backup and restore: one archive with the database, the content folder and a manifest.

The archive is a .tar.gz holding, in this order:

    manifest.json        format version, created at, database kind, Alembic revision,
                         app version, and every other member's size and sha256
    database.sqlite3     SQLite: a copy made with SQLite's online backup API
    database.pgdump      PostgreSQL: `pg_dump --format=custom` of the app's schema
    content/...          the content folder (courses/, paths/)

Course media and drafts live in the database, so these two hold everything. A restore checks
the whole archive (manifest, checksums, database kind, Alembic revision) before it changes
anything; then it replaces the database in one transaction and moves the content folder aside
(content.before-restore-<timestamp>) before putting the archived one in its place.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from trainer.extensions import db

FORMAT = "trainer-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
CONTENT_PREFIX = "content/"
_CHUNK = 1024 * 1024

# libpq reads these from the environment: the password never shows on a command line.
_LIBPQ_QUERY_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for the operator."""


@dataclass(frozen=True)
class RestorePlan:
    """A checked archive, unpacked in a temporary folder, ready to restore."""

    manifest: dict
    folder: Path
    needs_upgrade: bool


def database_kind() -> str:
    return db.engine.dialect.name


def app_version() -> str:
    try:
        return metadata.version("trainer")
    except metadata.PackageNotFoundError:
        return "unknown"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


# --- Alembic ---------------------------------------------------------------------------------


def _script_directory():
    from alembic.script import ScriptDirectory

    return ScriptDirectory(current_app.extensions["migrate"].directory)


def code_head() -> str | None:
    return _script_directory().get_current_head()


def _revision_of(connection) -> str | None:
    """The Alembic revision a database is at; None when it was made without migrations."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


# --- PostgreSQL ------------------------------------------------------------------------------


def _libpq_env() -> dict[str, str]:
    """The connection of the app's SQLAlchemy URL as libpq environment variables."""
    url = db.engine.url
    env = dict(os.environ)
    for name, value in {
        "PGHOST": url.host,
        "PGPORT": str(url.port) if url.port else None,
        "PGUSER": url.username,
        "PGPASSWORD": url.password,
        "PGDATABASE": url.database,
    }.items():
        if value:
            env[name] = value
        else:
            env.pop(name, None)
    for key, name in _LIBPQ_QUERY_ENV.items():
        if key in url.query:
            env[name] = str(url.query[key])
    return env


def _current_schema() -> str:
    with db.engine.connect() as connection:
        return connection.execute(sa.text("SELECT current_schema()")).scalar()


def _run(command: list[str], env: dict[str, str], stdin: bytes | None = None) -> bytes:
    try:
        finished = subprocess.run(  # noqa: S603 - fixed programs, no shell
            command, env=env, input=stdin, capture_output=True, check=False
        )
    except FileNotFoundError as error:
        raise BackupError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)"
        ) from error
    if finished.returncode != 0:
        message = finished.stderr.decode("utf-8", "replace").strip()
        raise BackupError(f"{command[0]} failed: {message}")
    return finished.stdout


def _dump_postgres(target: Path, schema: str) -> None:
    _run(
        [
            "pg_dump",
            "--format=custom",
            f"--schema={schema}",
            "--no-owner",
            "--no-privileges",
            f"--file={target}",
        ],
        _libpq_env(),
    )


def _restore_postgres(dump: Path, schema: str) -> None:
    """Replace the schema with the dump's, in one transaction: on any error, nothing changed.

    The schema is dropped first (tables a newer code added go too), then the dump's SQL
    (from pg_restore) recreates it; psql runs it all as one transaction.
    """
    env = _libpq_env()
    # The schema itself is made by the prefix below, so its entry (and its comment) is left
    # out of the dump's table of contents: the rest comes back as it was dumped.
    listing = _run(["pg_restore", "--list", str(dump)], env).decode("utf-8", "replace")
    schema_entry = f" SCHEMA - {schema} "
    kept = [line for line in listing.splitlines() if schema_entry not in line + " "]
    quoted = '"' + schema.replace('"', '""') + '"'
    prefix = f"DROP SCHEMA IF EXISTS {quoted} CASCADE;\nCREATE SCHEMA {quoted};\n"
    with tempfile.NamedTemporaryFile("w", suffix=".list", encoding="utf-8") as use_list:
        use_list.write("\n".join(kept) + "\n")
        use_list.flush()
        script = _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                f"--use-list={use_list.name}",
                "--file=-",
                str(dump),
            ],
            env,
        )
    db.session.remove()
    db.engine.dispose()
    _run(
        ["psql", "--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1"],
        env,
        stdin=prefix.encode() + script,
    )


# --- SQLite ----------------------------------------------------------------------------------


def _sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise BackupError("the SQLite database is in memory: there is nothing to back up")
    return Path(database)


def _dump_sqlite(target: Path) -> str | None:
    """Copy the live database with SQLite's online backup API (one step: a consistent
    snapshot while writers go on, WAL lets them), then make the copy one self-contained
    file. Returns the copy's Alembic revision."""
    source = sqlite3.connect(_sqlite_path())
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")
        if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the copy of the database failed SQLite's integrity check")
        has_version = copy.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
        ).fetchone()
        row = (
            copy.execute("SELECT version_num FROM alembic_version").fetchone()
            if has_version
            else None
        )
        return row[0] if row else None
    finally:
        copy.close()
        source.close()


def _restore_sqlite(copy_path: Path) -> None:
    """Overwrite the live database with the copy, through the backup API: one locked step,
    so a failure leaves the database as it was."""
    db.session.remove()
    db.engine.dispose()
    copy = sqlite3.connect(copy_path)
    live = sqlite3.connect(_sqlite_path(), timeout=30)
    try:
        copy.backup(live)
    finally:
        live.close()
        copy.close()


# --- Backup ----------------------------------------------------------------------------------


def _content_dir() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


def create_backup(target: Path) -> dict:
    """Write the archive to `target` (via a temporary file next to it, renamed at the end:
    a half-written archive never has the final name). Returns the manifest."""
    target = Path(target)
    kind = database_kind()
    if kind not in ("sqlite", "postgresql"):
        raise BackupError(f"backing up a {kind} database is not supported")
    with tempfile.TemporaryDirectory(prefix="trainer-backup-") as work:
        work_dir = Path(work)
        files: list[tuple[str, Path]] = []
        schema = None
        if kind == "sqlite":
            dump = work_dir / SQLITE_MEMBER
            revision = _dump_sqlite(dump)
        else:
            schema = _current_schema()
            with db.engine.connect() as connection:
                revision = _revision_of(connection)
            dump = work_dir / POSTGRES_MEMBER
            _dump_postgres(dump, schema)
        files.append((dump.name, dump))
        # The content folder is copied first, then hashed and archived from the copy: an
        # edit during the backup cannot make a member differ from its checksum.
        content = work_dir / "content"
        source = _content_dir()
        if source.is_dir():
            shutil.copytree(source, content)
            for path in sorted(p for p in content.rglob("*") if p.is_file()):
                files.append((CONTENT_PREFIX + path.relative_to(content).as_posix(), path))
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": _now().isoformat(timespec="seconds"),
            "database": kind,
            "schema": schema,
            "alembic_revision": revision,
            "app_version": app_version(),
            "files": [
                {"path": name, "size": path.stat().st_size, "sha256": _sha256(path)}
                for name, path in files
            ],
        }
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f".{target.name}.partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                data = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(_now().timestamp())
                archive.addfile(info, io.BytesIO(data))
                for name, path in files:
                    archive.add(path, arcname=name, recursive=False)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


# --- Restore ---------------------------------------------------------------------------------


def _safe_member_name(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not Path(name).is_absolute() and ".." not in parts


def unpack(archive_path: Path, folder: Path) -> dict:
    """Unpack and check the archive: a readable manifest of this format, only regular files,
    each listed in the manifest with its size and sha256, none missing. Returns the manifest."""
    not_backup = f"{archive_path} is not a trainer backup"
    try:
        with tarfile.open(archive_path, "r:gz") as archive:
            members = archive.getmembers()
            if not members or members[0].name != MANIFEST:
                raise BackupError(f"{not_backup} (no manifest)")
            for member in members:
                if not member.isfile() or not _safe_member_name(member.name):
                    raise BackupError(f"{not_backup} (unexpected member {member.name!r})")
            archive.extractall(folder, filter="data")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise BackupError(f"{not_backup} or it is damaged ({error})") from error
    try:
        manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"{not_backup} (the manifest is not valid JSON)") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{not_backup} (unknown manifest)")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"backup format version {manifest.get('format_version')!r} is not supported "
            f"(this code reads version {FORMAT_VERSION})"
        )
    listed = {entry["path"]: entry for entry in manifest.get("files", [])}
    present = {m.name for m in members} - {MANIFEST}
    if missing := sorted(set(listed) - present):
        raise BackupError(f"the backup is damaged: missing {', '.join(missing)}")
    if extra := sorted(present - set(listed)):
        raise BackupError(f"the backup is damaged: files not in the manifest: {', '.join(extra)}")
    for name, entry in sorted(listed.items()):
        path = folder / name
        if path.stat().st_size != entry.get("size") or _sha256(path) != entry.get("sha256"):
            raise BackupError(f"the backup is damaged: {name} does not match its checksum")
    return manifest


def check_restorable(manifest: dict) -> bool:
    """Refuse a backup this installation cannot take. Returns whether the database needs
    `flask db upgrade` after the restore (the backup is from an older revision)."""
    kind = database_kind()
    if manifest.get("database") != kind:
        raise BackupError(
            f"the backup is of a {manifest.get('database')} database; this installation uses {kind}"
        )
    member = SQLITE_MEMBER if kind == "sqlite" else POSTGRES_MEMBER
    if member not in {entry["path"] for entry in manifest["files"]}:
        raise BackupError(f"the backup is damaged: it has no {member}")
    if kind == "postgresql" and manifest.get("schema") != _current_schema():
        raise BackupError(
            f"the backup is of schema {manifest.get('schema')!r}; "
            f"this installation uses {_current_schema()!r}"
        )
    revision = manifest.get("alembic_revision")
    if revision is None:
        return False
    head = code_head()
    if revision == head:
        return False
    known = {script.revision for script in _script_directory().walk_revisions()}
    if revision not in known:
        raise BackupError(
            f"the backup is from a newer version of trainer (database revision {revision}, "
            f"this code knows up to {head}): install that version to restore it"
        )
    return True


def prepare_restore(archive_path: Path, folder: Path) -> RestorePlan:
    manifest = unpack(Path(archive_path), folder)
    return RestorePlan(manifest, folder, needs_upgrade=check_restorable(manifest))


def restore(plan: RestorePlan) -> Path | None:
    """Replace the database, then the content folder. Returns where the old content folder
    was moved (None when there was none)."""
    if plan.manifest["database"] == "sqlite":
        _restore_sqlite(plan.folder / SQLITE_MEMBER)
    else:
        _restore_postgres(plan.folder / POSTGRES_MEMBER, plan.manifest["schema"])
    db.engine.dispose()
    if plan.needs_upgrade:
        from flask_migrate import upgrade

        upgrade()
    return _swap_content(plan.folder / "content")


def _swap_content(restored: Path) -> Path | None:
    content = _content_dir()
    content.parent.mkdir(parents=True, exist_ok=True)
    # Copied next to the content folder first, so the swap is two renames on one filesystem.
    incoming = content.with_name(f".{content.name}.restoring")
    shutil.rmtree(incoming, ignore_errors=True)
    if restored.is_dir():
        shutil.copytree(restored, incoming)
    else:
        incoming.mkdir()
    aside = None
    if content.exists():
        stamp = _now().strftime("%Y%m%dT%H%M%SZ")
        aside = content.with_name(f"{content.name}.before-restore-{stamp}")
        number = 1
        while aside.exists():  # two restores in one second keep both old folders
            number += 1
            aside = content.with_name(f"{content.name}.before-restore-{stamp}-{number}")
        content.rename(aside)
    incoming.rename(content)
    return aside

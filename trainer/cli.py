"""`flask --app app trainer ...` commands for operators."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from trainer.extensions import db
from trainer.models import ROLES

trainer_cli = AppGroup("trainer", help="Trainer administration commands.")


@trainer_cli.command("create-user")
@click.option("--employee-no", required=True, help="Unique employee number (工号); sign-in name.")
@click.option("--name", "display_name", required=True, help="Display name, e.g. 张三.")
@click.option("--email", default=None, help="Optional e-mail; can also be used to sign in.")
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice(ROLES),
    default=("learner",),
    show_default=True,
    help="Repeat for several roles.",
)
@click.option("--department", default=None, help="Department path, e.g. 公司/华东区/上海一店.")
@click.option("--position", default=None, help="Position code, e.g. sales-associate.")
@click.option("--hire-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.password_option(help="Password (asked for when not given).")
def create_user_command(
    employee_no, display_name, email, roles, department, position, hire_date, password
):
    """Create one user account."""
    from trainer.auth.service import MIN_PASSWORD_LENGTH
    from trainer.hr.people.service import NewUser, PeopleError, create_user

    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.UsageError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    try:
        user = create_user(
            NewUser(
                employee_no=employee_no.strip(),
                display_name=display_name.strip(),
                password=password,
                roles=frozenset(roles),
                email=email,
                hire_date=hire_date.date() if hire_date else None,
                department_path=department,
                position_code=position,
            )
        )
        db.session.commit()
    except PeopleError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(
        f"created {user.employee_no} ({user.display_name}) with roles "
        f"{', '.join(sorted(user.roles))}"
    )


@trainer_cli.command("setup")
@click.option("--demo", is_flag=True, help="Also create the demo organisation and accounts.")
def setup_command(demo: bool):
    """Migrate the database, load content and (with --demo) create demo accounts.

    Safe to run again: it only adds what is missing.
    """
    from flask_migrate import upgrade

    from trainer.courses.sync import sync_content
    from trainer.demo import create_demo_accounts, ensure_positions

    upgrade()
    click.echo("database: schema up to date")
    ensure_positions()
    db.session.commit()
    report = sync_content(current_app.config["CONTENT_DIR"])
    click.echo(f"content: {report.summary() or 'no courses found'}")
    for slug, outcome in sorted(report.outcomes.items()):
        if outcome == "error":
            click.echo(f"  {slug}: has errors; see `flask --app app trainer content check`")
    if demo:
        password = current_app.config["DEMO_PASSWORD"]
        created = create_demo_accounts(password)
        click.echo("demo accounts (sign in with the name on the left):")
        for employee_no, name, is_new in created:
            click.echo(f"  {employee_no:<15} {name}{'' if is_new else '  (already there)'}")
        click.echo(f"demo password: {password}")


content_cli = AppGroup("content", help="Check and load the Markdown courses.")
trainer_cli.add_command(content_cli)


def _cli_locale() -> str:
    return "en" if current_app.config["BABEL_DEFAULT_LOCALE"] == "en" else "zh"


@content_cli.command("check")
@click.argument("path", required=False, type=click.Path(exists=True, path_type=Path))
def content_check_command(path: Path | None):
    """Validate one course folder or all courses; print every problem as file:line: message."""
    from trainer.content import format_problem, load_catalogue, load_course

    content_dir = current_app.config["CONTENT_DIR"]
    target = path.resolve() if path else Path(content_dir)
    is_single_course = (target / "course.md").exists()
    # A single course is still checked inside its catalogue, so prerequisites resolve.
    catalogue = load_catalogue(target.parent if is_single_course else target)
    slugs = [target.name] if is_single_course else sorted(catalogue.problems)
    if is_single_course and target.name not in catalogue.problems:
        # A course folder outside a catalogue (the starter template, a copy being written
        # elsewhere): checked on its own, its prerequisites unresolved.
        _course, problems = load_course(target)
        catalogue.problems[target.name] = problems
    locale = _cli_locale()
    errors = warnings = 0
    for slug in slugs:
        for problem in catalogue.problems.get(slug, []):
            click.echo(format_problem(problem, locale))
            errors += problem.is_error
            warnings += not problem.is_error
    if not is_single_course:
        from trainer.content.paths import load_paths

        paths_root = target if (target / "paths").is_dir() else Path(content_dir)
        paths = load_paths(paths_root, set(catalogue.courses) | set(catalogue.problems))
        for problem in paths.problems:
            click.echo(format_problem(problem, locale))
            errors += problem.is_error
            warnings += not problem.is_error
        click.echo(f"checked {len(paths.tracks)} career path(s)")
    click.echo(f"checked {len(slugs)} course(s): {errors} error(s), {warnings} warning(s)")
    if errors:
        raise SystemExit(1)


@content_cli.command("sync")
def content_sync_command():
    """Load all courses into the database; unchanged courses are skipped."""
    from trainer.courses.sync import sync_content

    report = sync_content(current_app.config["CONTENT_DIR"])
    for slug, outcome in sorted(report.outcomes.items()):
        click.echo(f"{slug}: {outcome}")
    click.echo(f"synced: {report.summary() or 'no courses found'}")
    if any(outcome == "error" for outcome in report.outcomes.values()):
        click.echo("some courses have errors: run `flask --app app trainer content check`")
        raise SystemExit(1)


quizzes_cli = AppGroup("quizzes", help="Theory-exam housekeeping.")
trainer_cli.add_command(quizzes_cli)


@quizzes_cli.command("close-expired")
def close_expired_command():
    """Grade every open attempt whose time limit has passed, as it stood at the deadline."""
    from trainer.quizzes.service import close_expired

    click.echo(f"closed {close_expired()} expired attempt(s)")


staff_cli = AppGroup("staff", help="Staff import for nightly syncs from an HR system.")
trainer_cli.add_command(staff_cli)


@staff_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--apply", "apply_changes", is_flag=True, help="Apply the changes (without it, only preview)."
)
def staff_import_command(file: Path, apply_changes: bool):
    """Preview (or with --apply, apply) a staff CSV/XLSX; exits 1 on any bad row."""
    from flask_babel import force_locale

    # Problems are printed in the site's language (there is no request to choose one).
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        _staff_import(file, apply_changes)


def _staff_import(file: Path, apply_changes: bool) -> None:
    from trainer.clock import local_today
    from trainer.hr.staff import importer
    from trainer.hr.staff.reading import read_staff_file

    parsed = read_staff_file(file.read_bytes(), file.name)
    plan = importer.plan_import(parsed, None, local_today())
    counts = plan.counts()
    click.echo(
        f"{file.name}: {len(parsed.rows)} row(s); "
        + ", ".join(f"{action} {count}" for action, count in counts.items())
        + f"; new departments {len(plan.new_departments)}"
    )
    if not plan.ok:
        for problem in plan.problems:
            click.echo(problem.describe(), err=True)
        click.echo(f"{len(plan.problems)} problem(s): nothing was imported", err=True)
        raise SystemExit(1)
    if not apply_changes:
        click.echo("preview only: run again with --apply to import")
        return
    try:
        outcome = importer.apply_file(parsed, None, file.name, local_today())
    except importer.ImportRejected as error:  # the staff changed since the preview above
        for problem in error.plan.problems:
            click.echo(problem.describe(), err=True)
        raise SystemExit(1) from error
    click.echo("applied: " + ", ".join(f"{key} {value}" for key, value in outcome.items()))


plans_cli = AppGroup("plans", help="Skill plans.")
trainer_cli.add_command(plans_cli)


@plans_cli.command("sync")
def plans_sync_command():
    """Assign this year's plans to everyone they target (safe to repeat)."""
    from trainer.clock import local_today
    from trainer.hr.plans.service import sync_all

    result = sync_all(None, local_today())
    click.echo(
        f"assignments: {result.added} added, {result.restored} restored, "
        f"{result.withdrawn} withdrawn, {result.redated} new due dates"
    )


reminders_cli = AppGroup("reminders", help="E-mail reminders and in-app notifications.")
trainer_cli.add_command(reminders_cli)


@reminders_cli.command("send")
def reminders_send_command():
    """Queue what is due and send it by e-mail; never sends the same reminder twice."""
    from trainer.clock import local_today
    from trainer.hr.reminders.service import MailSettings, send_reminders

    config = current_app.config
    report = send_reminders(
        MailSettings.from_config(config),
        local_today(),
        config["REMINDER_DAYS"],
        config["BABEL_DEFAULT_LOCALE"],
        config["SITE_NAME"],
        config["BASE_URL"],
    )
    click.echo(f"reminders: {report.queued} new, {report.sent} e-mailed, {report.failed} failed")
    if not report.mail_configured:
        click.echo("TRAINER_SMTP_HOST is not set: reminders are shown in the app only")
    for error in report.errors:
        click.echo(f"  {error}", err=True)
    if report.failed:
        raise SystemExit(1)


quiz_cli = AppGroup("quiz", help="Question banks: GIFT import and export.")
trainer_cli.add_command(quiz_cli)


def _course_dir_or_fail(slug: str) -> Path:
    course_dir = Path(current_app.config["CONTENT_DIR"]) / "courses" / slug
    if not (course_dir / "course.md").is_file():
        raise click.ClickException(
            f"no course '{slug}' in {course_dir.parent}: give the folder name of a course"
        )
    return course_dir


@quiz_cli.command("import-gift")
@click.argument("gift_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--course", "slug", required=True, help="Course folder name, e.g. sales-seven-steps.")
def import_gift_command(gift_file: Path, slug: str):
    """Convert a Moodle GIFT file and append its questions to the course's quiz.md."""
    from trainer.content import load_course
    from trainer.content.gift import import_gift_bytes

    course_dir = _course_dir_or_fail(slug)
    quiz_path = course_dir / "quiz.md"
    course, _problems = load_course(course_dir)
    taken = {q.id for q in course.questions} if course else set()
    if quiz_path.exists() and not course:
        # The bank itself may be broken; still keep ids unique by reading the headings.
        taken = {
            line[3:].strip()
            for line in quiz_path.read_text(encoding="utf-8").splitlines()
            if line.startswith("## ")
        }
    result = import_gift_bytes(gift_file.read_bytes(), taken_ids=taken)
    for item in result.not_converted:
        message = item.message_en if _cli_locale() == "en" else item.message_zh
        click.echo(f"{gift_file.name}:{item.line}: {message}")
    if result.imported:
        existing = quiz_path.read_text(encoding="utf-8") if quiz_path.exists() else ""
        separator = "" if not existing else ("\n" if existing.endswith("\n") else "\n\n")
        quiz_path.write_text(existing + separator + result.quiz_md, encoding="utf-8")
    click.echo(result.summary())


@quiz_cli.command("export-gift")
@click.option("--course", "slug", required=True, help="Course folder name, e.g. sales-seven-steps.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
def export_gift_command(slug: str, output: Path | None):
    """Write the course's question bank as Moodle GIFT."""
    from trainer.content import format_problem, load_course
    from trainer.content.gift import export_gift

    course, problems = load_course(_course_dir_or_fail(slug))
    if course is None:
        for problem in problems:
            click.echo(format_problem(problem, _cli_locale()), err=True)
        raise click.ClickException("the course has errors; fix them first (content check)")
    result = export_gift(course.questions)
    if output:
        output.write_text(result.text, encoding="utf-8")
    else:
        click.echo(result.text, nl=False)
    for item in result.not_exported:
        message = item.message_en if _cli_locale() == "en" else item.message_zh
        click.echo(f"quiz.md:{item.line}: {message}", err=True)
    click.echo(result.summary(), err=bool(not output))


@trainer_cli.command("worker")
@click.option("--threads", default=2, show_default=True, help="Jobs run at the same time.")
@click.option(
    "--scheduler/--no-scheduler",
    default=True,
    show_default=True,
    help="Also enqueue the timetable's jobs (close expired attempts, reminders, "
    "career levels, recertification windows). Run it in one process only.",
)
def worker_command(threads: int, scheduler: bool):
    """Run background jobs (certificates, level certificates, reminders) until stopped.

    Stop it with Ctrl-C or SIGINT (jobs in progress finish first). A job enqueued while no
    worker runs waits in the queue; a job lost with a killed worker is enqueued again."""
    from trainer.jobs import jobs_of

    huey = jobs_of().huey
    if huey.immediate:
        raise click.ClickException("TRAINER_JOBS_IMMEDIATE is on: jobs run without a worker")
    _log_to_stderr()
    huey.create_consumer(workers=threads, worker_type="thread", periodic=scheduler).run()


@trainer_cli.command("scheduler")
def scheduler_command():
    """Only enqueue the timetable's jobs on time (workers run them): for installations
    that run `trainer worker --no-scheduler` on several hosts. Run exactly one."""
    from trainer.jobs import jobs_of
    from trainer.jobs.scheduler import run_scheduler

    _log_to_stderr()
    run_scheduler(jobs_of().huey)


@trainer_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite PATH when it exists.")
def backup_command(path: Path, force: bool):
    """Write one archive (.tar.gz) with the database, the content folder and a manifest.

    Safe while the app runs: SQLite is copied with its online backup API, PostgreSQL with
    pg_dump (one consistent snapshot)."""
    from trainer.backup import BackupError, create_backup

    if path.exists() and not force:
        raise click.ClickException(f"{path} exists (use --force to overwrite it)")
    try:
        manifest = create_backup(path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    size = sum(entry["size"] for entry in manifest["files"])
    click.echo(
        f"backup written to {path}: {manifest['database']} database at revision "
        f"{manifest['alembic_revision'] or '(none)'}, {len(manifest['files'])} files, "
        f"{size} bytes before compression"
    )


@trainer_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(path: Path, yes: bool):
    """Replace the database and the content folder with a backup's.

    Checks the whole archive first (manifest, checksums, database kind, revision) and
    changes nothing when a check fails. Stop the app servers and workers first. The current
    content folder is moved aside to content.before-restore-<timestamp>. A backup from an
    older revision is migrated (`flask db upgrade`) after the restore."""
    import tempfile

    from trainer.backup import BackupError, prepare_restore, restore

    with tempfile.TemporaryDirectory(prefix="trainer-restore-") as work:
        try:
            plan = prepare_restore(path, Path(work))
        except BackupError as error:
            raise click.ClickException(f"restore refused: {error}") from error
        manifest = plan.manifest
        content_dir = current_app.config["CONTENT_DIR"]
        click.echo(
            f"backup of {manifest['created_at']}: {manifest['database']} database at revision "
            f"{manifest['alembic_revision'] or '(none)'}, app version {manifest['app_version']}"
        )
        if plan.needs_upgrade:
            click.echo("its revision is older than this code's: `flask db upgrade` runs after it")
        if not yes:
            click.confirm(f"Replace the database and {content_dir} with this backup?", abort=True)
        try:
            aside = restore(plan)
        except BackupError as error:
            raise click.ClickException(f"restore failed: {error}") from error
    click.echo("database restored" + (" and upgraded" if plan.needs_upgrade else ""))
    if aside:
        click.echo(f"content restored; the previous content folder is at {aside}")
    else:
        click.echo("content restored")


def _log_to_stderr() -> None:
    from trainer.observability.logs import configure_logging

    configure_logging(current_app.config["LOG_FORMAT"])

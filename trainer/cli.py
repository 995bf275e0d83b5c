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
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), default=("learner",),
              show_default=True, help="Repeat for several roles.")
@click.option("--department", default=None, help="Department path, e.g. 公司/华东区/上海一店.")
@click.option("--position", default=None, help="Position code, e.g. sales-associate.")
@click.option("--hire-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None)
@click.password_option(help="Password (asked for when not given).")
def create_user_command(employee_no, display_name, email, roles, department, position,
                        hire_date, password):
    """Create one user account."""
    from trainer.auth.service import MIN_PASSWORD_LENGTH
    from trainer.people.service import NewUser, PeopleError, create_user

    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.UsageError(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    try:
        user = create_user(NewUser(
            employee_no=employee_no.strip(), display_name=display_name.strip(),
            password=password, roles=frozenset(roles), email=email,
            hire_date=hire_date.date() if hire_date else None,
            department_path=department, position_code=position,
        ))
        db.session.commit()
    except PeopleError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    click.echo(f"created {user.employee_no} ({user.display_name}) with roles "
               f"{', '.join(sorted(user.roles))}")


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
    from trainer.content import format_problem, load_catalogue

    content_dir = current_app.config["CONTENT_DIR"]
    target = path.resolve() if path else Path(content_dir)
    is_single_course = (target / "course.md").exists()
    # A single course is still checked inside its catalogue, so prerequisites resolve.
    catalogue = load_catalogue(target.parent if is_single_course else target)
    slugs = [target.name] if is_single_course else sorted(catalogue.problems)
    locale = _cli_locale()
    errors = warnings = 0
    for slug in slugs:
        for problem in catalogue.problems.get(slug, []):
            click.echo(format_problem(problem, locale))
            errors += problem.is_error
            warnings += not problem.is_error
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

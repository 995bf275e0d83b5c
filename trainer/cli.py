"""`flask --app app trainer ...` commands for operators."""

from __future__ import annotations

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

    from trainer.demo import create_demo_accounts, ensure_positions

    upgrade()
    click.echo("database: schema up to date")
    ensure_positions()
    db.session.commit()
    for line in _sync_content_lines():
        click.echo(line)
    if demo:
        password = current_app.config["DEMO_PASSWORD"]
        created = create_demo_accounts(password)
        click.echo("demo accounts (sign in with the name on the left):")
        for employee_no, name, is_new in created:
            click.echo(f"  {employee_no:<15} {name}{'' if is_new else '  (already there)'}")
        click.echo(f"demo password: {password}")


def _sync_content_lines() -> list[str]:
    """Filled in by the content package once it is registered (see trainer.courses)."""
    sync = current_app.extensions.get("trainer.content_sync")
    return sync() if sync else []

"""HR/admin: find staff, start a password reset, deactivate or reactivate, change roles.

Who may do what to whom is trainer.auth.authority's rule; every action is audited."""

import smtplib

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trainer.auth import resets
from trainer.auth.access import role_required
from trainer.auth.authority import Refused, grantable_roles, may_manage
from trainer.auth.forms import EmptyForm
from trainer.extensions import db
from trainer.hr.invitations.views import group_form
from trainer.hr.people import service
from trainer.hr.reminders.service import MailSettings
from trainer.i18n import format_moment
from trainer.models import ROLES, User
from trainer.security import db_int

bp = Blueprint("people", __name__, url_prefix="/hr/people")
PAGE_SIZE = 50

REFUSALS = {
    "not-yourself": _l(
        "You cannot manage your own account here. To change your own "
        "password, use “Change password”."
    ),
    "not-for-hr": _l(
        "Only an administrator can manage people who hold the HR or administrator role."
    ),
    "not-allowed": _l("You may not manage this person."),
    "role-not-grantable": _l("You may only give or take away these roles: %(roles)s."),
    "no-roles": _l("Keep at least one role; to stop someone signing in, deactivate them."),
    "no-email": _l(
        "This person has no e-mail address, and a printed reset code is only for "
        "learners. Add their e-mail address first (staff import)."
    ),
    "no-mail-server": _l(
        "No mail server is set up (TRAINER_SMTP_HOST), so the reset link "
        "cannot be sent. A printed reset code is only for learners."
    ),
}


def get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


def _flash_refusal(error: Refused) -> None:
    from trainer.navigation import ROLE_LABELS

    labels = "、".join(
        str(ROLE_LABELS[role]) for role in ROLES if role in grantable_roles(current_user.roles)
    )
    flash(
        REFUSALS[error.code] % {"roles": labels}
        if error.code == "role-not-grantable"
        else REFUSALS[error.code],
        "error",
    )


@bp.get("/")
@role_required("hr", "admin")
def index():
    query = (request.args.get("q") or "").strip()
    page = max(request.args.get("page", 1, type=db_int) or 1, 1)
    statement = sa.select(User).order_by(User.employee_no)
    if query:
        pattern = f"%{query}%"
        statement = statement.where(
            sa.or_(
                User.employee_no.ilike(pattern),
                User.display_name.ilike(pattern),
                User.email.ilike(pattern),
            )
        )
    pagination = db.paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False)
    manageable = {person.id for person in pagination.items if may_manage(current_user, person)}
    return render_template(
        "people/index.html",
        pagination=pagination,
        query=query,
        form=EmptyForm(),
        manageable=manageable,
        grantable=[r for r in ROLES if r in grantable_roles(current_user.roles)],
        invite_form=group_form(),
    )


def _reset_mail_texts(person: User):
    def texts(link: str, expires_at) -> tuple[str, str]:
        with force_locale(person.locale or current_app.config["BABEL_DEFAULT_LOCALE"]):
            subject = _("[%(site)s] Choose a new password", site=current_app.config["SITE_NAME"])
            body = _(
                "Hello %(name)s,\n\n%(by)s started a password reset for your account. Open "
                "this link to choose a new password (it works once, until %(until)s):\n\n"
                "%(link)s\n\nIf you did not ask for this, ignore this e-mail: your current "
                "password keeps working. Tell HR if it happens again.",
                name=person.display_name,
                by=current_user.display_name,
                link=link,
                until=format_moment(expires_at),
            )
        return subject, body

    return texts


@bp.post("/<int:user_id>/reset-password")
@role_required("hr", "admin")
def reset_password(user_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = get_user_or_404(user_id)
    settings = MailSettings.from_config(current_app.config)
    try:
        started = resets.start_reset(
            current_user,
            user,
            # The configured address, never the request's Host header (reset-link poisoning).
            link_for=lambda token: (
                current_app.config["BASE_URL"] + url_for("auth.reset_with_link", token=token)
            ),
            send=resets.smtp_sender(settings) if settings else None,
            texts=_reset_mail_texts(user),
        )
    except Refused as error:
        _flash_refusal(error)
    except (OSError, smtplib.SMTPException):
        flash(
            _(
                "The reset e-mail could not be sent; nothing was changed. Try again later or "
                "ask the administrator to check the mail server."
            ),
            "error",
        )
    else:
        if started.kind == "link":
            flash(
                _(
                    "A one-time link to choose a new password was sent to %(name)s's e-mail "
                    "address. It works until %(until)s.",
                    name=user.display_name,
                    until=format_moment(started.expires_at),
                ),
                "success",
            )
        else:
            return render_template("people/reset_code.html", person=user, started=started)
    return redirect(url_for("people.index", q=user.employee_no))


@bp.post("/<int:user_id>/active")
@role_required("hr", "admin")
def set_active(user_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = get_user_or_404(user_id)
    active = request.form.get("active") == "1"
    try:
        service.set_active(current_user, user, active)
    except Refused as error:
        _flash_refusal(error)
    else:
        if active:
            flash(_("%(name)s can sign in again.", name=user.display_name), "success")
        else:
            flash(
                _(
                    "%(name)s has been deactivated and can no longer sign in.",
                    name=user.display_name,
                ),
                "success",
            )
    return redirect(url_for("people.index", q=user.employee_no))


@bp.post("/<int:user_id>/roles")
@role_required("hr", "admin")
def change_roles(user_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = get_user_or_404(user_id)
    wanted = {role for role in request.form.getlist("roles") if role in ROLES}
    # Roles the actor cannot grant are not on their form: keep whatever the person has.
    keep = user.roles - grantable_roles(current_user.roles)
    try:
        changed = service.change_roles(current_user, user, wanted | keep)
    except Refused as error:
        _flash_refusal(error)
    else:
        if changed:
            flash(_("The roles of %(name)s have been changed.", name=user.display_name), "success")
    return redirect(url_for("people.index", q=user.employee_no))

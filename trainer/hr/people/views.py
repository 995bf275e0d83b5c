"""HR/admin: find staff, reset a password, deactivate or reactivate an account."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth import service
from trainer.auth.access import role_required
from trainer.auth.forms import EmptyForm
from trainer.auth.views import AUTH_MESSAGES
from trainer.extensions import db
from trainer.models import User

bp = Blueprint("people", __name__, url_prefix="/hr/people")
PAGE_SIZE = 50


def get_user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    return user


@bp.get("/")
@role_required("hr", "admin")
def index():
    query = (request.args.get("q") or "").strip()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    statement = sa.select(User).order_by(User.employee_no)
    if query:
        pattern = f"%{query}%"
        statement = statement.where(
            sa.or_(User.employee_no.ilike(pattern), User.display_name.ilike(pattern),
                   User.email.ilike(pattern))
        )
    pagination = db.paginate(statement, page=page, per_page=PAGE_SIZE, error_out=False)
    return render_template("people/index.html", pagination=pagination, query=query,
                           form=EmptyForm())


@bp.post("/<int:user_id>/reset-password")
@role_required("hr", "admin")
def reset_password(user_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = get_user_or_404(user_id)
    temporary = service.reset_password(user)
    flash(
        _("Temporary password for %(name)s (%(no)s): %(password)s — they must choose a new one "
          "when they next sign in. It is shown only this once.",
          name=user.display_name, no=user.employee_no, password=temporary),
        "success",
    )
    return redirect(url_for("people.index", q=user.employee_no))


@bp.post("/<int:user_id>/active")
@role_required("hr", "admin")
def set_active(user_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    user = get_user_or_404(user_id)
    active = request.form.get("active") == "1"
    try:
        service.set_active(user, active, current_user)
    except service.AuthError as error:
        flash(AUTH_MESSAGES[error.code], "error")
    else:
        if active:
            flash(_("%(name)s can sign in again.", name=user.display_name), "success")
        else:
            flash(_("%(name)s has been deactivated and can no longer sign in.",
                    name=user.display_name), "success")
    return redirect(url_for("people.index", q=user.employee_no))

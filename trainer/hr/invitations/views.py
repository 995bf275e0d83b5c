"""HR: invite a group (or the people of an imported file) in one action, follow the job,
download the printable sheets."""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from trainer.auth.access import role_required
from trainer.auth.authority import Refused
from trainer.auth.forms import EmptyForm
from trainer.hr.invitations import service
from trainer.hr.invitations.forms import InviteGroupForm
from trainer.hr.staff import importer, organisation

bp = Blueprint("invitations", __name__, url_prefix="/hr/invitations")
HR = ("hr", "admin")
SELECTION_MESSAGES = {
    "choose-group": _l("Choose a department or a hire date (or both) to invite."),
    "no-department": _l("That department does not exist any more. Choose another one."),
    "not-imported": _l("This file has not been imported yet: apply it first, then invite."),
}


def group_form() -> InviteGroupForm:
    """The form with the organisation's departments (the people page shows it too)."""
    form = InviteGroupForm()
    form.department.choices = [SelectChoice(0, _("(any department)"))] + [
        SelectChoice(department_id, path)
        for department_id, path in organisation.department_choices()
    ]
    return form


def _started(batch):
    flash(
        _("The invitations are being prepared: the e-mails go out and the sheets are printed."),
        "success",
    )
    return redirect(url_for("invitations.show", batch_id=batch.id))


@bp.post("/")
@role_required(*HR)
def invite_group():
    form = group_form()
    if not form.validate_on_submit():
        if form.hired_since.errors:
            flash(_("Write the hire date as YYYY-MM-DD."), "error")
        elif form.department.errors:
            flash(SELECTION_MESSAGES["no-department"], "error")
        else:
            abort(400)  # no CSRF token: not our form
        return redirect(url_for("people.index"))
    try:
        selection = service.group_selection(form.department.data or None, form.hired_since.data)
    except service.SelectionError as error:
        flash(SELECTION_MESSAGES[error.code], "error")
        return redirect(url_for("people.index"))
    return _started(service.request_invitations(current_user, selection))


@bp.post("/import/<token>")
@role_required(*HR)
def invite_import(token: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    batch = importer.get_batch(token, owner=current_user)
    if batch is None:
        abort(404)
    try:
        selection = service.import_selection(batch, current_user)
    except (service.SelectionError, Refused) as error:
        flash(SELECTION_MESSAGES.get(error.code, _("You may not do this.")), "error")
        return redirect(url_for("staff.import_preview", token=token))
    return _started(service.request_invitations(current_user, selection))


def _own_batch_or_404(batch_id: int):
    batch = service.get_batch_or_none(batch_id, owner=current_user)
    if batch is None:
        abort(404)
    return batch


@bp.get("/<int:batch_id>")
@role_required(*HR)
def show(batch_id: int):
    batch = _own_batch_or_404(batch_id)
    return render_template(
        "invitations/show.html", batch=batch, group=service.describe(batch.selection)
    )


@bp.get("/<int:batch_id>/sheets.pdf")
@role_required(*HR)
def sheets(batch_id: int):
    batch = _own_batch_or_404(batch_id)
    content = service.sheets_of(batch) if batch.status == "done" else None
    if content is None:
        abort(404)
    response = make_response(content)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="invitations-{batch.id}.pdf"'
    response.headers["Cache-Control"] = "no-store"  # live sign-in codes
    return response

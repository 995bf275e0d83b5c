"""HR: import staff from a file (upload → preview → confirm), and manage departments and
positions."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from trainer.auth.access import role_required
from trainer.auth.forms import EmptyForm
from trainer.clock import local_today
from trainer.extensions import db
from trainer.hr.staff import importer, organisation
from trainer.hr.staff.forms import (
    DEPARTMENT_KIND_LABELS,
    AddDepartmentForm,
    AddPositionForm,
    MoveDepartmentForm,
    RenameForm,
    UploadForm,
)
from trainer.models import Department, Position
from trainer.security import accepts_upload

bp = Blueprint("staff", __name__, url_prefix="/hr")
HR = ("hr", "admin")
PREVIEW_ROWS = 200
PREVIEW_PROBLEMS = 500
FIELD_LABELS = {
    "name": _l("Name"),
    "email": _l("E-mail"),
    "department": _l("Department"),
    "position": _l("Position"),
    "hire_date": _l("Hire date"),
    "roles": _l("Roles"),
}
ORGANISATION_MESSAGES = {
    "name-missing": _l("Write a name."),
    "name-too-long": _l("The name is too long: at most %(num)s characters."),
    "slash-in-name": _l("A name cannot contain “/”: it separates the levels of a path."),
    "bad-kind": _l("Choose the kind of department."),
    "name-taken": _l("There is already a department called %(name)s there."),
    "move-into-itself": _l(
        "A department cannot move under itself or one of its own sub-departments."
    ),
    "bad-code": _l(
        "Use lower-case letters, digits and hyphens for the code, e.g. sales-associate."
    ),
    "code-taken": _l("The code %(code)s is already used by another position."),
    "has-open-children": _l(
        "%(name)s below it is still in use: archive the departments below first."
    ),
    "parent-archived": _l("%(name)s is archived: restore it first."),
}


def _organisation_message(error: organisation.OrganisationError) -> str:
    text = ORGANISATION_MESSAGES.get(error.code, _l("That is not possible."))
    return str(text % error.params) if error.params else str(text)


# --- import -----------------------------------------------------------------------------------


@bp.route("/staff/import", methods=["GET", "POST"])
@accepts_upload
@role_required(*HR)
def import_upload():
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        batch = importer.create_batch(
            upload.read(importer.MAX_UPLOAD_BYTES + 1), upload.filename or "", current_user
        )
        return redirect(url_for("staff.import_preview", token=batch.token))
    return render_template("staff/upload.html", form=form, headers=importer.HEADER_HELP)


@bp.get("/staff/import/template.<fmt>")
@role_required(*HR)
def import_template(fmt: str):
    if fmt not in importer.TEMPLATE_FORMATS:
        abort(404)
    return Response(
        importer.template_file(fmt),
        mimetype=importer.TEMPLATE_FORMATS[fmt],
        headers={"Content-Disposition": f'attachment; filename="staff-import-template.{fmt}"'},
    )


def _own_batch_or_404(token: str):
    batch = importer.get_batch(token, owner=current_user)
    if batch is None:
        abort(404)
    return batch


@bp.get("/staff/import/<token>")
@role_required(*HR)
def import_preview(token: str):
    batch = _own_batch_or_404(token)
    applying = (
        batch.applied_at is None and batch.apply_requested_at is not None and not batch.apply_error
    )
    plan = (
        importer.preview(batch, current_user, local_today())
        if batch.applied_at is None and not applying
        else None
    )
    return render_template(
        "staff/preview.html",
        batch=batch,
        applying=applying,
        plan=plan,
        form=EmptyForm(),
        field_labels=FIELD_LABELS,
        preview_rows=PREVIEW_ROWS,
        preview_problems=PREVIEW_PROBLEMS,
    )


@bp.post("/staff/import/<token>/apply")
@role_required(*HR)
def import_apply(token: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    batch = _own_batch_or_404(token)
    if batch.applied_at is not None:
        flash(_("This file has already been imported."), "info")
    else:
        importer.request_apply(batch)  # a background job applies it; the preview follows it
    return redirect(url_for("staff.import_preview", token=token))


# --- departments and positions ------------------------------------------------------------------


def _department_choices() -> list[SelectChoice]:
    # Archived departments are not offered as a place to add or move a department.
    return [SelectChoice(0, _("(top level)"))] + [
        SelectChoice(department_id, path)
        for department_id, path in organisation.department_choices()
    ]


def _organisation_page(add_department=None, add_position=None, status=200):
    rows = organisation.tree()
    choices = _department_choices()
    add_department = add_department or AddDepartmentForm()
    add_department.parent.choices = choices
    add_position = add_position or AddPositionForm()
    move_form = MoveDepartmentForm()
    move_form.parent.choices = choices
    return render_template(
        "staff/organisation.html",
        rows=rows,
        positions=organisation.positions(),
        add_department=add_department,
        add_position=add_position,
        rename_form=RenameForm(),
        move_form=move_form,
        kind_labels=DEPARTMENT_KIND_LABELS,
    ), status


@bp.get("/organisation")
@role_required(*HR)
def organisation_page():
    return _organisation_page()


def _department_or_404(department_id: int) -> Department:
    department = db.session.get(Department, department_id)
    if department is None:
        abort(404)
    return department


@bp.post("/organisation/departments")
@role_required(*HR)
def add_department():
    form = AddDepartmentForm()
    form.parent.choices = _department_choices()
    if not form.validate_on_submit():
        return _organisation_page(add_department=form, status=400)
    parent = db.session.get(Department, form.parent.data) if form.parent.data else None
    try:
        department = organisation.add_department(
            current_user, form.name.data, form.kind.data, parent
        )
    except organisation.OrganisationError as error:
        flash(_organisation_message(error), "error")
        return _organisation_page(add_department=form, status=400)
    flash(_("Department %(name)s added.", name=department.name), "success")
    return redirect(url_for("staff.organisation_page"))


@bp.post("/organisation/departments/<int:department_id>/rename")
@role_required(*HR)
def rename_department(department_id: int):
    department = _department_or_404(department_id)
    form = RenameForm()
    if not form.validate_on_submit():
        flash(_("Write the new name."), "error")
        return redirect(url_for("staff.organisation_page"))
    try:
        organisation.rename_department(current_user, department, form.name.data)
    except organisation.OrganisationError as error:
        flash(_organisation_message(error), "error")
    else:
        flash(_("Renamed to %(name)s.", name=department.name), "success")
    return redirect(url_for("staff.organisation_page"))


@bp.post("/organisation/departments/<int:department_id>/move")
@role_required(*HR)
def move_department(department_id: int):
    department = _department_or_404(department_id)
    form = MoveDepartmentForm()
    form.parent.choices = _department_choices()
    if not form.validate_on_submit():
        abort(400)
    parent = _department_or_404(form.parent.data) if form.parent.data else None
    try:
        organisation.move_department(current_user, department, parent)
    except organisation.OrganisationError as error:
        flash(_organisation_message(error), "error")
    else:
        flash(_("%(name)s moved.", name=department.name), "success")
    return redirect(url_for("staff.organisation_page"))


@bp.post("/organisation/positions")
@role_required(*HR)
def add_position():
    form = AddPositionForm()
    if not form.validate_on_submit():
        return _organisation_page(add_position=form, status=400)
    try:
        position = organisation.add_position(current_user, form.code.data, form.name.data)
    except organisation.OrganisationError as error:
        flash(_organisation_message(error), "error")
        return _organisation_page(add_position=form, status=400)
    flash(_("Position %(name)s added.", name=position.name), "success")
    return redirect(url_for("staff.organisation_page"))


@bp.post("/organisation/positions/<int:position_id>/rename")
@role_required(*HR)
def rename_position(position_id: int):
    position = db.session.get(Position, position_id)
    if position is None:
        abort(404)
    form = RenameForm()
    if not form.validate_on_submit():
        flash(_("Write the new name."), "error")
        return redirect(url_for("staff.organisation_page"))
    try:
        organisation.rename_position(current_user, position, form.name.data)
    except organisation.OrganisationError as error:
        flash(_organisation_message(error), "error")
    else:
        flash(_("Renamed to %(name)s.", name=position.name), "success")
    return redirect(url_for("staff.organisation_page"))


@bp.post("/organisation/positions/<int:position_id>/manages")
@role_required(*HR)
def set_position_manages(position_id: int):
    position = _position_or_404(position_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    manages = request.form.get("manages") == "1"
    organisation.set_manages_department(current_user, position, manages)
    flash(
        _("Holders of %(name)s now get the weekly digest of their department.", name=position.name)
        if manages
        else _("Holders of %(name)s no longer get the weekly digest.", name=position.name),
        "success",
    )
    return redirect(url_for("staff.organisation_page"))


# --- archiving ----------------------------------------------------------------------------------


def _position_or_404(position_id: int) -> Position:
    position = db.session.get(Position, position_id)
    if position is None:
        abort(404)
    return position


def _archive_action(change, thing, done_message: str):
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        change(current_user, thing)
    except organisation.OrganisationError as error:
        flash(_organisation_message(error), "error")
    else:
        flash(done_message, "success")
    return redirect(url_for("staff.organisation_page"))


@bp.post("/organisation/departments/<int:department_id>/archive")
@role_required(*HR)
def archive_department(department_id: int):
    department = _department_or_404(department_id)
    return _archive_action(
        organisation.archive_department,
        department,
        _(
            "%(name)s is archived: forms no longer offer it; the people in it keep it.",
            name=department.name,
        ),
    )


@bp.post("/organisation/departments/<int:department_id>/restore")
@role_required(*HR)
def restore_department(department_id: int):
    department = _department_or_404(department_id)
    return _archive_action(
        organisation.restore_department,
        department,
        _("%(name)s is in use again.", name=department.name),
    )


@bp.post("/organisation/positions/<int:position_id>/archive")
@role_required(*HR)
def archive_position(position_id: int):
    position = _position_or_404(position_id)
    return _archive_action(
        organisation.archive_position,
        position,
        _(
            "%(name)s is archived: forms no longer offer it; the people in it keep it.",
            name=position.name,
        ),
    )


@bp.post("/organisation/positions/<int:position_id>/restore")
@role_required(*HR)
def restore_position(position_id: int):
    position = _position_or_404(position_id)
    return _archive_action(
        organisation.restore_position,
        position,
        _("%(name)s is in use again.", name=position.name),
    )

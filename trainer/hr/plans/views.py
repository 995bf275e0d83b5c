"""HR draws up skill plans and assigns them; learners see their training."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from trainer.auth.access import login_required, role_required
from trainer.auth.forms import EmptyForm
from trainer.clock import local_today
from trainer.extensions import db
from trainer.hr.plans import rules, service, training
from trainer.hr.plans.forms import (
    DUE_KIND_LABELS,
    PLAN_KIND_LABELS,
    TARGET_KIND_LABELS,
    ItemForm,
    PlanForm,
    TargetForm,
)
from trainer.hr.plans.service import PlanError
from trainer.hr.reports.service import department_paths
from trainer.hr.staff import organisation
from trainer.models import CourseRecord, Department, Position, User
from trainer.models.plans import PlanItem, PlanTarget
from trainer.paging import page_number, page_of_query
from trainer.progress import live_courses

bp = Blueprint("plans", __name__, url_prefix="/hr/plans")
training_bp = Blueprint("training", __name__, url_prefix="/training")
HR = ("hr", "admin")
STATUS_LABELS = {
    rules.PASSED: _l("Passed"),
    rules.OVERDUE: _l("Overdue"),
    rules.IN_PROGRESS: _l("In progress"),
    rules.NOT_STARTED: _l("Not started"),
}
PART_LABELS = {
    "theory": _l("Theory exam"),
    "practical": _l("Practical assessment"),
    "attitude": _l("Attitude evaluation"),
    "lessons": _l("Lessons"),
}
PART_OUTCOME_LABELS = {
    "passed": _l("Passed"),
    "failed": _l("Not passed yet"),
    "pending": _l("Not yet assessed"),
}
PLAN_MESSAGES = {
    "name-missing": _l("Give the plan a name."),
    "name-too-long": _l("The name is too long: at most %(num)s characters."),
    "bad-year": _l("Enter a year such as 2026."),
    "bad-kind": _l("Choose the kind of plan."),
    "duplicate-plan": _l("There is already a plan called %(name)s for %(year)s."),
    "bad-due-kind": _l("Choose when the course is due."),
    "due-date-missing": _l("Enter the due date."),
    "due-date-passed": _l(
        "The due date %(date)s has already gone by: everyone would start overdue. Choose "
        "today or a later day, or a number of days."
    ),
    "staff-due-date-passed": _l(
        "The due date for current staff %(date)s has already gone by: they would start "
        "overdue. Choose today or a later day, or leave it empty."
    ),
    # A plural: worded at the moment it is shown (see _message).
    "would-start-overdue": lambda params: ngettext(
        "%(course)s is due on %(date)s, which has gone by: %(num)s person would start "
        "overdue. Nothing was assigned; remove the course and add it again with a later date.",
        "%(course)s is due on %(date)s, which has gone by: %(num)s people would start "
        "overdue. Nothing was assigned; remove the course and add it again with a later date.",
        params["num"],
        course=params["course"],
        date=params["date"],
    ),
    "plan-archived": _l("This plan is archived: restore it before assigning it."),
    "due-days-missing": _l("Enter the number of days (0 to %(num)s)."),
    "duplicate-course": _l("This course is already in the plan."),
    "bad-target": _l("Choose who the plan is for."),
    "target-department-missing": _l("Choose the department."),
    "target-position-missing": _l("Choose the position."),
    "target-new_hires-missing": _l("Choose the position of the new hires."),
    "target-person-missing": _l("There is nobody with that employee number."),
    "hired-since-missing": _l("Enter the date from which people count as new hires."),
}

bp.add_app_template_global(STATUS_LABELS, "plan_status_labels")
bp.add_app_template_global(PART_LABELS, "plan_part_labels")
bp.add_app_template_global(PART_OUTCOME_LABELS, "plan_part_outcome_labels")


def _message(error: PlanError) -> str:
    text = PLAN_MESSAGES.get(error.code, _l("That is not possible."))
    if callable(text):
        return text(error.params)
    return str(text % error.params) if error.params else str(text)


def get_plan_or_404(plan_id: int):
    plan = service.get_plan(plan_id)
    if plan is None:
        abort(404)
    return plan


# --- HR: plans ----------------------------------------------------------------------------------


@bp.route("/", methods=["GET", "POST"])
@role_required(*HR)
def index():
    archived = request.args.get("show") == "archived"
    form = PlanForm()
    if not form.is_submitted():
        form.year.data = local_today().year
    status = 200
    if form.validate_on_submit():
        try:
            plan = service.create_plan(
                current_user,
                form.name.data,
                form.year.data,
                form.kind.data,
                form.description.data or "",
                starts_on=form.starts_on.data,
            )
        except PlanError as error:
            flash(_message(error), "error")
            status = 400
        else:
            flash(
                _("Plan %(name)s created. Now add its courses and who it is for.", name=plan.name),
                "success",
            )
            return redirect(url_for("plans.detail", plan_id=plan.id))
    elif form.is_submitted():
        status = 400
    return render_template(
        "plans/index.html",
        plans=service.plans(archived=archived),
        archived=archived,
        form=form,
        kind_labels=PLAN_KIND_LABELS,
        sync_form=EmptyForm(),
    ), status


def _item_form(**kwargs) -> ItemForm:
    form = ItemForm(**kwargs)
    form.course.choices = [
        SelectChoice(course.id, course.title) for course in live_courses().values()
    ]
    return form


def _target_form(**kwargs) -> TargetForm:
    form = TargetForm(**kwargs)
    # Archived departments and positions are not offered for new targets.
    form.department.choices = [SelectChoice(0, "—")] + [
        SelectChoice(department_id, path)
        for department_id, path in sorted(
            organisation.department_choices(), key=lambda item: item[1]
        )
    ]
    form.position.choices = [SelectChoice(0, "—")] + [
        SelectChoice(position_id, label) for position_id, label in organisation.position_choices()
    ]
    return form


def _detail_page(plan, item_form=None, target_form=None, status=200):
    item_form = item_form or _item_form()
    target_form = target_form or _target_form()
    if target_form.hired_since.data is None:
        target_form.hired_since.data = date(plan.year, 1, 1)
    return render_template(
        "plans/detail.html",
        plan=plan,
        figures=service.plan_figures(plan, local_today()),
        item_form=item_form,
        target_form=target_form,
        edit_form=PlanForm(obj=plan, prefix="plan"),
        button_form=EmptyForm(),
        kind_labels=PLAN_KIND_LABELS,
        due_labels=DUE_KIND_LABELS,
        target_labels=TARGET_KIND_LABELS,
        paths=department_paths(),
    ), status


@bp.get("/<int:plan_id>")
@role_required(*HR)
def detail(plan_id: int):
    return _detail_page(get_plan_or_404(plan_id))


@bp.post("/<int:plan_id>/edit")
@role_required(*HR)
def edit(plan_id: int):
    plan = get_plan_or_404(plan_id)
    form = PlanForm(prefix="plan")
    if form.validate_on_submit():
        try:
            service.update_plan(
                current_user,
                plan,
                form.name.data,
                form.year.data,
                form.kind.data,
                form.description.data or "",
                starts_on=form.starts_on.data,
            )
        except PlanError as error:
            flash(_message(error), "error")
        else:
            flash(_("Plan saved."), "success")
    else:
        flash(_("Check the plan's name and year."), "error")
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.post("/<int:plan_id>/items")
@role_required(*HR)
def add_item(plan_id: int):
    plan = get_plan_or_404(plan_id)
    form = _item_form()
    if not form.validate_on_submit():
        return _detail_page(plan, item_form=form, status=400)
    course = db.session.get(CourseRecord, form.course.data)
    try:
        service.add_item(
            current_user,
            plan,
            course,
            form.mandatory.data,
            form.due_kind.data,
            form.due_date.data,
            form.due_days.data,
            staff_due_date=form.staff_due_date.data,
            today=local_today(),
        )
    except PlanError as error:
        flash(_message(error), "error")
        return _detail_page(plan, item_form=form, status=400)
    flash(_("Course added to the plan."), "success")
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.post("/<int:plan_id>/items/<int:item_id>/remove")
@role_required(*HR)
def remove_item(plan_id: int, item_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    item = db.session.get(PlanItem, item_id)
    if item is None or item.plan_id != plan_id:
        abort(404)
    service.remove_item(current_user, item)
    flash(_("Course removed from the plan."), "success")
    return redirect(url_for("plans.detail", plan_id=plan_id))


@bp.post("/<int:plan_id>/targets")
@role_required(*HR)
def add_target(plan_id: int):
    plan = get_plan_or_404(plan_id)
    form = _target_form()
    if not form.validate_on_submit():
        return _detail_page(plan, target_form=form, status=400)
    department = db.session.get(Department, form.department.data) if form.department.data else None
    position = db.session.get(Position, form.position.data) if form.position.data else None
    person = None
    if form.person.data and form.person.data.strip():
        person = db.session.scalar(
            sa.select(User).where(User.employee_no == form.person.data.strip())
        )
    try:
        service.add_target(
            current_user,
            plan,
            form.kind.data,
            department=department,
            position=position,
            user=person,
            hired_since=form.hired_since.data,
        )
    except PlanError as error:
        flash(_message(error), "error")
        return _detail_page(plan, target_form=form, status=400)
    flash(_("Added. Press “Assign now” to give the plan to everyone it targets."), "success")
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.post("/<int:plan_id>/targets/<int:target_id>/remove")
@role_required(*HR)
def remove_target(plan_id: int, target_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    target = db.session.get(PlanTarget, target_id)
    if target is None or target.plan_id != plan_id:
        abort(404)
    service.remove_target(current_user, target)
    flash(_("Removed. People it targeted are withdrawn at the next assignment."), "success")
    return redirect(url_for("plans.detail", plan_id=plan_id))


@bp.post("/<int:plan_id>/sync")
@role_required(*HR)
def sync(plan_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    plan = get_plan_or_404(plan_id)
    try:
        result = service.sync_plan(current_user, plan, local_today())
    except PlanError as error:
        flash(_message(error), "error")
        return redirect(url_for("plans.preview", plan_id=plan.id))
    flash(
        _(
            "Assigned: %(added)s new, %(restored)s back, %(withdrawn)s withdrawn, %(redated)s "
            "new due dates.",
            added=result.added,
            restored=result.restored,
            withdrawn=result.withdrawn,
            redated=result.redated,
        ),
        "success",
    )
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.get("/<int:plan_id>/preview")
@role_required(*HR)
def preview(plan_id: int):
    """What "Assign" would do: who gets which due date, and who would start overdue."""
    plan = get_plan_or_404(plan_id)
    today = local_today()
    return render_template(
        "plans/preview.html",
        plan=plan,
        preview=service.preview(plan, today),
        today=today,
        button_form=EmptyForm(),
    )


@bp.post("/<int:plan_id>/archive")
@role_required(*HR)
def archive(plan_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    plan = get_plan_or_404(plan_id)
    service.archive_plan(current_user, plan)
    flash(_("Plan archived: it assigns and reminds nobody until it is restored."), "success")
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.post("/<int:plan_id>/restore")
@role_required(*HR)
def restore(plan_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    plan = get_plan_or_404(plan_id)
    service.restore_plan(current_user, plan)
    flash(_("Plan restored. Check the preview and assign it again."), "success")
    return redirect(url_for("plans.detail", plan_id=plan.id))


@bp.post("/sync")
@role_required(*HR)
def sync_all():
    if not EmptyForm().validate_on_submit():
        abort(400)
    result = service.sync_all(current_user, local_today())
    flash(
        _(
            "Assigned: %(added)s new, %(restored)s back, %(withdrawn)s withdrawn, %(redated)s "
            "new due dates.",
            added=result.added,
            restored=result.restored,
            withdrawn=result.withdrawn,
            redated=result.redated,
        ),
        "success",
    )
    return redirect(url_for("plans.index"))


# --- everyone: my training ------------------------------------------------------------------------


@training_bp.get("/")
@login_required
def mine():
    return render_template(
        "training/person.html",
        training=training.training_of(current_user, local_today()),
        today=local_today(),
        own=True,
        looks_after=training.looks_after_anyone(current_user),
    )


@training_bp.get("/team")
@login_required
def team():
    people = page_of_query(training.team_query(current_user), page_number(request.args.get("page")))
    onboarding = training.onboarding_by_person(
        [person.id for person in people.items], local_today()
    )
    return render_template("training/team.html", people=people, onboarding=onboarding)


@training_bp.get("/people/<employee_no>")
@login_required
def person(employee_no: str):
    found = db.session.scalar(sa.select(User).where(User.employee_no == employee_no))
    if found is None or not training.may_view_training(current_user, found):
        abort(404)
    return render_template(
        "training/person.html",
        training=training.training_of(found, local_today()),
        today=local_today(),
        own=found.id == current_user.id,
        looks_after=False,
    )

"""HR/admin: find and filter staff, create and edit people, start a password reset,
deactivate or reactivate, change roles, and act on a selection of people at once.

Who may do what to whom is trainer.auth.authority's rule; every action is audited."""

import smtplib

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
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice

from trainer.auth import resets
from trainer.auth.access import role_required
from trainer.auth.authority import Refused, check_manage, grantable_roles, may_manage
from trainer.auth.forms import EmptyForm
from trainer.clock import local_today
from trainer.extensions import db
from trainer.hr.invitations.views import group_form
from trainer.hr.people import service
from trainer.hr.people.forms import BulkForm, PeopleFilterForm, PersonForm
from trainer.hr.plans import service as plans
from trainer.hr.plans.service import PlanError
from trainer.hr.plans.views import _message as plan_message
from trainer.hr.reminders.service import MailSettings
from trainer.hr.staff import organisation
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

FIELD_MESSAGES = {
    "employee-no-missing": _l("Write the employee number."),
    "employee-no-too-long": _l("The employee number is too long: at most 50 characters."),
    "employee-no-taken": _l("This employee number is already used by another person."),
    "name-missing": _l("Write the person's name."),
    "name-too-long": _l("The name is too long: at most 100 characters."),
    "email-invalid": _l("Write an e-mail address such as name@example.com, or leave it empty."),
    "email-taken": _l("This e-mail address is already used by another person."),
    "department-unknown": _l("That department does not exist any more. Choose another one."),
    "department-archived": _l("That department is archived. Choose another one."),
    "position-unknown": _l("That position does not exist any more. Choose another one."),
    "position-archived": _l("That position is archived. Choose another one."),
}

STATUS_LABELS = {
    "active": _l("Active"),
    "inactive": _l("Deactivated"),
    "never-signed-in": _l("Never signed in"),
}

# Why one person of a selection could not be changed.
BULK_REASONS = {
    "not-yourself": _l("that is you"),
    "not-for-hr": _l("only an administrator manages HR and administrators"),
    "not-allowed": _l("you may not manage this person"),
    "inactive": _l("deactivated"),
    "signed-in": _l("has already signed in (use a password reset)"),
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


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _filter_form() -> PeopleFilterForm:
    from trainer.navigation import ROLE_LABELS

    form = PeopleFilterForm(request.args)
    form.department.choices = _choices(
        [(0, _("(all departments)"))]
        + [
            (
                row.department.id,
                row.path
                if row.department.archived_at is None
                else _("%(path)s (archived)", path=row.path),
            )
            for row in organisation.tree()
        ]
    )
    form.position.choices = _choices(
        [(0, _("(all positions)"))]
        + [
            (
                position.id,
                position.name
                if position.archived_at is None
                else _("%(path)s (archived)", path=position.name),
            )
            for position, _count in organisation.positions()
        ]
    )
    form.role.choices = _choices([("", _("(all roles)"))] + [(r, ROLE_LABELS[r]) for r in ROLES])
    form.status.choices = _choices([("", _("(any status)"))] + list(STATUS_LABELS.items()))
    return form


def _bulk_form() -> BulkForm:
    form = BulkForm()
    form.plan.choices = _choices(
        [(0, "—")] + [(plan.id, f"{plan.name} ({plan.year})") for plan in plans.plans()]
    )
    return form


@bp.get("/")
@role_required("hr", "admin")
def index():
    filters = _filter_form()
    filters.validate()  # a value not among the choices is ignored, never a 500
    page = max(request.args.get("page", 1, type=db_int) or 1, 1)
    wanted = service.PeopleFilter(
        query=(filters.q.data or "").strip(),
        department_id=filters.department.data if not filters.department.errors else None,
        position_id=filters.position.data if not filters.position.errors else None,
        role=(filters.role.data or None) if not filters.role.errors else None,
        status=(filters.status.data or None) if not filters.status.errors else None,
    )
    pagination = db.paginate(
        service.people_query(wanted), page=page, per_page=PAGE_SIZE, error_out=False
    )
    manageable = {person.id for person in pagination.items if may_manage(current_user, person)}
    # The pager keeps the filters: every argument but the page.
    kept = {key: value for key, value in request.args.items() if key != "page" and value}
    return render_template(
        "people/index.html",
        pagination=pagination,
        query=wanted.query,
        filters=filters,
        kept=kept,
        form=EmptyForm(),
        bulk_form=_bulk_form(),
        manageable=manageable,
        grantable=[r for r in ROLES if r in grantable_roles(current_user.roles)],
        invite_form=group_form(),
    )


# --- one person: create and edit ----------------------------------------------------------------


def _person_form(person: User | None = None) -> PersonForm:
    from trainer.navigation import ROLE_LABELS

    form = PersonForm(obj=None)
    form.department.choices = _choices(
        [(0, "—")] + organisation.department_choices(keep=person.department if person else None)
    )
    form.position.choices = _choices(
        [(0, "—")] + organisation.position_choices(keep=person.position if person else None)
    )
    form.roles.choices = _choices(
        [(role, ROLE_LABELS[role]) for role in ROLES if role in grantable_roles(current_user.roles)]
    )
    if person is not None and not form.is_submitted():
        form.display_name.data = person.display_name
        form.email.data = person.email or ""
        form.department.data = person.department_id or 0
        form.position.data = person.position_id or 0
        form.hire_date.data = person.hire_date
        form.roles.data = sorted(person.roles)
    elif person is None and not form.is_submitted():
        form.roles.data = ["learner"]
    return form


def _fields_of(form: PersonForm, person: User | None) -> service.PersonFields:
    wanted = frozenset(role for role in (form.roles.data or []) if role in ROLES)
    # Roles the actor cannot grant are not on their form: keep whatever the person has.
    keep = (person.roles if person else frozenset()) - grantable_roles(current_user.roles)
    return service.PersonFields(
        employee_no=form.employee_no.data or "",
        display_name=form.display_name.data or "",
        email=form.email.data,
        department_id=form.department.data or None,
        position_id=form.position.data or None,
        hire_date=form.hire_date.data,
        roles=wanted | keep,
    )


def _show_field_problems(form: PersonForm, problems: dict[str, str]) -> None:
    for name, code in problems.items():
        getattr(form, name).errors = [*getattr(form, name).errors, str(FIELD_MESSAGES[code])]
    flash(_("Nothing was saved: correct the marked fields."), "error")


def _person_page(form: PersonForm, person: User | None, status: int = 200):
    return render_template("people/person.html", form=form, person=person), status


@bp.route("/new", methods=["GET", "POST"])
@role_required("hr", "admin")
def create():
    form = _person_form()
    if not form.is_submitted():
        return _person_page(form, None)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(_("Nothing was saved: correct the marked fields."), "error")
        return _person_page(form, None, 400)
    try:
        person = service.create_person(current_user, _fields_of(form, None))
    except service.FieldProblems as error:
        _show_field_problems(form, error.problems)
        return _person_page(form, None, 400)
    except Refused as error:
        _flash_refusal(error)
        return _person_page(form, None, 400)
    flash(
        _(
            "%(name)s has been added. Invite them so they can choose a password.",
            name=person.display_name,
        ),
        "success",
    )
    return redirect(url_for("people.edit", user_id=person.id))


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@role_required("hr", "admin")
def edit(user_id: int):
    person = get_user_or_404(user_id)
    try:
        check_manage(current_user, person)
    except Refused as error:
        _flash_refusal(error)
        return redirect(url_for("people.index", q=person.employee_no))
    form = _person_form(person)
    form.employee_no.data = person.employee_no  # shown, never changed here
    if not form.is_submitted():
        return _person_page(form, person)
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(_("Nothing was saved: correct the marked fields."), "error")
        return _person_page(form, person, 400)
    try:
        changed = service.update_person(current_user, person, _fields_of(form, person))
    except service.FieldProblems as error:
        db.session.refresh(person)
        _show_field_problems(form, error.problems)
        return _person_page(form, person, 400)
    except Refused as error:
        db.session.refresh(person)
        _flash_refusal(error)
        return _person_page(form, person, 400)
    if changed:
        flash(_("The changes to %(name)s have been saved.", name=person.display_name), "success")
    else:
        flash(_("Nothing was changed."), "info")
    return redirect(url_for("people.edit", user_id=person.id))


# --- a selection at once ------------------------------------------------------------------------


def _flash_bulk_refusal(error: service.BulkRefused) -> None:
    # TRANSLATORS: separates the people in "Nobody was changed ..."
    who = _("; ").join(
        _(
            "%(name)s (%(number)s): %(reason)s",
            name=item.person.display_name,
            number=item.person.employee_no,
            reason=BULK_REASONS[item.code],
        )
        for item in error.unchangeable
    )
    flash(
        ngettext(
            "Nobody was changed, because %(num)d person cannot be: %(who)s.",
            "Nobody was changed, because %(num)d people cannot be: %(who)s.",
            len(error.unchangeable),
            who=who,
        ),
        "error",
    )


def _back_to_list(path: str | None) -> str:
    """The list as it was (its filters and page): only ever a path of the people list, so the
    form field cannot send anyone elsewhere."""
    home = url_for("people.index")
    if path and path.startswith(home) and "//" not in path and "\\" not in path:
        return path
    return home


@bp.post("/bulk")
@role_required("hr", "admin")
def bulk():
    form = _bulk_form()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        flash(_("Choose what to do with the people ticked."), "error")
        return redirect(url_for("people.index"))
    ids = [value for value in request.form.getlist("people", type=db_int) if value]
    people = service.selected_people(ids)
    back = redirect(_back_to_list(request.form.get("back")))
    if not people:
        flash(_("Tick the people first."), "error")
        return back
    try:
        if form.action.data == "deactivate":
            done = service.bulk_deactivate(current_user, people)
            flash(
                ngettext(
                    "%(num)d person has been deactivated and can no longer sign in.",
                    "%(num)d people have been deactivated and can no longer sign in.",
                    done,
                ),
                "success",
            )
        elif form.action.data == "invite":
            batch = service.bulk_invite(current_user, people)
            flash(
                _(
                    "The invitations are being prepared: the e-mails go out and the sheets "
                    "are printed."
                ),
                "success",
            )
            return redirect(url_for("invitations.show", batch_id=batch.id))
        else:
            plan = plans.get_plan(form.plan.data) if form.plan.data else None
            if plan is None:
                flash(_("Choose the plan to assign."), "error")
                return back
            result = service.bulk_assign_plan(current_user, plan, people, local_today())
            flash(
                ngettext(
                    "%(plan)s is assigned: %(num)d new assignment.",
                    "%(plan)s is assigned: %(num)d new assignments.",
                    result.added,
                    plan=plan.name,
                ),
                "success",
            )
    except service.BulkRefused as error:
        _flash_bulk_refusal(error)
    except PlanError as error:
        flash(plan_message(error), "error")
    return back


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

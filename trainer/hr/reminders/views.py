"""HR: send the reminders now, and see what was sent to whom and when."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from trainer.auth.access import role_required
from trainer.auth.authority import Refused
from trainer.clock import local_today
from trainer.hr.reminders import service
from trainer.hr.reminders.forms import SendNowForm
from trainer.paging import page_number

bp = Blueprint("reminders", __name__, url_prefix="/hr/reminders")
HR = ("hr", "admin")


@bp.get("/")
@role_required(*HR)
def index():
    page = service.sent_reminders(current_user, page_number(request.args.get("page")))
    return render_template(
        "reminders/index.html",
        form=SendNowForm(),
        page=page,
        days_before=current_app.config["REMINDER_DAYS"],
        mail_configured=bool(current_app.config.get("SMTP_HOST")),
    )


@bp.post("/send")
@role_required(*HR)
def send_now():
    form = SendNowForm()
    if not form.validate_on_submit():
        if form.employee_no.errors:
            flash(_("An employee number has at most 50 characters."), "error")
            return redirect(url_for("reminders.index"))
        abort(400)  # no CSRF token: not our form
    employee_no = (form.employee_no.data or "").strip() or None
    try:
        queued = service.send_now(
            current_user, local_today(), current_app.config["REMINDER_DAYS"], employee_no
        )
    except service.NoSuchPerson:
        flash(_("Nobody active has the employee number %(no)s.", no=employee_no), "error")
    except Refused:
        flash(_("You may not send reminders to %(no)s.", no=employee_no), "error")
    else:
        if queued:
            flash(
                ngettext(
                    "%(num)d reminder is on its way.", "%(num)d reminders are on their way.", queued
                ),
                "success",
            )
        else:
            flash(_("Nothing to remind anyone of today that was not already sent."), "info")
    return redirect(url_for("reminders.index"))

"""Notifications in the app: the same messages as the e-mail reminders."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.access import login_required
from trainer.auth.forms import EmptyForm
from trainer.hr.reminders import service

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


def link_for(message) -> str | None:
    """Where a notification leads: the learner's training, or the supervisor's view of it."""
    if message.kind == "cleared_for_duty" and message.subject_id != message.recipient_id:
        return url_for("training.team")
    return url_for("training.mine")


@bp.get("/")
@login_required
def index():
    messages = service.notifications_of(current_user)
    return render_template(
        "notifications/index.html",
        messages=messages,
        form=EmptyForm(),
        link_for=link_for,
        unread=sum(m.read_at is None for m in messages),
    )


@bp.post("/read")
@login_required
def mark_read():
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = service.mark_all_read(current_user)
    if count:
        flash(_("Marked %(num)s notification(s) as read.", num=count), "success")
    return redirect(url_for("notifications.index"))

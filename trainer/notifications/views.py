"""The notifications page: newest first; opening one marks it read (a POST) and goes to the
page it is about."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from trainer.auth.access import login_required
from trainer.auth.forms import EmptyForm
from trainer.notifications import service

bp = Blueprint("notifications", __name__, url_prefix="/notifications")


@bp.get("/")
@login_required
def index():
    notifications = service.notifications_of(current_user)
    return render_template(
        "notifications/index.html",
        notifications=notifications,
        unread=sum(shown.unread for shown in notifications),
    )


@bp.post("/<int:notification_id>/open")
@login_required
def open_one(notification_id: int):
    if not EmptyForm().validate_on_submit():
        abort(400)
    link = service.open_notification(current_user, notification_id)
    if link is None:
        abort(404)
    return redirect(request.script_root + link)


@bp.post("/read")
@login_required
def mark_read():
    if not EmptyForm().validate_on_submit():
        abort(400)
    count = service.mark_all_read(current_user)
    if count:
        flash(
            ngettext(
                "Marked %(num)d notification as read.",
                "Marked %(num)d notifications as read.",
                count,
            ),
            "success",
        )
    return redirect(url_for("notifications.index"))

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.access import login_required, public, safe_next
from trainer.clock import local_today
from trainer.config import SUPPORTED_LOCALES
from trainer.extensions import db
from trainer.hr.reports.dashboard import dashboard_of
from trainer.hr.reports.tables import chart_json
from trainer.main.next_step import next_action
from trainer.models import ROLES
from trainer.navigation import ROLE_LABELS, home_sections_for

bp = Blueprint("main", __name__)
HR = ("hr", "admin")


@bp.get("/")
@login_required
def home():
    role_names = [ROLE_LABELS[role] for role in ROLES if current_user.has_role(role)]
    action = next_action(current_user, local_today())
    if action.step == "browse" and not current_user.has_role("learner"):
        action = None  # staff with nothing assigned: their home is their work
    # HR's home is their day's work: the dashboard, read by the reports' own services.
    dashboard = dashboard_of(current_user, local_today()) if current_user.has_role(*HR) else None
    return render_template(
        "main/home.html",
        role_names=role_names,
        role_sections=home_sections_for(current_user),
        action=action,
        dashboard=dashboard,
        chart_json=chart_json(dashboard.charts) if dashboard else None,
        today=local_today(),
    )


@bp.post("/language")
@public
def set_language():
    locale = request.form.get("locale", "")
    if locale not in SUPPORTED_LOCALES:
        flash(_("That language is not available."), "error")
    else:
        session["locale"] = locale
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
    return redirect(safe_next(request.form.get("next")) or url_for("main.home"))

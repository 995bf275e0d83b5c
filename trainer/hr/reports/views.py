"""HR reports in the browser, and each table as CSV or XLSX."""

from __future__ import annotations

import math
from dataclasses import replace

import sqlalchemy as sa
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from trainer.auth.access import role_required
from trainer.auth.authority import roles_out_of_reach
from trainer.auth.forms import EmptyForm
from trainer.clock import local_today
from trainer.extensions import db
from trainer.hr.reports import jobs, service
from trainer.hr.reports.tables import TABLES, chart_json, part_labels, status_labels
from trainer.models import CourseRecord, Department, Position, ReportExport
from trainer.models.plans import SkillPlan
from trainer.paging import page_number, page_of_list
from trainer.progress import live_courses
from trainer.security import db_int

bp = Blueprint("reports", __name__, url_prefix="/hr/reports")
HR = ("hr", "admin")


def _filters(values=None) -> service.Filters:
    """The filters of the page (its query string) or of an export form (its hidden fields);
    a department or position that does not exist filters nothing."""
    values = request.args if values is None else values
    department_id = values.get("department", type=db_int) or None
    position_id = values.get("position", type=db_int) or None
    if department_id is not None and db.session.get(Department, department_id) is None:
        department_id = None
    if position_id is not None and db.session.get(Position, position_id) is None:
        position_id = None
    plan_id = values.get("plan", type=db_int) or None
    if plan_id is not None and db.session.get(SkillPlan, plan_id) is None:
        plan_id = None
    course_id = values.get("course", type=db_int) or None
    if course_id is not None and db.session.get(CourseRecord, course_id) is None:
        course_id = None
    return service.Filters(
        department_id, position_id, plan_id, course_id, roles_out_of_reach(current_user.roles)
    )


def _page_number() -> int:
    return page_number(request.args.get("page"))


def _filter_choices() -> dict:
    paths = service.department_paths()
    return {
        "departments": sorted(paths.items(), key=lambda item: item[1]),
        "positions": db.session.execute(
            sa.select(Position.id, Position.name).order_by(Position.code)
        ).all(),
        # Archived plans too: their history is still reported when asked for by name.
        "plans": db.session.execute(
            sa.select(SkillPlan.id, SkillPlan.name, SkillPlan.year, SkillPlan.archived_at).order_by(
                SkillPlan.year.desc(), SkillPlan.name
            )
        ).all(),
        "courses": [(course.id, course.title) for course in live_courses().values()],
    }


def _page(template: str, **context):
    filters = _filters()
    return render_template(
        template,
        filters=filters,
        choices=_filter_choices(),
        status_labels=status_labels(),
        export_form=EmptyForm(),
        part_labels=part_labels(),
        export_args={
            k: v
            for k, v in (
                ("department", filters.department_id),
                ("position", filters.position_id),
                ("plan", filters.plan_id),
                ("course", filters.course_id),
            )
            if v
        },
        **context,
    )


@bp.get("/")
@role_required(*HR)
def index():
    filters = _filters()
    data = service.chart_data(filters, local_today())
    return _page("reports/index.html", chart_json=chart_json(data))


@bp.get("/matrix")
@role_required(*HR)
def matrix():
    page = max(request.args.get("page", 1, type=db_int) or 1, 1)
    found = service.matrix(_filters(), local_today(), page=page)
    pages = max(1, math.ceil(found.total_people / service.MATRIX_PAGE_SIZE))
    return _page("reports/matrix.html", report_name="matrix", matrix=found, page=page, pages=pages)


@bp.get("/overdue")
@role_required(*HR)
def overdue():
    return _page(
        "reports/overdue.html",
        report_name="overdue",
        rows=page_of_list(service.overdue(_filters(), local_today()), _page_number()),
        today=local_today(),
    )


@bp.get("/courses")
@role_required(*HR)
def courses():
    return _page(
        "reports/courses.html", report_name="courses", results=service.course_results(_filters())
    )


@bp.get("/courses/<slug>")
@role_required(*HR)
def course(slug: str):
    """One course's results, with the way to its exam attempts, question analysis and extra
    attempts."""
    found = next((c for c in live_courses().values() if c.slug == slug), None)
    if found is None:
        abort(404)
    (result,) = service.course_results(replace(_filters(), course_id=found.id))
    return _page("reports/course.html", course=found, result=result)


@bp.get("/onboarding")
@role_required(*HR)
def onboarding():
    return _page(
        "reports/onboarding.html",
        report_name="onboarding",
        hires=page_of_list(service.onboarding(_filters(), local_today()), _page_number()),
    )


@bp.get("/expiring")
@role_required(*HR)
def expiring():
    return _page(
        "reports/expiring.html",
        report_name="expiring",
        rows=page_of_list(service.expiring_certificates(_filters(), local_today()), _page_number()),
        today=local_today(),
        days=service.EXPIRING_DAYS,
    )


@bp.post("/<report>.<fmt>")
@role_required(*HR)
def export(report: str, fmt: str):
    """Ask for a report as CSV or XLSX: built by a background job."""
    if report not in TABLES or fmt not in jobs.FORMATS:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    found = jobs.request_export(current_user, report, fmt, _filters(request.form))
    return redirect(url_for("reports.export_status", export_id=found.id))


def _export_or_404(export_id: int) -> ReportExport:
    found = db.session.get(ReportExport, export_id)
    if found is None or found.requested_by_id != current_user.id:
        abort(404)
    return found


@bp.get("/exports/<int:export_id>")
@role_required(*HR)
def export_status(export_id: int):
    found = _export_or_404(export_id)
    filters = jobs.filters_of(found.filters)
    position = db.session.get(Position, filters.position_id) if filters.position_id else None
    plan = db.session.get(SkillPlan, filters.plan_id) if filters.plan_id else None
    course = live_courses().get(filters.course_id) if filters.course_id else None
    titles = {
        "matrix": _("Completion matrix"),
        "overdue": _("Overdue"),
        "courses": _("Results per course"),
        "onboarding": _("Onboarding"),
        "expiring": _("Certificates expiring"),
    }
    return render_template(
        "reports/export.html",
        export=found,
        title=titles.get(found.report, found.report),
        department=service.department_paths().get(filters.department_id or 0),
        position=position.name if position else None,
        plan=plan.name if plan else None,
        course=course.title if course else None,
    )


@bp.get("/exports/<int:export_id>/file")
@role_required(*HR)
def export_file(export_id: int):
    found = _export_or_404(export_id)
    if found.status != "done":
        return redirect(url_for("reports.export_status", export_id=export_id))
    return Response(
        found.content,
        mimetype=jobs.MIMETYPES[found.fmt],
        headers={
            "Content-Disposition": f'attachment; filename="{found.filename}"',
            "Cache-Control": "private, no-store",
        },
    )

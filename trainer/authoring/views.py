"""Trainers: every course's validation status and versions, previews, sync, evaluations."""

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from trainer.auth.access import role_required
from trainer.auth.forms import EmptyForm
from trainer.authoring.drafts import draft_for_slug, drafts_in_order
from trainer.courses.service import evaluation_summaries
from trainer.courses.sync import course_for_version, sync_content
from trainer.extensions import db
from trainer.models import CourseRecord, CourseVersion
from trainer.security import db_int

bp = Blueprint("authoring", __name__, url_prefix="/authoring")
AUTHORS = ("trainer", "admin")


def get_record_or_404(slug: str) -> CourseRecord:
    record = db.session.scalar(sa.select(CourseRecord).where(CourseRecord.slug == slug))
    if record is None:
        abort(404)
    return record


def problem_text(problem: dict) -> str:
    return problem["en"] if str(get_locale()) == "en" else problem["zh"]


@bp.get("/")
@role_required(*AUTHORS)
def index():
    records = db.session.scalars(sa.select(CourseRecord).order_by(CourseRecord.slug)).all()
    version_counts = dict(
        db.session.execute(
            sa.select(CourseVersion.course_id, sa.func.count()).group_by(CourseVersion.course_id)
        ).all()
    )
    return render_template(
        "authoring/index.html",
        records=records,
        version_counts=version_counts,
        drafts=drafts_in_order(),
        form=EmptyForm(),
    )


@bp.post("/sync")
@role_required(*AUTHORS)
def sync():
    if not EmptyForm().validate_on_submit():
        abort(400)
    report = sync_content(current_app.config["CONTENT_DIR"])
    counts = report.counts
    flash(
        _l(
            "Content loaded: %(new)d new, %(updated)d updated, %(unchanged)d unchanged, "
            "%(error)d with errors.",
            new=counts["new"] + counts["restored"],
            updated=counts["updated"],
            unchanged=counts["unchanged"],
            error=counts["error"],
        ),
        "error" if counts["error"] else "success",
    )
    return redirect(url_for("authoring.index"))


@bp.get("/<slug>")
@role_required(*AUTHORS)
def detail(slug: str):
    record = get_record_or_404(slug)
    return render_template(
        "authoring/detail.html",
        record=record,
        draft=draft_for_slug(record.slug),
        problem_text=problem_text,
        summaries=evaluation_summaries(record),
    )


@bp.get("/<slug>/preview")
@role_required(*AUTHORS)
def preview(slug: str):
    record = get_record_or_404(slug)
    version_id = request.args.get("version", type=db_int) or record.current_version_id
    version = db.session.get(CourseVersion, version_id) if version_id else None
    if version is None or version.course_id != record.id:
        abort(404)
    course = course_for_version(version)
    return render_template("authoring/preview.html", record=record, version=version, course=course)


# The drafts, editor, review and history pages register on this blueprint.
from trainer.authoring import editor_views  # noqa: E402, F401

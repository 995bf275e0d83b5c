"""Learners read courses: catalogue, course page, lessons, media, evaluation."""

import mimetypes

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trainer.auth.access import login_required
from trainer.certificates.issuing import being_prepared
from trainer.content import CATEGORIES, settings_of
from trainer.courses import service
from trainer.courses.forms import EvaluationForm
from trainer.courses.sync import course_for_version
from trainer.extensions import db
from trainer.models import CourseFile, CourseVersion
from trainer.progress import standing_of
from trainer.quizzes.gate import missing_lessons

bp = Blueprint("courses", __name__, url_prefix="/courses")

CATEGORY_LABELS = {
    "standards": _l("Service standards"),
    "etiquette": _l("Etiquette"),
    "communication": _l("Communication"),
    "emotions": _l("Emotions and stress"),
    "sop": _l("Procedures (SOP)"),
    "other": _l("Other"),
}
COURSE_MESSAGES = {
    "no-such-lesson": _l("That lesson does not exist in this course."),
    "lessons-unread": _l("Read every lesson first; then you can evaluate the course."),
    "bad-rating": _l("Choose a rating from 1 to 5."),
    "too-few-points": _l("Write at least %(num)d points about what you learned, one per line."),
    "apply-missing": _l("Write how you will use it at work."),
    "too-long": _l("Each answer can be at most %(num)d characters."),
}


def course_message(error: service.CourseError) -> str:
    return (
        COURSE_MESSAGES[error.code] % error.params
        if error.params
        else str(COURSE_MESSAGES[error.code])
    )


def get_live_course_or_404(slug: str):
    found = service.live_course(slug)
    if found is None:
        abort(404)
    return found


def get_lesson_or_404(version: CourseVersion, number: int):
    lesson = next((lesson for lesson in version.lessons if lesson.number == number), None)
    if lesson is None:
        abort(404)
    return lesson


@bp.get("/")
@login_required
def index():
    category = request.args.get("category") or None
    query = (request.args.get("q") or "").strip()
    entries = service.catalogue(current_user, category=category, query=query)
    return render_template(
        "courses/index.html",
        entries=entries,
        category=category,
        query=query,
        categories=CATEGORIES,
        category_labels=CATEGORY_LABELS,
    )


@bp.get("/<slug>")
@login_required
def course(slug: str):
    record, version = get_live_course_or_404(slug)
    standing = standing_of(current_user.id, record.id)
    settings = settings_of(version)
    prerequisites = [
        (prerequisite_slug, service.live_course(prerequisite_slug))
        for prerequisite_slug in settings.prerequisites
    ]
    return render_template(
        "courses/course.html",
        record=record,
        version=version,
        standing=standing,
        read=standing.lessons_read,
        settings=settings,
        prerequisites=prerequisites,
        category_label=CATEGORY_LABELS.get(version.category, version.category),
        evaluation=service.evaluation_of(current_user, version),
        exam_missing_lessons=missing_lessons(standing.exam_gate, version.lessons),
        certificate_preparing=record.id in being_prepared(current_user.id),
    )


@bp.get("/<slug>/lessons/<int:number>")
@login_required
def lesson(slug: str, number: int):
    record, version = get_live_course_or_404(slug)
    lesson, outline = service.lesson_and_outline(version, number)
    if lesson is None:
        abort(404)
    position = [item.number for item in outline].index(number)
    previous_lesson = outline[position - 1] if position > 0 else None
    next_lesson = outline[position + 1] if position + 1 < len(outline) else None
    standing = standing_of(current_user.id, record.id)
    return render_template(
        "courses/lesson.html",
        record=record,
        version=version,
        lesson=lesson,
        previous_lesson=previous_lesson,
        next_lesson=next_lesson,
        lesson_count=len(outline),
        is_read=number in standing.lessons_read,
        # Retraining: moving on from this lesson is what counts as reading it again.
        to_reread=number in _lessons_to_reread(standing),
        position=position + 1,
    )


def _lessons_to_reread(standing) -> tuple[int, ...]:
    exam = standing.exam if standing is not None else None
    return exam.lessons_to_reread if exam is not None else ()


@bp.post("/<slug>/lessons/<int:number>/read")
@login_required
def mark_read(slug: str, number: int):
    _record, version = get_live_course_or_404(slug)
    get_lesson_or_404(version, number)
    retraining = bool(_lessons_to_reread(standing_of(current_user.id, _record.id)))
    service.mark_lesson_read(current_user, version, number)
    standing = standing_of(current_user.id, _record.id)
    if retraining:
        # On to the next lesson still to read again; after the last, the course page,
        # whose next step is the exam (the course was evaluated in the first reading).
        left = _lessons_to_reread(standing)
        if left:
            return redirect(url_for("courses.lesson", slug=slug, number=left[0]))
        flash(_l("You have read every lesson again: the new round of the exam is open."), "success")
        return redirect(url_for("courses.course", slug=slug))
    later = [lesson for lesson in version.lessons if lesson.number > number]
    if later:
        return redirect(url_for("courses.lesson", slug=slug, number=later[0].number))
    if standing.all_lessons_read and service.evaluation_of(current_user, version) is None:
        flash(_l("You have read every lesson. Tell us what you think of the course."), "success")
        return redirect(url_for("courses.evaluate", slug=slug))
    return redirect(url_for("courses.course", slug=slug))


@bp.route("/<slug>/evaluate", methods=["GET", "POST"])
@login_required
def evaluate(slug: str):
    record, version = get_live_course_or_404(slug)
    if not standing_of(current_user.id, record.id).all_lessons_read:
        flash(COURSE_MESSAGES["lessons-unread"], "error")
        return redirect(url_for("courses.course", slug=slug))
    existing = service.evaluation_of(current_user, version)
    form = EvaluationForm(obj=existing)
    status = 200
    if form.validate_on_submit():
        try:
            service.submit_evaluation(
                current_user,
                version,
                form.rating.data,
                form.learned.data,
                form.apply_at_work.data,
                form.improve.data or "",
            )
        except service.CourseError as error:
            flash(course_message(error), "error")
            status = 400
        else:
            flash(_l("Thank you: your evaluation has been saved."), "success")
            return redirect(url_for("courses.course", slug=slug))
    elif request.method == "POST":
        status = 400
    return render_template(
        "courses/evaluate.html", form=form, version=version, slug=slug, existing=existing
    ), status


@bp.get("/<slug>/v<int:version_id>/<path:path>")
@login_required
def media(slug: str, version_id: int, path: str):
    """Images and files a lesson links to, from the version the lesson was rendered from.
    Only media the version's lessons reference, of a media type, are served: never course
    Markdown, and never a backup such as quiz.md~ (the quiz answers!)."""
    version = db.session.get(CourseVersion, version_id)
    if version is None or version.course.slug != slug:
        abort(404)
    if path not in course_for_version(version).media:
        abort(404)
    content = db.session.scalar(
        sa.select(CourseFile.content).where(
            CourseFile.version_id == version_id, CourseFile.path == path
        )
    )
    if content is None:
        abort(404)
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    response = Response(content, mimetype=mimetype)
    # Trainer-supplied files (SVG can hold scripts) run nothing, even when opened directly.
    response.headers["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    )
    response.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    # Phones fetch video in pieces: answer Range requests with 206 and just those bytes.
    return response.make_conditional(request, accept_ranges=True, complete_length=len(content))

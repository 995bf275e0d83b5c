"""Browser authoring: drafts, the editor, review and publishing, history, zip export/import.

Thin views: every rule is in trainer.authoring.drafts (and the helpers it names); these
read the request, call it, and show the result or its refusal.
"""

from __future__ import annotations

import io

import sqlalchemy as sa
from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.orm import selectinload

from trainer.auth.access import role_required
from trainer.auth.forms import EmptyForm
from trainer.authoring import drafts
from trainer.authoring.archive import ArchiveRefused, course_zip, files_from_zip
from trainer.authoring.diff import compare_courses
from trainer.authoring.drafts import DraftConflict, DraftRefused
from trainer.authoring.forms import (
    MessageForm,
    NewCourseForm,
    NewLessonForm,
    RollbackForm,
    ZipUploadForm,
)
from trainer.authoring.images import ImageRefused, prepare_image
from trainer.authoring.question_forms import FORMS, TYPE_LABELS, add_question
from trainer.authoring.slugs import suggest_slug
from trainer.authoring.views import AUTHORS, bp, get_record_or_404
from trainer.content import media_url_for, render_markdown
from trainer.content.lesson_values import fill_lesson_values
from trainer.content.loader import MEDIA_EXTENSIONS
from trainer.content.settings import CourseSettings
from trainer.courses.sync import course_for_version, stored_files
from trainer.extensions import db
from trainer.models import (
    CourseDraft,
    CoursePublication,
    CourseRecord,
    CourseVersion,
    DraftFile,
    DraftNote,
)
from trainer.security import accepts_upload, db_int

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}
# CodeMirror's own words (search panel, lint panel), in the reader's language.
EDITOR_PHRASES = {
    "Find": _l("Find"),
    "Replace": _l("Replace"),
    "next": _l("next"),
    "previous": _l("previous"),
    "all": _l("all"),
    "match case": _l("match case"),
    "regexp": _l("regexp"),
    "by word": _l("by word"),
    "replace": _l("replace"),
    "replace all": _l("replace all"),
    "close": _l("close"),
    "Go to line": _l("Go to line"),
    "go": _l("go"),
    "Diagnostics": _l("Problems"),
    "No diagnostics": _l("No problems found."),
}


def _draft_or_404(draft_id: int) -> CourseDraft:
    draft = db.session.get(CourseDraft, draft_id)
    if draft is None:
        abort(404)
    return draft


def _language() -> str:
    return "en" if str(get_locale()) == "en" else "zh"


def _problem_rows(check: drafts.DraftCheck) -> list[dict]:
    language = _language()
    rows = [
        {
            "file": check.relative(problem),
            "line": problem.line,
            "severity": problem.severity,
            "message": problem.message(language),
        }
        for problem in check.problems
    ]
    return sorted(rows, key=lambda row: (row["severity"] != "error", row["file"], row["line"]))


def _draft_media_url(draft: CourseDraft, check: drafts.DraftCheck, document: str):
    media = {path for path in check.files if _is_image(path)}
    return media_url_for(
        document,
        media,
        lambda path: url_for("authoring.draft_media", draft_id=draft.id, path=path),
    )


def _is_image(path: str) -> bool:
    return "." in path and "." + path.rsplit(".", 1)[-1].lower() in IMAGE_TYPES


def _preview_html(draft: CourseDraft, check: drafts.DraftCheck, path: str) -> str:
    """The file as learners will see it, by the server's own renderer and sanitiser."""
    if not (path == "course.md" or (path.startswith("lessons/") and path.endswith(".md"))):
        return ""
    data = check.files.get(path, b"")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return ""
    course = check.course
    if course is not None:
        settings = CourseSettings.from_meta(course.meta)
        lesson = next((lesson for lesson in course.lessons if lesson.path == path), None)
        if lesson is not None:
            text = f"# {lesson.title}\n\n" + fill_lesson_values(lesson.source, settings)
        elif path == "course.md":
            text = fill_lesson_values(course.intro, settings)
    elif path == "course.md" and text.startswith("---"):
        text = text.split("\n---", 1)[-1].lstrip("-\n")
    return render_markdown(text, _draft_media_url(draft, check, path)).html


def _flash_errors(form) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(error, "error")


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


# --- starting ------------------------------------------------------------------------------


@bp.route("/new", methods=["GET", "POST"])
@role_required(*AUTHORS)
def new_course():
    form = NewCourseForm()
    if form.validate_on_submit():
        slug = (form.slug.data or "").strip() or drafts.suggested_slug(form.title.data)
        try:
            draft = drafts.start_new_course(current_user, form.title.data, slug)
        except DraftRefused as refusal:
            form.slug.errors = [*form.slug.errors, refusal.message]
        else:
            flash(_l("Draft created from the starter template."), "success")
            return redirect(url_for("authoring.edit", draft_id=draft.id))
    return render_template(
        "authoring/new_course.html", form=form, heading=_l("New course"), record=None
    )


@bp.get("/slug-suggestion")
@role_required(*AUTHORS)
def slug_suggestion():
    return jsonify({"slug": drafts.suggested_slug(request.args.get("title", "")[:200])})


@bp.post("/<slug>/draft")
@role_required(*AUTHORS)
def start_draft(slug: str):
    record = get_record_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        draft = drafts.start_draft_from_live(current_user, record)
    except DraftRefused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("authoring.detail", slug=slug))
    return redirect(url_for("authoring.edit", draft_id=draft.id))


@bp.route("/<slug>/duplicate", methods=["GET", "POST"])
@role_required(*AUTHORS)
def duplicate(slug: str):
    record = get_record_or_404(slug)
    form = NewCourseForm()
    if request.method == "GET" and record.current_version:
        form.title.data = str(_l("%(title)s (copy)", title=record.current_version.title))
    if form.validate_on_submit():
        new_slug = (form.slug.data or "").strip() or drafts.suggested_slug(form.title.data)
        try:
            draft = drafts.duplicate_course(current_user, record, new_slug, form.title.data)
        except DraftRefused as refusal:
            form.slug.errors = [*form.slug.errors, refusal.message]
        else:
            flash(_l("Copy made as a new draft."), "success")
            return redirect(url_for("authoring.edit", draft_id=draft.id))
    return render_template(
        "authoring/new_course.html",
        form=form,
        heading=_l("Duplicate course"),
        record=record,
    )


# --- the editor ----------------------------------------------------------------------------


@bp.get("/drafts/<int:draft_id>")
@role_required(*AUTHORS)
def edit(draft_id: int):
    draft = _draft_or_404(draft_id)
    files = {file.path: file for file in draft.files}
    path = request.args.get("file") or ("course.md" if "course.md" in files else None)
    if path is None and files:
        path = next(iter(files))
    current = files.get(path) if path else None
    check = drafts.check_draft(draft)
    record = drafts.record_of(draft)
    text = None
    if current is not None and not _is_image(current.path):
        try:
            text = current.content.decode("utf-8")
        except UnicodeDecodeError:
            text = None
    return render_template(
        "authoring/edit.html",
        draft=draft,
        record=record,
        files=list(files.values()),
        current=current,
        text=text,
        problems=_problem_rows(check),
        preview_html=_preview_html(draft, check, current.path) if current else "",
        stale=drafts.is_stale(draft, record),
        require_review=drafts.require_review(),
        may_publish=drafts.may_publish(draft, current_user),
        lesson_form=NewLessonForm(),
        message_form=MessageForm(),
        zip_form=ZipUploadForm(),
        form=EmptyForm(),
        editor_phrases={key: str(value) for key, value in EDITOR_PHRASES.items()},
    )


def _file_fields() -> tuple[str, bytes, int | None]:
    path = request.form.get("path", "")
    content = request.form.get("content", "").replace("\r\n", "\n").encode("utf-8")
    revision = request.form.get("revision", type=db_int)
    return path, content, revision


@bp.post("/drafts/<int:draft_id>/save")
@role_required(*AUTHORS)
def save_file(draft_id: int):
    draft = _draft_or_404(draft_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    path, content, revision = _file_fields()
    try:
        stored = drafts.save_file(draft, current_user, path, content, revision)
    except DraftConflict as conflict:
        if _wants_json():
            return jsonify({"error": "conflict", "message": str(conflict.message)}), 409
        flash(conflict.message, "error")
        return render_template(
            "authoring/conflict.html", draft=draft, path=path, text=content.decode("utf-8")
        ), 409
    except DraftRefused as refusal:
        if _wants_json():
            return jsonify({"error": "refused", "message": str(refusal.message)}), 400
        flash(refusal.message, "error")
        return redirect(url_for("authoring.edit", draft_id=draft.id))
    message = str(_l("Saved (revision %(revision)d).", revision=stored.revision))
    if _wants_json():
        return jsonify({"revision": stored.revision, "message": message})
    flash(message, "success")
    return redirect(url_for("authoring.edit", draft_id=draft.id, file=stored.path))


@bp.post("/drafts/<int:draft_id>/check")
@role_required(*AUTHORS)
def check_file(draft_id: int):
    """The checker's verdict on the draft with the editor's unsaved text; saves nothing."""
    draft = _draft_or_404(draft_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    path, content, _revision = _file_fields()
    try:
        path = drafts.check_path(path)
    except DraftRefused as refusal:
        return jsonify({"error": "refused", "message": str(refusal.message)}), 400
    check = drafts.check_draft(draft, {path: content})
    return jsonify(
        {"problems": _problem_rows(check), "preview_html": _preview_html(draft, check, path)}
    )


@bp.post("/drafts/<int:draft_id>/images")
@role_required(*AUTHORS)
@accepts_upload
def upload_image(draft_id: int):
    draft = _draft_or_404(draft_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    upload = request.files.get("image")
    document = request.form.get("document", "")
    try:
        if upload is None or not upload.filename:
            raise ImageRefused(_l("Choose an image to upload."))
        image = prepare_image(upload.read(), upload.filename)
        drafts.save_file(draft, current_user, image.path, image.data, None)
    except (ImageRefused, DraftRefused) as refusal:
        if _wants_json():
            return jsonify({"message": str(refusal.message)}), 400
        flash(refusal.message, "error")
        return redirect(url_for("authoring.edit", draft_id=draft.id, file=document or None))
    link = _relative_link(document, image.path)
    alt = _l("Describe the picture")
    markdown = f"![{alt}]({link})"
    if _wants_json():
        return jsonify({"markdown": markdown, "path": image.path})
    flash(_l("Image added: %(markdown)s", markdown=markdown), "success")
    return redirect(url_for("authoring.edit", draft_id=draft.id, file=document or None))


def _relative_link(document: str, target: str) -> str:
    folder = document.rsplit("/", 1)[0] if "/" in document else ""
    depth = len(folder.split("/")) if folder else 0
    return "../" * depth + target


@bp.post("/drafts/<int:draft_id>/lessons")
@role_required(*AUTHORS)
def new_lesson(draft_id: int):
    draft = _draft_or_404(draft_id)
    form = NewLessonForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for("authoring.edit", draft_id=draft.id))
    title = form.title.data.strip()
    lesson_slug = suggest_slug(title)[:40].strip("-") or "lesson"
    path = drafts.next_lesson_path(draft, lesson_slug)
    try:
        drafts.save_file(draft, current_user, path, f"# {title}\n\n".encode(), None)
    except DraftRefused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for("authoring.edit", draft_id=draft.id))
    return redirect(url_for("authoring.edit", draft_id=draft.id, file=path))


@bp.post("/drafts/<int:draft_id>/delete-file")
@role_required(*AUTHORS)
def delete_file(draft_id: int):
    draft = _draft_or_404(draft_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    path, _content, revision = _file_fields()
    try:
        drafts.delete_file(draft, current_user, path, revision)
    except DraftRefused as refusal:
        flash(refusal.message, "error")
    else:
        flash(_l("%(path)s deleted.", path=path), "success")
    return redirect(url_for("authoring.edit", draft_id=draft.id))


@bp.get("/drafts/<int:draft_id>/media/<path:path>")
@role_required(*AUTHORS)
def draft_media(draft_id: int, path: str):
    """A draft's image, for the preview (only image types are ever sent)."""
    suffix = "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""
    if suffix not in IMAGE_TYPES or suffix not in MEDIA_EXTENSIONS:
        abort(404)
    content = db.session.scalar(
        sa.select(DraftFile.content).where(DraftFile.draft_id == draft_id, DraftFile.path == path)
    )
    if content is None:
        abort(404)
    response = send_file(io.BytesIO(content), mimetype=IMAGE_TYPES[suffix])
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- questions -----------------------------------------------------------------------------


@bp.get("/drafts/<int:draft_id>/questions")
@role_required(*AUTHORS)
def questions(draft_id: int):
    draft = _draft_or_404(draft_id)
    check = drafts.check_draft(draft)
    return render_template(
        "authoring/questions.html",
        draft=draft,
        course=check.course,
        problems=[row for row in _problem_rows(check) if row["file"] == "quiz.md"],
        types=list(FORMS),
        type_labels=TYPE_LABELS,
    )


@bp.route("/drafts/<int:draft_id>/questions/new", methods=["GET", "POST"])
@role_required(*AUTHORS)
def new_question(draft_id: int):
    draft = _draft_or_404(draft_id)
    type_name = request.args.get("type", "single")
    if type_name not in FORMS:
        abort(404)
    form = FORMS[type_name]()
    quiz = next((file for file in draft.files if file.path == "quiz.md"), None)
    quiz_text = quiz.content.decode("utf-8", errors="replace") if quiz else ""
    if request.method == "POST":
        new_text = add_question(type_name, form, quiz_text)
        if new_text is not None:
            try:
                drafts.save_file(
                    draft,
                    current_user,
                    "quiz.md",
                    new_text.encode("utf-8"),
                    quiz.revision if quiz else None,
                )
            except DraftRefused as refusal:
                flash(refusal.message, "error")
            else:
                flash(_l("The question was added to quiz.md."), "success")
                return redirect(url_for("authoring.questions", draft_id=draft.id))
    return render_template(
        "authoring/new_question.html",
        draft=draft,
        form=form,
        type_name=type_name,
        types=list(FORMS),
        type_labels=TYPE_LABELS,
    )


# --- review and publishing -----------------------------------------------------------------


def _diff_against_live(draft: CourseDraft, check: drafts.DraftCheck):
    record = drafts.record_of(draft)
    live = record.current_version if record else None
    old_course = course_for_version(live) if live else None
    old_files = stored_files(live.id) if live else {}
    return compare_courses(old_course, check.course, old_files, check.files)


@bp.get("/drafts/<int:draft_id>/review")
@role_required(*AUTHORS)
def review(draft_id: int):
    draft = _draft_or_404(draft_id)
    check = drafts.check_draft(draft)
    record = drafts.record_of(draft)
    notes = db.session.scalars(
        sa.select(DraftNote)
        .options(selectinload(DraftNote.author))
        .where(DraftNote.draft_id == draft.id)
        .order_by(DraftNote.id)
    ).all()
    return render_template(
        "authoring/review.html",
        draft=draft,
        record=record,
        notes=notes,
        has_live=record is not None and record.current_version_id is not None,
        diff=_diff_against_live(draft, check),
        problems=_problem_rows(check),
        stale=drafts.is_stale(draft, record),
        require_review=drafts.require_review(),
        may_publish=drafts.may_publish(draft, current_user),
        message_form=MessageForm(),
        form=EmptyForm(),
    )


def _message_action(draft_id: int, action, done: str, to: str = "authoring.review"):
    draft = _draft_or_404(draft_id)
    form = MessageForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for(to, draft_id=draft.id))
    try:
        result = action(draft, current_user, form.message.data or "")
    except DraftRefused as refusal:
        flash(refusal.message, "error")
        return redirect(url_for(to, draft_id=draft.id))
    flash(done, "success")
    return result


@bp.post("/drafts/<int:draft_id>/submit")
@role_required(*AUTHORS)
def submit(draft_id: int):
    result = _message_action(draft_id, drafts.submit, _l("Sent for review."), to="authoring.edit")
    return (
        result if result is not None else redirect(url_for("authoring.review", draft_id=draft_id))
    )


@bp.post("/drafts/<int:draft_id>/comment")
@role_required(*AUTHORS)
def comment(draft_id: int):
    result = _message_action(draft_id, drafts.comment, _l("Comment added."))
    return (
        result if result is not None else redirect(url_for("authoring.review", draft_id=draft_id))
    )


@bp.post("/drafts/<int:draft_id>/send-back")
@role_required(*AUTHORS)
def send_back(draft_id: int):
    result = _message_action(draft_id, drafts.send_back, _l("The draft is open for changes again."))
    return result if result is not None else redirect(url_for("authoring.edit", draft_id=draft_id))


@bp.post("/drafts/<int:draft_id>/publish")
@role_required(*AUTHORS)
def publish(draft_id: int):
    draft = _draft_or_404(draft_id)
    slug = draft.slug
    result = _message_action(
        draft_id, drafts.publish, _l("Published: learners now see this version.")
    )
    if result is None or not isinstance(result, CourseVersion):
        return result
    return redirect(url_for("authoring.history", slug=slug))


@bp.post("/drafts/<int:draft_id>/continue")
@role_required(*AUTHORS)
def continue_on_live(draft_id: int):
    draft = _draft_or_404(draft_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    drafts.continue_on_live(draft, current_user)
    flash(_l("Your draft now continues from the current live version."), "success")
    return redirect(url_for("authoring.review", draft_id=draft.id))


@bp.post("/drafts/<int:draft_id>/discard")
@role_required(*AUTHORS)
def discard(draft_id: int):
    draft = _draft_or_404(draft_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    drafts.discard(draft, current_user)
    flash(_l("Draft discarded."), "success")
    return redirect(url_for("authoring.index"))


# --- history -------------------------------------------------------------------------------


@bp.get("/<slug>/history")
@role_required(*AUTHORS)
def history(slug: str):
    record = get_record_or_404(slug)
    publications = db.session.scalars(
        sa.select(CoursePublication)
        .options(
            selectinload(CoursePublication.version),
            selectinload(CoursePublication.author),
            selectinload(CoursePublication.reviewer),
        )
        .where(CoursePublication.course_id == record.id)
        .order_by(CoursePublication.number.desc())
    ).all()
    return render_template(
        "authoring/history.html",
        record=record,
        publications=publications,
        rollback_form=RollbackForm(),
    )


def _version_of(record: CourseRecord, version_id: int | None) -> CourseVersion:
    version = db.session.get(CourseVersion, version_id) if version_id else None
    if version is None or version.course_id != record.id:
        abort(404)
    return version


@bp.get("/<slug>/compare")
@role_required(*AUTHORS)
def compare(slug: str):
    record = get_record_or_404(slug)
    old = _version_of(record, request.args.get("old", type=db_int))
    new = _version_of(record, request.args.get("new", type=db_int))
    diff = compare_courses(
        course_for_version(old), course_for_version(new), stored_files(old.id), stored_files(new.id)
    )
    return render_template("authoring/compare.html", record=record, old=old, new=new, diff=diff)


@bp.post("/<slug>/rollback")
@role_required(*AUTHORS)
def rollback(slug: str):
    record = get_record_or_404(slug)
    form = RollbackForm()
    if not form.validate_on_submit():
        abort(400)
    version = _version_of(record, db_int(form.version.data or ""))
    try:
        drafts.rollback(record, version, current_user, form.message.data or "")
    except DraftRefused as refusal:
        flash(refusal.message, "error")
    else:
        flash(_l("The chosen version is live again."), "success")
    return redirect(url_for("authoring.history", slug=slug))


@bp.post("/<slug>/folder/take")
@role_required(*AUTHORS)
def take_folder_version(slug: str):
    record = get_record_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        drafts.take_folder_version(record, current_user, current_app.config["CONTENT_DIR"])
    except DraftRefused as refusal:
        flash(refusal.message, "error")
    else:
        flash(_l("The folder's version is live now."), "success")
    return redirect(url_for("authoring.detail", slug=slug))


@bp.post("/<slug>/folder/keep")
@role_required(*AUTHORS)
def keep_browser_version(slug: str):
    record = get_record_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    drafts.keep_browser_version(record, current_user)
    flash(_l("The version published in the browser stays live."), "success")
    return redirect(url_for("authoring.detail", slug=slug))


# --- export and import ---------------------------------------------------------------------


def _zip_response(slug: str, files) -> object:
    return send_file(
        io.BytesIO(course_zip(slug, files)),
        mimetype="application/zip",
        as_attachment=True,
        download_name=f"{slug}.zip",
    )


@bp.get("/<slug>/export.zip")
@role_required(*AUTHORS)
def export_course(slug: str):
    record = get_record_or_404(slug)
    if record.current_version_id is None:
        abort(404)
    return _zip_response(slug, stored_files(record.current_version_id))


@bp.get("/drafts/<int:draft_id>/export.zip")
@role_required(*AUTHORS)
def export_draft(draft_id: int):
    draft = _draft_or_404(draft_id)
    return _zip_response(draft.slug, drafts.draft_files(draft))


@bp.post("/drafts/<int:draft_id>/import")
@role_required(*AUTHORS)
@accepts_upload
def import_zip(draft_id: int):
    draft = _draft_or_404(draft_id)
    form = ZipUploadForm()
    if not form.validate_on_submit():
        _flash_errors(form)
        return redirect(url_for("authoring.edit", draft_id=draft.id))
    try:
        files = files_from_zip(form.archive.data.read())
        drafts.replace_files(draft, current_user, files)
    except (ArchiveRefused, DraftRefused) as refusal:
        flash(refusal.message, "error")
    else:
        flash(_l("%(count)d files imported into the draft.", count=len(files)), "success")
    return redirect(url_for("authoring.edit", draft_id=draft.id))

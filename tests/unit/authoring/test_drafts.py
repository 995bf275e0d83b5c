"""Drafts written in the browser: one loader, saves that never overwrite each other, review
and publishing through the sync's own path, conflicts with the content folder, rollback."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.conftest import make_user
from trainer.authoring import drafts
from trainer.authoring.drafts import DraftConflict, DraftRefused
from trainer.content.loader import course_version, folder_version
from trainer.courses.sync import sync_content
from trainer.extensions import db
from trainer.models import (
    AuditEvent,
    CourseDraft,
    CoursePublication,
    CourseRecord,
    CourseVersion,
    DraftFile,
)

LESSON = "lessons/01-welcome.md"


def record(slug: str) -> CourseRecord:
    return db.session.scalar(sa.select(CourseRecord).where(CourseRecord.slug == slug))


def file_of(draft: CourseDraft, path: str) -> DraftFile:
    return db.session.scalar(
        sa.select(DraftFile).where(DraftFile.draft_id == draft.id, DraftFile.path == path)
    )


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture(autouse=True)
def _in_a_request(app):
    """Refusals are translated messages, read in a request's language."""
    with app.test_request_context():
        yield


@pytest.fixture
def second_trainer(users):
    return make_user("T0002", "培训师小刘", {"trainer", "learner"})


def edited(draft: CourseDraft, user, path: str, old: str, new: str) -> DraftFile:
    stored = file_of(draft, path)
    text = stored.content.decode()
    assert old in text
    return drafts.save_file(draft, user, path, text.replace(old, new, 1).encode(), stored.revision)


# --- new course, starter template --------------------------------------------------------


def test_a_new_course_starts_from_the_starter_template_with_its_title(app, users):
    draft = drafts.start_new_course(users["trainer"], "前台接待礼仪", "reception-etiquette")

    files = drafts.draft_files(draft)
    starter = Path(app.config["STARTER_COURSE_DIR"])
    assert set(files) == {
        p.relative_to(starter).as_posix() for p in starter.rglob("*") if p.is_file()
    }
    assert 'title: "前台接待礼仪"' in files["course.md"].decode()
    check = drafts.check_draft(draft)
    assert check.errors == []
    assert check.course.meta.title == "前台接待礼仪"
    assert (draft.title, draft.error_count, draft.status) == ("前台接待礼仪", 0, "editing")
    assert actions() == ["course.draft_started"]


@pytest.mark.parametrize(
    "slug",
    ["Reception", "reception etiquette", "reception--etiquette", "-reception", "前台", "a" * 101],
)
def test_a_folder_name_that_a_course_cannot_have_is_refused_and_nothing_is_saved(app, users, slug):
    with pytest.raises(DraftRefused):
        drafts.start_new_course(users["trainer"], "前台接待礼仪", slug)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CourseDraft)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DraftFile)) == 0


def test_a_folder_name_at_the_length_limit_is_taken(app, users):
    draft = drafts.start_new_course(users["trainer"], "长名字", "a" * 100)
    assert draft.slug == "a" * 100


def test_a_folder_name_taken_by_a_course_or_a_draft_is_refused(app, users, synced):
    with pytest.raises(DraftRefused, match="basics"):
        drafts.start_new_course(users["trainer"], "另一门", "basics")
    drafts.start_new_course(users["trainer"], "前台接待礼仪", "reception")
    with pytest.raises(DraftRefused, match="reception"):
        drafts.start_new_course(users["trainer"], "前台接待礼仪二", "reception")


def test_duplicate_copies_the_live_files_under_a_new_name_and_title(app, users, synced):
    source = record("store-service")
    copy = drafts.duplicate_course(
        users["trainer"], source, "store-service-east", "门店售中服务（华东）"
    )
    files = drafts.draft_files(copy)
    original = (synced / "store-service" / "quiz.md").read_bytes()
    assert files["quiz.md"] == original
    assert drafts.check_draft(copy).course.meta.title == "门店售中服务（华东）"
    assert copy.base_version_id is None  # a new course: nothing live to be stale against


# --- saving ------------------------------------------------------------------------------


def test_two_trainers_saving_the_same_file_the_second_sees_the_conflict(
    app, users, second_trainer, synced
):
    draft = drafts.start_draft_from_live(users["trainer"], record("basics"))
    opened = file_of(draft, LESSON).revision  # both open revision 1
    text = file_of(draft, LESSON).content.decode()

    drafts.save_file(draft, users["trainer"], LESSON, (text + "\n王的补充。\n").encode(), opened)
    with pytest.raises(DraftConflict, match="培训师老王"):
        drafts.save_file(draft, second_trainer, LESSON, (text + "\n刘的补充。\n").encode(), opened)

    stored = file_of(draft, LESSON)
    assert stored.revision == opened + 1
    assert "王的补充" in stored.content.decode() and "刘的补充" not in stored.content.decode()
    # From the revision just saved, the second trainer's save goes through.
    drafts.save_file(draft, second_trainer, LESSON, b"# Welcome\n\nnew\n", stored.revision)
    assert file_of(draft, LESSON).revision == opened + 2


def test_a_new_file_saved_where_one_already_exists_is_a_conflict(app, users, synced):
    draft = drafts.start_draft_from_live(users["trainer"], record("basics"))
    with pytest.raises(DraftConflict):
        drafts.save_file(draft, users["trainer"], LESSON, b"# x\n", None)


@pytest.mark.parametrize(
    "path",
    [
        "../course.md",
        "/etc/passwd",
        "lessons/../../x.md",
        "lessons//01-x.md",
        "lessons/01 x.md",
        "lessons\\01-x.md",
        "",
        "images/" + "a" * 300 + ".png",
    ],
)
def test_a_path_outside_the_course_or_with_odd_characters_is_refused(app, users, path):
    draft = drafts.start_new_course(users["trainer"], "课程", "course-a")
    with pytest.raises(DraftRefused):
        drafts.save_file(draft, users["trainer"], path, b"x", None)
    assert path not in drafts.draft_files(draft)


@pytest.mark.parametrize(
    "path", ["lessons/03-greeting.md", "images/photo-1a2b3c4d.jpg", "notes_v2.txt"]
)
def test_ordinary_course_paths_are_taken(app, users, path):
    draft = drafts.start_new_course(users["trainer"], "课程", "course-a")
    drafts.save_file(draft, users["trainer"], path, b"# x\n", None)
    assert drafts.draft_files(draft)[path] == b"# x\n"


def test_a_draft_with_errors_is_saved_but_cannot_be_submitted(app, users, synced):
    draft = drafts.start_draft_from_live(users["trainer"], record("basics"))
    stored = file_of(draft, LESSON)
    drafts.save_file(draft, users["trainer"], LESSON, b"no title line\n", stored.revision)

    assert file_of(draft, LESSON).content == b"no title line\n"  # saved
    check = drafts.check_draft(draft)
    assert [(check.relative(p), p.line, p.code) for p in check.errors] == [
        (LESSON, 1, "lesson-no-title")
    ]
    assert draft.error_count == 1
    with pytest.raises(DraftRefused, match="1"):
        drafts.submit(draft, users["trainer"], "改了欢迎课")
    assert draft.status == "editing"


def test_the_check_sees_the_editors_unsaved_text_and_saves_nothing(app, users, synced):
    draft = drafts.start_draft_from_live(users["trainer"], record("basics"))
    before = file_of(draft, LESSON).content
    check = drafts.check_draft(draft, {LESSON: b"\n\nno title\n"})
    assert [(check.relative(p), p.line) for p in check.errors] == [(LESSON, 3)]
    assert file_of(draft, LESSON).content == before


def test_a_draft_in_review_cannot_be_changed(app, users, second_trainer, synced):
    draft = drafts.start_draft_from_live(users["trainer"], record("basics"))
    edited(draft, users["trainer"], LESSON, "\n", "\n\n新的一段。\n")
    drafts.submit(draft, users["trainer"], "加一段")
    with pytest.raises(DraftRefused):
        edited(draft, users["trainer"], LESSON, "新的一段", "又一段")


# --- review and publishing ---------------------------------------------------------------


def test_with_review_required_the_author_cannot_publish_and_another_trainer_can(
    app, users, second_trainer, synced
):
    assert app.config["REQUIRE_REVIEW"] is True  # the default
    basics = record("basics")
    first_version = basics.current_version_id
    draft = drafts.start_draft_from_live(users["trainer"], basics)
    edited(draft, users["trainer"], LESSON, "\n", "\n\n浏览器里写的新段落。\n")

    with pytest.raises(DraftRefused):  # not submitted yet
        drafts.publish(draft, second_trainer)
    drafts.submit(draft, users["trainer"], "欢迎课加了一段")
    assert not drafts.may_publish(draft, users["trainer"])
    with pytest.raises(DraftRefused):
        drafts.publish(draft, users["trainer"])
    assert drafts.may_publish(draft, second_trainer)

    version = drafts.publish(draft, second_trainer)

    basics = record("basics")
    assert basics.current_version_id == version.id != first_version
    assert basics.source == "browser"
    assert "浏览器里写的新段落" in version.lessons[0].html
    assert db.session.get(CourseDraft, draft.id) is None
    publication = db.session.scalar(
        sa.select(CoursePublication).where(CoursePublication.version_id == version.id)
    )
    assert (publication.source, publication.author, publication.reviewer, publication.message) == (
        "browser",
        users["trainer"],
        second_trainer,
        "欢迎课加了一段",
    )
    assert publication.number == 2  # the sync's publication was the first
    event = db.session.scalar(
        sa.select(AuditEvent)
        .where(AuditEvent.action == "course.version_published")
        .order_by(AuditEvent.id.desc())
    )
    assert event.actor_id == second_trainer.id
    assert (event.details["author"], event.details["reviewer"], event.details["message"]) == (
        "培训师老王",
        "培训师小刘",
        "欢迎课加了一段",
    )


def test_an_administrator_may_review(app, users, synced):
    draft = drafts.start_draft_from_live(users["trainer"], record("basics"))
    edited(draft, users["trainer"], LESSON, "\n", "\n\n管理员审核的段落。\n")
    drafts.submit(draft, users["trainer"], "改")
    drafts.publish(draft, users["admin"])
    assert "管理员审核的段落" in record("basics").current_version.lessons[0].html


def test_sent_back_the_draft_is_editable_again_with_the_reason_kept(
    app, users, second_trainer, synced
):
    draft = drafts.start_draft_from_live(users["trainer"], record("basics"))
    edited(draft, users["trainer"], LESSON, "\n", "\n\n一段。\n")
    drafts.submit(draft, users["trainer"], "改")
    with pytest.raises(DraftRefused):
        drafts.send_back(draft, second_trainer, "  ")  # a reviewer says why
    drafts.send_back(draft, second_trainer, "第二段要写具体的话术")
    assert draft.status == "editing"
    assert [(n.kind, n.body) for n in draft.notes] == [
        ("submitted", "改"),
        ("sent_back", "第二段要写具体的话术"),
    ]
    edited(draft, users["trainer"], LESSON, "一段。", "欢迎光临，请随便看看。")


@pytest.mark.parametrize("app_config", [{"REQUIRE_REVIEW": False}])
def test_without_required_review_the_author_publishes_directly(app, users, synced):
    draft = drafts.start_draft_from_live(users["trainer"], record("basics"))
    edited(draft, users["trainer"], LESSON, "\n", "\n\n直接发布的段落。\n")
    with pytest.raises(DraftRefused):
        drafts.publish(draft, users["trainer"], "")  # still says what changed
    version = drafts.publish(draft, users["trainer"], "直接发布")
    publication = db.session.scalar(
        sa.select(CoursePublication).where(CoursePublication.version_id == version.id)
    )
    assert (publication.author, publication.reviewer) == (users["trainer"], None)


def test_a_draft_identical_to_the_live_version_has_nothing_to_publish(app, users, synced):
    draft = drafts.start_draft_from_live(users["trainer"], record("basics"))
    with pytest.raises(DraftRefused):
        drafts.submit(draft, users["trainer"], "没改")


def test_a_published_draft_is_the_same_version_as_the_same_files_in_the_folder(
    app, users, second_trainer, synced
):
    draft = drafts.start_draft_from_live(users["trainer"], record("basics"))
    edited(draft, users["trainer"], LESSON, "\n", "\n\n同一份文件。\n")
    files = drafts.draft_files(draft)
    drafts.submit(draft, users["trainer"], "改")
    version = drafts.publish(draft, second_trainer)
    assert version.version_hash == course_version(files)

    folder = synced / "basics"
    (folder / LESSON).write_bytes(files[LESSON])
    assert folder_version(folder) == version.version_hash
    report = sync_content(Path(app.config["CONTENT_DIR"]))
    assert report.outcomes["basics"] == "unchanged"  # no conflict: the very same files
    assert record("basics").current_version_id == version.id


# --- the live version moves while a draft is open ------------------------------------------


def test_a_draft_whose_live_version_changed_waits_for_the_trainers_choice(
    app, users, second_trainer, synced
):
    draft = drafts.start_draft_from_live(users["trainer"], record("basics"))
    edited(draft, users["trainer"], LESSON, "\n", "\n\n草稿的段落。\n")
    lesson = synced / "basics" / LESSON
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n文件夹里的改动。\n", encoding="utf-8")
    assert sync_content(Path(app.config["CONTENT_DIR"])).outcomes["basics"] == "updated"

    assert drafts.is_stale(draft)
    with pytest.raises(DraftRefused):
        drafts.submit(draft, users["trainer"], "改")
    drafts.continue_on_live(draft, users["trainer"])
    assert not drafts.is_stale(draft)
    drafts.submit(draft, users["trainer"], "改")
    assert draft.status == "in_review"


# --- the content folder against the browser ------------------------------------------------


def published_from_browser(users, reviewer, slug="basics", words="浏览器版本。"):
    draft = drafts.start_draft_from_live(users["trainer"], record(slug))
    edited(draft, users["trainer"], LESSON, "\n", f"\n\n{words}\n")
    drafts.submit(draft, users["trainer"], "浏览器里改")
    return drafts.publish(draft, reviewer)


def test_a_sync_never_replaces_a_version_published_from_the_browser(
    app, users, second_trainer, synced
):
    version = published_from_browser(users, second_trainer)
    lesson = synced / "basics" / LESSON
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n文件夹的改动。\n", encoding="utf-8")

    report = sync_content(Path(app.config["CONTENT_DIR"]))

    basics = record("basics")
    assert report.outcomes["basics"] == "conflict"
    assert basics.current_version_id == version.id
    assert basics.folder_conflict_hash == folder_version(synced / "basics")
    # Kept: the same folder files are not raised again...
    drafts.keep_browser_version(basics, users["trainer"])
    assert sync_content(Path(app.config["CONTENT_DIR"])).outcomes["basics"] == "kept"
    # ...but other changes in the folder are.
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n又改了。\n", encoding="utf-8")
    assert sync_content(Path(app.config["CONTENT_DIR"])).outcomes["basics"] == "conflict"
    assert record("basics").current_version_id == version.id


def test_taking_the_folders_files_makes_them_live_and_the_course_folder_sourced_again(
    app, users, second_trainer, synced
):
    published_from_browser(users, second_trainer)
    lesson = synced / "basics" / LESSON
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n文件夹胜出。\n", encoding="utf-8")
    sync_content(Path(app.config["CONTENT_DIR"]))

    drafts.take_folder_version(record("basics"), users["trainer"], Path(app.config["CONTENT_DIR"]))

    basics = record("basics")
    assert "文件夹胜出" in basics.current_version.lessons[0].html
    assert (basics.source, basics.folder_conflict_hash) == ("folder", None)
    assert sync_content(Path(app.config["CONTENT_DIR"])).outcomes["basics"] == "unchanged"


def test_a_course_created_in_the_browser_is_not_missing_for_want_of_a_folder(
    app, users, second_trainer, synced
):
    draft = drafts.start_new_course(users["trainer"], "前台接待礼仪", "reception-etiquette")
    drafts.submit(draft, users["trainer"], "新课程")
    drafts.publish(draft, second_trainer)

    report = sync_content(Path(app.config["CONTENT_DIR"]))

    assert "reception-etiquette" not in report.outcomes
    new = record("reception-etiquette")
    assert (new.status, new.source) == ("ok", "browser")


# --- history -------------------------------------------------------------------------------


def test_rollback_publishes_an_older_version_again_as_a_new_entry(
    app, users, second_trainer, synced
):
    first = record("basics").current_version_id
    published_from_browser(users, second_trainer)

    version = db.session.get(CourseVersion, first)
    with pytest.raises(DraftRefused):  # says why
        drafts.rollback(record("basics"), version, users["trainer"], " ")
    drafts.rollback(record("basics"), version, users["trainer"], "新段落写错了")

    assert record("basics").current_version_id == first
    history = db.session.execute(
        sa.select(CoursePublication.number, CoursePublication.source, CoursePublication.version_id)
        .where(CoursePublication.course_id == record("basics").id)
        .order_by(CoursePublication.number)
    ).all()
    assert [(n, s) for n, s, _ in history] == [(1, "folder"), (2, "browser"), (3, "rollback")]
    assert history[0][2] == history[2][2] == first
    with pytest.raises(DraftRefused):  # already live
        drafts.rollback(record("basics"), version, users["trainer"], "再来一次")


def test_a_draft_takes_new_files_up_to_the_limit_and_no_more(app, users, monkeypatch):
    draft = drafts.start_new_course(users["trainer"], "课程", "course-a")
    held = len(drafts.draft_files(draft))
    monkeypatch.setattr(drafts, "MAX_DRAFT_FILES", held + 1)
    drafts.save_file(draft, users["trainer"], "images/one.png", b"x", None)  # the last one
    with pytest.raises(DraftRefused):
        drafts.save_file(draft, users["trainer"], "images/two.png", b"x", None)
    assert len(drafts.draft_files(draft)) == held + 1
    # Saving a file it already holds is not a new file.
    one = file_of(draft, "images/one.png")
    drafts.save_file(draft, users["trainer"], "images/one.png", b"y", one.revision)

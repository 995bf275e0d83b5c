"""content sync: versions by hash, broken courses keep their last good version."""

from pathlib import Path

import sqlalchemy as sa

from tests.conftest import count_rows
from trainer.courses.sync import course_for_version, sync_content
from trainer.extensions import db
from trainer.models import CourseFile, CourseRecord, CourseVersion, LessonProgress


def _record(slug: str) -> CourseRecord:
    return db.session.scalar(sa.select(CourseRecord).where(CourseRecord.slug == slug))


def test_first_sync_loads_every_course_with_rendered_lessons(app, synced):
    record = _record("store-service")
    version = record.current_version
    assert record.status == "ok" and version.title == "门店售中服务"
    assert [lesson.number for lesson in version.lessons] == [1, 2]
    assert "<h2" in version.lessons[0].html and "三秒问候" in version.lessons[0].html
    # Images point at this version's stored copy, never at the folder on disk.
    assert f"/courses/store-service/v{version.id}/media/store-map.svg" in version.lessons[0].html


def test_unchanged_course_is_skipped(app, synced):
    before = count_rows(CourseVersion)
    report = sync_content(Path(app.config["CONTENT_DIR"]))
    assert set(report.outcomes.values()) == {"unchanged"}
    assert count_rows(CourseVersion) == before


def test_changed_course_becomes_a_new_version_and_old_progress_stays(app, synced, users):
    old = _record("store-service").current_version
    db.session.add(LessonProgress(user_id=users["learner"].id, version_id=old.id, lesson_number=1))
    db.session.commit()
    lesson = synced / "store-service" / "lessons" / "01-greeting.md"
    lesson.write_text(lesson.read_text(encoding="utf-8") + "\n新增的一段。\n", encoding="utf-8")

    report = sync_content(Path(app.config["CONTENT_DIR"]))

    assert report.outcomes == {"basics": "unchanged", "store-service": "updated"}
    record = _record("store-service")
    assert record.current_version_id != old.id
    assert "新增的一段" in record.current_version.lessons[0].html
    assert len(record.versions) == 2
    # Progress made on the old version still points at it.
    progress = db.session.scalar(sa.select(LessonProgress))
    assert progress.version_id == old.id


def test_reverting_files_brings_back_the_earlier_version(app, synced):
    lesson = synced / "basics" / "lessons" / "01-welcome.md"
    original = lesson.read_text(encoding="utf-8")
    first = _record("basics").current_version_id
    lesson.write_text(original + "\n临时修改。\n", encoding="utf-8")
    sync_content(Path(app.config["CONTENT_DIR"]))
    lesson.write_text(original, encoding="utf-8")
    report = sync_content(Path(app.config["CONTENT_DIR"]))
    assert report.outcomes["basics"] == "restored"
    assert _record("basics").current_version_id == first


def test_broken_course_keeps_its_last_good_version_and_others_still_load(app, synced):
    live = _record("store-service").current_version_id
    (synced / "store-service" / "course.md").write_text(
        "---\ntitle: [unclosed\n---\n", encoding="utf-8"
    )
    basics_lesson = synced / "basics" / "lessons" / "01-welcome.md"
    basics_lesson.write_text(
        basics_lesson.read_text(encoding="utf-8") + "\n更新。\n", encoding="utf-8"
    )

    report = sync_content(Path(app.config["CONTENT_DIR"]))

    assert report.outcomes == {"basics": "updated", "store-service": "error"}
    record = _record("store-service")
    assert record.status == "error" and record.current_version_id == live
    assert record.errors and record.errors[0]["file"] == "courses/store-service/course.md"
    assert record.errors[0]["zh"] and record.errors[0]["en"]


def test_course_folder_removed_is_marked_missing_not_deleted(app, synced):
    import shutil

    shutil.rmtree(synced / "basics")
    report = sync_content(Path(app.config["CONTENT_DIR"]))
    assert report.outcomes["basics"] == "missing"
    assert _record("basics").status == "missing"
    assert _record("basics").current_version is not None  # history kept


def test_stored_version_is_parsed_back_from_the_database(app, synced):
    version = _record("store-service").current_version
    for path in (synced / "store-service").rglob("*.md"):
        path.unlink()  # the folder on disk is gone; the version must not need it
    course = course_for_version(version)
    assert course.version == version.version_hash
    assert len(course.questions) == version.question_count
    assert course.practical is not None and course.attitude is not None


def test_every_file_of_a_version_is_stored(app, synced):
    version = _record("store-service").current_version
    paths = set(
        db.session.scalars(sa.select(CourseFile.path).where(CourseFile.version_id == version.id))
    )
    assert {
        "course.md",
        "quiz.md",
        "practical.md",
        "attitude.md",
        "lessons/01-greeting.md",
        "media/store-map.svg",
    } <= paths


def test_shipped_courseware_passes_check_and_loads(app):
    """The courses we ship: at least ten, every one valid, with real banks and checklists."""
    from tests.course_helpers import SHIPPED_COURSES, copy_fixture_courses

    copy_fixture_courses(Path(app.config["CONTENT_DIR"]), SHIPPED_COURSES)
    report = sync_content(Path(app.config["CONTENT_DIR"]))
    errors = {
        slug: problems
        for slug, problems in report.problems.items()
        if any(p.is_error for p in problems)
    }
    assert errors == {}
    assert len(report.outcomes) >= 11 and set(report.outcomes.values()) == {"new"}
    for record in db.session.scalars(sa.select(CourseRecord)):
        course = course_for_version(record.current_version)
        assert 3 <= len(course.lessons) <= 6, record.slug
        assert len(course.questions) >= 15, record.slug
        if course.meta.category == "sop":
            assert course.practical is not None, record.slug
    onboarding = course_for_version(_record("onboarding").current_version)
    assert onboarding.practical and onboarding.attitude


def _long_course(courses_dir: Path, length: int = 120) -> str:
    import shutil

    slug = "-".join(["long"] * 200)[:length].rstrip("-")
    assert len(slug) >= 101
    shutil.copytree(courses_dir / "basics", courses_dir / slug)
    return slug


def test_content_check_refuses_a_folder_name_longer_than_the_database_holds(app, courses_dir):
    """Issue 21: a 120-character folder passed content check, then failed sync on PostgreSQL."""
    from trainer.content import load_catalogue

    slug = _long_course(courses_dir)
    catalogue = load_catalogue(Path(app.config["CONTENT_DIR"]))
    assert slug not in catalogue.courses
    assert [p.code for p in catalogue.errors_for(slug)] == ["too-long-for-database"]


def test_a_long_folder_name_does_not_stop_the_other_courses_syncing(app, courses_dir):
    slug = _long_course(courses_dir)
    report = sync_content(Path(app.config["CONTENT_DIR"]))
    assert report.outcomes["basics"] == "new" and report.outcomes["store-service"] == "new"
    assert _record("store-service").current_version is not None
    assert report.outcomes[slug] == "error" and _record(slug) is None


def test_a_course_the_database_refuses_leaves_the_others_loaded(app, courses_dir, monkeypatch):
    from trainer.courses import sync

    real = sync._create_version

    def refuse_basics(record, course, files):
        if course.slug == "basics":
            raise sa.exc.DataError("INSERT ...", {}, Exception("value too long"))
        return real(record, course, files)

    monkeypatch.setattr(sync, "_create_version", refuse_basics)
    report = sync_content(Path(app.config["CONTENT_DIR"]))
    assert report.outcomes == {"basics": "error", "store-service": "new"}
    assert _record("store-service").current_version.title == "门店售中服务"
    basics = _record("basics")
    assert basics.status == "error" and basics.current_version_id is None
    # Beside the small fixture bank's warnings (bank-too-small, lesson-no-quota-tag):
    assert [p["code"] for p in basics.problems if p["severity"] == "error"] == ["loader-failed"]


def test_content_limits_match_the_database_columns(app):
    from trainer.content.loader import DB_LIMITS
    from trainer.models import AssessmentScore, CourseLesson, QuizAnswer

    columns = {
        "slug": CourseRecord.slug,
        "title": CourseVersion.title,
        "path": CourseFile.path,
        "lesson_slug": CourseLesson.slug,
        "lesson_title": CourseLesson.title,
        "question_id": QuizAnswer.question_id,
        "item_id": AssessmentScore.item_id,
    }
    assert DB_LIMITS == {name: column.type.length for name, column in columns.items()}

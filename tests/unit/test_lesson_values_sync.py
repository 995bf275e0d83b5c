"""Lessons show the exam settings of the course version they were synced with."""

from pathlib import Path

import sqlalchemy as sa

from trainer.courses.sync import sync_content
from trainer.extensions import db
from trainer.models import CourseRecord


def _lesson_html(slug: str, number: int) -> str:
    record = db.session.scalar(sa.select(CourseRecord).where(CourseRecord.slug == slug))
    return next(lesson.html for lesson in record.current_version.lessons if lesson.number == number)


def test_changing_the_settings_and_resyncing_changes_the_lesson_text(app, courses_dir):
    lesson = courses_dir / "store-service" / "lessons" / "01-greeting.md"
    lesson.write_text(
        lesson.read_text(encoding="utf-8")
        + "\n本课程考试共 {{考试题数}} 题，限时 {{考试时长}} 分钟，{{及格分}}% 及格。\n",
        encoding="utf-8",
    )
    sync_content(Path(app.config["CONTENT_DIR"]))
    assert "本课程考试共 6 题，限时 15 分钟，80% 及格。" in _lesson_html("store-service", 1)

    course_md = courses_dir / "store-service" / "course.md"
    course_md.write_text(
        course_md.read_text(encoding="utf-8")
        .replace("questions_per_attempt: 6", "questions_per_attempt: 5")
        .replace("time_limit_minutes: 15", "time_limit_minutes: 25"),
        encoding="utf-8",
    )
    report = sync_content(Path(app.config["CONTENT_DIR"]))

    assert report.outcomes["store-service"] == "updated"
    assert "本课程考试共 5 题，限时 25 分钟，80% 及格。" in _lesson_html("store-service", 1)


def test_shipped_lessons_show_numbers_not_placeholders(app):
    from tests.course_helpers import SHIPPED_COURSES, copy_fixture_courses

    copy_fixture_courses(Path(app.config["CONTENT_DIR"]), SHIPPED_COURSES)
    sync_content(Path(app.config["CONTENT_DIR"]))

    for record in db.session.scalars(sa.select(CourseRecord)):
        for lesson in record.current_version.lessons:
            assert "{{" not in lesson.html and "｛｛" not in lesson.html, (record.slug, lesson.slug)
    # onboarding's course.md: 10 questions, 20 minutes, pass mark 80, 3 attempts, 30 minutes.
    assert (
        "每次抽 10 题，限时 20 分钟，得分达到 80% 即为通过；每一轮可以考 3 次，"
        "两次考试之间至少等 30 分钟" in _lesson_html("onboarding", 2)
    )


def test_course_intro_shows_the_settings_too(app, courses_dir):
    course_md = courses_dir / "store-service" / "course.md"
    course_md.write_text(
        course_md.read_text(encoding="utf-8") + "\n考试及格线：{{及格分}}%。\n", encoding="utf-8"
    )

    sync_content(Path(app.config["CONTENT_DIR"]))

    record = db.session.scalar(sa.select(CourseRecord).where(CourseRecord.slug == "store-service"))
    assert "考试及格线：80%。" in record.current_version.intro_html

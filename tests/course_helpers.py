"""Helpers for tests that need courses on disk and in the database."""

import shutil
from pathlib import Path

FIXTURE_COURSES = Path(__file__).resolve().parent / "fixtures" / "courses"
SHIPPED_COURSES = Path(__file__).resolve().parents[1] / "content" / "courses"


def copy_fixture_courses(content_dir: Path, source: Path = FIXTURE_COURSES) -> Path:
    courses = content_dir / "courses"
    shutil.copytree(source, courses, dirs_exist_ok=True)
    return courses

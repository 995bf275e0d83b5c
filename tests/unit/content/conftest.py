"""A writable copy of the fixture courses per test, and helpers to break them on purpose."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from trainer.content import Course, Problem, load_course

FIXTURE_COURSES = Path(__file__).resolve().parents[2] / "fixtures" / "courses"

# The fixture courses are deliberately small: their banks are under three times the draw and
# not every lesson has a tag quota. Tests about other checks leave these warnings out.
BANK_WARNINGS = {
    "bank-right-is-longest",
    "bank-multiple-right-majority",
    "bank-too-small",
    "lesson-no-quota-tag",
    "lesson-not-examined",
}


def beyond_bank_warnings(problems: list[Problem]) -> list[Problem]:
    return [problem for problem in problems if problem.code not in BANK_WARNINGS]


class CourseUnderTest:
    """One course folder a test may edit, with shortcuts to load it and find problems."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.slug = root.name

    def path(self, relative: str) -> Path:
        return self.root / relative

    def display(self, relative: str) -> str:
        return f"courses/{self.slug}/{relative}"

    def read(self, relative: str) -> str:
        return self.path(relative).read_text(encoding="utf-8")

    def write(self, relative: str, content: str | bytes) -> None:
        target = self.path(relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")

    def edit(self, relative: str, old: str, new: str) -> None:
        text = self.read(relative)
        assert old in text, f"{old!r} not in {relative}"
        self.write(relative, text.replace(old, new, 1))

    def line_of(self, relative: str, needle: str) -> int:
        for number, line in enumerate(self.read(relative).split("\n"), start=1):
            if needle in line:
                return number
        raise AssertionError(f"{needle!r} not in {relative}")

    def line_exactly(self, relative: str, text: str) -> int:
        return self.read(relative).split("\n").index(text) + 1

    def load(self) -> tuple[Course | None, list[Problem]]:
        return load_course(self.root)

    def problem(self, code: str) -> Problem:
        """The single problem with `code`; fails listing all problems otherwise."""
        _, problems = self.load()
        matching = [problem for problem in problems if problem.code == code]
        assert len(matching) == 1, [(p.file, p.line, p.code) for p in problems]
        return matching[0]


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    """content/ with courses/basics and courses/store-service, both valid."""
    shutil.copytree(FIXTURE_COURSES, tmp_path / "content" / "courses")
    return tmp_path / "content"


@pytest.fixture
def course(content_dir: Path) -> CourseUnderTest:
    """The full fixture course: every question type, both checklists, media."""
    return CourseUnderTest(content_dir / "courses" / "store-service")


@pytest.fixture
def new_course(content_dir: Path):
    """Make another course folder next to the fixtures, starting as a copy of basics."""

    def make(slug: str) -> CourseUnderTest:
        shutil.copytree(content_dir / "courses" / "basics", content_dir / "courses" / slug)
        return CourseUnderTest(content_dir / "courses" / slug)

    return make

"""Generate a realistic catalogue of many courses from the real ones in content/courses.

Every generated course is a copy of a real course (taken in turn, so some have a practical
checklist and 4 or 5 lessons each), with its own slug and title, a 20-question quiz and
prerequisites that point only at generated courses that exist, earlier in the list.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from trainer.content import load_catalogue

REAL_COURSES = Path(__file__).resolve().parent.parent / "content" / "courses"
QUESTIONS_PER_QUIZ = 20
_QUESTION_HEADING = re.compile(r"^##(?!#)\s*(\S+)\s*$")
_TITLE = re.compile(r"^title:\s*(.+)$", re.MULTILINE)
_PREREQUISITES = re.compile(r"^prerequisites:.*$", re.MULTILINE)


def _template_courses() -> list[Path]:
    # The course that has no prerequisites goes first: the root every other course can need.
    folders = sorted(p for p in REAL_COURSES.iterdir() if (p / "course.md").is_file())
    return sorted(folders, key=lambda p: "prerequisites: []" not in (p / "course.md").read_text())


def generate_catalogue(content_dir: Path, count: int = 100) -> list[str]:
    """Write `count` valid courses to content_dir/courses; return their slugs in order.

    Raises if the catalogue does not load cleanly, so a benchmark never times errors.
    """
    courses_dir = content_dir / "courses"
    courses_dir.mkdir(parents=True, exist_ok=True)
    templates = _template_courses()
    slugs: list[str] = []
    for index in range(count):
        template = templates[index % len(templates)]
        slug = f"c{index:03d}-{template.name}"
        prerequisites = _prerequisites_for(index, slugs)
        _copy_course(template, courses_dir / slug, index, prerequisites)
        slugs.append(slug)
    catalogue = load_catalogue(content_dir)
    broken = {slug: catalogue.errors_for(slug) for slug in slugs if catalogue.errors_for(slug)}
    if broken or len(catalogue.courses) != count:
        raise RuntimeError(f"generated courses do not load cleanly: {broken}")
    return slugs


def _prerequisites_for(index: int, earlier: list[str]) -> list[str]:
    if index == 0:
        return []
    wanted = [earlier[0]]  # like onboarding: most courses need the root course
    if index % 5 == 0:
        wanted.append(earlier[index - 1])  # and some build on the course before them
    return sorted(set(wanted))


def _copy_course(template: Path, target: Path, index: int, prerequisites: list[str]) -> None:
    shutil.copytree(template, target)
    course_md = target / "course.md"
    text = course_md.read_text(encoding="utf-8")
    text = _TITLE.sub(lambda m: f"title: {m.group(1).strip()}（第 {index + 1} 期）", text, count=1)
    text = _PREREQUISITES.sub(f"prerequisites: [{', '.join(prerequisites)}]", text, count=1)
    # The bank is cut to the first questions below, so per-lesson quotas could ask for tags
    # that are gone: the copies draw freely.
    text = re.sub(r"^[ \t]*tag_quotas:.*\n", "", text, flags=re.M)
    course_md.write_text(text, encoding="utf-8")
    quiz_md = target / "quiz.md"
    quiz_md.write_text(
        _quiz_with(quiz_md.read_text(encoding="utf-8"), QUESTIONS_PER_QUIZ), encoding="utf-8"
    )


def _quiz_with(text: str, wanted: int) -> str:
    """The same question bank cut or repeated to exactly `wanted` questions (ids kept unique)."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if _QUESTION_HEADING.match(line)]
    blocks = [
        lines[start:end] for start, end in zip(starts, [*starts[1:], len(lines)], strict=True)
    ]
    chosen: list[list[str]] = []
    for number in range(wanted):
        block = list(blocks[number % len(blocks)])
        repeat = number // len(blocks)
        if repeat:
            question_id = _QUESTION_HEADING.match(block[0]).group(1)
            block[0] = f"## {question_id}-r{repeat}"
        chosen.append(block)
    body = "\n".join("\n".join(block).rstrip("\n") + "\n" for block in chosen)
    preamble = "\n".join(lines[: starts[0]]).rstrip("\n")
    return f"{preamble}\n\n{body}" if preamble else body


def change_one_file_each(content_dir: Path, slugs: list[str], round_number: int) -> None:
    """Edit the first lesson of every course, as a trainer fixing a typo would."""
    for slug in slugs:
        lesson = sorted((content_dir / "courses" / slug / "lessons").glob("*.md"))[0]
        with lesson.open("a", encoding="utf-8") as stream:
            stream.write(f"\n修订记录：第 {round_number} 次更新。\n")

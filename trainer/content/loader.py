"""Course files → Course objects, and every problem in them as line-numbered Problems.

A course's files are a mapping of course-relative path → bytes, whether they were read from a
folder under content/courses/ or come from a draft a trainer edits in the browser: the same
code checks both, so a draft passes exactly when the same files in a folder would.

Nothing here raises on bad input: a course with errors comes back as None with its
problems, and the rest of the catalogue loads as if it were not there.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from trainer.content.bank_checks import check_bank
from trainer.content.checklist import parse_checklist
from trainer.content.lesson_values import check_lesson_values, check_text_values
from trainer.content.links import check_links, find_links, resolve_course_link
from trainer.content.meta import parse_course_meta
from trainer.content.model import Checklist, Course, Lesson, Problem
from trainer.content.prerequisites import check_prerequisites
from trainer.content.question_model import Question
from trainer.content.quiz import check_quiz_settings, parse_quiz
from trainer.content.settings import CourseSettings
from trainer.content.sources import FrontMatter, decode_markdown, split_front_matter

COURSE_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_FILE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
LESSON_TITLE = re.compile(r"^#(?!#)\s*(.*?)\s*#*\s*$")
CHECKLISTS = {"practical": "practical.md", "attitude": "attitude.md"}
# The database's column sizes (trainer/models; a test keeps the two equal). A course that
# would not fit is an error here, in `content check`, not a failed sync.
DB_LIMITS = {
    "slug": 100,  # course_records.slug
    "title": 200,  # course_versions.title
    "path": 300,  # course_files.path
    "lesson_slug": 200,  # course_lessons.slug
    "lesson_title": 300,  # course_lessons.title
    "question_id": 100,  # quiz_answers.question_id
    "item_id": 100,  # assessment_scores.item_id
}
# Media are stored in the database and sent whole or in ranges; a training video longer than
# this belongs on a video platform, linked from the lesson.
MAX_MEDIA_BYTES = 100 * 1024 * 1024
# What editors and operating systems leave next to the real files: a copy of quiz.md under
# one of these names holds every answer, so such files are never stored nor served.
BACKUP_SUFFIXES = ("~", ".bak", ".orig", ".old", ".swp", ".swo", ".swx", ".tmp", ".rej")
JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini"})
# The only files a lesson may show or link to. Anything else (notes, office files, scripts)
# stays in the folder for the trainer but is never served.
MEDIA_EXTENSIONS = frozenset(
    {
        ".png",
        ".jpg",
        ".jpeg",
        ".gif",
        ".webp",
        ".svg",
        ".avif",
        ".mp4",
        ".webm",
        ".m4v",
        ".mp3",
        ".m4a",
        ".ogg",
        ".oga",
        ".wav",
        ".pdf",
    }
)


# A course's files: course-relative POSIX path → bytes.
CourseFiles = Mapping[str, bytes]


@dataclass(frozen=True)
class Catalogue:
    courses: dict[str, Course]  # only the courses without errors
    problems: dict[str, list[Problem]]  # every course folder's problems, warnings included
    files: dict[str, CourseFiles] = field(default_factory=dict)  # the valid courses' files

    def errors_for(self, slug: str) -> list[Problem]:
        return [problem for problem in self.problems.get(slug, []) if problem.is_error]

    def warnings_for(self, slug: str) -> list[Problem]:
        return [problem for problem in self.problems.get(slug, []) if not problem.is_error]


@dataclass
class CourseLoad:
    """What the catalogue needs from one course, even when the course itself is invalid."""

    slug: str
    course: Course | None
    problems: list[Problem]
    course_md: str  # display path, for prerequisite problems
    prerequisites: list[tuple[str, int]] = field(default_factory=list)  # (slug, line)
    files: CourseFiles = field(default_factory=dict)  # what a stored version keeps


def load_course(course_dir: Path) -> tuple[Course | None, list[Problem]]:
    """Load one course folder. The Course is None when any problem is an error."""
    load = _load_folder(course_dir)
    return load.course, load.problems


def load_course_files(
    slug: str, files: CourseFiles, display_root: str | None = None
) -> tuple[Course | None, list[Problem]]:
    """Load one course from its files. The Course is None when any problem is an error."""
    load = load_course_source(slug, files, display_root)
    return load.course, load.problems


def load_course_source(
    slug: str,
    files: CourseFiles,
    display_root: str | None = None,
    read_problems: Sequence[Problem] = (),
) -> CourseLoad:
    """Load one course from its files (and the problems met while reading them)."""
    display_root = display_root or f"courses/{slug}"
    try:
        return _load_course(slug, files, display_root, list(read_problems))
    except Exception as exc:  # one course's surprise must not stop the others
        problem = Problem.error(
            f"{display_root}/course.md", 0, "loader-failed", detail=repr(exc)[:200]
        )
        return CourseLoad(slug, None, [problem], f"{display_root}/course.md")


def check_prerequisites_of(
    load: CourseLoad, graph: Mapping[str, Sequence[str]], valid: Collection[str]
) -> None:
    """Add the problems of one course's prerequisites against the other courses (a draft
    against the live catalogue): unknown or circular (`graph`: every course's
    prerequisites, this one's included), or a course that has errors (`valid`: those
    without)."""
    load.problems.extend(check_prerequisites(load.slug, load.prerequisites, graph, load.course_md))
    load.problems.extend(_invalid_prerequisites(load, graph, valid))


def _invalid_prerequisites(
    load: CourseLoad, known: Collection[str], valid: Collection[str]
) -> list[Problem]:
    """A warning for each prerequisite that exists but has errors (the course itself valid)."""
    if load.course is None or _has_errors(load.problems):
        return []
    return [
        Problem.warning(load.course_md, line, "prerequisite-invalid", slug=prerequisite)
        for prerequisite, line in load.prerequisites
        if prerequisite in known and prerequisite not in valid
    ]


def load_catalogue(content_dir: Path) -> Catalogue:
    """Load every course under `content_dir`/courses (or `content_dir` itself when it has no
    courses/ folder), then check prerequisites across courses."""
    courses_dir = content_dir / "courses" if (content_dir / "courses").is_dir() else content_dir
    loads: dict[str, CourseLoad] = {}
    folders = sorted(courses_dir.iterdir()) if courses_dir.is_dir() else []
    for folder in folders:
        if folder.is_dir() and not folder.is_symlink() and not folder.name.startswith((".", "_")):
            loads[folder.name] = _load_folder(folder)
    graph = {
        slug: [prerequisite for prerequisite, _ in load.prerequisites]
        for slug, load in loads.items()
    }
    for load in loads.values():
        for problem in check_prerequisites(load.slug, load.prerequisites, graph, load.course_md):
            load.problems.append(problem)
    valid = {slug for slug, load in loads.items() if load.course and not _has_errors(load.problems)}
    for load in loads.values():
        load.problems.extend(_invalid_prerequisites(load, loads, valid))
    return Catalogue(
        courses={slug: loads[slug].course for slug in sorted(valid)},
        problems={slug: load.problems for slug, load in loads.items()},
        files={slug: loads[slug].files for slug in sorted(valid)},
    )


def _has_errors(problems: list[Problem]) -> bool:
    return any(problem.is_error for problem in problems)


def _load_folder(course_dir: Path) -> CourseLoad:
    display_root = f"{course_dir.parent.name}/{course_dir.name}"
    try:
        files, read_problems = read_course_folder(course_dir, display_root)
    except OSError as exc:
        problem = Problem.error(
            f"{display_root}/", 0, "file-unreadable", detail=exc.strerror or str(exc)
        )
        return CourseLoad(course_dir.name, None, [problem], f"{display_root}/course.md")
    return load_course_source(course_dir.name, files, display_root, read_problems)


def _load_course(
    slug: str, all_files: CourseFiles, display_root: str, problems: list[Problem]
) -> CourseLoad:
    course_md = f"{display_root}/course.md"
    load = CourseLoad(slug, None, problems, course_md)
    if not COURSE_SLUG.match(slug):
        problems.append(Problem.error(f"{display_root}/", 0, "slug-invalid", slug=slug))
    files = []
    for relative in sorted(all_files):
        if is_ignored_file(relative):
            problems.append(Problem.warning(f"{display_root}/{relative}", 0, "file-ignored"))
        else:
            files.append(relative)
    sources = {relative: all_files[relative] for relative in files}
    load.files = sources
    existing = frozenset(files)

    front_matter = _read_front_matter(sources, display_root, problems)
    meta = None
    if front_matter is not None:
        meta, meta_problems = parse_course_meta(front_matter, course_md)
        problems.extend(meta_problems)
        prerequisites = front_matter.data.get("prerequisites")
        if isinstance(prerequisites, list):
            load.prerequisites = [
                (str(item).strip(), front_matter.line_of("prerequisites", index))
                for index, item in enumerate(prerequisites)
                if isinstance(item, str)
            ]
        problems.extend(
            check_links(front_matter.body, "course.md", course_md, existing, front_matter.body_line)
        )

    lessons = _load_lessons(sources, display_root, existing, problems)
    settings = CourseSettings.from_meta(meta) if meta is not None else None
    problems.extend(check_lesson_values(lessons, display_root, settings))
    if front_matter is not None:
        problems.extend(
            check_text_values(front_matter.body, course_md, front_matter.body_line, settings)
        )
    questions = _load_questions(sources, display_root, existing, problems)
    if meta is not None and questions is not None:
        problems.extend(check_quiz_settings(questions, meta.quiz, course_md, front_matter.line_of))
        problems.extend(
            check_bank(
                questions,
                lessons,
                meta.quiz,
                course_md,
                f"{display_root}/quiz.md",
                display_root,
                front_matter.line_of,
            )
        )
    checklists: dict[str, Checklist | None] = {}
    for kind, file_name in CHECKLISTS.items():
        required = getattr(meta, f"{kind}_required", False) if meta else False
        line = front_matter.line_of(f"{kind}_required") if front_matter else 0
        checklists[kind] = _load_checklist(
            sources, display_root, file_name, required, line, existing, problems
        )

    referenced = referenced_media(front_matter.body if front_matter else "", lessons)
    media = _servable_media(sources, referenced, display_root, problems)
    problems.extend(
        _database_limit_problems(
            slug, display_root, meta, files, lessons, questions or [], checklists
        )
    )
    if meta is None or questions is None or _has_errors(problems):
        return load
    load.course = Course(
        slug=slug,
        version=course_version(sources),
        meta=meta,
        intro=front_matter.body.strip(),
        lessons=tuple(lessons),
        questions=tuple(questions),
        practical=checklists["practical"],
        attitude=checklists["attitude"],
        media=media,
        files=tuple(files),
    )
    return load


def _database_limit_problems(
    slug, display_root, meta, files, lessons, questions, checklists
) -> list[Problem]:
    """An error for every value longer than the database column that will hold it."""
    course_md = f"{display_root}/course.md"
    checks = [(f"{display_root}/", "slug", slug)]
    if meta is not None:
        checks.append((course_md, "title", meta.title))
    checks += [(f"{display_root}/{path}", "path", path) for path in files]
    for lesson in lessons:
        display = f"{display_root}/{lesson.path}"
        checks += [(display, "lesson_slug", lesson.slug), (display, "lesson_title", lesson.title)]
    checks += [(f"{display_root}/quiz.md", "question_id", q.id) for q in questions]
    for kind, checklist in checklists.items():
        if checklist is not None:
            display = f"{display_root}/{CHECKLISTS[kind]}"
            checks += [(display, "item_id", item.id) for item in checklist.items]
    return [
        Problem.error(
            display,
            0,
            "too-long-for-database",
            value=value[:40],
            length=len(value),
            limit=DB_LIMITS[kind],
        )
        for display, kind, value in checks
        if len(value) > DB_LIMITS[kind]
    ]


def is_ignored_file(relative: str) -> bool:
    """Hidden files and folders, editor backups and swap files, OS junk."""
    parts = relative.split("/")
    name = parts[-1].lower()
    return (
        any(part.startswith(".") for part in parts)
        or name.endswith(BACKUP_SUFFIXES)
        or (name.startswith("#") and name.endswith("#"))
        or name in JUNK_NAMES
    )


def _folder_files(course_dir: Path, display_root: str) -> tuple[list[str], list[Problem]]:
    """Relative paths of every regular file in the course folder, sorted (hidden and backup
    files included: the loader leaves those out with a warning)."""
    files: list[str] = []
    problems: list[Problem] = []
    for path in sorted(course_dir.rglob("*")):
        relative = path.relative_to(course_dir).as_posix()
        if path.is_symlink():
            # A link could point anywhere on the server; a course must carry its own files.
            problems.append(Problem.error(f"{display_root}/{relative}", 0, "symlink"))
        elif path.is_file():
            files.append(relative)
    return files, problems


def read_course_folder(
    course_dir: Path, display_root: str | None = None
) -> tuple[dict[str, bytes], list[Problem]]:
    """A course folder's files as path → bytes, and the problems met reading it (symlinks).
    Hidden and backup files are read too; the loader leaves them out with a warning."""
    display_root = display_root or f"{course_dir.parent.name}/{course_dir.name}"
    paths, problems = _folder_files(course_dir, display_root)
    return {relative: (course_dir / relative).read_bytes() for relative in paths}, problems


def referenced_media(course_md_body: str, lessons: list[Lesson]) -> set[str]:
    """Course-relative paths that course.md's text and the lessons link to or show."""
    documents = [("course.md", course_md_body)]
    documents += [(lesson.path, lesson.source) for lesson in lessons]
    referenced = set()
    for document, text in documents:
        for _index, url in find_links(text):
            resolved = resolve_course_link(document, url)
            if resolved is not None:
                referenced.add(resolved)
    return referenced


def _servable_media(
    sources: CourseFiles,
    referenced: set[str],
    display_root: str,
    problems: list[Problem],
) -> frozenset[str]:
    """Files a lesson references, of a media type; a warning for every other file."""
    media = set()
    for relative in sorted(sources):
        if _is_course_markdown(relative):
            continue
        display = f"{display_root}/{relative}"
        if Path(relative).suffix.lower() not in MEDIA_EXTENSIONS:
            problems.append(Problem.warning(display, 0, "file-type-not-served"))
        elif relative not in referenced:
            problems.append(Problem.warning(display, 0, "file-not-referenced"))
        elif (size := len(sources[relative])) > MAX_MEDIA_BYTES:
            problems.append(
                Problem.error(
                    display,
                    0,
                    "media-too-large",
                    size_mb=size // (1024 * 1024),
                    limit_mb=MAX_MEDIA_BYTES // (1024 * 1024),
                )
            )
        else:
            media.add(relative)
    return frozenset(media)


def course_version(files: CourseFiles) -> str:
    """Hex SHA-256 over the sorted relative paths and bytes of every file in the course
    (hidden and backup files left out, as the loader leaves them out)."""
    digest = hashlib.sha256()
    for relative in sorted(files):
        if is_ignored_file(relative):
            continue
        encoded = relative.encode()
        data = files[relative]
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def folder_version(course_dir: Path) -> str:
    """course_version of a folder's files, read a chunk at a time (the sync hashes every
    folder on each run; most are unchanged and never parsed)."""
    paths, _ = _folder_files(course_dir, course_dir.name)
    digest = hashlib.sha256()
    for relative in paths:
        if is_ignored_file(relative):
            continue
        encoded = relative.encode()
        digest.update(len(encoded).to_bytes(8, "big") + encoded)
        path = course_dir / relative
        digest.update(path.stat().st_size.to_bytes(8, "big"))
        with path.open("rb") as stream:
            for chunk in iter(lambda: stream.read(1 << 16), b""):
                digest.update(chunk)
    return digest.hexdigest()


def _is_course_markdown(relative: str) -> bool:
    return relative in ("course.md", "quiz.md", *CHECKLISTS.values()) or (
        relative.startswith("lessons/") and relative.endswith(".md")
    )


def _read_front_matter(
    sources: CourseFiles, display_root: str, problems: list[Problem]
) -> FrontMatter | None:
    course_md = f"{display_root}/course.md"
    if "course.md" not in sources:
        problems.append(Problem.error(course_md, 0, "course-md-missing"))
        return None
    text, read_problems = decode_markdown(sources["course.md"], course_md)
    problems.extend(read_problems)
    if text is None:
        return None
    front_matter, front_problems = split_front_matter(text, course_md)
    problems.extend(front_problems)
    return front_matter


def _load_lessons(
    sources: CourseFiles, display_root: str, existing: frozenset[str], problems: list[Problem]
) -> list[Lesson]:
    # Lessons are the Markdown files directly in lessons/ (a subfolder's files are media).
    paths = sorted(
        relative
        for relative in sources
        if relative.startswith("lessons/") and relative.count("/") == 1 and relative.endswith(".md")
    )
    lessons: list[Lesson] = []
    first_file_of: dict[int, str] = {}
    slugs: set[str] = set()
    for relative in paths:
        file_name = relative.removeprefix("lessons/")
        display = f"{display_root}/{relative}"
        name = LESSON_FILE.match(file_name)
        if not name:
            problems.append(Problem.error(display, 0, "lesson-filename", name=file_name))
            continue
        number, lesson_slug = int(name.group(1)), name.group(2)
        if number in first_file_of:
            problems.append(
                Problem.error(
                    display,
                    0,
                    "lesson-number-duplicate",
                    number=name.group(1),
                    other=first_file_of[number],
                )
            )
            continue
        first_file_of[number] = file_name
        if lesson_slug in slugs:
            problems.append(Problem.error(display, 0, "lesson-slug-duplicate", slug=lesson_slug))
            continue
        slugs.add(lesson_slug)
        lesson = _load_lesson(
            sources[relative], relative, display, number, lesson_slug, existing, problems
        )
        if lesson is not None:
            lessons.append(lesson)
    if not paths:
        problems.append(Problem.error(f"{display_root}/lessons/", 0, "course-no-lessons"))
    return sorted(lessons, key=lambda lesson: lesson.number)


def _load_lesson(
    data: bytes,
    relative: str,
    display: str,
    number: int,
    lesson_slug: str,
    existing: frozenset[str],
    problems: list[Problem],
) -> Lesson | None:
    text, read_problems = decode_markdown(data, display)
    problems.extend(read_problems)
    if text is None:
        return None
    lines = text.split("\n")
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    title_match = LESSON_TITLE.match(lines[first]) if first is not None else None
    if title_match is None or not title_match.group(1):
        written = lines[first].strip().lstrip("#").strip() if first is not None else ""
        problems.append(
            Problem.error(
                display,
                (first or 0) + 1,
                "lesson-no-title",
                example=written[:40] or "第一步：主动迎宾",
            )
        )
        return None
    problems.extend(check_links(text, relative, display, existing))
    body = lines[first + 1 :]
    blank_lines_before_body = next((i for i, line in enumerate(body) if line), len(body))
    return Lesson(
        number=number,
        slug=lesson_slug,
        title=title_match.group(1),
        source="\n".join(body).strip("\n"),
        path=relative,
        source_line=first + 2 + blank_lines_before_body,
    )


def _load_questions(
    sources: CourseFiles, display_root: str, existing: frozenset[str], problems: list[Problem]
) -> list[Question] | None:
    display = f"{display_root}/quiz.md"
    if "quiz.md" not in sources:
        problems.append(Problem.error(display, 0, "quiz-missing"))
        return None
    text, read_problems = decode_markdown(sources["quiz.md"], display)
    problems.extend(read_problems)
    if text is None:
        return None
    questions, quiz_problems = parse_quiz(text, display)
    problems.extend(quiz_problems)
    problems.extend(check_links(text, "quiz.md", display, existing))
    return questions


def _load_checklist(
    sources: CourseFiles,
    display_root: str,
    file_name: str,
    required: bool,
    required_line: int,
    existing: frozenset[str],
    problems: list[Problem],
) -> Checklist | None:
    display = f"{display_root}/{file_name}"
    kind = file_name.removesuffix(".md")
    if file_name not in sources:
        if required:
            problems.append(
                Problem.error(f"{display_root}/course.md", required_line, f"{kind}-missing")
            )
        return None
    if not required:
        # An unused checklist is most likely a forgotten `practical_required: true`.
        problems.append(Problem.warning(display, 0, "checklist-not-required", kind=kind))
        return None
    text, read_problems = decode_markdown(sources[file_name], display)
    problems.extend(read_problems)
    if text is None:
        return None
    checklist, checklist_problems = parse_checklist(text, display)
    problems.extend(checklist_problems)
    problems.extend(check_links(text, file_name, display, existing))
    return checklist

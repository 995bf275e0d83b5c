"""Two versions of a course, compared: what a reviewer reads before a version goes live.

`compare_courses(old, new, old_files, new_files)` takes two parsed courses (either may be
None: a brand-new course, or one taken away) and the raw files of each version
({course-relative path: bytes}), and returns a CourseDiff:

- settings: every front-matter setting of course.md that differs (flattened keys such as
  ``quiz.pass_mark``), and a line diff of course.md's introduction;
- lessons: matched by slug, else by number; each with a line diff of its Markdown file and
  of its rendered text (the lesson rendered as the app renders it, placeholders filled, then
  reduced to plain text paragraphs), unchanged runs collapsed to a few lines of context;
- questions: matched by id; added and removed ones with their quiz.md text, changed ones
  with the parts that changed and a diff of their quiz.md text;
- checklists (practical, attitude): items matched by id;
- other_files: media and other files, compared by their bytes.

Nothing here touches the database or the request; the template `authoring/_diff.html`
shows a CourseDiff.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal

from trainer.content.gift.quiz_md import content, question_markdown
from trainer.content.lesson_values import fill_lesson_values
from trainer.content.links import media_url_for
from trainer.content.loader import _is_course_markdown
from trainer.content.model import Checklist, ChecklistItem, Course, Lesson
from trainer.content.question_model import Question
from trainer.content.render import render_markdown
from trainer.content.settings import CourseSettings

# Unchanged lines shown before and after each change; longer unchanged runs are collapsed.
CONTEXT_LINES = 3

RowKind = Literal["same", "added", "removed", "context-gap"]
Status = Literal["added", "removed", "changed", "moved", "unchanged"]
CHECKLIST_KINDS = ("practical", "attitude")

# What a changed question's parts are called, in the order they are listed. A dataclass
# field not named here (options, answers, pairs, items, tolerance, scoring…) is "answers".
QUESTION_PARTS = ("type", "text", "answers", "points", "explanation", "tags", "difficulty")
_QUESTION_FIELD_PART = {name: name for name in QUESTION_PARTS if name != "answers"}
CHECKLIST_ITEM_PARTS = ("title", "step", "critical", "weight", "scale", "should", "should_not")


# --- line diffs ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DiffRow:
    """One row of a line diff.

    kind "same", "added" or "removed": `text` is the line, `old_line`/`new_line` its 1-based
    line numbers (None on the side it is not on). kind "context-gap": `hidden` unchanged
    lines are not shown here; `text` is empty and both line numbers are None.
    """

    kind: RowKind
    text: str
    old_line: int | None
    new_line: int | None
    hidden: int = 0


def line_diff(
    old_lines: Sequence[str],
    new_lines: Sequence[str],
    old_start: int = 1,
    new_start: int = 1,
    context: int = CONTEXT_LINES,
) -> tuple[DiffRow, ...]:
    """The rows of a line diff, unchanged runs collapsed to `context` lines on each side of
    a change. No rows at all when the two are equal."""
    old_lines, new_lines = list(old_lines), list(new_lines)
    if old_lines == new_lines:
        return ()
    matcher = difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    rows: list[DiffRow] = []
    shown_to = 0  # index in old_lines after the last row shown
    offset = 0  # new line index minus old line index, in the unchanged run after shown_to

    def unchanged_run(end: int) -> None:
        """The unchanged lines from shown_to to `end`: a gap, or the line itself when a gap
        would hide a single line (the line takes no more room than the gap)."""
        if end - shown_to == 1:
            index = shown_to
            rows.append(
                DiffRow("same", old_lines[index], old_start + index, new_start + index + offset)
            )
        elif end > shown_to:
            rows.append(DiffRow("context-gap", "", None, None, hidden=end - shown_to))

    for group in matcher.get_grouped_opcodes(context):
        unchanged_run(group[0][1])
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                rows.extend(
                    DiffRow("same", old_lines[i], old_start + i, new_start + j1 + (i - i1))
                    for i in range(i1, i2)
                )
                continue
            rows.extend(
                DiffRow("removed", old_lines[i], old_start + i, None) for i in range(i1, i2)
            )
            rows.extend(DiffRow("added", new_lines[j], None, new_start + j) for j in range(j1, j2))
        shown_to, offset = group[-1][2], group[-1][4] - group[-1][2]
    unchanged_run(len(old_lines))
    return tuple(rows)


def text_lines(text: str) -> list[str]:
    """A text's lines, newlines normalised; a final newline does not make an empty line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text:
        return []
    return text.removesuffix("\n").split("\n")


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff")


# --- rendered text --------------------------------------------------------------------------

# Elements that start a new line of plain text. Inline elements (a, strong, code…) only add
# their text to the line they are in.
_BLOCK_TAGS = frozenset(
    {
        *("p", "div", "blockquote", "pre", "hr", "br", "table", "thead", "tbody", "tfoot"),
        *("tr", "caption", "ul", "ol", "li", "dl", "dt", "dd", "figure", "figcaption"),
        *("details", "summary", "h1", "h2", "h3", "h4", "h5", "h6"),
    }
)
_CELL_TAGS = frozenset({"td", "th"})
_WHITESPACE = re.compile(r"\s+")


class _PlainText(HTMLParser):
    """Sanitised lesson HTML → lines of readable text: one line per paragraph, list item,
    heading, table row or line of a code block; entities unescaped, tags gone."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._parts: list[str] = []
        self._prefix = ""
        self._pre = 0
        self._lists = 0
        self._cells = 0

    def _flush(self) -> None:
        line = "".join(self._parts) if self._pre else _WHITESPACE.sub(" ", "".join(self._parts))
        line = line.rstrip() if self._pre else line.strip()
        if line:
            self.lines.append(self._prefix + line)
        self._parts, self._prefix = [], ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
            if tag == "li":
                self._prefix = "  " * max(self._lists - 1, 0) + "• "
            elif tag in ("ul", "ol"):
                self._lists += 1
            elif tag == "pre":
                self._pre += 1
            elif tag == "tr":
                self._cells = 0
        elif tag in _CELL_TAGS:
            if self._cells:
                self._parts.append(" | ")
            self._cells += 1
        elif tag == "img":
            values = dict(attrs)
            shown = " · ".join(v for v in (values.get("alt"), values.get("src")) if v)
            self._parts.append(f"[{shown}]")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self._flush()
            if tag in ("ul", "ol"):
                self._lists = max(self._lists - 1, 0)
            elif tag == "pre":
                self._pre = max(self._pre - 1, 0)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        if not self._pre:
            self._parts.append(data)
            return
        first, *rest = data.split("\n")
        self._parts.append(first)
        for line in rest:
            self._flush()
            self._parts.append(line)

    def close(self) -> None:
        super().close()
        self._flush()


def html_to_text_lines(html: str) -> list[str]:
    """Readable plain text of (sanitised) HTML, one paragraph, list item or heading a line."""
    parser = _PlainText()
    parser.feed(html)
    parser.close()
    return parser.lines


def rendered_lines(course: Course, document: str, source: str) -> list[str]:
    """A course document's Markdown as the learner reads it, as plain text lines: exam
    settings filled in, rendered and sanitised as the sync does, tags stripped. Images
    show as ``[alt · media/path]``."""
    settings = CourseSettings.from_meta(course.meta)
    rendered = render_markdown(
        fill_lesson_values(source, settings),
        media_url_for(document, course.media, lambda path: path),
    )
    return html_to_text_lines(rendered.html)


# --- settings -------------------------------------------------------------------------------


@dataclass(frozen=True)
class SettingChange:
    """One setting, or checklist field, that differs: None on the side where it is not set."""

    key: str  # e.g. "quiz.pass_mark", "quiz.tag_quotas.礼仪"
    old: object
    new: object

    @property
    def old_text(self) -> str:
        return _setting_text(self.old)

    @property
    def new_text(self) -> str:
        return _setting_text(self.new)


def _setting_text(value: object) -> str:
    """A setting as course.md writes it: true/false, a list joined by commas; "" when unset."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return ", ".join(_setting_text(item) for item in value)
    return str(value)


def flatten_settings(value: object, prefix: str = "") -> dict[str, object]:
    """Nested settings → {dotted key: value}; lists stay whole, as tuples."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    if isinstance(value, Mapping):
        flat: dict[str, object] = {}
        for key, item in value.items():
            flat.update(flatten_settings(item, f"{prefix}{key}."))
        return flat
    if isinstance(value, list):
        value = tuple(value)
    return {prefix.removesuffix("."): value}


def _changes(old: Mapping[str, object], new: Mapping[str, object]) -> tuple[SettingChange, ...]:
    keys = list(new) + [key for key in old if key not in new]
    return tuple(
        SettingChange(key, old.get(key), new.get(key))
        for key in keys
        if key not in old or key not in new or old[key] != new[key]
    )


def _intro_rows(
    old: Course | None, new: Course | None, old_files, new_files
) -> tuple[DiffRow, ...]:
    old_intro, new_intro = (old.intro if old else ""), (new.intro if new else "")
    return line_diff(
        text_lines(old_intro),
        text_lines(new_intro),
        _first_line_of(old_intro, old_files.get("course.md")),
        _first_line_of(new_intro, new_files.get("course.md")),
    )


def _first_line_of(text: str, file: bytes | None) -> int:
    """The line of course.md where `text` (the introduction) starts; 1 when not found."""
    if not text or file is None:
        return 1
    whole = _decode(file).replace("\r\n", "\n").replace("\r", "\n")
    found = whole.find(text)
    return whole.count("\n", 0, found) + 1 if found >= 0 else 1


# --- lessons --------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonDiff:
    """One lesson in either version (or both).

    status: "added", "removed", "changed" (its title, Markdown or rendered text differs; it
    may also have moved), "moved" (renamed or renumbered, nothing else changed) or
    "unchanged". `markdown` diffs the lesson file's lines; `text` the rendered text lines.
    """

    status: Status
    old: Lesson | None
    new: Lesson | None
    markdown: tuple[DiffRow, ...]
    text: tuple[DiffRow, ...]

    @property
    def lesson(self) -> Lesson:
        """The lesson as it is now (as it was, for a removed lesson)."""
        return self.new or self.old  # type: ignore[return-value]

    @property
    def title_changed(self) -> bool:
        return bool(self.old and self.new and self.old.title != self.new.title)

    @property
    def renamed(self) -> bool:
        return bool(self.old and self.new and self.old.slug != self.new.slug)

    @property
    def renumbered(self) -> bool:
        return bool(self.old and self.new and self.old.number != self.new.number)


def _match_lessons(
    old: Sequence[Lesson], new: Sequence[Lesson]
) -> list[tuple[Lesson | None, Lesson | None]]:
    """Pairs (old, new): same slug first, then same number among the rest; the others alone."""
    old_by_slug = {lesson.slug: lesson for lesson in old}
    pairs: dict[int, Lesson] = {}  # index in new → old lesson
    used: set[str] = set()
    for index, lesson in enumerate(new):
        if lesson.slug in old_by_slug:
            pairs[index] = old_by_slug[lesson.slug]
            used.add(lesson.slug)
    spare_by_number = {lesson.number: lesson for lesson in old if lesson.slug not in used}
    for index, lesson in enumerate(new):
        if index not in pairs and lesson.number in spare_by_number:
            pairs[index] = spare_by_number.pop(lesson.number)
            used.add(pairs[index].slug)
    matched = [(pairs.get(index), lesson) for index, lesson in enumerate(new)]
    removed = [(lesson, None) for lesson in old if lesson.slug not in used]
    both: list[tuple[Lesson | None, Lesson | None]] = [*matched, *removed]
    return sorted(both, key=lambda pair: ((pair[1] or pair[0]).number, pair[1] is None))


def _lesson_file_lines(lesson: Lesson | None, files: Mapping[str, bytes]) -> tuple[list[str], int]:
    """The lesson file's lines and the line number of the first; the parsed source when the
    file is not in the mapping."""
    if lesson is None:
        return [], 1
    data = files.get(lesson.path)
    if data is None:
        return text_lines(lesson.source), lesson.source_line
    return text_lines(_decode(data)), 1


def _lesson_diff(
    old: Lesson | None,
    new: Lesson | None,
    old_course: Course | None,
    new_course: Course | None,
    old_files: Mapping[str, bytes],
    new_files: Mapping[str, bytes],
) -> LessonDiff:
    old_lines, old_start = _lesson_file_lines(old, old_files)
    new_lines, new_start = _lesson_file_lines(new, new_files)
    markdown = line_diff(old_lines, new_lines, old_start, new_start)
    old_text = rendered_lines(old_course, old.path, old.source) if old and old_course else []
    new_text = rendered_lines(new_course, new.path, new.source) if new and new_course else []
    text = line_diff(old_text, new_text)
    if old is None:
        status: Status = "added"
    elif new is None:
        status = "removed"
    elif markdown or text or old.title != new.title or old.source != new.source:
        status = "changed"
    elif old.slug != new.slug or old.number != new.number:
        status = "moved"
    else:
        status = "unchanged"
    return LessonDiff(status, old, new, markdown, text)


# --- questions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionChange:
    """A question added, removed or changed (matched by id).

    `quiz_md` is the question's block of quiz.md: the new one, or the old one when removed.
    For a changed question, `parts` names what differs (see QUESTION_PARTS) and `markdown`
    diffs the old block against the new.
    """

    id: str
    status: Literal["added", "removed", "changed"]
    old: Question | None
    new: Question | None
    quiz_md: str
    parts: tuple[str, ...] = ()
    markdown: tuple[DiffRow, ...] = ()


@dataclass(frozen=True)
class QuestionsDiff:
    added: tuple[QuestionChange, ...] = ()
    changed: tuple[QuestionChange, ...] = ()
    removed: tuple[QuestionChange, ...] = ()
    unchanged: int = 0

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.changed or self.removed)


def question_parts(old: Question, new: Question) -> tuple[str, ...]:
    """What differs between two versions of a question, in QUESTION_PARTS order. Line
    numbers and the keys quiz.md's order gives options do not count."""
    old_type, old_fields = content(old)  # type: ignore[misc]
    new_type, new_fields = content(new)  # type: ignore[misc]
    found = set()
    if old.type != new.type or old_type != new_type:
        found.add("type")
    # content() blanks line numbers and option keys; ids are equal (questions match by id).
    for name in old_fields.keys() | new_fields.keys():
        if old_fields.get(name) != new_fields.get(name):
            found.add(_QUESTION_FIELD_PART.get(name, "answers"))
    return tuple(part for part in QUESTION_PARTS if part in found)


def _questions_diff(old: Iterable[Question], new: Iterable[Question]) -> QuestionsDiff:
    old_by_id = {question.id: question for question in old}
    new_by_id = {question.id: question for question in new}
    added, changed, removed, unchanged = [], [], [], 0
    for question_id, question in new_by_id.items():
        before = old_by_id.get(question_id)
        if before is None:
            added.append(
                QuestionChange(question_id, "added", None, question, question_markdown(question))
            )
            continue
        parts = question_parts(before, question)
        if not parts:
            unchanged += 1
            continue
        old_md, new_md = question_markdown(before), question_markdown(question)
        rows = line_diff(text_lines(old_md), text_lines(new_md))
        changed.append(
            QuestionChange(question_id, "changed", before, question, new_md, parts, rows)
        )
    for question_id, question in old_by_id.items():
        if question_id not in new_by_id:
            removed.append(
                QuestionChange(question_id, "removed", question, None, question_markdown(question))
            )
    return QuestionsDiff(tuple(added), tuple(changed), tuple(removed), unchanged)


# --- checklists -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ChecklistItemChange:
    id: str
    status: Literal["added", "removed", "changed"]
    old: ChecklistItem | None
    new: ChecklistItem | None
    parts: tuple[str, ...] = ()  # for a changed item, from CHECKLIST_ITEM_PARTS

    @property
    def item(self) -> ChecklistItem:
        return self.new or self.old  # type: ignore[return-value]


@dataclass(frozen=True)
class ChecklistDiff:
    """practical.md or attitude.md. status: added, removed, changed or unchanged.

    `fields` holds a changed title or pass mark; `intro` diffs the assessor's introduction.
    """

    kind: str  # "practical" | "attitude"
    status: Literal["added", "removed", "changed", "unchanged"]
    old: Checklist | None
    new: Checklist | None
    fields: tuple[SettingChange, ...] = ()
    intro: tuple[DiffRow, ...] = ()
    items: tuple[ChecklistItemChange, ...] = ()
    unchanged_items: int = 0

    @property
    def checklist(self) -> Checklist | None:
        return self.new or self.old

    def count(self, status: str) -> int:
        return sum(1 for item in self.items if item.status == status)


def _item_steps(checklist: Checklist | None) -> dict[str, tuple[str, ChecklistItem]]:
    if checklist is None:
        return {}
    return {item.id: (step.title, item) for step in checklist.steps for item in step.items}


def _checklist_diff(kind: str, old: Checklist | None, new: Checklist | None) -> ChecklistDiff:
    if old is None and new is None:
        return ChecklistDiff(kind, "unchanged", None, None)
    fields = _changes(
        {"title": old.title, "pass_mark": old.pass_mark} if old else {},
        {"title": new.title, "pass_mark": new.pass_mark} if new else {},
    )
    intro = line_diff(text_lines(old.intro if old else ""), text_lines(new.intro if new else ""))
    old_items, new_items = _item_steps(old), _item_steps(new)
    items: list[ChecklistItemChange] = []
    unchanged = 0
    for item_id, (step, item) in new_items.items():
        if item_id not in old_items:
            items.append(ChecklistItemChange(item_id, "added", None, item))
            continue
        old_step, old_item = old_items[item_id]
        parts = tuple(
            part
            for part in CHECKLIST_ITEM_PARTS
            if (old_step if part == "step" else getattr(old_item, part))
            != (step if part == "step" else getattr(item, part))
        )
        if parts:
            items.append(ChecklistItemChange(item_id, "changed", old_item, item, parts))
        else:
            unchanged += 1
    items.extend(
        ChecklistItemChange(item_id, "removed", item, None)
        for item_id, (_step, item) in old_items.items()
        if item_id not in new_items
    )
    if old is None:
        status = "added"
    elif new is None:
        status = "removed"
    elif fields or intro or items:
        status = "changed"
    else:
        status = "unchanged"
    return ChecklistDiff(kind, status, old, new, fields, intro, tuple(items), unchanged)


# --- other files ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FileChange:
    """A file other than the course's Markdown (media, mostly), compared by its bytes."""

    path: str
    status: Literal["added", "removed", "changed"]
    old_size: int | None  # bytes
    new_size: int | None


def _files_diff(
    old_files: Mapping[str, bytes], new_files: Mapping[str, bytes]
) -> tuple[FileChange, ...]:
    changes = []
    for path in sorted(old_files.keys() | new_files.keys()):
        if _is_course_markdown(path):
            continue  # compared above, as settings, lessons, questions and checklists
        before, after = old_files.get(path), new_files.get(path)
        if before is None:
            changes.append(FileChange(path, "added", None, len(after)))
        elif after is None:
            changes.append(FileChange(path, "removed", len(before), None))
        elif before != after:
            changes.append(FileChange(path, "changed", len(before), len(after)))
    return tuple(changes)


# --- the whole course -----------------------------------------------------------------------


@dataclass(frozen=True)
class DiffCounts:
    """How many of each kind of change: what the summary line says."""

    settings: int = 0
    lessons_added: int = 0
    lessons_changed: int = 0  # changed or moved
    lessons_removed: int = 0
    questions_added: int = 0
    questions_changed: int = 0
    questions_removed: int = 0
    checklist_items_added: int = 0
    checklist_items_changed: int = 0
    checklist_items_removed: int = 0
    files_added: int = 0
    files_changed: int = 0
    files_removed: int = 0


@dataclass(frozen=True)
class CourseDiff:
    settings: tuple[SettingChange, ...]
    intro: tuple[DiffRow, ...]  # course.md's introduction, line by line
    lessons: tuple[LessonDiff, ...]  # every lesson of either version, unchanged ones too
    questions: QuestionsDiff
    checklists: tuple[ChecklistDiff, ...]  # practical, then attitude
    other_files: tuple[FileChange, ...]

    @property
    def changed_lessons(self) -> tuple[LessonDiff, ...]:
        return tuple(lesson for lesson in self.lessons if lesson.status != "unchanged")

    @property
    def changed_checklists(self) -> tuple[ChecklistDiff, ...]:
        return tuple(checklist for checklist in self.checklists if checklist.status != "unchanged")

    @property
    def is_empty(self) -> bool:
        return not (
            self.settings
            or self.intro
            or self.changed_lessons
            or not self.questions.is_empty
            or self.changed_checklists
            or self.other_files
        )

    @property
    def counts(self) -> DiffCounts:
        def lessons(*statuses: str) -> int:
            return sum(1 for lesson in self.lessons if lesson.status in statuses)

        def items(status: str) -> int:
            return sum(checklist.count(status) for checklist in self.checklists)

        def files(status: str) -> int:
            return sum(1 for change in self.other_files if change.status == status)

        return DiffCounts(
            settings=len(self.settings) + (1 if self.intro else 0),
            lessons_added=lessons("added"),
            lessons_changed=lessons("changed", "moved"),
            lessons_removed=lessons("removed"),
            questions_added=len(self.questions.added),
            questions_changed=len(self.questions.changed),
            questions_removed=len(self.questions.removed),
            checklist_items_added=items("added"),
            checklist_items_changed=items("changed"),
            checklist_items_removed=items("removed"),
            files_added=files("added"),
            files_changed=files("changed"),
            files_removed=files("removed"),
        )


def compare_courses(
    old: Course | None,
    new: Course | None,
    old_files: Mapping[str, bytes],
    new_files: Mapping[str, bytes],
) -> CourseDiff:
    """What changed from `old` to `new` (None: the course did not exist in that version).

    `old_files`/`new_files` are each version's files, {course-relative path: bytes}: the
    lessons' Markdown is diffed from them (so line numbers are the file's), and every file
    that is not course Markdown is compared by its bytes.
    """
    settings = _changes(
        flatten_settings(old.meta) if old else {}, flatten_settings(new.meta) if new else {}
    )
    lessons = tuple(
        _lesson_diff(before, after, old, new, old_files, new_files)
        for before, after in _match_lessons(old.lessons if old else (), new.lessons if new else ())
    )
    checklists = tuple(
        _checklist_diff(
            kind, getattr(old, kind) if old else None, getattr(new, kind) if new else None
        )
        for kind in CHECKLIST_KINDS
    )
    return CourseDiff(
        settings=settings,
        intro=_intro_rows(old, new, old_files, new_files),
        lessons=lessons,
        questions=_questions_diff(old.questions if old else (), new.questions if new else ()),
        checklists=checklists,
        other_files=_files_diff(old_files, new_files),
    )


__all__ = [
    "CONTEXT_LINES",
    "ChecklistDiff",
    "ChecklistItemChange",
    "CourseDiff",
    "DiffCounts",
    "DiffRow",
    "FileChange",
    "LessonDiff",
    "QuestionChange",
    "QuestionsDiff",
    "SettingChange",
    "compare_courses",
    "flatten_settings",
    "html_to_text_lines",
    "line_diff",
    "question_parts",
    "rendered_lines",
    "text_lines",
]

"""Exam settings shown in lessons: `{{考试题数}}` placeholders filled from the course's settings.

(course.md's introduction may use them too; it is rendered the same way.)

A lesson that tells the learner "10 questions, 20 minutes" goes stale the day the course's
settings change. Instead it writes `{{考试题数}}` and `{{考试时长}}`; the sync fills them in
from the course version's typed settings (`lesson_values`, the one place that maps a
placeholder to a setting) when it renders the lesson, so re-syncing after a settings change
changes the lesson text.

Rules (docs/authoring.md, "Lessons" / "课时"):
- `{{名称}}` with the Chinese name or the course.md field name (`{{pass_mark}}`); spaces
  inside the braces are allowed, and so are full-width braces `｛｛名称｝｝` typed with a
  Chinese input method.
- A placeholder is replaced by the bare number; the lesson writes the unit after it.
- A backslash in front, `\\{{名称}}`, shows the braces as written; so does a fenced code
  block (neither is checked).
- An unknown name is an error (file:line, with the list of known names); a setting that is
  0 (no time limit, no wait) has no number to show, so its placeholder is an error too.
- A number written by hand next to 题/分钟/次/分/%/个月 that equals one of the course's own
  exam settings is a warning suggesting the placeholder.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from trainer.content.model import Lesson, Problem
from trainer.content.settings import CourseSettings


@dataclass(frozen=True)
class LessonValue:
    name: str  # what trainers type, in Chinese
    alias: str  # the course.md field name, accepted too
    setting: str  # how course.md writes the setting, for messages
    read: Callable[[CourseSettings], int]
    zero_means_none: bool = False  # 0 = "no limit"/"no wait": nothing to show


LESSON_VALUES: tuple[LessonValue, ...] = (
    LessonValue(
        "考试题数",
        "questions_per_attempt",
        "quiz.questions_per_attempt",
        lambda s: s.quiz.questions_per_attempt,
    ),
    LessonValue(
        "考试时长",
        "time_limit_minutes",
        "quiz.time_limit_minutes",
        lambda s: s.quiz.time_limit_minutes,
        zero_means_none=True,
    ),
    LessonValue("及格分", "pass_mark", "quiz.pass_mark", lambda s: s.quiz.pass_mark),
    LessonValue(
        "每轮次数",
        "attempts_per_round",
        "quiz.attempts_per_round",
        lambda s: s.quiz.attempts_per_round,
    ),
    LessonValue(
        "等待时间",
        "wait_minutes",
        "quiz.wait_minutes",
        lambda s: s.quiz.wait_minutes,
        zero_means_none=True,
    ),
    LessonValue(
        "证书有效期",
        "validity_months",
        "certificate.validity_months",
        lambda s: s.certificate.validity_months,
    ),
)
_BY_NAME = {key: value for value in LESSON_VALUES for key in (value.name, value.alias.casefold())}
KNOWN_NAMES = "、".join("{{" + value.name + "}}" for value in LESSON_VALUES)

# `{{名称}}`, either brace half- or full-width, optionally escaped by a backslash in front.
PLACEHOLDER = re.compile(r"(\\?)[{｛][{｛][ \t\u3000]*([^{}｛｝\n]{0,40}?)[ \t\u3000]*[}｝][}｝]")


def _value_of(name: str) -> LessonValue | None:
    return _BY_NAME.get(unicodedata.normalize("NFKC", name).strip().casefold())


def lesson_values(settings: CourseSettings) -> dict[str, int | None]:
    """Placeholder name → number for this course (None: the setting is 0, nothing to show)."""
    values: dict[str, int | None] = {}
    for value in LESSON_VALUES:
        number = value.read(settings)
        values[value.name] = None if (value.zero_means_none and number == 0) else number
    return values


def fill_lesson_values(source: str, settings: CourseSettings) -> str:
    """The lesson's Markdown with every placeholder replaced by the course's setting.

    Runs before Markdown rendering. Escaped placeholders become `&#123;&#123;…}}`, which
    Markdown and nh3 pass through as literal braces. A placeholder the checker would have
    refused (the course would not have synced) is left as written.
    """
    values = lesson_values(settings)

    def replace(match: re.Match) -> str:
        escaped, name = match.group(1), match.group(2)
        if escaped:
            braces = match.group(0)[1:3].replace("{", "&#123;")
            return braces + match.group(0)[3:]
        known = _value_of(name)
        if known is None or values[known.name] is None:
            return match.group(0)
        return str(values[known.name])

    lines = []
    for line, in_code in _lines_with_code_flag(source):
        lines.append(line if in_code else PLACEHOLDER.sub(replace, line))
    return "\n".join(lines)


def _lines_with_code_flag(source: str):
    """Each line, and whether it belongs to a fenced code block (shown as written)."""
    in_code = False
    for line in source.split("\n"):
        fence = line.lstrip().startswith(("```", "~~~"))
        yield line, in_code or fence
        if fence:
            in_code = not in_code


# --- the checker -----------------------------------------------------------------------

# Where an exam setting written by hand would go stale: a number, then the unit. Numbers in
# Chinese numerals count too ("三次"); an ordinal ("第三次", "前三次") is not a setting.
_NUMBER = r"(?<![\d０-９.第前后一二两三四五六七八九十])([0-9０-９]+|[一二两三四五六七八九十]{1,3})"
_HARD_CODED = (
    (re.compile(_NUMBER + r"[ \t\u3000]*(?:道[ \t\u3000]*)?题"), ("考试题数",)),
    (re.compile(_NUMBER + r"[ \t\u3000]*分钟"), ("考试时长", "等待时间")),
    (re.compile(_NUMBER + r"[ \t\u3000]*次"), ("每轮次数",)),
    (re.compile(_NUMBER + r"[ \t\u3000]*(?:分(?!钟)|%|％)"), ("及格分",)),
    (re.compile(_NUMBER + r"[ \t\u3000]*个月"), ("证书有效期",)),
)
# Only lines about the theory exam or the certificate: "每天问候三次" is not an exam setting,
# nor is a count in a practical assessment (考核), which has no such settings.
_ABOUT_THE_EXAM = re.compile(r"考试|补考|考题|测验|证书|抽题|答题")
_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def _number(text: str) -> int | None:
    if text[0] not in _DIGITS and text[0] != "十":
        return int(unicodedata.normalize("NFKC", text))
    if "十" not in text:
        return _DIGITS[text] if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if "十" in units or (tens and tens not in _DIGITS) or (units and units not in _DIGITS):
        return None
    return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[units] if units else 0)


def check_lesson_values(
    lessons: list[Lesson], display_root: str, settings: CourseSettings | None
) -> list[Problem]:
    """Unknown or empty placeholders (errors) and hand-written exam settings (warnings).

    Without settings (course.md itself is broken) only the names are checked.
    """
    problems: list[Problem] = []
    for lesson in lessons:
        display = f"{display_root}/{lesson.path}"
        problems.extend(check_text_values(lesson.source, display, lesson.source_line, settings))
    return problems


def check_text_values(
    text: str, display: str, first_line: int, settings: CourseSettings | None
) -> list[Problem]:
    """The same checks for one Markdown text whose first line is `first_line` of its file
    (a lesson's body, or course.md's introduction)."""
    values = lesson_values(settings) if settings is not None else None
    problems: list[Problem] = []
    for offset, (line, in_code) in enumerate(_lines_with_code_flag(text)):
        if in_code:
            continue
        number = first_line + offset
        problems.extend(_placeholder_problems(line, display, number, values))
        if values is not None:
            problems.extend(_hard_coded_problems(line, display, number, values))
    return problems


def _placeholder_problems(line, display, number, values) -> list[Problem]:
    problems = []
    for match in PLACEHOLDER.finditer(line):
        if match.group(1):
            continue
        known = _value_of(match.group(2))
        if known is None:
            problems.append(
                Problem.error(
                    display,
                    number,
                    "lesson-placeholder-unknown",
                    placeholder=match.group(0),
                    known=KNOWN_NAMES,
                )
            )
        elif values is not None and values[known.name] is None:
            problems.append(
                Problem.error(
                    display,
                    number,
                    "lesson-placeholder-no-value",
                    placeholder=match.group(0),
                    setting=known.setting,
                )
            )
    return problems


def _hard_coded_problems(line, display, number, values) -> list[Problem]:
    if not _ABOUT_THE_EXAM.search(PLACEHOLDER.sub("", line)):
        return []
    problems = []
    for pattern, names in _HARD_CODED:
        for match in pattern.finditer(line):
            written = _number(match.group(1))
            matching = [name for name in names if written is not None and values[name] == written]
            if matching:
                problems.append(
                    Problem.warning(
                        display,
                        number,
                        "lesson-hard-coded-setting",
                        text=match.group(0),
                        value=written,
                        placeholder="、".join("{{" + name + "}}" for name in matching),
                        setting="、".join(_by_name(name).setting for name in matching),
                    )
                )
    return problems


def _by_name(name: str) -> LessonValue:
    return _BY_NAME[name]

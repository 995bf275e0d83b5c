"""The starter template (content/starter/, issue 24): what a trainer gets from "New course"
and copies by hand. It must be a complete course that the checker passes without a single
error or warning, in Simplified Chinese, with a one-line `title:` the authoring code replaces,
and it must never be loaded as a course itself."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from trainer.content import load_catalogue, load_course
from trainer.courses.sync import course_folders

CONTENT = Path(__file__).resolve().parents[3] / "content"
STARTER = CONTENT / "starter"
CJK = re.compile(r"[\u4e00-\u9fff]")
TITLE_LINE = re.compile(r"^title:[ \t]*(\S.*)$", re.MULTILINE)


def _markdown_files() -> list[Path]:
    return sorted(STARTER.rglob("*.md"))


def _front_matter(text: str) -> str:
    assert text.startswith("---\n")
    end = text.index("\n---\n", 4)
    return text[4:end]


def test_the_template_loads_without_errors_or_warnings():
    course, problems = load_course(STARTER)

    assert [str(problem) for problem in problems] == []
    assert course is not None


def test_the_template_has_two_lessons_and_a_bank_for_its_draw():
    course, _ = load_course(STARTER)

    assert len(course.lessons) >= 2
    assert len(course.questions) >= 6
    assert len(course.questions) >= 3 * course.meta.quiz.questions_per_attempt
    # Teaching by example: one question of each of at least six types.
    assert len({question.type for question in course.questions}) >= 6
    assert all(question.explanation.strip() for question in course.questions)


def test_the_template_needs_no_practical_or_attitude_checklist():
    course, _ = load_course(STARTER)

    assert course.meta.practical_required is False
    assert course.meta.attitude_required is False
    assert not (STARTER / "practical.md").exists()
    assert not (STARTER / "attitude.md").exists()


def test_the_template_has_the_files_a_course_folder_has():
    names = {path.relative_to(STARTER).as_posix() for path in _markdown_files()}

    assert {"course.md", "quiz.md"} <= names
    assert sum(name.startswith("lessons/") for name in names) >= 2


@pytest.mark.parametrize("path", _markdown_files(), ids=lambda p: p.relative_to(STARTER).as_posix())
def test_every_markdown_file_is_utf8_chinese_text(path):
    raw = path.read_bytes()

    text = raw.decode("utf-8")  # strict: a stray byte fails here
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert "\r" not in text
    assert len(CJK.findall(text)) >= 50
    # The placeholders a trainer replaces are marked the same way in every file.
    assert "【" in text and "】" in text


def test_course_md_has_exactly_one_single_line_title():
    front_matter = _front_matter((STARTER / "course.md").read_text("utf-8"))

    titles = TITLE_LINE.findall(front_matter)
    assert len(titles) == 1
    assert re.findall(r"^title:", front_matter, re.MULTILINE) == ["title:"]
    title = titles[0]
    assert "#" not in title  # no comment to lose when the value is replaced
    assert "【" in title and "】" in title  # clearly a placeholder
    # Nothing folded onto the next line: the line after `title:` is another setting.
    lines = front_matter.split("\n")
    after = lines[lines.index(f"title: {title}") + 1]
    assert re.match(r"^[a-z_]+:", after)


@pytest.mark.parametrize(
    "new_title", ["迎宾与送宾", "售中服务七步曲（2027 版）"], ids=["plain", "brackets-digits"]
)
def test_replacing_the_title_line_gives_a_valid_course_with_that_title(tmp_path, new_title):
    """What "New course" does: copy the template and put the trainer's title on the line."""
    course_dir = tmp_path / "courses" / "greet-and-farewell"
    shutil.copytree(STARTER, course_dir)
    course_md = course_dir / "course.md"
    text = course_md.read_text("utf-8")
    course_md.write_text(
        TITLE_LINE.sub(lambda _match: f"title: {new_title}", text, count=1), "utf-8"
    )

    catalogue = load_catalogue(tmp_path)

    assert catalogue.problems["greet-and-farewell"] == []
    assert catalogue.courses["greet-and-farewell"].meta.title == new_title


def test_the_template_is_not_a_course_of_the_shipped_content():
    """The content sync and `content check` read content/courses/; the template is beside it."""
    assert (CONTENT / "courses").is_dir()
    assert STARTER.parent == CONTENT
    folders = course_folders(CONTENT)

    assert folders
    assert STARTER not in folders
    assert "starter" not in {folder.name for folder in folders}
    assert "starter" not in load_catalogue(CONTENT).problems


def test_content_check_reads_the_template_folder_itself_and_catches_a_broken_copy(app, tmp_path):
    """`content check content/starter` checks the template, not the catalogue beside it: a
    copy without its quiz.md is reported."""
    runner = app.test_cli_runner()
    good = runner.invoke(args=["trainer", "content", "check", str(STARTER)])
    assert good.exit_code == 0, good.output
    assert "checked 1 course(s): 0 error(s), 0 warning(s)" in good.output

    broken = tmp_path / "content" / "starter"
    shutil.copytree(STARTER, broken)
    (tmp_path / "content" / "courses").mkdir(exist_ok=True)
    (broken / "quiz.md").unlink()
    result = runner.invoke(args=["trainer", "content", "check", str(broken)])
    assert result.exit_code == 1
    assert "starter/quiz.md" in result.output

"""Lessons and the links inside course files: names, titles, sizes, encodings, paths."""

from __future__ import annotations

import shutil

import pytest

from tests.unit.content.conftest import beyond_bank_warnings
from trainer.content import load_catalogue


@pytest.mark.parametrize("name", ["1-intro.md", "01_intro.md", "01-Intro.md", "intro.md"])
def test_lesson_file_not_named_nn_name_is_reported(course, name):
    course.write(f"lessons/{name}", "# 介绍\n")

    problem = course.problem("lesson-filename")

    assert problem.file == f"courses/store-service/lessons/{name}"
    assert "01-warm-welcome.md" in problem.message("zh")


def test_duplicate_lesson_number_names_the_other_file(course):
    course.write("lessons/01-another.md", "# 另一课\n")

    problem = course.problem("lesson-number-duplicate")

    # Files are read in name order, so 01-another.md claims 01 first.
    assert problem.file == "courses/store-service/lessons/01-greeting.md"
    assert problem.params == {"number": "01", "other": "01-another.md"}


def test_lesson_without_title_points_at_its_first_line(course):
    course.write("lessons/03-closing.md", "\n\n## 送客\n\n谢谢光临。\n")

    problem = course.problem("lesson-no-title")

    assert (problem.file, problem.line) == ("courses/store-service/lessons/03-closing.md", 3)
    assert "# 课时标题" in problem.message("zh")


def test_course_without_lessons(course):
    shutil.rmtree(course.path("lessons"))

    problem = course.problem("course-no-lessons")

    assert problem.file == "courses/store-service/lessons/"


def test_broken_image_reports_line_and_where_it_looked(course):
    course.edit("lessons/02-fitting.md", "../media/fitting-room.svg", "../media/fiting-room.svg")

    problem = course.problem("link-broken")

    assert problem.file == "courses/store-service/lessons/02-fitting.md"
    assert problem.line == course.line_of("lessons/02-fitting.md", "fiting-room.svg")
    assert problem.params["resolved"] == "media/fiting-room.svg"


def test_broken_link_in_course_intro_counts_lines_after_front_matter(course):
    course.edit("course.md", "(media/store-map.svg)", "(media/no-map.svg)")

    problem = course.problem("link-broken")

    assert problem.line == course.line_of("course.md", "no-map.svg")


@pytest.mark.parametrize(
    "target",
    [
        "../../basics/quiz.md",
        "../../../../etc/passwd",
        "/etc/passwd",
        "file:///etc/passwd",
        "C:\\Users\\trainer\\photo.png",
        "..\\..\\secret.png",
    ],
)
def test_link_leaving_the_course_folder_is_refused(course, target):
    course.edit("lessons/02-fitting.md", "## 改裤长", f"## 改裤长\n\n![照片]({target})")

    problem = course.problem("link-leaves-course")

    assert problem.line == course.line_of("lessons/02-fitting.md", "![照片]")
    assert "media/" in problem.message("zh")


@pytest.mark.parametrize("target", ["javascript:alert(1)", "data:text/html;base64,PHNjcmlwdD4="])
def test_script_and_data_links_are_refused(course, target):
    course.edit("lessons/02-fitting.md", "## 改裤长", f"## 改裤长\n\n[点我]({target})")

    assert course.problem("link-bad-scheme").params["target"] == target


def test_raw_html_image_paths_are_checked_too(course):
    course.edit("lessons/02-fitting.md", "## 改裤长", '## 改裤长\n\n<img src="../../x.png">')

    assert course.problem("link-leaves-course").params["target"] == "../../x.png"


def test_links_in_code_samples_and_web_links_are_not_checked(course):
    course.edit(
        "lessons/02-fitting.md",
        "## 改裤长",
        "## 改裤长\n\n`![示例](../nothing.png)` 见 [官网](https://example.com)",
    )

    _, problems = course.load()

    assert beyond_bank_warnings(problems) == []


def test_lesson_over_one_megabyte_is_refused_not_rendered(course):
    course.write("lessons/03-huge.md", "# 巨大\n\n" + "很长的内容。" * 400_000)

    problem = course.problem("file-too-large")
    loaded, _ = course.load()

    assert problem.file == "courses/store-service/lessons/03-huge.md"
    assert problem.params["limit_kb"] == 1024
    assert loaded is None


def test_file_that_is_not_utf8_reports_the_line_of_the_first_bad_byte(course):
    text = "# 第三步\n\n## 送客\n谢谢光临\n"
    course.write("lessons/03-closing.md", text.encode("utf-8")[:-13] + "谢谢光临\n".encode("gbk"))

    problem = course.problem("not-utf8")

    assert (problem.file, problem.line) == ("courses/store-service/lessons/03-closing.md", 4)
    assert "UTF-8" in problem.message("zh")


def test_byte_order_mark_and_windows_line_endings_are_accepted(course):
    text = course.read("lessons/02-fitting.md").replace("\n", "\r\n")
    course.write("lessons/02-fitting.md", "\ufeff".encode() + text.encode())

    loaded, problems = course.load()

    assert beyond_bank_warnings(problems) == []
    assert loaded.lessons[1].title == "第二步：引导试衣"


def test_symbolic_link_inside_a_course_is_refused(course, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("password")
    course.path("media/secret.txt").symlink_to(secret)

    problem = course.problem("symlink")

    assert problem.file == "courses/store-service/media/secret.txt"


def test_broken_course_does_not_hide_the_others(content_dir, course):
    course.write("lessons/03-huge.md", "# 巨大\n\n" + "x" * (2 * 1024 * 1024))

    catalogue = load_catalogue(content_dir)

    assert list(catalogue.courses) == ["basics"]
    assert [p.code for p in catalogue.errors_for("store-service")] == ["file-too-large"]

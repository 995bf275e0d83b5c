"""Exam settings in lessons: `{{考试题数}}` placeholders, their checks and how they render.

The fixture course store-service sets questions_per_attempt 6, time_limit_minutes 15,
pass_mark 80, attempts_per_round 3, wait_minutes 30 and certificate validity_months 24.
"""

from __future__ import annotations

import pytest

from trainer.content import CourseSettings, QuizSettings, render_markdown
from trainer.content.lesson_values import fill_lesson_values
from trainer.content.model import CertificateSettings

LESSON = "lessons/01-greeting.md"


def _add_line(course, line: str) -> int:
    """Append a paragraph to the fixture lesson; return its line number in the file."""
    course.write(LESSON, course.read(LESSON).rstrip("\n") + "\n\n" + line + "\n")
    return course.line_exactly(LESSON, line.split("\n")[0])


def _problems(course, code: str):
    _, problems = course.load()
    return [problem for problem in problems if problem.code == code]


def _settings(**quiz) -> CourseSettings:
    values = {"questions_per_attempt": 10, "pass_mark": 80, **quiz}
    return CourseSettings(quiz=QuizSettings(**values), certificate=CertificateSettings(24, 60))


def _render(source: str, settings: CourseSettings) -> str:
    return render_markdown(fill_lesson_values(source, settings), lambda _path: None).html


# --- which names are known --------------------------------------------------------------


@pytest.mark.parametrize(
    "placeholder",
    [
        "{{考试题数}}",
        "{{ 考试时长 }}",
        "{{及格分}}",
        "{{每轮次数}}",
        "{{等待时间}}",
        "{{证书有效期}}",
        "{{questions_per_attempt}}",
        "{{Pass_Mark}}",
        "｛｛考试题数｝｝",  # typed with a Chinese input method
        "{{\u3000考试题数\u3000}}",  # full-width spaces
    ],
)
def test_known_placeholders_load_without_problems(course, placeholder):
    _add_line(course, f"本课程考试：{placeholder}。")

    loaded, problems = course.load()

    assert loaded is not None
    placeholder_codes = {
        "lesson-placeholder-unknown",
        "lesson-placeholder-no-value",
        "lesson-hard-coded-setting",
    }
    assert [p.code for p in problems if p.code in placeholder_codes] == []


def test_unknown_placeholder_is_an_error_at_its_line_listing_the_known_names(course):
    line = _add_line(course, "本课程考试共 {{考试题目数}} 题。")

    problem = course.problem("lesson-placeholder-unknown")

    assert problem.is_error
    assert (problem.file, problem.line) == ("courses/store-service/lessons/01-greeting.md", line)
    message = problem.message("zh")
    assert "{{考试题目数}}" in message
    for name in ("考试题数", "考试时长", "及格分", "每轮次数", "等待时间", "证书有效期"):
        assert "{{" + name + "}}" in message
    assert "\\{{" in message  # says how to show braces literally
    assert "{{考试题数}}" in problem.message("en")


def test_line_numbers_count_blank_lines_between_title_and_body(course):
    course.write(LESSON, "\n# 标题\n\n\n第一段。\n\n{{题数}}\n")

    problem = course.problem("lesson-placeholder-unknown")

    assert problem.line == 7


def test_unknown_placeholder_keeps_the_course_from_loading(course):
    _add_line(course, "共 {{考试题目数}} 题。")

    loaded, _ = course.load()

    assert loaded is None


def test_escaped_placeholder_is_not_checked(course):
    _add_line(course, "写 \\{{任何名字}} 就会原样显示。")

    assert _problems(course, "lesson-placeholder-unknown") == []


def test_placeholder_inside_a_fenced_code_block_is_not_checked(course):
    _add_line(course, "```\n{{任何名字}}\n```")

    assert _problems(course, "lesson-placeholder-unknown") == []


def test_fenced_code_shows_placeholders_as_written():
    html = _render("```\n{{考试题数}}\n```\n\n共 {{考试题数}} 题。", _settings())

    assert "<code>{{考试题数}}\n</code>" in html
    assert "<p>共 10 题。</p>" in html


@pytest.mark.parametrize(("minutes", "error_expected"), [(0, True), (1, False)])
def test_time_limit_placeholder_needs_a_time_limit(course, minutes, error_expected):
    course.edit("course.md", "time_limit_minutes: 15", f"time_limit_minutes: {minutes}")
    line = _add_line(course, "考试限时 {{考试时长}} 分钟。")

    problems = _problems(course, "lesson-placeholder-no-value")

    if error_expected:
        assert [(p.line, p.params["setting"]) for p in problems] == [
            (line, "quiz.time_limit_minutes")
        ]
        assert "0" in problems[0].message("zh")
    else:
        assert problems == []


def test_wait_placeholder_needs_a_wait(course):
    course.edit("course.md", "wait_minutes: 30", "wait_minutes: 0")
    _add_line(course, "两次考试之间等 {{等待时间}} 分钟。")

    problems = _problems(course, "lesson-placeholder-no-value")

    assert [p.params["setting"] for p in problems] == ["quiz.wait_minutes"]


# --- hand-written exam settings -----------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "placeholder"),
    [
        ("本课程考试共 6 道题。", "{{考试题数}}"),
        ("考试每次抽6题。", "{{考试题数}}"),
        ("考试限时 15 分钟。", "{{考试时长}}"),
        ("两次考试之间要等 30 分钟。", "{{等待时间}}"),
        ("考试得分 80 分及格。", "{{及格分}}"),
        ("考试得分达到 80% 即通过。", "{{及格分}}"),
        ("每一轮可以考试三次。", "{{每轮次数}}"),
        ("每一轮可以考试 ３ 次。", "{{每轮次数}}"),
        ("证书有效期 24 个月。", "{{证书有效期}}"),
        ("证书有效期二十四个月。", "{{证书有效期}}"),
    ],
)
def test_number_equal_to_an_exam_setting_is_a_warning_naming_the_placeholder(
    course, line, placeholder
):
    number = _add_line(course, line)

    problem = course.problem("lesson-hard-coded-setting")

    assert problem.severity == "warning"
    assert problem.line == number
    assert placeholder in problem.message("zh")


@pytest.mark.parametrize(
    "line",
    [
        "本课程考试共 5 道题。",  # one under questions_per_attempt
        "本课程考试共 7 道题。",  # one over
        "考试限时 14 分钟。",
        "考试限时 16 分钟。",
        "每一轮可以考试两次。",
        "每一轮可以考试四次。",
        "考试得分 79 分及格。",
        "考试得分 81 分及格。",
        "第三次考试时他通过了。",  # an ordinal, not a setting
        "前三次考试都没有通过。",
        "看到顾客后 15 分钟内回复。",  # not about the exam
        "每天问候练习三次。",
    ],
)
def test_other_numbers_are_not_warned_about(course, line):
    _add_line(course, line)

    assert _problems(course, "lesson-hard-coded-setting") == []


def test_warning_echoes_what_was_written_and_the_setting(course):
    _add_line(course, "本课程考试共 6 道题。")

    problem = course.problem("lesson-hard-coded-setting")

    assert "“6 道题”" in problem.message("zh")
    assert "quiz.questions_per_attempt: 6" in problem.message("zh")


def test_same_minutes_for_time_limit_and_wait_suggests_both(course):
    course.edit("course.md", "wait_minutes: 30", "wait_minutes: 15")
    _add_line(course, "考试限时 15 分钟。")

    problem = course.problem("lesson-hard-coded-setting")

    assert problem.params["placeholder"] == "{{考试时长}}、{{等待时间}}"


# --- rendering ------------------------------------------------------------------------------


def test_placeholders_are_replaced_by_the_settings_numbers():
    settings = _settings(time_limit_minutes=20, attempts_per_round=2, wait_minutes=45)
    source = (
        "共 {{考试题数}} 题，限时 {{ 考试时长 }} 分钟，{{pass_mark}}% 及格，"
        "每轮 ｛｛每轮次数｝｝ 次，等 {{等待时间}} 分钟，证书 {{证书有效期}} 个月。"
    )

    html = _render(source, settings)

    assert html == "<p>共 10 题，限时 20 分钟，80% 及格，每轮 2 次，等 45 分钟，证书 24 个月。</p>"


def test_escaped_placeholder_shows_its_braces():
    html = _render("写成 \\{{考试题数}} 即可。", _settings())

    assert "10" not in html
    assert "{{考试题数}}" in html.replace("&#123;", "{").replace("&#x7b;", "{")
    assert "\\" not in html


def test_escaped_placeholder_at_the_end_of_a_paragraph_is_not_an_attribute_list():
    html = _render("占位符的写法：\\{{考试题数}}", _settings())

    assert "{{考试题数}}" in html.replace("&#123;", "{")


def test_escaped_full_width_placeholder_shows_its_braces():
    html = _render("写成 \\｛｛考试题数｝｝ 即可。", _settings())

    assert "｛｛考试题数｝｝" in html and "\\" not in html


def test_course_intro_is_checked_too_at_its_line_in_course_md(course):
    course.write("course.md", course.read("course.md").rstrip("\n") + "\n\n共 {{题目数}} 题。\n")

    problem = course.problem("lesson-placeholder-unknown")

    assert problem.file == "courses/store-service/course.md"
    assert problem.line == course.line_exactly("course.md", "共 {{题目数}} 题。")

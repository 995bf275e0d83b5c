"""What a Chinese input method types: full-width blanks, `中文键：值` lines meant as settings,
and fix-it examples that repeat the author's own number or text."""

from __future__ import annotations

import pytest

QUIZ = "quiz.md"
FILL_TEXT = "看到顾客后，应在 ____ 秒内主动问候。"


def codes(course) -> set[str]:
    _, problems = course.load()
    return {problem.code for problem in problems}


def test_full_width_blank_is_a_blank(course):
    course.edit(QUIZ, FILL_TEXT, "看到顾客后，应在 ＿＿＿＿ 秒内主动问候。")

    loaded, problems = course.load()

    assert not [p for p in problems if p.is_error]
    assert loaded.question("greeting-time").accepted == ("3", "三")


def test_three_full_width_underscores_are_not_a_blank(course):
    course.edit(QUIZ, FILL_TEXT, "看到顾客后，应在 ＿＿＿ 秒内主动问候。")

    assert "fill-no-blank" in codes(course)


def test_a_half_width_and_a_full_width_blank_are_two_blanks(course):
    course.edit(QUIZ, FILL_TEXT, "看到顾客 ____ 后，应在 ＿＿＿＿ 秒内主动问候。")

    assert "fill-several-blanks" in codes(course)


@pytest.mark.parametrize(
    ("line", "code", "example"),
    [
        ("分值: 3", "text-has-setting", "points: 3"),
        ("分值：５分", "text-has-setting", "points: 5"),
        ("难度：困难", "text-has-setting", "difficulty: hard"),
        ("题型：多选题", "text-has-setting", "type: multiple"),
        ("标签：试衣", "text-has-setting", "tags: 试衣"),
        ("答案：3 秒以内", "text-has-answer", "3 秒以内"),
        ("【答案解析】：七步曲第一步", "text-has-explanation", "解析：七步曲第一步"),
    ],
)
def test_chinese_setting_swallowed_into_the_question_text_warns(course, line, code, example):
    course.edit(
        QUIZ, "difficulty: easy\n\n顾客走进店铺后", f"difficulty: easy\n{line}\n顾客走进店铺后"
    )

    problem = course.problem(code)

    assert problem.severity == "warning"
    assert problem.line == course.line_exactly(QUIZ, line)
    assert example in problem.message("zh")
    assert example in problem.message("en")


def test_dialogue_with_a_chinese_colon_is_ordinary_question_text(course):
    course.edit(QUIZ, "顾客走进店铺后", "顾客说：“我随便看看。”\n\n顾客走进店铺后")

    assert not {"text-has-setting", "text-has-answer", "text-has-explanation"} & codes(course)


def test_setting_inside_a_code_sample_is_not_reported(course):
    course.edit(QUIZ, "顾客走进店铺后", "```\n分值: 3\n```\n\n顾客走进店铺后")

    assert "text-has-setting" not in codes(course)


# (file, old, new, code, the example the message must show)
ECHOES = [
    (QUIZ, "points: 1", "points: 3分", "question-points", "points: 3"),
    (QUIZ, "points: 1", "points: 两分", "question-points", "points: 2"),
    (
        QUIZ,
        "## greet-within-3-seconds",
        "## Greet_Within 3s",
        "question-id-invalid",
        "## greet-within-3s",
    ),
    (QUIZ, "answer: 15", "answer: 1.5小时", "numerical-not-number", "answer: 1.5"),
    ("practical.md", "weight: 2", "weight: 3个", "checklist-weight", "weight: 3"),
    (
        "course.md",
        "estimated_minutes: 45",
        "estimated_minutes: 40分钟",
        "field-not-integer",
        "estimated_minutes: 40",
    ),
    (
        "lessons/01-greeting.md",
        "# 第一步：主动迎宾",
        "迎宾三要点",
        "lesson-no-title",
        "# 迎宾三要点",
    ),
]


@pytest.mark.parametrize(("file", "old", "new", "code", "example"), ECHOES)
def test_fix_it_example_repeats_what_the_author_wrote(course, file, old, new, code, example):
    course.edit(file, old, new)

    problem = course.problem(code)

    assert example in problem.message("zh")
    assert example in problem.message("en")

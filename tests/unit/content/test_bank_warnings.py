"""Warnings about a whole question bank (content check and the authoring pages): the right
answer as the longest option, multiple-select banks that reward ticking everything, banks too
small for their draw, lessons no question examines. Each at its boundary."""

from __future__ import annotations

COURSE = "course.md"
QUIZ = "quiz.md"


def single(question_id: str, *, right: str, wrong: tuple[str, ...], tag: str = "迎宾") -> str:
    options = [f"- [x] {right}"] + [f"- [ ] {text}" for text in wrong]
    return (
        f"## {question_id}\ntype: single\ntags: {tag}\n\n顾客进店后导购应该怎么做？\n\n"
        + "\n".join(options)
        + "\n\n解析：三秒内问候。\n"
    )


def multiple(question_id: str, *, right: int, wrong: int, tag: str = "迎宾") -> str:
    options = [f"- [x] 对的做法{n}" for n in range(right)]
    options += [f"- [ ] 错的做法{n}" for n in range(wrong)]
    return (
        f"## {question_id}\ntype: multiple\ntags: {tag}\n\n哪些做法是对的？\n\n"
        + "\n".join(options)
        + "\n\n解析：见第一课。\n"
    )


def truefalse(question_id: str, tag: str = "迎宾") -> str:
    return f"## {question_id}\ntype: truefalse\nanswer: true\ntags: {tag}\n\n要主动问候。\n"


def fillers(count: int, tag: str = "迎宾") -> list[str]:
    return [truefalse(f"filler-{n}", tag) for n in range(count)]


def write_bank(course, questions: list[str], quotas: str = "{迎宾: 1, 试衣: 1}") -> None:
    course.write(QUIZ, "# 题库\n\n" + "\n".join(questions))
    course.edit(COURSE, "tag_quotas: {迎宾: 1}", f"tag_quotas: {quotas}")


def warnings(course, code: str) -> list:
    _, problems = course.load()
    return [problem for problem in problems if problem.code == code]


# A bank of 18 (three times the draw of 6) with both lessons' tags, so that only the
# pattern under test can warn.
def bank_with(course, questions: list[str]) -> None:
    padding = 18 - len(questions) - 1
    write_bank(course, [*questions, truefalse("fitting", "试衣"), *fillers(padding)])


LONG_RIGHT = {"right": "三秒内微笑着主动问候顾客", "wrong": ("等顾客开口", "先整理货架")}
SHORT_RIGHT = {"right": "主动问候", "wrong": ("等顾客先开口再说", "先把货架整理好")}


def test_two_of_five_single_questions_with_the_longest_right_answer_is_40_percent_no_warning(
    course,
):
    questions = [single(f"long-{n}", **LONG_RIGHT) for n in range(2)]
    questions += [single(f"short-{n}", **SHORT_RIGHT) for n in range(3)]
    bank_with(course, questions)

    assert warnings(course, "bank-right-is-longest") == []


def test_three_of_five_single_questions_with_the_longest_right_answer_warns(course):
    questions = [single(f"long-{n}", **LONG_RIGHT) for n in range(3)]
    questions += [single(f"short-{n}", **SHORT_RIGHT) for n in range(2)]
    bank_with(course, questions)

    [warning] = warnings(course, "bank-right-is-longest")

    assert warning.severity == "warning"
    assert warning.file == "courses/store-service/quiz.md"
    assert (warning.params["longest"], warning.params["total"]) == (3, 5)
    assert "60%" in warning.message("zh")


def test_a_right_answer_as_long_as_a_wrong_one_is_not_the_longest(course):
    tie = {"right": "主动问候顾客", "wrong": ("等顾客开口吧", "先整理货架")}  # 6 and 6 characters
    bank_with(course, [single(f"tie-{n}", **tie) for n in range(5)])

    assert warnings(course, "bank-right-is-longest") == []


def test_scenario_asking_a_single_choice_counts_too(course):
    scenario = (
        "## case\ntype: scenario\nasks: single\ntags: 迎宾\n\n顾客进店。\n\n---\n\n怎么做？\n\n"
        "- [x] 三秒内微笑着主动问候顾客\n- [ ] 等顾客开口\n- [ ] 先整理货架\n\n解析：问候。\n"
    )
    bank_with(course, [scenario, single("short", **SHORT_RIGHT)])

    [warning] = warnings(course, "bank-right-is-longest")
    assert (warning.params["longest"], warning.params["total"]) == (1, 2)


def test_multiple_select_bank_with_right_options_never_fewer_than_wrong_ones_warns(course):
    bank_with(course, [multiple("m1", right=2, wrong=2), multiple("m2", right=3, wrong=1)])

    [warning] = warnings(course, "bank-multiple-right-majority")
    assert warning.params["total"] == 2


def test_one_multiple_select_question_with_more_wrong_options_is_enough(course):
    bank_with(course, [multiple("m1", right=2, wrong=2), multiple("m2", right=2, wrong=3)])

    assert warnings(course, "bank-multiple-right-majority") == []


def test_bank_of_17_for_a_draw_of_6_warns_at_the_draw_setting(course):
    write_bank(course, [truefalse("fitting", "试衣"), *fillers(16)])

    [warning] = warnings(course, "bank-too-small")

    assert warning.file == "courses/store-service/course.md"
    assert warning.line == course.line_of(COURSE, "questions_per_attempt")
    assert (warning.params["available"], warning.params["minimum"]) == (17, 18)


def test_bank_of_18_for_a_draw_of_6_is_enough(course):
    write_bank(course, [truefalse("fitting", "试衣"), *fillers(17)])

    assert warnings(course, "bank-too-small") == []


def test_lesson_whose_tag_no_question_carries_is_not_examined(course):
    write_bank(course, fillers(18))  # every question about lesson 1 (迎宾)

    [warning] = warnings(course, "lesson-not-examined")

    assert warning.file == "courses/store-service/lessons/02-fitting.md"
    assert warning.params["tag"] == "试衣"
    assert warnings(course, "lesson-no-quota-tag") == []


def test_one_question_with_the_lesson_tag_examines_it(course):
    write_bank(course, [truefalse("fitting", "试衣"), *fillers(17)])

    assert warnings(course, "lesson-not-examined") == []


def test_lesson_beyond_the_tag_quotas_has_no_tag(course):
    write_bank(course, [truefalse("fitting", "试衣"), *fillers(17)], quotas="{迎宾: 1}")

    [warning] = warnings(course, "lesson-no-quota-tag")

    assert warning.file == "courses/store-service/lessons/02-fitting.md"
    assert warning.params["number"] == 2


def test_warnings_do_not_stop_the_course_loading(course):
    write_bank(course, fillers(6), quotas="{迎宾: 1}")

    loaded, problems = course.load()

    assert loaded is not None
    assert {"bank-too-small", "lesson-no-quota-tag"} <= {p.code for p in problems}

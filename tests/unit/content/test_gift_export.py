"""Our questions → GIFT: each type's answers, what GIFT cannot hold, and the way back."""

from __future__ import annotations

import pytest

from trainer.content.gift import export_gift, import_gift
from trainer.content.gift.quiz_md import content
from trainer.content.quiz import parse_quiz


@pytest.fixture
def questions(course):
    loaded, _ = course.load()
    return {question.id: question for question in loaded.questions}


def gift_of(questions, question_id: str) -> str:
    return export_gift([questions[question_id]]).text


def quiz(markdown: str):
    questions, problems = parse_quiz(markdown, "quiz.md")
    assert problems == []
    return questions


def test_single_choice_with_feedback_tags_difficulty_and_explanation(questions):
    assert gift_of(questions, "greet-within-3-seconds") == (
        "// [tag:迎宾] [difficulty:easy]\n"
        "::greet-within-3-seconds::[markdown]顾客走进店铺后，导购最迟应在多长时间内主动问候？{\n"
        "\t~10 秒以内#太慢了，顾客已经开始觉得被冷落。\n"
        "\t=3 秒以内\n"
        "\t~等顾客先开口\n"
        "\t####七步曲第一步要求看到顾客 3 秒内问候。\n"
        "}\n"
    )


def test_weighted_multiple_choice_writes_percentages(questions):
    assert "\t~%50%帮顾客确认尺码\n\t~%50%引导顾客到空闲的试衣间\n\t~%-50%让顾客自己找试衣间\n" in (
        gift_of(questions, "fitting-room-actions")
    )


def test_all_or_nothing_multiple_choice_is_exported_with_percentages_and_reported(questions):
    exported = export_gift([questions["welcome-phrases"]])

    assert "\t~%50%您好，欢迎光临\n\t~%50%您好，有什么可以帮您\n\t~%-100%随便看看#" in exported.text
    assert [(e.line, e.reason_code) for e in exported.not_exported] == [
        (questions["welcome-phrases"].line, "gift-export-all-or-nothing")
    ]
    assert exported.exported == 1


@pytest.mark.parametrize(
    ("question_id", "section"),
    [
        ("alteration-promise", "{\n\tF\n\t####应告诉顾客具体的取裤时间，例如 15 分钟。\n}"),
        ("alteration-minutes", "{\n\t#15:5\n}"),
        ("fitting-room-count", "{\n\t#2..4\n}"),
        (
            "phrase-matching",
            "{\n\t=顾客进店 -> 您好，欢迎光临\n\t=顾客离店 -> 谢谢光临，欢迎再来\n",
        ),
    ],
)
def test_answers_of_each_type(questions, question_id, section):
    assert section in gift_of(questions, question_id)


def test_fill_in_puts_the_answers_where_the_blank_is(questions):
    assert gift_of(questions, "greeting-time").endswith(
        "::greeting-time::[markdown]看到顾客后，应在 {\n\t=3\n\t=三\n} 秒内主动问候。\n"
    )


def test_ordering_is_reported_not_exported(questions):
    exported = export_gift(questions.values())

    assert "seven-steps-order" not in exported.text
    assert (questions["seven-steps-order"].line, "gift-export-ordering") in [
        (e.line, e.reason_code) for e in exported.not_exported
    ]
    assert exported.exported == len(questions) - 1
    assert exported.summary() == f"exported {len(questions) - 1} questions; 3 not exported"


def test_scenario_case_goes_in_front_of_the_question(questions):
    text = gift_of(questions, "complaint-case-aisle")

    assert text.startswith("// [tag:投诉] [points:2]\n::complaint-case-aisle::[markdown]")
    assert "后面还有人在排队。\\n\\n这时你应该怎么做？（多选）{" in text


def test_course_comes_back_from_gift_as_the_same_questions(questions):
    back = {q.id: q for q in quiz(import_gift(export_gift(questions.values()).text).quiz_md)}

    # Unchanged: every type GIFT has, with ids, texts, answers, feedback, explanations,
    # tags, points and difficulty. Changed as reported: all-or-nothing → percentages,
    # scenario → its asked type, ordering → not exported.
    for question_id in (
        "greet-within-3-seconds",
        "fitting-room-actions",
        "alteration-promise",
        "greeting-time",
        "phrase-matching",
        "alteration-minutes",
        "fitting-room-count",
    ):
        assert content(back[question_id]) == content(questions[question_id])
    assert back["welcome-phrases"].weighted is True
    assert back["complaint-case-aisle"].type == "multiple"
    assert back["complaint-case-aisle"].points == 2
    assert "seven-steps-order" not in back


def test_special_characters_are_escaped_and_come_back():
    original = quiz(
        "## special\ntype: single\n\n[html] is a tag: {a} = #1 ~ \\ ok\nSecond line\n\n"
        "- [x] %5% off\n  > a=b\n- [ ] [plain] text\n\n解析：Note: x\n\ny"
    )
    exported = export_gift(original)
    back = quiz(import_gift(exported.text).quiz_md)

    assert "[markdown][html] is a tag\\: \\{a\\} \\= \\#1 \\~ \\\\ ok\\nSecond line{" in (
        exported.text
    )
    assert "\t=%100%%5% off#a\\=b\n\t~[markdown][plain] text\n\t####Note\\: x\\n\\ny\n" in (
        exported.text
    )
    assert content(back) == content(original)


def test_text_that_cannot_be_written_in_gift_is_reported():
    arrow = quiz("## a\ntype: fill\n\nType ____ here.\n\n- = a->b\n")
    tag = quiz("## b\ntype: truefalse\ntags: <b>, ok\nanswer: true\n\nText\n")

    assert [e.reason_code for e in export_gift(arrow).not_exported] == ["gift-export-arrow"]
    exported = export_gift(tag)
    assert [e.reason_code for e in exported.not_exported] == ["gift-export-tag"]
    assert exported.text.startswith("// [tag:ok]\n")


def test_blank_at_the_end_of_a_fill_in_question():
    original = quiz("## a\ntype: fill\n\nWho is buried here? ____\n\n- = no one\n")

    text = export_gift(original).text

    assert "::a::[markdown]Who is buried here?{\n\t=no one\n}" in text
    assert content(quiz(import_gift(text).quiz_md)) == content(original)


def test_nothing_to_export():
    assert (export_gift([]).text, export_gift([]).summary()) == (
        "",
        "exported 0 questions; 0 not exported",
    )

"""The “add a question” forms: each type's form writes a quiz.md block that the loader reads
back as what the trainer entered, and bad input gets a message saying what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import render_template_string
from flask_babel import force_locale

from trainer.authoring.question_forms import (
    FORMS,
    QuestionNotAdded,
    add_question,
    append_question,
    build_question,
    next_question_id,
    question_ids,
)
from trainer.content.question_types import QUESTION_TYPES
from trainer.content.quiz import parse_quiz

ROOT = Path(__file__).resolve().parents[3]
REAL_QUIZ = ROOT / "content" / "courses" / "sales-seven-steps" / "quiz.md"
URL = "/authoring/drafts/1/questions/new"


def quiz_text() -> str:
    return REAL_QUIZ.read_text(encoding="utf-8")


def submit(app, type_name: str, data: dict, quiz: str | None = None, locale: str = "en"):
    """(the new quiz.md text or None, the form's errors as {field: [str]})."""
    quiz = quiz_text() if quiz is None else quiz
    with (
        app.test_request_context(f"{URL}?type={type_name}", method="POST", data=data),
        force_locale(locale),
    ):
        form = FORMS[type_name]()
        new_text = add_question(type_name, form, quiz)
        errors = {
            name: [str(e) for e in field.errors if not isinstance(e, dict)]
            for name, field in form._fields.items()
        }
        errors = {name: messages for name, messages in errors.items() if messages}
        if form.form_errors:
            errors["form"] = [str(e) for e in form.form_errors]
    return new_text, errors


def common(**extra) -> dict:
    return {"text": "问题", "points": "1", "tags": "", "difficulty": "", **extra}


def choices(*rows: tuple[str, bool]) -> dict:
    data = {}
    for index, (text, correct) in enumerate(rows):
        data[f"choices-{index}-text"] = text
        if correct:
            data[f"choices-{index}-correct"] = "y"
    return data


def pairs(*rows: tuple[str, str]) -> dict:
    data = {}
    for index, (left, right) in enumerate(rows):
        data[f"pairs-{index}-left"] = left
        data[f"pairs-{index}-right"] = right
    return data


def parsed_new(new_text: str, question_id: str):
    questions, problems = parse_quiz(new_text, "quiz.md")
    assert [p for p in problems if p.is_error] == []
    found = [q for q in questions if q.id == question_id]
    assert len(found) == 1
    return found[0], questions


# --- every type: entered → quiz.md → parsed back as entered ----------------------------------

VALID = {
    "single": (
        common(
            question_id="greet-when",
            text="顾客进店后，导购最迟应在多长时间内主动问候？",
            points="2",
            tags="迎宾, 问候",
            difficulty="easy",
            explanation="七步曲第一步要求 3 秒内问候。",
            **choices(("10 秒以内", False), ("3 秒以内", True), ("等顾客先开口", False)),
        ),
        lambda q: (
            [o.text for o in q.options if o.correct] == ["3 秒以内"]
            and [o.text for o in q.options] == ["10 秒以内", "3 秒以内", "等顾客先开口"]
        ),
    ),
    "multiple": (
        common(
            question_id="complaint-steps",
            text="顾客投诉时应该怎么做？（多选）",
            **choices(("道歉", True), ("请顾客坐下", True), ("说这不是我卖的", False)),
        ),
        lambda q: (
            [o.text for o in q.options if o.correct] == ["道歉", "请顾客坐下"] and not q.weighted
        ),
    ),
    "truefalse": (
        common(question_id="promise-now", text="可以承诺裤子马上就能改好。", answer="false"),
        lambda q: q.answer is False,
    ),
    "fill": (
        common(
            question_id="fitting-words",
            text="引导顾客时可以说：“这边请，____ 在这里。”",
            answers="试衣间\n试衣室\n\n更衣室（50%）\n",
        ),
        lambda q: (
            [(a.text, a.credit) for a in q.answers]
            == [("试衣间", 100), ("试衣室", 100), ("更衣室", 50)]
        ),
    ),
    "numerical": (
        common(
            question_id="hem-minutes", text="改裤长一般需要多少分钟？", value="15", tolerance="1"
        ),
        lambda q: (q.answer, q.tolerance) == (15, 1),
    ),
    "matching": (
        common(
            question_id="place-action",
            text="把地点和动作连起来。",
            **pairs(("门口", "三秒问候"), ("试衣间", "递送尺码"), ("收银台", "双手递卡"), ("", "")),
        ),
        lambda q: (
            [(p.left, p.right) for p in q.pairs]
            == [("门口", "三秒问候"), ("试衣间", "递送尺码"), ("收银台", "双手递卡")]
        ),
    ),
    "ordering": (
        common(
            question_id="fitting-order",
            text="请把引导试衣的动作按顺序排列。",
            items="主动上前问候\r\n帮顾客拿好衣服\r\n  引导到试衣间  \r\n",
        ),
        lambda q: (
            [i.text for i in sorted(q.items, key=lambda i: i.position)]
            == ["主动上前问候", "帮顾客拿好衣服", "引导到试衣间"]
        ),
    ),
    "scenario": (
        common(
            question_id="complaint-case",
            text="一位顾客在收银台前大声抱怨拉链坏了。",
            asks="single",
            asked_text="这时你应该先做什么？",
            **choices(("上前道歉", True), ("让顾客排队", False)),
        ),
        lambda q: (
            q.asked.type == "single"
            and q.asked.text == "这时你应该先做什么？"
            and [o.text for o in q.asked.options if o.correct] == ["上前道歉"]
        ),
    ),
}


SINGLE_AT_LIMIT = {**common(), **choices(("甲", True), ("乙", False))}


def test_a_form_for_every_registered_type():
    builtin = {"single", "multiple", "truefalse", "fill", "numerical", "matching"}
    assert builtin | {"ordering", "scenario"} == set(FORMS)
    assert set(FORMS) <= set(QUESTION_TYPES)


@pytest.mark.parametrize("type_name", list(VALID))
def test_each_type_is_written_and_read_back_as_entered(app, type_name):
    data, answers_right = VALID[type_name]
    before, _ = parse_quiz(quiz_text(), "quiz.md")
    new_text, errors = submit(app, type_name, data)
    assert errors == {}
    assert new_text.startswith(quiz_text().rstrip())
    questions, problems = parse_quiz(new_text, "quiz.md")
    assert [p for p in problems if p.is_error] == []
    assert len(questions) == len(before) + 1
    question, _ = parsed_new(new_text, data["question_id"])
    assert question == questions[-1]
    assert question.type == type_name
    assert question.text == data["text"]
    assert question.points == int(data["points"])
    assert answers_right(question)


def test_the_common_fields_are_kept(app):
    new_text, errors = submit(app, "single", VALID["single"][0])
    assert errors == {}
    question, _ = parsed_new(new_text, "greet-when")
    assert question.tags == ("迎宾", "问候")
    assert question.difficulty == "easy"
    assert question.explanation == "七步曲第一步要求 3 秒内问候。"


def test_a_scenario_asks_each_other_type(app):
    for asks in ("multiple", "truefalse", "fill", "numerical", "matching", "ordering"):
        data = {**VALID[asks][0], "question_id": f"case-{asks}", "asks": asks}
        data |= {"text": "一位顾客拿着三件衣服走向试衣间。", "asked_text": VALID[asks][0]["text"]}
        new_text, errors = submit(app, "scenario", data)
        assert errors == {}, asks
        question, _ = parsed_new(new_text, f"case-{asks}")
        assert question.type == "scenario" and question.asked.type == asks
        assert question.text == "一位顾客拿着三件衣服走向试衣间。"
        assert VALID[asks][1](question.asked)


def test_text_keeps_its_lines_and_markdown_line_breaks(app):
    text = "\r\n第一行  \r\n第二行\r\n\r\n- 列表\r\n  "
    data = {**VALID["truefalse"][0], "text": text, "explanation": " 先看\r\n第三课 "}
    new_text, errors = submit(app, "truefalse", data)
    assert errors == {}
    question, _ = parsed_new(new_text, "promise-now")
    assert question.text == "第一行  \n第二行\n\n- 列表"
    assert question.explanation == "先看\n第三课"


def test_the_block_ends_the_file_after_one_blank_line(app):
    new_text, _ = submit(
        app,
        "truefalse",
        VALID["truefalse"][0],
        quiz="## a\ntype: truefalse\nanswer: true\n\n对吗？\n\n\n\n",
    )
    assert new_text == (
        "## a\ntype: truefalse\nanswer: true\n\n对吗？\n\n"
        "## promise-now\ntype: truefalse\nanswer: false\n\n可以承诺裤子马上就能改好。\n"
    )


def test_windows_line_ends_stay_windows_line_ends(app):
    quiz = "## a\r\ntype: truefalse\r\nanswer: true\r\n\r\n对吗？\r\n"
    new_text, errors = submit(app, "truefalse", VALID["truefalse"][0], quiz=quiz)
    assert errors == {}
    assert "\n" not in new_text.replace("\r\n", "")
    assert [q.id for q in parse_quiz(new_text, "quiz.md")[0]] == ["a", "promise-now"]


def test_an_empty_quiz_gets_the_block_alone(app):
    new_text, errors = submit(app, "truefalse", VALID["truefalse"][0], quiz="")
    assert errors == {}
    assert new_text.startswith("## promise-now\n")


@pytest.mark.parametrize(
    ("type_name", "data"),
    [
        ("single", {**SINGLE_AT_LIMIT, "points": "100"}),
        ("single", {**SINGLE_AT_LIMIT, "points": "1"}),
        ("ordering", common(items="问候\n推荐")),
        ("numerical", common(value="15", tolerance="0")),
        ("numerical", common(value="１５")),
        ("fill", common(text="这边请，____ 在这里。", answers="试衣室（0%）\n试衣间（100%）")),
    ],
)
def test_just_at_the_limits_is_accepted(app, type_name, data):
    new_text, errors = submit(app, type_name, {**data, "question_id": "at-limit"})
    assert errors == {}
    question, _ = parsed_new(new_text, "at-limit")
    assert question.points == int(data["points"])


# --- bad input: the exact message, nothing written ------------------------------------------

SINGLE = VALID["single"][0]
MULTIPLE = VALID["multiple"][0]
BAD = [
    (
        "single, no choice marked",
        "single",
        {**common(), **choices(("甲", False), ("乙", False))},
        "choices",
        "Mark exactly one choice as correct.",
    ),
    (
        "single, two marked",
        "single",
        {**common(), **choices(("甲", True), ("乙", True), ("丙", False))},
        "choices",
        "Mark exactly one choice as correct.",
    ),
    (
        "single, one choice only",
        "single",
        {**common(), **choices(("甲", True))},
        "choices",
        "Write at least two choices.",
    ),
    (
        "single, a row ticked without text",
        "single",
        {**common(), **choices(("甲", True), ("乙", False), ("", True))},
        "choices",
        "Write the text of choice 3, or clear that row.",
    ),
    (
        "single, the same choice twice",
        "single",
        {**common(), **choices(("甲", True), ("乙", False), ("乙", False))},
        "choices",
        "Each choice must be different: “乙” is there twice.",
    ),
    (
        "multiple, none marked",
        "multiple",
        {**common(), **choices(("甲", False), ("乙", False))},
        "choices",
        "Mark at least one choice as correct.",
    ),
    (
        "true/false, no answer",
        "truefalse",
        common(),
        "answer",
        "Choose whether the statement is true or false.",
    ),
    (
        "true/false, an answer the page does not offer",
        "truefalse",
        common(answer="maybe"),
        "answer",
        "Choose whether the statement is true or false.",
    ),
    (
        "fill, no blank",
        "fill",
        common(answers="试衣间"),
        "text",
        "Mark the blank in the text with four underscores: ____",
    ),
    (
        "fill, three underscores are not a blank",
        "fill",
        common(text="这边请，___ 在这里。", answers="试衣间"),
        "text",
        "Mark the blank in the text with four underscores: ____",
    ),
    (
        "fill, two blanks",
        "fill",
        common(text="____ 和 ____", answers="试衣间"),
        "text",
        "Leave only one blank ____ in the text; it has 2.",
    ),
    (
        "fill, no answer",
        "fill",
        common(text="这边请，____ 在这里。", answers=" \n \n"),
        "answers",
        "Write at least one accepted answer.",
    ),
    (
        "fill, only part-mark answers",
        "fill",
        common(text="这边请，____ 在这里。", answers="试衣室（50%）"),
        "answers",
        "At least one answer must be worth full marks.",
    ),
    (
        "fill, a percentage over 100",
        "fill",
        common(text="这边请，____ 在这里。", answers="试衣间\n试衣室（150%）"),
        "answers",
        "“试衣室”: part of the marks is written as a percentage from 0 to 100, e.g. 答案（50%）.",
    ),
    (
        "numerical, not a number",
        "numerical",
        common(value="十五"),
        "value",
        "Enter the right answer as a number, such as 15 or 2.5.",
    ),
    (
        "numerical, empty",
        "numerical",
        common(value=""),
        "value",
        "Enter the right answer as a number, such as 15 or 2.5.",
    ),
    (
        "numerical, tolerance not a number",
        "numerical",
        common(value="15", tolerance="一"),
        "tolerance",
        "Enter the allowed difference as a number, such as 1, or leave it empty.",
    ),
    (
        "numerical, negative tolerance",
        "numerical",
        common(value="15", tolerance="-1"),
        "tolerance",
        "The allowed difference cannot be negative.",
    ),
    (
        "matching, two pairs",
        "matching",
        {**common(), **pairs(("甲", "一"), ("乙", "二"))},
        "pairs",
        "Write at least three pairs.",
    ),
    (
        "matching, one side missing",
        "matching",
        {**common(), **pairs(("甲", "一"), ("乙", ""), ("丙", "三"), ("丁", "四"))},
        "pairs",
        "Write both sides of pair 2, or clear it.",
    ),
    (
        "matching, a left side twice",
        "matching",
        {**common(), **pairs(("甲", "一"), ("乙", "二"), ("甲", "三"))},
        "pairs",
        "Each left side must be different: “甲” is there twice.",
    ),
    (
        "ordering, one item",
        "ordering",
        common(items="主动上前问候\n"),
        "items",
        "Write at least two steps, one per line.",
    ),
    (
        "ordering, a step twice",
        "ordering",
        common(items="问候\n推荐\n问候"),
        "items",
        "Each step must be different: “问候” is there twice.",
    ),
    (
        "empty text",
        "single",
        {**SINGLE, "text": "  \r\n "},
        "text",
        "Write the question text.",
    ),
    (
        "scenario, no question about the case",
        "scenario",
        {**VALID["scenario"][0], "asked_text": ""},
        "asked_text",
        "Write the question about the case.",
    ),
    (
        "points 0",
        "single",
        {**SINGLE, "points": "0"},
        "points",
        "Points must be a whole number from 1 to 100.",
    ),
    (
        "points 101",
        "single",
        {**SINGLE, "points": "101"},
        "points",
        "Points must be a whole number from 1 to 100.",
    ),
    (
        "points not a number",
        "single",
        {**SINGLE, "points": "2.5"},
        "points",
        "Enter the points as a whole number, such as 1 or 2.",
    ),
    (
        "points empty",
        "single",
        {**SINGLE, "points": ""},
        "points",
        "Enter the points as a whole number, such as 1 or 2.",
    ),
    (
        "an id quiz.md does not accept",
        "single",
        {**SINGLE, "question_id": "Greet When"},
        "question_id",
        "Use lower-case letters, digits and - only, e.g. greet-within-3-seconds; or leave the "
        "id empty.",
    ),
    (
        "an id already in the quiz",
        "single",
        {**SINGLE, "question_id": "seven-steps-order"},
        "question_id",
        "The id “seven-steps-order” is already used in this quiz: choose another, or leave the "
        "id empty to number it automatically.",
    ),
]
READS_DIFFERENTLY = (
    "quiz.md would read %s differently: no line may start with “## ”, “- [x]”, “- = ”, “---” "
    "or “解析：”, a ``` code block must be closed, and words such as “答案：” belong in their "
    "own fields. Reword or indent that line."
)
BAD += [
    (
        "text starting with ## ",
        "single",
        {**SINGLE, "text": "## 顾客进店后多久问候？"},
        "text",
        READS_DIFFERENTLY % "this text",
    ),
    (
        "a ## line inside the text",
        "truefalse",
        common(text="第一行\n## next-question\n第三行", answer="true"),
        "text",
        READS_DIFFERENTLY % "this text",
    ),
    (
        "a choice line inside the text",
        "single",
        {**SINGLE, "text": "下面哪个对？\n- [x] 这个"},
        "text",
        READS_DIFFERENTLY % "this text",
    ),
    (
        "a code block left open in the text",
        "truefalse",
        common(text="看这段：\n```\ncode", answer="true"),
        "text",
        READS_DIFFERENTLY % "this text",
    ),
    (
        "a --- line inside a scenario's case",
        "scenario",
        {**VALID["scenario"][0], "text": "顾客说：\n---\n拉链坏了。"},
        "text",
        READS_DIFFERENTLY % "this text",
    ),
    (
        "an explanation line inside a scenario's question",
        "scenario",
        {**VALID["scenario"][0], "asked_text": "怎么做？\n解析：先道歉"},
        "asked_text",
        READS_DIFFERENTLY % "this text",
    ),
    (
        "a tag with # (quiz.md reads the rest as a comment)",
        "truefalse",
        common(answer="true", tags="迎宾 # 问候"),
        "tags",
        "A tag may not contain # or line breaks: write tags as plain words separated by commas.",
    ),
    (
        "a ## line in the explanation",
        "truefalse",
        common(answer="true", explanation="看课时\n## 第二课"),
        "explanation",
        READS_DIFFERENTLY % "this explanation",
    ),
    (
        "a left side holding =>, which quiz.md reads as the arrow",
        "matching",
        {**common(), **pairs(("甲 => 乙", "一"), ("乙", "二"), ("丙", "三"))},
        "pairs",
        READS_DIFFERENTLY % "one of these answers",
    ),
]


@pytest.mark.parametrize(
    ("case", "type_name", "data", "field", "message"), BAD, ids=[case[0] for case in BAD]
)
def test_bad_input_gets_its_message_and_writes_nothing(app, case, type_name, data, field, message):
    new_text, errors = submit(app, type_name, data)
    assert new_text is None
    assert errors == {field: [message]}


def test_messages_are_in_chinese_on_a_chinese_page(app):
    data = {**common(), **choices(("甲", True), ("乙", True))}
    _, errors = submit(app, "single", data, locale="zh_Hans_CN")
    assert errors == {"choices": ["请只把一个选项标为正确答案。"]}


def test_a_quiz_ending_in_an_open_code_block_is_refused(app):
    quiz = "## a\ntype: truefalse\nanswer: true\n\n看：\n```\n"
    new_text, errors = submit(app, "truefalse", VALID["truefalse"][0], quiz=quiz)
    assert new_text is None
    assert errors == {
        "form": [
            "The quiz ends inside a ``` code block that is never closed: close it before "
            "adding questions."
        ]
    }


def test_append_question_refuses_a_duplicate_id(app):
    quiz = quiz_text()
    with app.test_request_context(URL, method="POST", data=VALID["truefalse"][0]):
        form = FORMS["truefalse"]()
        assert form.validate()
        question = build_question("truefalse", form, [])
        assert question is not None
        once = append_question(quiz, question, form)
        assert form.errors == {}
        assert append_question(once, question, form) == once
        assert form.question_id.errors
        with pytest.raises(QuestionNotAdded) as refused:
            append_question(once, question)
        assert refused.value.field == "question_id"


# --- ids ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        ([f"q-{n:03d}" for n in range(1, 13)], "q-013"),
        ([], "q-001"),
        (["greet-within-3s", "fitting-order"], "q-001"),
        (["q-001", "q-002", "q-005"], "q-006"),
        (["q-9", "q-10"], "q-11"),
        (["q-099", "q-098"], "q-100"),
        (["step-01", "step-02", "greet", "q-001"], "step-03"),
        (["q-001"], "q-002"),
        (["four-haves-2"], "q-001"),
        (["a1", "a2", "b1", "b2", "b3"], "b4"),
        (["b1", "b2", "a1", "a2"], "a3"),  # a tie: the numbering used last
        (["a1", "a2", "a3", "b1", "b2"], "a4"),
    ],
)
def test_next_question_id(existing, expected):
    assert next_question_id(existing) == expected


def test_an_empty_id_gets_the_next_number(app):
    quiz = "".join(
        f"## q-{n:03d}\ntype: truefalse\nanswer: true\n\n第 {n} 题。\n\n" for n in range(1, 13)
    )
    data = {**VALID["truefalse"][0], "question_id": ""}
    new_text, errors = submit(app, "truefalse", data, quiz=quiz)
    assert errors == {}
    assert question_ids(new_text)[-1] == "q-013"
    parsed_new(new_text, "q-013")


def test_an_empty_id_in_a_bank_of_named_ids(app):
    data = {**VALID["ordering"][0], "question_id": ""}
    new_text, errors = submit(app, "ordering", data)
    assert errors == {}
    assert question_ids(new_text)[-1] == "q-001"


# --- the page partial ---------------------------------------------------------------------

PAGE = (
    '{% from "authoring/_question_form.html" import question_form, question_type_links %}'
    "{{ question_form(form, type_name, action_url) }}"
)
LABELS = {
    "single": ["Choice 1", "Choice 1 is a right choice", "Feedback on choice 1"],
    "multiple": ["Choice 3", "Choice 3 is a right choice"],
    "truefalse": ["Statement", "The statement is", "True", "False"],
    "fill": ["Accepted answers"],
    "numerical": ["Right answer (a number)", "Allowed difference (optional)"],
    "matching": ["Left side of pair 1", "Right side of pair 1"],
    "ordering": ["Steps in the right order"],
    "scenario": ["Case", "Question about the case", "The question about the case is"],
}
COMMON_LABELS = [
    "Question id (optional)",
    "Points",
    "Tags (optional)",
    "Difficulty",
    "Explanation (optional)",
    "Add question",
]


@pytest.mark.parametrize("type_name", list(FORMS))
def test_the_partial_shows_each_type_with_its_labels(app, type_name):
    with app.test_request_context(f"{URL}?type={type_name}"), force_locale("en"):
        form = FORMS[type_name]()
        page = render_template_string(PAGE, form=form, type_name=type_name, action_url=URL)
    assert "aria-invalid" not in page and "field-error" not in page  # nothing wrong yet
    for label in LABELS[type_name] + COMMON_LABELS:
        assert f">{label}<" in page or f"> {label}<" in page or f">{label} <" in page, label
    assert f'action="{URL}"' in page and 'method="post"' in page


def test_the_partial_ties_errors_to_their_fields(app):
    data = {**common(), **choices(("甲", False), ("乙", False))}
    with app.test_request_context(URL, method="POST", data=data), force_locale("en"):
        form = FORMS["single"]()
        assert add_question("single", form, quiz_text()) is None
        page = render_template_string(PAGE, form=form, type_name="single", action_url=URL)
    assert 'id="choices-error"' in page and 'aria-describedby="choices-error"' in page
    # Each row's text input is described by the message too.
    assert page.count('aria-describedby="choices-error"') == 1 + len(form.choices.entries)
    assert "Mark exactly one choice as correct." in page
    assert 'value="甲"' in page  # what was typed stays


def test_the_partial_in_chinese(app):
    with app.test_request_context(URL), force_locale("zh_Hans_CN"):
        form = FORMS["single"]()
        page = render_template_string(PAGE, form=form, type_name="single", action_url=URL)
    assert "添加题目" in page and "题干" in page


def test_a_scenario_page_shows_the_asked_types_fields(app):
    with app.test_request_context(f"{URL}?type=scenario&asks=ordering"), force_locale("en"):
        form = FORMS["scenario"]()
        page = render_template_string(PAGE, form=form, type_name="scenario", action_url=URL)
    assert "Steps in the right order" in page and "Choice 1" not in page
    assert '<input type="hidden" name="asks" value="ordering">' in page


@pytest.mark.parametrize(
    ("argument", "first_link"),
    [
        ("base", f"{URL}?type=single"),
        ("base_with_query", f"{URL}?draft=1&amp;type=single"),
        ("callable", "/x/single"),
    ],
)
def test_the_type_links(app, argument, first_link):
    values = {
        "base": URL,
        "base_with_query": f"{URL}?draft=1",
        "callable": lambda name: f"/x/{name}",
    }
    with app.test_request_context("/"), force_locale("en"):
        page = render_template_string(
            '{% from "authoring/_question_form.html" import question_type_links %}'
            "{{ question_type_links(target) }}",
            target=values[argument],
        )
    assert f'href="{first_link}"' in page
    for label in ("Single choice", "Ordering", "Scenario: a case, then a question about it"):
        assert label in page
    assert page.count("<li>") == len(FORMS)


def test_csrf_is_on_for_the_forms(csrf_app):
    with csrf_app.test_request_context(URL, method="POST", data=VALID["single"][0]):
        form = FORMS["single"]()
        assert add_question("single", form, quiz_text()) is None
        assert "csrf_token" in form.errors


def test_build_question_refuses_an_id_among_the_existing_ones(app):
    with (
        app.test_request_context(URL, method="POST", data=VALID["truefalse"][0]),
        force_locale("en"),
    ):
        form = FORMS["truefalse"]()
        assert form.validate()
        assert build_question("truefalse", form, ["a", "promise-now"]) is None
        assert [str(e) for e in form.question_id.errors] == [
            "The id “promise-now” is already used in this quiz: choose another, or leave the "
            "id empty to number it automatically."
        ]
        form.question_id.errors = []
        form.question_id.data = ""
        assert build_question("truefalse", form, ["q-001", "q-002"]).id == "q-003"

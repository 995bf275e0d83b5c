"""Comparing two versions of a course (trainer/authoring/diff.py) and showing the comparison
(templates/authoring/_diff.html).

The courses are the shipped `onboarding` course copied into tmp_path, once as it is (old)
and once changed in known ways (new); every expectation below is written out here, not
read back from the code under test.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from flask import render_template_string

from trainer.authoring.diff import (
    CourseDiff,
    DiffRow,
    compare_courses,
    html_to_text_lines,
    line_diff,
    question_parts,
)
from trainer.content.loader import load_course
from trainer.content.model import Course

SHIPPED = Path(__file__).resolve().parents[3] / "content" / "courses"

OLD_SENTENCE = "按时到岗、按时交接班。"
NEW_SENTENCE = "提前五分钟到岗，按时交接班。"
NEW_LESSON = """# 第六课：新同事的第一周

第一周跟着带教师傅熟悉岗位。

![第一周的日程表](../media/first-week.svg)
"""
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>\n'
NEW_QUESTION = """
## first-week-mentor
type: truefalse
answer: true
tags: 学习发展
difficulty: easy

第一周有带教师傅带着熟悉岗位。

解析：新员工第一周由带教师傅带教。
"""


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not found once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def copy_course(tmp_path: Path, version: str, slug: str = "onboarding") -> Path:
    folder = tmp_path / version / slug
    shutil.copytree(SHIPPED / slug, folder)
    return folder


def load(folder: Path) -> tuple[Course, dict[str, bytes]]:
    course, problems = load_course(folder)
    assert course is not None, [p for p in problems if p.is_error]
    return course, {path: (folder / path).read_bytes() for path in course.files}


def cut_question(quiz: Path, question_id: str) -> None:
    """Remove one `## id` block from quiz.md."""
    text = quiz.read_text(encoding="utf-8")
    start = text.index(f"## {question_id}\n")
    end = text.find("\n## ", start + 1)
    quiz.write_text(text[:start] + (text[end + 1 :] if end >= 0 else ""), encoding="utf-8")


def changed_course(tmp_path: Path) -> Path:
    """onboarding, changed in exactly these ways."""
    folder = copy_course(tmp_path, "new")
    # One sentence of lesson 3.
    edit(folder / "lessons/03-conduct-privacy.md", OLD_SENTENCE, NEW_SENTENCE)
    # A lesson added, showing an image added.
    (folder / "lessons/06-first-week.md").write_text(NEW_LESSON, encoding="utf-8")
    (folder / "media").mkdir()
    (folder / "media/first-week.svg").write_bytes(SVG)
    # equal-treatment's right answer moves from option 2 to option 1.
    edit(
        folder / "quiz.md",
        "- [ ] 先观察一会儿，确定他真的要买东西再上前，免得浪费时间\n"
        "- [x] 和接待其他顾客一样，主动微笑问候",
        "- [x] 先观察一会儿，确定他真的要买东西再上前，免得浪费时间\n"
        "- [ ] 和接待其他顾客一样，主动微笑问候",
    )
    # One question removed, one added.
    cut_question(folder / "quiz.md", "incentive-awards")
    with (folder / "quiz.md").open("a", encoding="utf-8") as quiz:
        quiz.write(NEW_QUESTION)
    # The pass mark.
    edit(folder / "course.md", "pass_mark: 80", "pass_mark: 85")
    return folder


@pytest.fixture
def versions(tmp_path):
    old, old_files = load(copy_course(tmp_path, "old"))
    new, new_files = load(changed_course(tmp_path))
    return old, new, old_files, new_files


def kinds(rows: tuple[DiffRow, ...]) -> list[str]:
    return [row.kind for row in rows]


def texts(rows: tuple[DiffRow, ...], kind: str) -> list[str]:
    return [row.text for row in rows if row.kind == kind]


# --- the course changed in known ways -------------------------------------------------------


def test_a_course_changed_in_known_ways_gives_exactly_those_changes(versions):
    diff = compare_courses(*versions)

    assert [(c.key, c.old, c.new) for c in diff.settings] == [("quiz.pass_mark", 80, 85)]
    assert diff.intro == ()
    assert [
        (lesson.lesson.slug, lesson.status, bool(lesson.markdown), bool(lesson.text))
        for lesson in diff.changed_lessons
    ] == [
        # Lesson 2 shows the pass mark through {{及格分}}: its file is the same, what the
        # learner reads is not.
        ("onboarding-assessment", "changed", False, True),
        ("conduct-privacy", "changed", True, True),
        ("first-week", "added", True, True),
    ]
    assert [lesson.status for lesson in diff.lessons].count("unchanged") == 3
    questions = diff.questions
    assert [q.id for q in questions.added] == ["first-week-mentor"]
    assert [(q.id, q.parts) for q in questions.changed] == [("equal-treatment", ("answers",))]
    assert [q.id for q in questions.removed] == ["incentive-awards"]
    assert questions.unchanged == 37 - 2
    assert [c.status for c in diff.checklists] == ["unchanged", "unchanged"]
    assert [(f.path, f.status, f.old_size, f.new_size) for f in diff.other_files] == [
        ("media/first-week.svg", "added", None, len(SVG))
    ]
    assert not diff.is_empty
    assert dataclasses.astuple(diff.counts) == (1, 1, 2, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0)


def test_the_changed_sentence_is_in_both_diffs_and_the_pass_mark_in_the_rendered_text(versions):
    diff = compare_courses(*versions)
    lessons = {lesson.lesson.slug: lesson for lesson in diff.lessons}

    conduct = lessons["conduct-privacy"]
    [removed] = texts(conduct.markdown, "removed")
    [added] = texts(conduct.markdown, "added")
    assert (OLD_SENTENCE in removed, NEW_SENTENCE in added) == (True, True)
    # Line numbers are the file's (the title is line 1).
    [row] = [row for row in conduct.markdown if row.kind == "removed"]
    assert (row.old_line, row.new_line) == (7, None)

    assessment = lessons["onboarding-assessment"]
    [old_text] = texts(assessment.text, "removed")
    [new_text] = texts(assessment.text, "added")
    assert ("得分达到 80% 即为通过" in old_text, "得分达到 85% 即为通过" in new_text) == (
        True,
        True,
    )
    assert "{{" not in old_text + new_text


def test_the_rendered_text_diff_has_the_sentence_without_markup(tmp_path):
    old, old_files = load(copy_course(tmp_path, "old"))
    folder = copy_course(tmp_path, "new")
    edit(
        folder / "lessons/03-conduct-privacy.md",
        OLD_SENTENCE,
        "**提前五分钟**到岗 &amp; 按时交接班，见 [流程](#遵守流程)。",
    )
    new, new_files = load(folder)

    [lesson] = compare_courses(old, new, old_files, new_files).changed_lessons
    [removed] = texts(lesson.text, "removed")
    [added] = texts(lesson.text, "added")
    assert removed.startswith(OLD_SENTENCE)
    assert added.startswith("提前五分钟到岗 & 按时交接班，见 流程。")
    assert not any(mark in added for mark in ("<", ">", "**", "&amp;", "]("))


def test_identical_courses_have_an_empty_diff(tmp_path):
    old, old_files = load(copy_course(tmp_path, "old"))
    new, new_files = load(copy_course(tmp_path, "new"))

    diff = compare_courses(old, new, old_files, new_files)

    assert diff.is_empty
    assert diff.changed_lessons == ()
    assert diff.questions.unchanged == 37
    assert dataclasses.astuple(diff.counts) == (0,) * 13


def test_a_new_course_is_all_added_and_a_withdrawn_one_all_removed(tmp_path):
    course, files = load(copy_course(tmp_path, "new"))

    added = compare_courses(None, course, {}, files)
    removed = compare_courses(course, None, files, {})

    assert {lesson.status for lesson in added.lessons} == {"added"}
    assert len(added.lessons) == 5
    assert all(set(kinds(lesson.markdown)) == {"added"} for lesson in added.lessons)
    assert (len(added.questions.added), added.questions.removed) == (37, ())
    assert all(q.quiz_md.startswith(f"## {q.id}\n") for q in added.questions.added)
    assert [c.status for c in added.checklists] == ["added", "added"]
    assert {c.old for c in added.settings} == {None}
    assert ("quiz.pass_mark", None, 80) in [(c.key, c.old, c.new) for c in added.settings]
    assert {lesson.status for lesson in removed.lessons} == {"removed"}
    assert (len(removed.questions.removed), removed.questions.added) == (37, ())
    assert [c.status for c in removed.checklists] == ["removed", "removed"]
    assert {c.new for c in removed.settings} == {None}


def test_every_shipped_course_compares_with_itself_and_with_nothing():
    for folder in sorted(SHIPPED.iterdir()):
        course, files = load(folder)
        assert compare_courses(course, course, files, files).is_empty, folder.name
        fresh = compare_courses(None, course, {}, files)
        assert len(fresh.questions.added) == len(course.questions), folder.name


# --- lessons: matching ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old_name", "new_name", "body_changed", "expected"),
    [
        # same slug, new number: renumbered
        ("03-conduct-privacy.md", "07-conduct-privacy.md", False, ("moved", False, True)),
        # same number, new slug: renamed
        ("03-conduct-privacy.md", "03-conduct-and-privacy.md", False, ("moved", True, False)),
        # renamed and its text changed
        ("03-conduct-privacy.md", "03-conduct-and-privacy.md", True, ("changed", True, False)),
    ],
)
def test_lessons_are_matched_by_slug_then_by_number(
    tmp_path, old_name, new_name, body_changed, expected
):
    old, old_files = load(copy_course(tmp_path, "old"))
    folder = copy_course(tmp_path, "new")
    (folder / "lessons" / old_name).rename(folder / "lessons" / new_name)
    if body_changed:
        edit(folder / "lessons" / new_name, OLD_SENTENCE, NEW_SENTENCE)
    new, new_files = load(folder)

    diff = compare_courses(old, new, old_files, new_files)

    [lesson] = diff.changed_lessons
    assert (lesson.status, lesson.renamed, lesson.renumbered) == expected
    assert (lesson.old.path, lesson.new.path) == (f"lessons/{old_name}", f"lessons/{new_name}")
    assert bool(lesson.markdown) == body_changed
    assert diff.counts.lessons_changed == 1


def test_a_lesson_with_a_new_slug_and_a_new_number_is_one_removed_and_one_added(tmp_path):
    old, old_files = load(copy_course(tmp_path, "old"))
    folder = copy_course(tmp_path, "new")
    (folder / "lessons/05-platform-career.md").rename(folder / "lessons/06-career.md")
    new, new_files = load(folder)

    diff = compare_courses(old, new, old_files, new_files)

    assert [(lesson.lesson.path, lesson.status) for lesson in diff.changed_lessons] == [
        ("lessons/05-platform-career.md", "removed"),
        ("lessons/06-career.md", "added"),
    ]


def test_a_changed_title_is_a_changed_lesson(tmp_path):
    old, old_files = load(copy_course(tmp_path, "old"))
    folder = copy_course(tmp_path, "new")
    edit(folder / "lessons/03-conduct-privacy.md", "# 第三课：", "# 第三课（修订）：")
    new, new_files = load(folder)

    [lesson] = compare_courses(old, new, old_files, new_files).changed_lessons

    assert (lesson.status, lesson.title_changed) == ("changed", True)
    assert [(row.kind, row.old_line, row.new_line) for row in lesson.markdown[:2]] == [
        ("removed", 1, None),
        ("added", None, 1),
    ]
    assert lesson.text == ()  # the title is not part of the rendered body


# --- line diffs: context --------------------------------------------------------------------


def long_lesson(changed_line: int | None = None) -> str:
    lines = ["# 很长的一课", *[f"第 {n} 行。" for n in range(2, 201)]]
    if changed_line is not None:
        lines[changed_line - 1] = "这一行改过了。"
    return "\n".join(lines) + "\n"


def test_a_long_lesson_with_one_changed_line_shows_three_lines_of_context(tmp_path):
    old_folder = copy_course(tmp_path, "old")
    new_folder = copy_course(tmp_path, "new")
    (old_folder / "lessons/03-conduct-privacy.md").write_text(long_lesson(), encoding="utf-8")
    (new_folder / "lessons/03-conduct-privacy.md").write_text(long_lesson(100), encoding="utf-8")
    old, old_files = load(old_folder)
    new, new_files = load(new_folder)

    [lesson] = compare_courses(old, new, old_files, new_files).changed_lessons

    rows = lesson.markdown
    assert [(row.kind, row.old_line, row.new_line, row.hidden) for row in rows] == [
        ("context-gap", None, None, 96),
        ("same", 97, 97, 0),
        ("same", 98, 98, 0),
        ("same", 99, 99, 0),
        ("removed", 100, None, 0),
        ("added", None, 100, 0),
        ("same", 101, 101, 0),
        ("same", 102, 102, 0),
        ("same", 103, 103, 0),
        ("context-gap", None, None, 97),
    ]
    # 200 lines: 96 + 3 + 1 + 3 + 97 on the old side.
    assert sum(row.hidden for row in rows) + len(texts(rows, "same")) + 1 == 200
    assert texts(rows, "added") == ["这一行改过了。"]


OLD_20 = [f"第 {n} 行" for n in range(1, 21)]


def changed(lines: list[str], *numbers: int) -> list[str]:
    return [f"{line}（改）" if index + 1 in numbers else line for index, line in enumerate(lines)]


@pytest.mark.parametrize(
    ("changes", "expected_kinds"),
    [
        # first line: no gap before it
        ((1,), ["removed", "added", "same", "same", "same", "context-gap"]),
        # last line: no gap after it
        ((20,), ["context-gap", "same", "same", "same", "removed", "added"]),
        # 4 unchanged lines before: 3 shown, 1 would be a gap of one line, so it is shown
        ((5,), ["same"] * 4 + ["removed", "added", "same", "same", "same", "context-gap"]),
        # 5 unchanged lines before: a gap of 2
        ((6,), ["context-gap"] + ["same"] * 3 + ["removed", "added"] + ["same"] * 3),
    ],
)
def test_context_at_the_ends(changes, expected_kinds):
    rows = line_diff(OLD_20, changed(OLD_20, *changes))
    assert kinds(rows)[: len(expected_kinds)] == expected_kinds


@pytest.mark.parametrize(
    ("between", "gap"),
    [
        (6, None),  # 6 unchanged lines between two changes: all shown
        (7, None),  # 7: a gap would hide one line, so it is shown
        (8, 2),  # 8: 3 shown, 2 hidden, 3 shown
    ],
)
def test_context_between_two_changes(between, gap):
    rows = line_diff(OLD_20, changed(OLD_20, 3, 3 + between + 1))
    middle = rows[rows.index(next(r for r in rows if r.kind == "added")) + 1 :]
    middle = middle[: next(i for i, r in enumerate(middle) if r.kind == "removed")]
    hidden = [row.hidden for row in middle if row.kind == "context-gap"]
    assert hidden == ([] if gap is None else [gap])
    assert len([row for row in middle if row.kind == "same"]) == (between if gap is None else 6)


def test_equal_texts_have_no_rows_and_line_numbers_follow_insertions():
    assert line_diff(OLD_20, list(OLD_20)) == ()
    rows = line_diff(["a", "b", "c"], ["a", "new", "b", "c"], old_start=10, new_start=20)
    assert [(r.kind, r.text, r.old_line, r.new_line) for r in rows] == [
        ("same", "a", 10, 20),
        ("added", "new", None, 21),
        ("same", "b", 11, 22),
        ("same", "c", 12, 23),
    ]


# --- rendered text --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "lines"),
    [
        ("<p>一句 <strong>话</strong>&amp;<em>另</em>一句</p>", ["一句 话&另一句"]),
        ("<h2>标题</h2><p>正文\n接着</p>", ["标题", "正文 接着"]),
        ("<ul><li>甲</li><li>乙<ul><li>丙</li></ul></li></ul>", ["• 甲", "• 乙", "  • 丙"]),
        ("<pre><code>a  b\n  c &lt;d&gt;\n</code></pre>", ["a  b", "  c <d>"]),
        (
            "<table><tr><th>场景</th><th>做法</th></tr><tr><td>甲</td><td>乙</td></tr></table>",
            ["场景 | 做法", "甲 | 乙"],
        ),
        ('<p>看图<img alt="站姿" src="media/a.svg"></p>', ["看图[站姿 · media/a.svg]"]),
        ("<p>第一行<br>第二行</p><hr><p></p>", ["第一行", "第二行"]),
    ],
)
def test_html_becomes_readable_text_lines(html, lines):
    assert html_to_text_lines(html) == lines


# --- questions and checklists ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "parts"),
    [
        ({"points": 2}, ("points",)),
        ({"tags": ("别的",)}, ("tags",)),
        ({"explanation": "新的解析"}, ("explanation",)),
        ({"text": "新的题干"}, ("text",)),
        ({"difficulty": "hard"}, ("difficulty",)),
        ({"line": 999}, ()),  # where it sits in quiz.md is not a change
        ({"text": "新的题干", "points": 3}, ("text", "points")),
    ],
)
def test_the_parts_of_a_changed_question(tmp_path, changes, parts):
    course, _files = load(copy_course(tmp_path, "old"))
    question = course.question("equal-treatment")
    assert question_parts(question, dataclasses.replace(question, **changes)) == parts


def test_reordered_options_are_a_change_of_answers_but_moved_questions_are_not(tmp_path):
    course, _files = load(copy_course(tmp_path, "old"))
    question = course.question("equal-treatment")
    reordered = dataclasses.replace(question, options=tuple(reversed(question.options)))
    assert question_parts(question, reordered) == ("answers",)
    assert question_parts(question, dataclasses.replace(question, line=1)) == ()


def test_a_question_changing_type_names_the_type(tmp_path):
    course, _files = load(copy_course(tmp_path, "old"))
    single = course.question("equal-treatment")
    truefalse = course.question("incentive-awards")
    as_other = dataclasses.replace(truefalse, id=single.id)
    assert question_parts(single, as_other)[0] == "type"


def test_checklist_items_added_removed_and_changed_by_id(tmp_path):
    old, old_files = load(copy_course(tmp_path, "old"))
    folder = copy_course(tmp_path, "new")
    practical = folder / "practical.md"
    edit(
        practical,
        "critical: true\nweight: 2\nscale: 0=未做到，顾客到柜台前",
        "critical: true\nweight: 3\nscale: 0=未做到，顾客到柜台前",
    )
    edit(practical, "### polite-language 使用礼貌用语", "### courteous-language 使用礼貌用语")
    edit(folder / "attitude.md", "### appearance 仪容仪表", "### appearance 仪容仪表整洁")
    new, new_files = load(folder)

    diff = compare_courses(old, new, old_files, new_files)

    practical_diff, attitude_diff = diff.checklists
    assert [(i.id, i.status, i.parts) for i in practical_diff.items] == [
        ("greet-promptly", "changed", ("weight",)),
        ("courteous-language", "added", ()),
        ("polite-language", "removed", ()),
    ]
    assert [(i.id, i.status, i.parts) for i in attitude_diff.items] == [
        ("appearance", "changed", ("title",))
    ]
    assert (practical_diff.status, attitude_diff.status) == ("changed", "changed")
    counts = diff.counts
    assert (counts.checklist_items_added, counts.checklist_items_changed) == (1, 2)
    assert counts.checklist_items_removed == 1


def test_a_changed_and_a_removed_media_file(tmp_path):
    old_files = {"media/a.svg": b"12345", "media/b.png": b"xx", "quiz.md": b"q", "notes.txt": b"n"}
    new_files = {"media/a.svg": b"1234567", "quiz.md": b"other", "notes.txt": b"n"}

    diff = compare_courses(None, None, old_files, new_files)

    assert [(f.path, f.status, f.old_size, f.new_size) for f in diff.other_files] == [
        ("media/a.svg", "changed", 5, 7),
        ("media/b.png", "removed", 2, None),
    ]


# --- the partial ----------------------------------------------------------------------------

PARTIAL = '{% from "authoring/_diff.html" import course_diff %}{{ course_diff(diff) }}'


def render(diff: CourseDiff) -> str:
    return render_template_string(PARTIAL, diff=diff)


def test_the_partial_shows_each_change_with_words_not_colour_alone(app, versions):
    with app.test_request_context():
        page = render(compare_courses(*versions))

    summary = (
        "1 项设置有改动、2 课有改动、新增 1 课、1 道题有改动、新增 1 道题、删除 1 道题、"
        "1 个文件有增删改"
    )
    assert summary in page
    for word in (
        "新增：",
        "删除：",
        "新增",
        "删除",
        "考试题目",
        "70 字节",
        "学员看到的内容",
        "Markdown",
        "quiz.pass_mark",
    ):
        assert word in page
    assert '<ins><span class="diff-sign" aria-hidden="true">+</span>' in page
    assert '<del><span class="diff-sign" aria-hidden="true">−</span>' in page
    assert NEW_SENTENCE in page and OLD_SENTENCE in page
    assert "## first-week-mentor" in page  # the added question's quiz.md text
    assert "media/first-week.svg" in page
    assert "选项和答案" in page  # what changed in equal-treatment


def test_the_partial_for_identical_courses_says_so(app, tmp_path):
    course, files = load(copy_course(tmp_path, "old"))
    with app.test_request_context():
        page = render(compare_courses(course, course, files, files))
    assert "没有改动。" in page
    assert "<section" not in page


def test_lesson_text_is_escaped(app, tmp_path):
    old, old_files = load(copy_course(tmp_path, "old"))
    folder = copy_course(tmp_path, "new")
    edit(
        folder / "lessons/03-conduct-privacy.md",
        OLD_SENTENCE,
        "<script>alert(1)</script> <b>粗</b> &lt;i&gt;",
    )
    edit(
        folder / "lessons/03-conduct-privacy.md",
        "# 第三课：",
        "# 第三课 <b onclick=alert(2)>新</b>：",
    )
    new, new_files = load(folder)

    with app.test_request_context():
        page = render(compare_courses(old, new, old_files, new_files))

    assert "<script>" not in page and "<b>粗" not in page and "<b onclick" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;b&gt;粗&lt;/b&gt; &amp;lt;i&amp;gt;" in page
    assert "第三课 &lt;b onclick=alert(2)&gt;新&lt;/b&gt;：" in page


def test_the_introduction_is_diffed_with_course_md_line_numbers(tmp_path):
    old, old_files = load(copy_course(tmp_path, "old"))
    folder = copy_course(tmp_path, "new")
    edit(folder / "course.md", "欢迎加入！", "欢迎你加入！")
    new, new_files = load(folder)

    diff = compare_courses(old, new, old_files, new_files)

    assert diff.settings == ()
    assert [(r.kind, r.old_line, r.new_line) for r in diff.intro if r.kind != "same"] == [
        ("removed", 24, None),  # the introduction starts on line 24 of course.md
        ("added", None, 24),
    ]
    assert diff.counts.settings == 1
    assert diff.changed_lessons == ()
    assert not diff.is_empty


def test_tag_quotas_and_lists_are_compared_key_by_key(tmp_path):
    old, old_files = load(copy_course(tmp_path, "old"))
    folder = copy_course(tmp_path, "new")
    edit(folder / "course.md", "学习发展: 2}", "学习发展: 1}")
    edit(
        folder / "course.md", "target_positions: [all]", "target_positions: [front-desk, cs-agent]"
    )
    new, new_files = load(folder)

    diff = compare_courses(old, new, old_files, new_files)

    assert [(c.key, c.old_text, c.new_text) for c in diff.settings] == [
        ("target_positions", "all", "front-desk, cs-agent"),
        ("quiz.tag_quotas.学习发展", "2", "1"),
    ]


def test_the_partial_shows_checklists_and_the_introduction(app, tmp_path):
    old, old_files = load(copy_course(tmp_path, "old"))
    folder = copy_course(tmp_path, "new")
    edit(folder / "practical.md", "### polite-language 使用礼貌用语", "### courteous 使用礼貌用语")
    edit(folder / "course.md", "欢迎加入！", "欢迎你加入！")
    new, new_files = load(folder)

    with app.test_request_context():
        page = render(compare_courses(old, new, old_files, new_files))

    for text in ("实际操作考核", "courteous", "polite-language", "课程简介", "欢迎你加入！"):
        assert text in page
    assert 'data-testid="diff-practical"' in page
    assert 'data-testid="diff-attitude"' not in page  # attitude.md did not change
    assert "2 个考核项有增删改" in page

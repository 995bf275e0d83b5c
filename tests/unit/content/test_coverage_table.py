"""docs/coverage.md is the courseware's promise for issue 25: every section of the domain fact
sheet and every named list in its "Exact terms" is taught by a lesson and examined by at least
one question. This test holds each row of that table to the shipped courses, so a renamed
question, a dropped lesson or a lesson that loses the standard's wording fails here.

It reads only the repository (the fact sheet itself is not available in CI): the list of
items the table must cover is written out below, from the fact sheet's headings and lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.course_helpers import SHIPPED_COURSES

COVERAGE_DOC = Path(__file__).resolve().parents[3] / "docs" / "coverage.md"

# Every fact-sheet section and every named list of its "Exact terms" needs a row.
REQUIRED_ITEMS = (
    # Numbered sections
    "§1", "§2", "§3", "§4", "§5",
    "§6.1", "§6.2", "§6.3", "§6.4", "§6.5", "§6.6", "§6.7", "§6.8", "§6.9", "§7",
    # Topics for supervisor and specialist courses
    "T-服务理念与服务意识", "T-服务监督评估与持续改进", "T-服务流程设计与优化",
    "T-服务资源规划与调度", "T-服务项目全流程", "T-违规处理与申诉", "T-客运值班员岗位职责",
    "T-导游服务基础", "T-质量与安全保障", "T-带教培训方式", "T-电话与在线服务",
    # Exact terms: service standards
    "E-服务标准定义", "E-标准分类", "E-标准内容", "E-标准具体要求", "E-四项原则",
    "E-五个阶段", "E-五个维度", "E-态度关键词",
    # Exact terms: conduct and etiquette
    "E-职业道德", "E-职业规范", "E-尊重多元文化", "E-职业形象与礼仪", "E-服务意识与心态",
    "E-仪容", "E-仪表", "E-两个需要", "E-问候顺序", "E-四有", "E-四避", "E-微笑",
    "E-微笑服务", "E-为什么微笑",
    # Exact terms: the three-element models
    "E-服务三要素", "E-导游服务三要素", "E-服务顾客三要素", "E-服务品质三要素",
    "E-优质顾客服务三要素", "E-卓越客户服务三项要素", "E-服务金三角", "E-三种营销",
    "E-物业服务三要素", "E-客运服务三要素",
    # Exact terms: quality measurement and the three gaps
    "E-质量测评方法", "E-认知差距", "E-标准差距", "E-传递差距", "E-服务标准实施与监管",
    # Exact terms: process labels
    "E-客户接待与咨询流程", "E-业务办理与跟进流程", "E-投诉处理与满意度调查流程",
    "E-服务流程五阶段", "E-需求来源", "E-响应",
    # Exact terms: station passenger service
    "E-首问负责制", "E-三要", "E-四心", "E-五主动",
    # Exact terms: in-store sales
    "E-售前卖场准备", "E-售前自身准备", "E-售中服务七步曲", "E-第一步要点", "E-第一步禁忌",
    "E-第三步要点", "E-附加推销方法", "E-附加推销时机", "E-代替品陪衬品", "E-改裤步骤",
    "E-三点量裤法", "E-改裤禁忌", "E-收银台禁忌", "E-送宾用语", "E-投诉原因",
    "E-门店投诉接待",
    # Exact terms: tour guide
    "E-导游服务内容", "E-导游服务性质", "E-宣传中国", "E-导游服务特点", "E-导游服务原则",
    "E-宾客至上四点", "E-个性化服务形式",
    # Exact terms: property management
    "E-物业三类服务", "E-诚信根本", "E-物业固定说法",
    # Exact terms: building the service system
    "E-流程有始有终", "E-接触与内部活动流程", "E-服务蓝图", "E-三向服务识别法",
    "E-四条主线", "E-岗位规范问题", "E-岗位规范原则",
    # Exact terms: rules, supervision, training, careers
    "E-服务理念", "E-服务监督与评估", "E-违规行为", "E-违规处理流程", "E-处理方式",
    "E-申诉机制", "E-培训方式", "E-入职考核三部分", "E-上岗规则", "E-年度岗位技能培训计划",
    "E-培训形式", "E-职业发展通道", "E-职业规划辅导", "E-晋升原则", "E-激励奖项",
)  # fmt: skip


@dataclass(frozen=True)
class Row:
    item: str
    key_text: str
    course: str
    lesson: str
    questions: tuple[str, ...]
    accepted: tuple[str, ...]


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse_coverage(text: str) -> list[Row]:
    """The rows of every table whose header starts with "Item"."""
    rows: list[Row] = []
    in_table = False
    for line in text.splitlines():
        if not line.startswith("|"):
            in_table = False
            continue
        cells = _cells(line)
        if cells[0] == "Item":
            in_table = True
            continue
        if not in_table or set(cells[0]) <= {"-", ":"}:
            continue
        item, _fact, key, course, lesson, questions, accepted = cells
        rows.append(
            Row(
                item=item,
                key_text=key.strip("`"),
                course=course.strip("`"),
                lesson=lesson.strip("`"),
                questions=tuple(q.strip(" `") for q in questions.split(",") if q.strip(" `")),
                accepted=tuple(
                    a.strip() for a in accepted.split("；") if a.strip() not in ("", "—")
                ),
            )
        )
    return rows


def _plain(markdown: str) -> str:
    # Bold and code marks split a term in the source ("**语言**、**知识**") but not on screen.
    return markdown.replace("**", "").replace("`", "")


def question_blocks(quiz_text: str) -> dict[str, str]:
    """Each question's whole text (stem, options, answers, explanation) by its `## id`."""
    blocks: dict[str, str] = {}
    current = None
    for line in quiz_text.splitlines():
        heading = re.fullmatch(r"## ([a-z0-9-]+)\s*", line)
        if heading:
            current = heading.group(1)
            blocks[current] = ""
        elif current is not None:
            blocks[current] += line + "\n"
    return blocks


def problems_of(row: Row, courses: Path) -> list[str]:
    course_dir = courses / row.course
    lesson = course_dir / "lessons" / row.lesson
    problems = []
    if not lesson.is_file():
        return [f"{row.item}: no lesson {row.course}/lessons/{row.lesson}"]
    if row.key_text not in _plain(lesson.read_text(encoding="utf-8")):
        problems.append(f"{row.item}: {row.lesson} does not contain {row.key_text!r}")
    if not row.questions:
        problems.append(f"{row.item}: no question examines it")
    quiz = course_dir / "quiz.md"
    blocks = question_blocks(quiz.read_text(encoding="utf-8")) if quiz.is_file() else {}
    forms = (row.key_text, *row.accepted)
    for question in row.questions:
        if question not in blocks:
            problems.append(f"{row.item}: no question `{question}` in {row.course}/quiz.md")
        elif not any(form in _plain(blocks[question]) for form in forms):
            problems.append(f"{row.item}: question `{question}` contains none of {forms}")
    return problems


ROWS = parse_coverage(COVERAGE_DOC.read_text(encoding="utf-8"))


def test_the_table_has_one_row_per_required_item_and_no_strays():
    items = [row.item for row in ROWS]
    assert sorted(set(REQUIRED_ITEMS) - set(items)) == []
    assert sorted(set(items) - set(REQUIRED_ITEMS)) == []
    assert len(items) == len(set(items)), "an item has two rows"


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.item)
def test_row_is_taught_by_its_lesson_and_examined_by_its_questions(row):
    assert problems_of(row, SHIPPED_COURSES) == []


def _course(root: Path) -> Path:
    course = root / "demo"
    (course / "lessons").mkdir(parents=True)
    (course / "lessons" / "01-smile.md").write_text(
        "# 微笑\n\n微笑时嘴角两端**略为提起**，不露牙齿。\n", encoding="utf-8"
    )
    (course / "quiz.md").write_text(
        "## smile-fill\ntype: fill\n\n微笑时嘴角两端____。\n\n- = 略为提起\n- = 提起\n\n"
        "解析：嘴角两端略为提起。\n\n## smile-tf\ntype: truefalse\nanswer: false\n\n"
        "微笑要露出八颗牙齿。\n\n解析：服务微笑不露牙齿。\n",
        encoding="utf-8",
    )
    return root


def _row(**changes) -> Row:
    fields = dict(
        item="E-微笑",
        key_text="略为提起",
        course="demo",
        lesson="01-smile.md",
        questions=("smile-fill", "smile-tf"),
        accepted=("不露牙齿",),
    )
    fields.update(changes)
    return Row(**fields)


def test_a_row_that_matches_its_course_has_no_problem(tmp_path):
    assert problems_of(_row(), _course(tmp_path)) == []


@pytest.mark.parametrize(
    "changes, expected",
    [
        ({"questions": ("smile-fill", "smile-true-false")}, "no question `smile-true-false`"),
        ({"questions": ()}, "no question examines it"),
        ({"lesson": "02-smile.md"}, "no lesson demo/lessons/02-smile.md"),
        ({"key_text": "嘴角上扬"}, "does not contain '嘴角上扬'"),
        ({"accepted": ()}, "question `smile-tf` contains none of"),
    ],
)
def test_a_broken_row_is_reported(tmp_path, changes, expected):
    problems = problems_of(_row(**changes), _course(tmp_path))
    assert len(problems) >= 1
    assert expected in "\n".join(problems)


def test_the_table_parser_reads_ids_forms_and_skips_other_tables():
    text = (
        "| a | b |\n|---|---|\n| x | y |\n\n"
        "| Item | Fact sheet | Key text | Course | Lesson | Questions | Also accepted |\n"
        "|---|---|---|---|---|---|---|\n"
        "| E-四有 | 四有 | 有分寸 | `appearance-courtesy` | `04-polite-language.md` "
        "| `four-haves-fill`, `four-haves-pick` | 有礼节；有教养 |\n"
        "| §1 | Who | 考核员 | `onboarding` | `05-platform-career.md` | `recertify` | — |\n"
    )
    assert parse_coverage(text) == [
        Row(
            "E-四有",
            "有分寸",
            "appearance-courtesy",
            "04-polite-language.md",
            ("four-haves-fill", "four-haves-pick"),
            ("有礼节", "有教养"),
        ),
        Row("§1", "考核员", "onboarding", "05-platform-career.md", ("recertify",), ()),
    ]

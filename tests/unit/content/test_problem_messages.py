"""Every problem the loader can report has a Chinese and an English message that fit."""

from __future__ import annotations

import ast
import string
from pathlib import Path

import pytest

import trainer.content
from trainer.content import Problem, format_problem
from trainer.content.messages import MESSAGES

PACKAGE = Path(trainer.content.__file__).parent


def _strings(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    if isinstance(node, ast.JoinedStr):  # f"{kind}-missing"
        suffix = "".join(part.value for part in node.values if isinstance(part, ast.Constant))
        if suffix.startswith("-"):
            return {f"{kind}{suffix}" for kind in ("practical", "attitude")}
    return set()


def _codes_used_in_package() -> set[str]:
    """Codes passed to Problem.error/warning or FieldReader.error, or named `code`."""
    codes: set[str] = set()
    for module in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in ("error", "warning"):
                    arguments = node.args[1:3]
                else:
                    arguments = [k.value for k in node.keywords if k.arg == "code"]
                for argument in arguments:
                    codes |= _strings(argument)
            elif isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "code" for target in node.targets
            ):
                codes |= _strings(node.value)
    return {code for code in codes if "/" not in code and not code.isdigit()}


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_reported_code_has_a_message():
    used = _codes_used_in_package()

    assert len(used) > 60
    assert used - set(MESSAGES) == set()


def test_no_message_is_left_without_a_check():
    used = _codes_used_in_package()
    defined = {code.split("/")[0] for code in MESSAGES}

    assert defined - used == set()


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_chinese_and_english_use_the_same_details(code):
    chinese, english = MESSAGES[code]

    assert _placeholders(chinese) == _placeholders(english)
    assert any("\u4e00" <= char <= "\u9fff" for char in chinese)
    assert english.isascii() or "“" in english or "→" in english


def test_format_problem_shows_file_line_and_message():
    problem = Problem.error("courses/a/quiz.md", 12, "question-type-missing", id="q1")

    assert format_problem(problem, "zh").startswith("courses/a/quiz.md:12: 题目 q1 缺少题型")
    assert format_problem(problem, "en").startswith("courses/a/quiz.md:12: Question q1 has no type")


def test_whole_file_problem_has_no_line_and_warnings_are_marked():
    missing = Problem.error("courses/a/quiz.md", 0, "quiz-missing")
    warning = Problem.warning("courses/a/quiz.md", 3, "quiz-text-before-first-question")

    assert format_problem(missing, "en").startswith("courses/a/quiz.md: quiz.md is missing")
    assert format_problem(warning, "zh").startswith("courses/a/quiz.md:3: 警告：")
    assert format_problem(warning, "en").startswith("courses/a/quiz.md:3: warning: ")


def test_locale_variants_and_unknown_codes_do_not_fail():
    problem = Problem.error("f.md", 1, "field-missing", field="title", example="title: 课程名称")
    unknown = Problem.error("f.md", 1, "no-such-code", detail="x")

    assert problem.message("zh_Hans_CN") == problem.message("zh")
    assert problem.message("en_GB") == problem.message("en")
    assert (
        problem.message("zh") == '缺少 title 字段：请在文件开头的 --- 之间加一行 "title: 课程名称"'
    )
    assert unknown.message("en") == "no-such-code (detail=x)"

"""Splitting quiz.md into one raw block per question, before any type-specific parsing."""

from __future__ import annotations

import re
from dataclasses import dataclass

from trainer.content.model import Problem
from trainer.content.sources import lines_outside_code, parse_key_value

QUESTION_HEADING = re.compile(r"^##(?!#)\s*(.*?)\s*#*\s*$")
EXPLANATION = re.compile(r"^\s{0,3}(?:解析|[Ee]xplanation)\s*[:：]\s*(.*)$")


@dataclass(frozen=True)
class MetaValue:
    value: str
    line: int


@dataclass(frozen=True)
class QuestionBlock:
    """One question as written: heading id, `key: value` lines, body lines, explanation."""

    id: str
    file: str  # for Problems, relative to the content directory
    line: int  # line of the `## id` heading
    meta: dict[str, MetaValue]
    body: tuple[tuple[int, str], ...]  # (file line, text) between metadata and explanation
    explanation: str

    @property
    def meta_type(self) -> str:
        return self.meta["type"].value.lower() if "type" in self.meta else ""

    def meta_line(self, key: str) -> int:
        return self.meta[key].line if key in self.meta else self.line


def split_quiz(text: str, display: str) -> tuple[list[QuestionBlock], list[Problem]]:
    lines = text.split("\n")
    problems: list[Problem] = []
    starts = [i for i, line in lines_outside_code(lines) if QUESTION_HEADING.match(line)]
    preamble = lines[: starts[0]] if starts else lines
    stray = next(
        (i for i, line in enumerate(preamble) if line.strip() and not line.startswith("# ")),
        None,
    )
    if stray is not None:
        problems.append(Problem.warning(display, stray + 1, "quiz-text-before-first-question"))
    blocks = []
    for number, start in enumerate(starts):
        end = starts[number + 1] if number + 1 < len(starts) else len(lines)
        block, block_problems = _block(lines, start, end, display)
        blocks.append(block)
        problems.extend(block_problems)
    return blocks, problems


def _block(
    lines: list[str], start: int, end: int, display: str
) -> tuple[QuestionBlock, list[Problem]]:
    problems: list[Problem] = []
    heading = QUESTION_HEADING.match(lines[start])
    question_id = heading.group(1) if heading else ""
    cursor = start + 1
    while cursor < end and not lines[cursor].strip():
        cursor += 1
    meta: dict[str, MetaValue] = {}
    while cursor < end and lines[cursor].strip():
        key_value = parse_key_value(lines[cursor])
        if key_value is None:
            break
        key, value = key_value
        if key in meta:
            problems.append(Problem.error(display, cursor + 1, "question-key-duplicate", key=key))
        meta[key] = MetaValue(value, cursor + 1)
        cursor += 1
    rest = lines[cursor:end]
    explanation_at = next(
        (i for i, line in lines_outside_code(rest) if EXPLANATION.match(line)), None
    )
    explanation = ""
    if explanation_at is not None:
        first = EXPLANATION.match(rest[explanation_at]).group(1)
        explanation = "\n".join([first, *rest[explanation_at + 1 :]]).strip()
        rest = rest[:explanation_at]
    body = tuple((cursor + 1 + offset, line) for offset, line in enumerate(rest))
    block = QuestionBlock(question_id, display, start + 1, meta, body, explanation)
    return block, problems

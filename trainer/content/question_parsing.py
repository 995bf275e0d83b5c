"""Parsing shared by every question type: common metadata, question text, answer lines."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from trainer.content.examples import positive_number
from trainer.content.gift.syntax import plain_number
from trainer.content.model import Problem
from trainer.content.quiz_blocks import QuestionBlock
from trainer.content.sources import lines_outside_code

COMMON_KEYS = ("type", "points", "tags", "difficulty")
DIFFICULTIES = ("easy", "medium", "hard")
TAG_SEPARATOR = re.compile(r"[,，、;；]")
# Feedback under an answer: an indented `>`; a Chinese input method types `＞` or `》`.
FEEDBACK = re.compile(r"^\s+[>＞》]\s?(.*)$")
LOOKS_LIKE_OPTION = re.compile(r"^[-*+]\s+[\[［【][ xXｘＸ]?[\]］】]")
# Partial credit written after an answer: `（50%）`, `(50%)`, `[50%]`, `［50％］`, `【50%】`.
# Full-width and half-width brackets and percent signs are all accepted, since a Chinese
# input method types the full-width ones. The number may be negative or over 100 here, so
# the checker can refuse it with a message instead of reading it as part of the answer.
CREDIT_SUFFIX = re.compile(
    r"^(?P<text>.*?)\s*[(（\[［【]\s*(?P<percent>[+-]?\d+(?:\.\d+)?)\s*[%％]\s*[)）\]］】]\s*$"
)
# A Chinese `键: 值` line an author meant as a setting (settings are English keys, so the
# settings block ends at it and it becomes question text). Only words that name a setting:
# “顾客说：……” is ordinary question text.
METADATA_LOOKALIKE = re.compile(
    r"^\s*[【\[(（]?\s*(正确答案|参考答案|答案解析|答案|解析|分值|分数|难度|标签|知识点|题型|类型)"
    r"\s*[】\])）]?\s*[:：]\s*(.*?)\s*$"
)
TYPE_WORDS = {
    "单选": "single",
    "多选": "multiple",
    "判断": "truefalse",
    "填空": "fill",
    "排序": "ordering",
    "连线": "matching",
    "匹配": "matching",
    "数值": "numerical",
    "情景": "scenario",
}
DIFFICULTY_WORDS = {"易": "easy", "简单": "easy", "中": "medium", "难": "hard", "困难": "hard"}


@dataclass
class AnswerLine:
    line: int
    groups: tuple[str | None, ...]
    feedback_lines: list[str] = field(default_factory=list)

    @property
    def feedback(self) -> str:
        return "\n".join(self.feedback_lines).strip()


@dataclass(frozen=True)
class CommonFields:
    id: str
    type: str
    points: int
    tags: tuple[str, ...]
    difficulty: str | None
    explanation: str
    line: int

    def fields(self, text: str) -> dict:
        return {
            "id": self.id,
            "type": self.type,
            "points": self.points,
            "tags": self.tags,
            "difficulty": self.difficulty,
            "text": text,
            "explanation": self.explanation,
            "line": self.line,
        }


def check_unknown_keys(block: QuestionBlock, type_keys: tuple[str, ...]) -> list[Problem]:
    known = COMMON_KEYS + type_keys
    return [
        Problem.warning(
            block.file, value.line, "question-key-unknown", key=key, allowed=", ".join(known)
        )
        for key, value in block.meta.items()
        if key not in known
    ]


def common_fields(
    block: QuestionBlock, type_name: str, problems: list[Problem]
) -> CommonFields | None:
    valid = True
    points = 1
    if "points" in block.meta:
        raw = block.meta["points"].value
        if raw.isascii() and raw.isdigit() and int(raw) >= 1:
            points = int(raw)
        else:
            problems.append(
                Problem.error(
                    block.file,
                    block.meta_line("points"),
                    "question-points",
                    value=raw,
                    example=positive_number(raw, 2),
                )
            )
            valid = False
    difficulty = None
    if "difficulty" in block.meta:
        difficulty = block.meta["difficulty"].value.lower()
        if difficulty not in DIFFICULTIES:
            problems.append(
                Problem.error(
                    block.file,
                    block.meta_line("difficulty"),
                    "question-difficulty",
                    value=difficulty,
                )
            )
            valid = False
    raw_tags = block.meta["tags"].value if "tags" in block.meta else ""
    tags = tuple(tag.strip() for tag in TAG_SEPARATOR.split(raw_tags) if tag.strip())
    if not valid:
        return None
    return CommonFields(
        block.id, type_name, points, tags, difficulty, block.explanation, block.line
    )


def split_body(
    block: QuestionBlock,
    answer_line: re.Pattern | None,
    has_feedback: bool,
    problems: list[Problem],
) -> tuple[str, list[AnswerLine]]:
    """Question text is everything before the first answer line; answers follow it."""
    text_lines: list[str] = []
    answers: list[AnswerLine] = []
    lines = [line for _, line in block.body]
    outside_code = {index for index, _ in lines_outside_code(lines)}
    for index, (number, line) in enumerate(block.body):
        match = answer_line.match(line) if answer_line and index in outside_code else None
        if match:
            answers.append(AnswerLine(number, match.groups()))
        elif answers and has_feedback and FEEDBACK.match(line):
            answers[-1].feedback_lines.append(FEEDBACK.match(line).group(1))
        elif answers:
            if line.strip():
                problems.append(
                    Problem.warning(
                        block.file, number, "answer-line-unrecognised", text=line.strip()[:40]
                    )
                )
        else:
            # Types without options (true/false, numerical) take no `- [x]` line.
            in_text = answer_line is None or index in outside_code
            if in_text and LOOKS_LIKE_OPTION.match(line):
                problems.append(
                    Problem.warning(block.file, number, "options-not-used", type=block.meta_type)
                )
            lookalike = METADATA_LOOKALIKE.match(line) if index in outside_code else None
            if lookalike:
                code, example = metadata_hint(lookalike.group(1), lookalike.group(2))
                problems.append(
                    Problem.warning(
                        block.file, number, code, text=line.strip()[:40], example=example
                    )
                )
            text_lines.append(line)
    text = "\n".join(text_lines).strip()
    if not text:
        problems.append(Problem.error(block.file, block.line, "question-no-text", id=block.id))
    return text, answers


def split_credit(text: str) -> tuple[str, float | None]:
    """(answer text, percent written after it or None): `补考（50%）` → ("补考", 50.0)."""
    match = CREDIT_SUFFIX.match(text)
    if match is None or not match.group("text"):
        return text, None
    return match.group("text"), float(match.group("percent"))


def credit_suffix(text: str, percent: float) -> str:
    """`text` as quiz.md writes an answer with `percent` of the marks: a suffix when it is
    not 100%, or when the text itself ends like one (then `（100%）` keeps it text)."""
    if percent != 100 or split_credit(text)[1] is not None:
        return f"{text}（{plain_number(percent)}%）"
    return text


def feedback_lines(feedback: str) -> list[str]:
    """Feedback as quiz.md writes it under its answer: indented `> ` lines."""
    return [f"  > {line}" for line in feedback.split("\n")] if feedback else []


def credit_in_range(file: str, line: int, percent: float | None, problems: list[Problem]) -> bool:
    """Partial credit is a share of the question's points: 0 to 100 percent."""
    if percent is not None and not 0 <= percent <= 100:
        problems.append(
            Problem.error(file, line, "credit-out-of-range", percent=plain_number(percent))
        )
        return False
    return True


def stable_key(prefix: str, question_id: str, text: str) -> str:
    """A short key that survives reordering but reveals nothing about the right answer."""
    digest = hashlib.sha256(f"{question_id}\0{text}".encode()).hexdigest()
    return f"{prefix}{digest[:8]}"


def metadata_hint(key: str, value: str) -> tuple[str, str]:
    """(problem code, what to write instead) for a `键: 值` line, echoing the author's value."""
    code = "text-has-setting"
    if key in ("分值", "分数"):
        example = f"points: {positive_number(value, 2)}"
    elif key == "难度":
        example = f"difficulty: {_english(value, DIFFICULTY_WORDS, 'medium')}"
    elif key in ("标签", "知识点"):
        example = f"tags: {value or '迎宾'}"
    elif key in ("题型", "类型"):
        example = f"type: {_english(value, TYPE_WORDS, 'single')}"
    elif key in ("解析", "答案解析"):
        code = "text-has-explanation"
        example = f"解析：{value}"
    else:
        code = "text-has-answer"
        example = value or "答案"
    return code, example


def _english(value: str, words: dict[str, str], default: str) -> str:
    return next((english for chinese, english in words.items() if chinese in value), default)

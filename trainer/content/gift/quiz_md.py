"""Questions → quiz.md text, for the GIFT importer, checked by reading it back.

Each question type writes its own lines (`to_quiz_md`); this module adds what every
question has. Every block written is parsed again with the quiz loader and compared with the
question it came from, so text that quiz.md would read differently (a line starting with
`## ` or `- [x]` inside a question text, say, or a code fence left open that would swallow
the questions after it) is reported instead of changing meaning.
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass

from trainer.content.question_model import Question
from trainer.content.question_types import type_of
from trainer.content.quiz import parse_quiz
from trainer.content.sources import lines_outside_code

# Keys and lines are derived by the loader from where things sit in quiz.md.
NOT_CONTENT = frozenset({"line", "key", "left_key", "right_key"})


def question_markdown(question: Question) -> str:
    """One `## id` block of quiz.md, ending with a newline."""
    type_meta, answer_lines = type_of(question).to_quiz_md(question)
    meta = {"type": question.type}
    if question.points != 1:
        meta["points"] = str(question.points)
    if question.tags:
        meta["tags"] = ", ".join(question.tags)
    if question.difficulty:
        meta["difficulty"] = question.difficulty
    meta.update(type_meta)
    head = [f"## {question.id}", *(f"{key}: {value}" for key, value in meta.items())]
    parts = ["\n".join(head), question.text]
    if answer_lines:
        parts.append("\n".join(answer_lines))
    if question.explanation:
        parts.append(f"解析：{question.explanation}")
    return "\n\n".join(parts) + "\n"


def content(value: object) -> object:
    """What a learner would see of a question: its fields without keys and line numbers."""
    if is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__name__,
            {f.name: content(getattr(value, f.name)) for f in fields(value)}
            | dict.fromkeys(NOT_CONTENT & {f.name for f in fields(value)}),
        )
    if isinstance(value, tuple | list):
        return [content(item) for item in value]
    return value


def reads_back(markdown: str, question: Question) -> bool:
    """Does quiz.md `markdown` load, without any problem, as exactly `question`, and end
    outside a code block? A ``` fence left open (in a text, say) would make the questions
    written after this one part of its code sample."""
    parsed, problems = parse_quiz(markdown, "gift.md")
    if problems or len(parsed) != 1 or content(parsed[0]) != content(question):
        return False
    lines = markdown.split("\n")  # it ends with a newline: its last line is empty
    return any(index == len(lines) - 1 for index, _ in lines_outside_code(lines))

"""What every parsed question has. Each type adds its own fields in a subclass, in its
module under question_types/."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Question:
    id: str
    type: str
    points: int
    tags: tuple[str, ...]
    difficulty: str | None  # easy | medium | hard
    text: str  # Markdown
    explanation: str  # Markdown, shown at review
    line: int  # line of the `## id` heading in quiz.md

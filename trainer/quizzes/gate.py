"""The words for what is still missing before a theory exam opens (trainer.progress
ExamGate): the course page shows them with links, a refused exam start flashes them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext

from trainer.progress import ExamGate, PrerequisiteState


@dataclass(frozen=True)
class MissingLesson:
    number: int
    title: str


def missing_lessons(gate: ExamGate, lessons: Sequence) -> list[MissingLesson]:
    """The unread lessons of `gate`, in course order, with their titles (`lessons`: anything
    with a number and a title, e.g. a course version's lessons)."""
    unread = set(gate.unread)
    return [MissingLesson(item.number, item.title) for item in lessons if item.number in unread]


def unread_heading(count: int) -> str:
    return ngettext("%(num)d lesson is still unread:", "%(num)d lessons are still unread:", count)


def prerequisites_heading(count: int) -> str:
    return ngettext("Pass this course first:", "Pass these courses first:", count)


def _titles(titles: Sequence[str]) -> str:
    return _(", ").join(_("“%(title)s”", title=title) for title in titles)


def gate_message(gate: ExamGate, lessons: Sequence) -> str:
    """One sentence per thing missing, e.g. "还有 2 课未读：《…》、《…》 需先通过《…》"."""
    parts = []
    unread = missing_lessons(gate, lessons)
    if unread:
        parts.append(f"{unread_heading(len(unread))} {_titles([item.title for item in unread])}")
    if gate.prerequisites:
        prerequisites: Sequence[PrerequisiteState] = gate.prerequisites
        parts.append(
            f"{prerequisites_heading(len(prerequisites))} "
            f"{_titles([item.title for item in prerequisites])}"
        )
    return " ".join(parts)

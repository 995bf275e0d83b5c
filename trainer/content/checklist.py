"""practical.md / attitude.md → Checklist: steps of observable items an assessor scores."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from trainer.content.examples import positive_number
from trainer.content.meta import FieldReader
from trainer.content.model import Checklist, ChecklistItem, ChecklistStep, Problem
from trainer.content.quiz import QUESTION_ID
from trainer.content.sources import lines_outside_code, parse_key_value, split_front_matter

STEP_HEADING = re.compile(r"^##(?!#)\s*(.*?)\s*$")
ITEM_HEADING = re.compile(r"^###(?!#)\s*(.*?)\s*$")
BEHAVIOUR = re.compile(r"^[-*+]\s*(不应该|应该|should\s+not|should)\s*[:：]\s*(.*?)\s*$", re.I)
SCALE_LEVEL = re.compile(r"^\s*(\d+)\s*[=＝]\s*(.+?)\s*$")
DEFAULT_SCALE = ((0, "未通过"), (1, "通过"))
ITEM_KEYS = ("critical", "weight", "scale")
TRUE_WORDS = {"true": True, "yes": True, "是": True, "false": False, "no": False, "否": False}


@dataclass
class _Item:
    id: str
    title: str
    line: int
    critical: bool = False
    weight: int = 1
    scale: tuple[tuple[int, str], ...] = DEFAULT_SCALE
    should: list[str] = field(default_factory=list)
    should_not: list[str] = field(default_factory=list)


@dataclass
class _Step:
    title: str
    line: int
    items: list[_Item] = field(default_factory=list)


def parse_checklist(text: str, display: str) -> tuple[Checklist | None, list[Problem]]:
    front_matter, problems = split_front_matter(text, display)
    if front_matter is None:
        return None, problems
    reader = FieldReader(front_matter, display)
    reader.warn_unknown_keys(front_matter.data, ("title", "pass_mark"))
    title = reader.text("title")
    pass_mark = reader.integer("pass_mark", minimum=1, maximum=100)
    problems.extend(reader.problems)
    intro_lines: list[str] = []
    steps: list[_Step] = []
    body = front_matter.body.split("\n")
    inside_code = set(range(len(body))) - {i for i, _ in lines_outside_code(body)}
    for index, line in enumerate(body):
        number = front_matter.body_line + index
        if index in inside_code:
            _text_line(steps, intro_lines, line, number, display, problems)
        elif step_match := STEP_HEADING.match(line):
            steps.append(_Step(step_match.group(1), number))
            if not step_match.group(1):
                problems.append(Problem.error(display, number, "checklist-step-no-title"))
        elif item_match := ITEM_HEADING.match(line):
            item = _new_item(item_match.group(1), number, display, problems)
            if not steps:
                problems.append(Problem.error(display, number, "checklist-item-outside-step"))
                steps.append(_Step("", number))
            steps[-1].items.append(item)
        elif steps and steps[-1].items:
            _item_line(steps[-1].items[-1], line, number, display, problems)
        else:
            _text_line(steps, intro_lines, line, number, display, problems)
    _check_items(steps, display, problems)
    if title is None or pass_mark is None or any(p.is_error for p in problems):
        return None, problems
    checklist = Checklist(
        title=title,
        pass_mark=pass_mark,
        intro="\n".join(intro_lines).strip(),
        steps=tuple(
            ChecklistStep(step.title, tuple(_freeze(item) for item in step.items)) for step in steps
        ),
    )
    return checklist, problems


def _text_line(steps, intro_lines, line, number, display, problems) -> None:
    if not steps:
        intro_lines.append(line)
    elif line.strip():
        problems.append(
            Problem.warning(display, number, "checklist-line-unrecognised", text=line.strip()[:40])
        )


def _new_item(heading: str, number: int, display: str, problems: list[Problem]) -> _Item:
    # Trainers type a full-width space between id and title as often as an ASCII one.
    parts = heading.replace("\u3000", " ").split(maxsplit=1)
    item_id = parts[0] if parts else ""
    title = parts[1].strip() if len(parts) > 1 else ""
    if not QUESTION_ID.match(item_id):
        problems.append(Problem.error(display, number, "checklist-item-id-invalid", value=heading))
    elif not title:
        problems.append(Problem.error(display, number, "checklist-item-no-title", id=item_id))
    return _Item(item_id, title, number)


def _item_line(item: _Item, line: str, number: int, display: str, problems: list[Problem]) -> None:
    if not line.strip():
        return
    if behaviour := BEHAVIOUR.match(line):
        kind, description = behaviour.group(1).lower(), behaviour.group(2)
        target = item.should if kind in ("应该", "should") else item.should_not
        if description:
            target.append(description)
        return
    key_value = parse_key_value(line)
    if key_value is None or key_value[0] not in ITEM_KEYS:
        problems.append(
            Problem.warning(display, number, "checklist-line-unrecognised", text=line.strip()[:40])
        )
        return
    key, value = key_value
    if key == "critical":
        if value.lower() not in TRUE_WORDS:
            problems.append(Problem.error(display, number, "checklist-critical", value=value))
        else:
            item.critical = TRUE_WORDS[value.lower()]
    elif key == "weight":
        if value.isascii() and value.isdigit() and int(value) >= 1:
            item.weight = int(value)
        else:
            problems.append(
                Problem.error(
                    display,
                    number,
                    "checklist-weight",
                    value=value,
                    example=positive_number(value, 2),
                )
            )
    else:
        scale = _parse_scale(value)
        if scale is None:
            problems.append(Problem.error(display, number, "checklist-scale", value=value))
        else:
            item.scale = scale


def _parse_scale(value: str) -> tuple[tuple[int, str], ...] | None:
    levels = []
    for part in re.split(r"[;；]", value):
        if not part.strip():
            continue
        match = SCALE_LEVEL.match(part)
        if not match or not match.group(1).isascii():
            return None
        levels.append((int(match.group(1)), match.group(2)))
    scores = [score for score, _ in levels]
    if len(levels) < 2 or len(set(scores)) != len(scores) or 0 not in scores:
        return None
    return tuple(sorted(levels))


def _check_items(steps: list[_Step], display: str, problems: list[Problem]) -> None:
    first_line_of: dict[str, int] = {}
    for step in steps:
        if not step.items:
            problems.append(
                Problem.warning(display, step.line, "checklist-step-empty", step=step.title)
            )
        for item in step.items:
            if not item.should:
                problems.append(
                    Problem.error(display, item.line, "checklist-no-should", id=item.id)
                )
            if item.id in first_line_of:
                problems.append(
                    Problem.error(
                        display,
                        item.line,
                        "checklist-item-id-duplicate",
                        id=item.id,
                        first_line=first_line_of[item.id],
                    )
                )
            first_line_of.setdefault(item.id, item.line)
    if not any(step.items for step in steps):
        problems.append(Problem.error(display, 1, "checklist-no-items"))


def _freeze(item: _Item) -> ChecklistItem:
    return ChecklistItem(
        id=item.id,
        title=item.title,
        critical=item.critical,
        weight=item.weight,
        scale=item.scale,
        should=tuple(item.should),
        should_not=tuple(item.should_not),
        line=item.line,
    )

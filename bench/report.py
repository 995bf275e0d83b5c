"""Figures → the "Last figures" section of bench/README.md, and the machine they came from."""

from __future__ import annotations

import os
import platform
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

README = Path(__file__).resolve().parent / "README.md"
START = "<!-- figures:start (written by `python -m bench`; edits here are overwritten) -->"
END = "<!-- figures:end -->"


@dataclass
class Goal:
    label: str
    met: bool  # judged on the median (sync) or the measured value (throughput)
    every_run_met: bool = True

    @property
    def verdict(self) -> str:
        if not self.met:
            return "**misses goal**"
        return "meets goal" if self.every_run_met else "meets goal (median; max above)"


@dataclass
class Section:
    title: str
    lines: list[str]
    goals: list[Goal] = field(default_factory=list)
    failed: str | None = None  # why the benchmark could not finish; nothing measured


def seconds(value: float) -> str:
    return f"{value:.2f} s"


def machine() -> str:
    cpu = "unknown CPU"
    try:
        match = re.search(
            r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE
        )
        cpu = match.group(1).strip() if match else cpu
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"nproc {cores}, {cpu}, Python {platform.python_version()}, {platform.system()}"


def render(
    sections: list[Section],
    started: datetime,
    elapsed: float,
    load_average: float,
    whole_run: str = "",
) -> str:
    lines = [
        f"Measured {started.astimezone(UTC):%Y-%m-%d %H:%M} UTC on {machine()}; "
        f"1-minute load average at the start {load_average:.2f}; "
        f"the whole run took {elapsed:.0f} s"
        + (f", during which {whole_run}" if whole_run else "")
        + ".",
        "",
    ]
    for section in sections:
        lines.append(f"### {section.title}")
        lines.append("")
        if section.failed:
            lines.append(f"Not run: {section.failed}.")
        else:
            lines.extend(section.lines)
        lines.append("")
    goals = [goal for section in sections for goal in section.goals]
    if goals:
        lines.append("### Goals")
        lines.append("")
        lines.extend(f"- {goal.label}: {goal.verdict}" for goal in goals)
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# Sections a separate sitting writes (`make bench-examday USERS=10000`): a full `make bench`
# rewrites the figures but keeps these, so every size stays beside the others.
SEPARATE_SITTINGS = "Exam day, "


def rewrite_readme(figures: str, readme: Path = README) -> None:
    text = readme.read_text(encoding="utf-8")
    start, end = text.find(START), text.find(END)
    if start < 0 or end < start:
        raise RuntimeError(f"{readme} has lost its figure markers ({START!r} ... {END!r})")
    written = {title for title, _ in _sections(figures)}
    kept = [
        body
        for title, body in _sections(text[start + len(START) : end])
        if title.startswith(SEPARATE_SITTINGS) and title not in written
    ]
    new = text[: start + len(START)] + "\n" + figures + text[end:]
    readme.write_text(new, encoding="utf-8")
    for body in kept:
        replace_section(body, readme)


def _sections(figures: str) -> list[tuple[str, str]]:
    """(title, "### title ... up to the next section") for each section of the figures."""
    parts = ("\n" + figures).split("\n### ")[1:]
    return [(part.split("\n", 1)[0], "### " + part.rstrip("\n") + "\n") for part in parts]


def replace_section(text: str, readme: Path = README) -> None:
    """Put one section (its "### Title" first) in place of the one of the same title in
    the figures, or before "### Goals" when it is not there yet; the other sections stay."""
    title = text.split("\n", 1)[0]
    current = readme.read_text(encoding="utf-8")
    start, end = current.find(START), current.find(END)
    if start < 0 or end < start:
        raise RuntimeError(f"{readme} has lost its figure markers ({START!r} ... {END!r})")
    figures = current[start + len(START) : end]
    at = figures.find("\n" + title + "\n")
    if at >= 0:
        following = figures.find("\n### ", at + 1)
        following = len(figures) if following < 0 else following
        figures = figures[: at + 1] + text.rstrip("\n") + "\n" + figures[following:]
    else:
        goals = figures.find("\n### Goals\n")
        goals = len(figures) if goals < 0 else goals
        figures = figures[: goals + 1] + text.rstrip("\n") + "\n" + figures[goals:]
    readme.write_text(current[: start + len(START)] + figures + current[end:], encoding="utf-8")

"""The HR reports and staff import figures of bench/hr_bench.py, as a section of the README.

bench/hr_bench.py is its own module (`run() -> list[dict]`, one dict per figure: name, value,
unit, goal, met); this only runs it, watches how busy the machine was meanwhile and turns
its figures into a table. When it cannot be imported or fails, the section says
"Not run: <why>" and the other benchmarks go on.
"""

from __future__ import annotations

import importlib
import traceback

from bench.load import LoadWindow
from bench.report import Goal, Section

TITLE = "HR reports and staff import"
KEYS = ("name", "value", "unit", "goal", "met")


def run_hr_benchmark() -> Section:
    try:
        module = importlib.import_module("bench.hr_bench")
    except Exception as error:  # another engineer's module: report it, do not stop
        return _not_run(f"bench/hr_bench.py does not import: {_first_line(error)}")
    if not callable(getattr(module, "run", None)):
        return _not_run("bench/hr_bench.py has no run()")
    load = LoadWindow().start()
    try:
        figures = module.run()
    except Exception as error:
        traceback.print_exc()
        return _not_run(f"bench/hr_bench.py run() failed: {_first_line(error)}")
    load.stop()
    malformed = [figure for figure in figures if not set(KEYS) <= set(figure)]
    if not figures or malformed:
        return _not_run(
            f"bench/hr_bench.py run() returned {len(figures)} figures, "
            f"{len(malformed)} without {', '.join(KEYS)}"
        )
    section = Section(
        TITLE,
        [
            "`bench/hr_bench.py` (see its docstring for the data it generates), in the "
            "benchmark's own process through the app's test client, SQLite.",
            "",
            "| figure | value | goal |",
            "|---|---|---|",
        ],
    )
    for figure in figures:
        unit = figure["unit"]
        goal = Goal(
            f"hr: {figure['name']} {_direction(figure)} {figure['goal']:g} {unit}",
            bool(figure["met"]),
        )
        section.goals.append(goal)
        section.lines.append(
            f"| {figure['name']} | {figure['value']:g} {unit} | "
            f"{_direction(figure)} {figure['goal']:g} {unit}: {goal.verdict} |"
        )
    section.lines += ["", f"- While it ran, {load.describe()}."]
    return section


def _direction(figure: dict) -> str:
    """The figures carry a goal and whether it was met, not which way it points."""
    value, goal, met = figure["value"], figure["goal"], bool(figure["met"])
    if met == (value <= goal):
        return "<="
    if met == (value >= goal):
        return ">="
    return "goal"


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _not_run(reason: str) -> Section:
    print(f"hr: not run: {reason}", flush=True)
    return Section(TITLE, [], failed=reason)

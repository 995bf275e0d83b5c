"""How much of the machine the benchmark had: CPU used by other processes while it measured.

Figures from a shared 2-core machine mean little if something else (a test suite, a browser)
ran at the same time; the README says how busy the machine was beside each figure.
"""

from __future__ import annotations

import os
import resource
import time
from dataclasses import dataclass
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")
DISTURBED_SHARE = 0.10  # above this share of the machine, the figures are flagged


def machine_busy_seconds() -> float:
    """CPU seconds spent on every core, outside idle and iowait, since boot."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / TICKS


def processes_cpu_seconds(group_ids: tuple[int, ...] = (), commands: tuple[str, ...] = ()) -> float:
    """CPU seconds of the live processes in the given process groups (our servers) or with
    the given command names (the database server working for us)."""
    total = 0
    if not group_ids and not commands:
        return 0.0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text()
            command = text[text.index("(") + 1 : text.rindex(")")]
            stat = text[text.rindex(")") + 1 :].split()
        except (OSError, ValueError):
            continue
        if int(stat[2]) in group_ids or command in commands:
            total += int(stat[11]) + int(stat[12])
    return total / TICKS


def own_cpu_seconds(group_ids: tuple[int, ...] = (), commands: tuple[str, ...] = ()) -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # waited ones, e.g. wrk
    return (
        me.ru_utime
        + me.ru_stime
        + children.ru_utime
        + children.ru_stime
        + processes_cpu_seconds(group_ids, commands)
    )


@dataclass
class LoadWindow:
    """Open with start(), close with stop(); then `other_share` is known."""

    group_ids: tuple[int, ...] = ()
    commands: tuple[str, ...] = ()  # counted as ours, e.g. ("postgres",)
    other_share: float = 0.0
    _wall: float = 0.0
    _busy: float = 0.0
    _own: float = 0.0

    def start(self) -> LoadWindow:
        self._wall, self._busy = time.monotonic(), machine_busy_seconds()
        self._own = own_cpu_seconds(self.group_ids, self.commands)
        return self

    def stop(self) -> LoadWindow:
        wall = time.monotonic() - self._wall
        busy = machine_busy_seconds() - self._busy
        own = own_cpu_seconds(self.group_ids, self.commands) - self._own
        capacity = wall * (os.cpu_count() or 1)
        self.other_share = max(0.0, busy - own) / capacity if capacity else 0.0
        return self

    def describe(self) -> str:
        text = f"other processes used {self.other_share:.0%} of the machine's CPU"
        if self.other_share > DISTURBED_SHARE:
            text += " (**disturbed**: on a quiet machine the app would do better)"
        return text

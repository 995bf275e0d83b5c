"""Where the app servers' time goes during a benchmark: py-spy (a sampling profiler that reads
the processes from outside, nothing changed in the app) records the gunicorn masters and
their workers, and `summarize` turns its stacks into a few lines for bench/README.md.

`--nonblocking`: py-spy reads the stacks without pausing the servers, so the figures measured
at the same time are not slowed by the profiler beyond the CPU py-spy itself uses.
"""

from __future__ import annotations

import signal
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.servers import venv_tool

RATE_HZ = 25

# What a request spends its CPU on, as the frames of its stack show it (the first match from
# the top of the stack names the layer; a sample outside all of them is "the rest").
LAYERS = (
    ("waiting for PostgreSQL's answer", ("Connection.wait (psycopg/",)),
    ("password hashing (scrypt)", ("werkzeug/security.py",)),
    ("SQL: the database driver and SQLite/libpq", ("sqlalchemy/engine/default.py",)),
    ("SQLAlchemy ORM and Core (building queries, loading objects)", ("sqlalchemy/",)),
    ("templates (Jinja2)", ("jinja2/", ".html:")),
    ("Markdown and sanitising", ("markdown/", "nh3")),
    ("forms and CSRF (WTForms, Flask-WTF)", ("wtforms/", "flask_wtf/")),
    ("sessions and sign-in (Flask-Login, itsdangerous)", ("flask_login/", "itsdangerous/")),
    ("rate limits (Flask-Limiter, limits)", ("flask_limiter/", "limits/")),
    ("metrics (prometheus_client)", ("prometheus_client/",)),
    ("logging", ("logging/",)),
)

# py-spy counts a thread as busy unless it sees it idle; these leaves are threads waiting for
# work (gunicorn's connection loop, a thread pool's queue), not serving a request.
IDLE_LEAVES = ("(selectors.py:", "_worker (concurrent/futures/thread.py:", "wait (threading.py:")


@contextmanager
def recording(pids: Iterable[int], folder: Path, rate: int = RATE_HZ) -> Iterator[list[Path]]:
    """py-spy records each pid and its children (gunicorn's workers) until the block ends;
    the files of raw stacks are listed in the yielded list once it has."""
    folder.mkdir(parents=True, exist_ok=True)
    spies = []
    for pid in pids:
        out = folder / f"py-spy-{pid}.txt"
        log = (folder / f"py-spy-{pid}.log").open("wb")
        command = [
            venv_tool("py-spy"),
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--nonblocking",
            "--function",
            "--rate",
            str(rate),
            "--format",
            "raw",
            "--output",
            str(out),
        ]
        spies.append((subprocess.Popen(command, stdout=log, stderr=log), out, log))
    written: list[Path] = []
    try:
        yield written
    finally:
        for spy, out, log in spies:
            spy.send_signal(signal.SIGINT)  # py-spy writes what it has and exits
            try:
                spy.wait(timeout=120)
            except subprocess.TimeoutExpired:
                spy.kill()
            log.close()
            if out.exists():
                written.append(out)


def read_stacks(files: Iterable[Path]) -> Counter[tuple[str, ...]]:
    """py-spy's raw format: one stack per line, frames joined by ';', then the sample count;
    the process frames ("process 123:...") are dropped, and so are idle threads' stacks."""
    stacks: Counter[tuple[str, ...]] = Counter()
    for path in files:
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            if not stack or not count.isdigit():
                continue
            frames = tuple(f for f in stack.split(";") if not f.startswith("process "))
            if frames and not any(marker in frames[-1] for marker in IDLE_LEAVES):
                stacks[frames] += int(count)
    return stacks


def layer_of(frames: tuple[str, ...]) -> str:
    for frame in reversed(frames):  # the leaf first: the innermost layer the CPU is in
        for name, markers in LAYERS:
            if any(marker in frame for marker in markers):
                return name
    return "the rest (Flask, Werkzeug, gunicorn, the app's own code)"


def summarize(stacks: Counter[tuple[str, ...]], top: int = 8) -> list[str]:
    """Markdown lines: the share of samples per layer, and the functions most often on top of
    the stack (their own time)."""
    total = sum(stacks.values())
    if not total:
        return ["- py-spy recorded no samples (was it allowed to read the servers' memory?)."]
    layers: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    for frames, count in stacks.items():
        layers[layer_of(frames)] += count
        leaves[frames[-1]] += count
    lines = [
        f"- py-spy ({RATE_HZ} samples/s of each app server process, the whole run, "
        f"{total} samples of threads serving a request, waits for PostgreSQL included): "
        + ", ".join(f"{name} {count / total:.0%}" for name, count in layers.most_common())
        + ".",
        "- Functions most often running (own time): "
        + ", ".join(f"`{frame}` {count / total:.1%}" for frame, count in leaves.most_common(top))
        + ".",
    ]
    return lines

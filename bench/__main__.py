"""Run every benchmark, print the figures and rewrite the "Last figures" of bench/README.md.

Exit status: 0 when every benchmark ran (goals met or not; set BENCH_STRICT=1 to fail on a
missed goal), 1 when one could not run; its section then says "Not run" and why.
"""

from __future__ import annotations

import os
import signal
import sys
import time
import traceback
from datetime import UTC, datetime

from bench.certificates import run_certificate_benchmark
from bench.examday.bench import run_examday_in_subprocess
from bench.hr import run_hr_benchmark
from bench.lessons import run_lesson_benchmark
from bench.load import LoadWindow
from bench.quiz import run_quiz_benchmark
from bench.report import Section, render, rewrite_readme
from bench.sync import postgres_url, run_sync_benchmarks

BENCHMARKS = (
    ("Content sync", run_sync_benchmarks),
    ("Lesson page throughput", run_lesson_benchmark),
    ("Quiz submit-and-grade", run_quiz_benchmark),
    ("Certificates", run_certificate_benchmark),
    ("HR reports and staff import", run_hr_benchmark),
    # Last and longest (about 35 minutes at 1,000 learners): see bench/examday/bench.py.
    ("Exam day", run_examday_in_subprocess),
)


def _stop_on_signal(signum, _frame):
    # Turn TERM/HUP into an exception so every `finally` runs and stops the servers.
    raise SystemExit(128 + signum)


def main() -> int:
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on_signal)
    started, clock = datetime.now(UTC), time.monotonic()
    load_average = os.getloadavg()[0]
    # The database server's processes work for the PostgreSQL runs: not counted as others.
    whole_run = LoadWindow(commands=("postgres",) if postgres_url() else ()).start()
    sections: list[Section] = []
    for title, benchmark in BENCHMARKS:
        print(f"== {title}", flush=True)
        try:
            sections.append(benchmark())
        except Exception as error:  # report it, still run the others
            traceback.print_exc()
            reason = (str(error).splitlines() or [type(error).__name__])[0]
            sections.append(Section(title, [], failed=reason))
    whole_run.stop()
    figures = render(
        sections, started, time.monotonic() - clock, load_average, whole_run.describe()
    )
    rewrite_readme(figures)
    print("\n" + figures)
    print("figures written to bench/README.md")
    if any(section.failed for section in sections):
        return 1
    missed = [goal for section in sections for goal in section.goals if not goal.met]
    if missed and os.environ.get("BENCH_STRICT") == "1":
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

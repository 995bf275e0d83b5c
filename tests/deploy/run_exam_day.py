"""`python -m tests.deploy.run_exam_day BASE_URL USERS OUT`: the exam-day scenario
(bench/examday) against BASE_URL in a process of its own (Locust patches the standard
library with gevent when imported), its report written to OUT as JSON. The timings are the
multi-host test's: learners arrive over 15 s, the exam is released over 5 s, 1-3 s per
question."""

import sys
from pathlib import Path

from bench.examday.scenario import run

THINK_S = (1.0, 3.0)
SPAWN_WINDOW_S = 15.0
RELEASE_WINDOW_S = 5.0


def main(base_url: str, users: str, out: str) -> None:
    report = run(
        base_url,
        int(users),
        time_factor=1.0,
        think=THINK_S,
        spawn_window_s=SPAWN_WINDOW_S,
        release_window_s=RELEASE_WINDOW_S,
        timeout_s=150,
        progress=lambda line: print(line, flush=True),
    )
    Path(out).write_text(report.to_json(), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])

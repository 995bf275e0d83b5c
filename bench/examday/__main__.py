"""`python -m bench.examday [--users N] [--factor F] [--hosts 2] [--profile]`: one exam-day run; its
section ("Exam day, N learners, SQLite") replaces the one of the same size and set-up in
bench/README.md's figures (the others stay as they were).

`--section-json FILE` (used by `python -m bench`): write the section there instead.
Exit status 1 when it could not run, or (with BENCH_STRICT=1) when a goal is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import traceback
from dataclasses import asdict

from bench.examday.bench import (
    database_kind,
    factor_from_environment,
    hosts_from_environment,
    profile_from_environment,
    run_examday_benchmark,
    title,
    users_from_environment,
)
from bench.report import Section, replace_section


def _stop_on_signal(signum, _frame):
    raise SystemExit(128 + signum)  # every `finally` runs: the servers stop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=users_from_environment())
    parser.add_argument("--factor", type=float, default=factor_from_environment())
    parser.add_argument("--hosts", type=int, default=hosts_from_environment())
    parser.add_argument(
        "--profile",
        action=argparse.BooleanOptionalAction,
        default=profile_from_environment(),
        help="py-spy records the app servers; the section says where their time went",
    )
    parser.add_argument("--section-json")
    args = parser.parse_args(argv)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, _stop_on_signal)
    try:
        section = run_examday_benchmark(args.users, args.factor, args.hosts, args.profile)
    except Exception as error:
        traceback.print_exc()
        section = Section(
            title(args.users, database_kind(), args.hosts),
            [],
            failed=(str(error).splitlines() or [type(error).__name__])[0],
        )
    if args.section_json:
        data = asdict(section)
        with open(args.section_json, "w", encoding="utf-8") as stream:
            json.dump(data, stream, ensure_ascii=False)
    else:
        text = [f"### {section.title}", ""]
        text += [f"Not run: {section.failed}."] if section.failed else section.lines
        if section.goals:
            text += ["", "Goals of this run:", ""]
            text += [f"- {goal.label}: {goal.verdict}" for goal in section.goals]
        replace_section("\n".join(text) + "\n")
        print("\n".join(text))
        print("figures written to bench/README.md")
    if section.failed:
        return 1
    if os.environ.get("BENCH_STRICT") == "1" and any(not g.met for g in section.goals):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

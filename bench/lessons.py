"""Lesson page throughput: the real app against a hello-world Flask app, same gunicorn settings.

Both run under gunicorn at once on free ports of 127.0.0.1; wrk loads one, then the other,
for a fixed time. Every response is checked inside wrk (status 200 and the expected text),
so a redirect to the sign-in page can never pass for a served lesson.
"""

from __future__ import annotations

import os
import tempfile
from contextlib import ExitStack
from pathlib import Path

from markupsafe import escape

from bench.report import Section
from bench.servers import GUNICORN_SETTINGS, ROOT, Server, gunicorn, http_request
from bench.web import (
    WRK_THREADS,
    WrkResult,
    app_environment,
    flask_command,
    require_wrk,
    run_wrk,
    sign_in,
)

LESSON_COURSE = "sales-seven-steps"
BENCH_USER = ("B1", "bench", "bench-pass-1")
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
WRK_WARMUP_SECONDS = 2
WRK_CONNECTIONS = 16
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"


def run_lesson_benchmark() -> Section:
    wrk = require_wrk()
    lesson_number, lesson_title = _benchmark_lesson()
    lesson_path = f"/courses/{LESSON_COURSE}/lessons/{lesson_number}"
    with tempfile.TemporaryDirectory(prefix="trainer-bench-web-") as scratch, ExitStack() as stack:
        env = app_environment(f"sqlite:///{Path(scratch) / 'trainer.sqlite3'}")
        _prepare_database(env)
        app = stack.enter_context(gunicorn("trainer", "app:app", env, Path(scratch) / "app.log"))
        hello = stack.enter_context(
            gunicorn("hello", "bench.hello_app:app", env, Path(scratch) / "hello.log")
        )
        employee_no, _name, password = BENCH_USER
        cookie = sign_in(app, employee_no, password)
        # The title as the template writes it (escaped), so the check matches the page.
        expected = str(escape(lesson_title))
        _check_page(app, lesson_path, cookie, expected)
        headers = {"Cookie": cookie}
        figures = {}
        hello_rates = []
        ours = (app.process.pid, hello.process.pid)
        # Hello-world before and after the lesson page: the machine's speed drifts (a
        # hello-world run has measured 0.24 and 0.72 ms of CPU per request minutes apart), and
        # a slow hello-world run would flatter the ratio, so it is taken against the faster.
        runs = ((hello, "/", "hello"), (app, lesson_path, expected), (hello, "/", "hello"))
        for server, path, text in runs:
            for duration in (WRK_WARMUP_SECONDS, WRK_SECONDS):  # the warm-up is not counted
                result = run_wrk(
                    wrk,
                    server,
                    path,
                    script=WRK_SCRIPT,
                    script_args=[text],
                    duration=duration,
                    connections=WRK_CONNECTIONS,
                    ours=ours,
                    headers=headers,
                    what=f"200 with {text!r} in them",
                )
            print(f"web {server.name}: {result.summary()}", flush=True)
            if server is hello:
                hello_rates.append(result.per_second)
                if server.name in figures and figures[server.name].per_second >= result.per_second:
                    continue
            figures[server.name] = result
        _check_page(app, lesson_path, cookie, expected)  # still signed in after the load
    return _section(figures, lesson_path, lesson_title, hello_rates)


def _benchmark_lesson() -> tuple[int, str]:
    from trainer.content import load_course

    course, problems = load_course(ROOT / "content" / "courses" / LESSON_COURSE)
    if course is None:
        raise RuntimeError(f"content/courses/{LESSON_COURSE} does not load: {problems}")
    lesson = course.lessons[0]
    return lesson.number, lesson.title


def _prepare_database(env: dict[str, str]) -> None:
    employee_no, name, password = BENCH_USER
    flask_command(env, "trainer", "setup")
    flask_command(
        env,
        "trainer",
        "create-user",
        "--employee-no",
        employee_no,
        "--name",
        name,
        "--password",
        password,
    )


def _check_page(app: Server, path: str, cookie: str, expected: str) -> None:
    # Several requests, so both workers are likely to have answered one.
    for _ in range(4):
        status, headers, body = http_request(app.port, "GET", path, headers={"Cookie": cookie})
        if status != 200 or expected not in body:
            where = headers.get("Location", "")
            raise RuntimeError(
                f"{path}: status {status} {where}, lesson title "
                f"{'found' if expected in body else 'missing'}\n{app.log_tail()}"
            )


def _section(
    figures: dict[str, WrkResult], lesson_path: str, lesson_title: str, hello_rates: list[float]
) -> Section:
    hello, lesson = figures["hello"], figures["trainer"]
    ratio = lesson.per_second / hello.per_second
    settings = " ".join(GUNICORN_SETTINGS)
    lines = [
        f"gunicorn `{settings}` for both; wrk `-t{WRK_THREADS} -c{WRK_CONNECTIONS} "
        f"-d{WRK_SECONDS}s` after a {WRK_WARMUP_SECONDS} s warm-up, all on 127.0.0.1, "
        f"so server and load generator share the machine's cores. Lesson page: "
        f"`{lesson_path}` ({lesson_title}), signed in, SQLite database; every response "
        f"was checked to be 200 with the lesson title in it.",
        "",
        "| server | requests/s | latency p50 | latency p99 | requests | socket errors "
        "| server CPU per request |",
        "|---|---|---|---|---|---|---|",
    ]
    for label, result in (("hello-world Flask", hello), ("lesson page", lesson)):
        lines.append(
            f"| {label} | {result.per_second:.0f} | {result.p50_us / 1000:.1f} ms | "
            f"{result.p99_us / 1000:.1f} ms | {result.requests} | "
            f"{result.socket_errors} | {result.server_cpu_ms_per_request:.2f} ms |"
        )
    cpu_times = lesson.server_cpu_ms_per_request / hello.server_cpu_ms_per_request
    lines += [
        "",
        f"Lesson / hello-world requests/s: **{ratio:.3f}** (for information, no goal). "
        f"A lesson page costs the server {cpu_times:.1f} x the CPU of a hello-world request.",
        "",
        "- Hello-world ran before and after the lesson page, "
        + " and ".join(f"{rate:.0f}" for rate in hello_rates)
        + " requests/s; the table and the ratio use the faster.",
        f"- While hello-world was loaded (the faster run), {hello.load.describe()}.",
        f"- While the lesson page was loaded, {lesson.load.describe()}.",
    ]
    return Section("Lesson page throughput", lines)

"""Lesson page throughput: the real app against a hello-world Flask app, same gunicorn settings.

Both run under gunicorn at once on free ports of 127.0.0.1; wrk loads one, then the other,
for a fixed time. Every response is checked inside wrk (status 200 and the expected text),
so a redirect to the sign-in page can never pass for a served lesson.
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import subprocess
import tempfile
import urllib.parse
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from markupsafe import escape

from bench.load import LoadWindow, processes_cpu_seconds
from bench.report import Goal, Section
from bench.servers import GUNICORN_SETTINGS, ROOT, Server, gunicorn, http_request, venv_tool

LESSON_COURSE = "sales-seven-steps"
BENCH_USER = ("B1", "bench", "bench-pass-1")
WRK_SECONDS = int(os.environ.get("BENCH_WRK_SECONDS", "10"))
WRK_WARMUP_SECONDS = 2
WRK_THREADS = 2
WRK_CONNECTIONS = 16
GOAL_RATIO = 0.5
WRK_SCRIPT = Path(__file__).resolve().parent / "wrk_report.lua"
CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')


@dataclass(frozen=True)
class WrkResult:
    requests: int
    duration_us: int
    bad: int
    socket_errors: int
    p50_us: int
    p99_us: int
    server_cpu_seconds: float  # gunicorn master and workers, during the run
    load: LoadWindow

    @property
    def server_cpu_ms_per_request(self) -> float:
        return 1000 * self.server_cpu_seconds / self.requests if self.requests else 0.0

    @property
    def per_second(self) -> float:
        return self.requests / (self.duration_us / 1e6)


def run_lesson_benchmark() -> Section:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError(
            "wrk is not installed: `make bench` installs it (scripts/ensure-debs.sh wrk)"
        )
    lesson_number, lesson_title = _benchmark_lesson()
    lesson_path = f"/courses/{LESSON_COURSE}/lessons/{lesson_number}"
    with tempfile.TemporaryDirectory(prefix="trainer-bench-web-") as scratch, ExitStack() as stack:
        env = _app_environment(Path(scratch))
        _prepare_database(env)
        app = stack.enter_context(gunicorn("trainer", "app:app", env, Path(scratch) / "app.log"))
        hello = stack.enter_context(
            gunicorn("hello", "bench.hello_app:app", env, Path(scratch) / "hello.log")
        )
        cookie = _sign_in(app)
        # The title as the template writes it (escaped), so the check matches the page.
        expected = str(escape(lesson_title))
        _check_page(app, lesson_path, cookie, expected)
        headers = {"Cookie": cookie}
        figures = {}
        ours = (app.process.pid, hello.process.pid)
        for server, path, text in ((hello, "/", "hello"), (app, lesson_path, expected)):
            _wrk(wrk, server, path, headers, text, WRK_WARMUP_SECONDS, ours)  # not counted
            figures[server.name] = _wrk(wrk, server, path, headers, text, WRK_SECONDS, ours)
            result = figures[server.name]
            print(
                f"web {server.name}: {result.per_second:.0f} req/s, p50 "
                f"{result.p50_us / 1000:.1f} ms, p99 {result.p99_us / 1000:.1f} ms, "
                f"server CPU {result.server_cpu_ms_per_request:.2f} ms/request, "
                f"{result.load.describe()}",
                flush=True,
            )
        _check_page(app, lesson_path, cookie, expected)  # still signed in after the load
    return _section(figures, lesson_path, lesson_title)


def _benchmark_lesson() -> tuple[int, str]:
    from trainer.content import load_course

    course, problems = load_course(ROOT / "content" / "courses" / LESSON_COURSE)
    if course is None:
        raise RuntimeError(f"content/courses/{LESSON_COURSE} does not load: {problems}")
    lesson = course.lessons[0]
    return lesson.number, lesson.title


def _app_environment(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "FLASK_APP": "app",
            "TRAINER_DATABASE_URL": f"sqlite:///{scratch / 'trainer.sqlite3'}",
            "TRAINER_CONTENT_DIR": str(ROOT / "content"),
            "TRAINER_SECRET_KEY": secrets.token_hex(32),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def _prepare_database(env: dict[str, str]) -> None:
    employee_no, name, password = BENCH_USER
    for command in (
        ["trainer", "setup"],
        [
            "trainer",
            "create-user",
            "--employee-no",
            employee_no,
            "--name",
            name,
            "--password",
            password,
        ],
    ):
        done = subprocess.run(
            [venv_tool("flask"), "--app", "app", *command],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"flask {' '.join(command[:2])} failed ({done.returncode}):\n"
                f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
            )
        print(
            f"web: flask {' '.join(command[:2])}: {done.stdout.strip().splitlines()[-1:]}",
            flush=True,
        )


def _session_cookie(headers, current: str | None) -> str | None:
    for value in headers.get_all("Set-Cookie") or []:
        pair = value.split(";", 1)[0].strip()
        if pair.startswith("session="):
            return pair
    return current


def _sign_in(app: Server) -> str:
    status, headers, body = http_request(app.port, "GET", "/auth/login")
    field = CSRF_INPUT.search(body)
    token = VALUE.search(field.group(0)) if field else None
    if status != 200 or token is None:
        raise RuntimeError(f"sign-in page: status {status}, csrf_token found: {bool(token)}")
    cookie = _session_cookie(headers, None)
    employee_no, _name, password = BENCH_USER
    form = urllib.parse.urlencode(
        {
            "login": employee_no,
            "password": password,
            "csrf_token": html.unescape(token.group(1)),
            "next": "",
        }
    )
    status, headers, body = http_request(
        app.port,
        "POST",
        "/auth/login",
        body=form.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie or ""},
    )
    cookie = _session_cookie(headers, cookie)
    if status != 302 or cookie is None:
        raise RuntimeError(
            f"sign-in failed: status {status}, cookie: {cookie is not None}\n{app.log_tail()}"
        )
    return cookie


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


def _wrk(
    wrk: str,
    server: Server,
    path: str,
    headers: dict[str, str],
    expected: str,
    duration: int,
    ours: tuple[int, ...],
) -> WrkResult:
    command = [
        wrk,
        f"-t{WRK_THREADS}",
        f"-c{WRK_CONNECTIONS}",
        f"-d{duration}s",
        "--timeout",
        "5s",
        "-s",
        str(WRK_SCRIPT),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command += [f"http://127.0.0.1:{server.port}{path}", "--", expected]
    load = LoadWindow(group_ids=ours).start()
    server_cpu = processes_cpu_seconds((server.process.pid,))
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, stdin=subprocess.DEVNULL
    )
    server_cpu = processes_cpu_seconds((server.process.pid,)) - server_cpu
    load.stop()
    line = next((line for line in done.stdout.splitlines() if line.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(
            f"wrk on {server.name} failed ({done.returncode}):\n"
            f"{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    data = json.loads(line.removeprefix("BENCH_JSON "))
    if data["bad"]:  # warm-up included: a wrong answer anywhere means a wrong set-up
        raise RuntimeError(
            f"{server.name}: {data['bad']} of {data['requests']} responses were not 200 "
            f"with {expected!r} in them\n{server.log_tail()}"
        )
    return WrkResult(
        requests=data["requests"],
        duration_us=data["duration_us"],
        bad=data["bad"],
        socket_errors=sum(
            data[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts")
        ),
        p50_us=data["p50_us"],
        p99_us=data["p99_us"],
        server_cpu_seconds=server_cpu,
        load=load,
    )


def _section(figures: dict[str, WrkResult], lesson_path: str, lesson_title: str) -> Section:
    hello, lesson = figures["hello"], figures["trainer"]
    ratio = lesson.per_second / hello.per_second
    goal = Goal(f"lesson page >= {GOAL_RATIO:g} x hello-world requests/s", ratio >= GOAL_RATIO)
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
        f"Lesson / hello-world requests/s: **{ratio:.2f}** (goal >= {GOAL_RATIO:g}): "
        f"{goal.verdict}. A lesson page costs the server {cpu_times:.1f} x the CPU of a "
        f"hello-world request.",
        "",
        f"- While hello-world was loaded, {hello.load.describe()}.",
        f"- While the lesson page was loaded, {lesson.load.describe()}.",
    ]
    return Section("Lesson page throughput", lines, [goal])

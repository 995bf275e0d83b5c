"""What the web benchmarks share: the app's environment and set-up commands, signing in
through the real form, and running wrk with a Lua script that checks every response."""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from bench.load import LoadWindow, processes_cpu_seconds
from bench.servers import ROOT, Server, http_request, venv_tool

WRK_THREADS = 2
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
    database_cpu_seconds: float  # the `postgres` processes, when asked for; else 0
    load: LoadWindow
    extra: dict  # any other figure the Lua script printed

    @property
    def server_cpu_ms_per_request(self) -> float:
        return 1000 * self.server_cpu_seconds / self.requests if self.requests else 0.0

    @property
    def database_cpu_ms_per_request(self) -> float:
        return 1000 * self.database_cpu_seconds / self.requests if self.requests else 0.0

    @property
    def per_second(self) -> float:
        return self.requests / (self.duration_us / 1e6)

    def summary(self) -> str:
        return (
            f"{self.per_second:.0f} req/s, p50 {self.p50_us / 1000:.1f} ms, "
            f"p99 {self.p99_us / 1000:.1f} ms, {self.requests} requests, "
            f"server CPU {self.server_cpu_ms_per_request:.2f} ms/request, {self.load.describe()}"
        )


def require_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError(
            "wrk is not installed: `make bench` installs it (scripts/ensure-debs.sh wrk)"
        )
    return wrk


def app_environment(database_url: str) -> dict[str, str]:
    """The environment gunicorn and `flask` get: the app on the given database."""
    env = dict(os.environ)
    env.update(
        {
            "FLASK_APP": "app",
            "TRAINER_DATABASE_URL": database_url,
            "TRAINER_CONTENT_DIR": str(ROOT / "content"),
            "TRAINER_SECRET_KEY": secrets.token_hex(32),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    return env


def flask_command(env: dict[str, str], *arguments: str, label: str = "web") -> None:
    """`flask --app app ...`, as an operator runs it; fails loudly, prints its last line."""
    done = subprocess.run(
        [venv_tool("flask"), "--app", "app", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )
    name = " ".join(arguments[:2])
    if done.returncode != 0:
        raise RuntimeError(
            f"flask {name} failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
        )
    print(f"{label}: flask {name}: {done.stdout.strip().splitlines()[-1:]}", flush=True)


def session_cookie(headers, current: str | None) -> str | None:
    for value in headers.get_all("Set-Cookie") or []:
        pair = value.split(";", 1)[0].strip()
        if pair.startswith("session="):
            return pair
    return current


def csrf_token(page: str) -> str | None:
    """The CSRF token of the first form on a page, as a browser would send it."""
    field = CSRF_INPUT.search(page)
    token = VALUE.search(field.group(0)) if field else None
    return html.unescape(token.group(1)) if token else None


def sign_in(server: Server, login: str, password: str) -> str:
    """Sign in through the real form (CSRF token included); returns the session cookie."""
    status, headers, body = http_request(server.port, "GET", "/auth/login")
    token = csrf_token(body)
    if status != 200 or token is None:
        raise RuntimeError(f"sign-in page: status {status}, csrf_token found: {bool(token)}")
    cookie = session_cookie(headers, None)
    form = urllib.parse.urlencode(
        {"login": login, "password": password, "csrf_token": token, "next": ""}
    )
    status, headers, body = http_request(
        server.port,
        "POST",
        "/auth/login",
        body=form.encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie or ""},
    )
    cookie = session_cookie(headers, cookie)
    if status != 302 or cookie is None:
        raise RuntimeError(
            f"sign-in of {login} failed: status {status}, cookie: {cookie is not None}\n"
            f"{server.log_tail()}"
        )
    return cookie


def run_wrk(
    wrk: str,
    server: Server,
    path: str,
    *,
    script: Path,
    script_args: list[str],
    duration: int,
    connections: int,
    ours: tuple[int, ...],
    threads: int = WRK_THREADS,
    headers: dict[str, str] | None = None,
    database_commands: tuple[str, ...] = (),
    what: str = "",
) -> WrkResult:
    """One wrk run; the Lua script checks every response and prints a BENCH_JSON line.

    `ours`: the process groups started by the benchmark (not counted as other load);
    `database_commands`: the database server's processes, working for us too.
    """
    command = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
    ]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    command += [f"http://127.0.0.1:{server.port}{path}", "--", *script_args]
    load = LoadWindow(group_ids=ours, commands=database_commands).start()
    server_cpu = processes_cpu_seconds((server.process.pid,))
    database_cpu = processes_cpu_seconds(commands=database_commands)
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=duration + 60, stdin=subprocess.DEVNULL
    )
    server_cpu = processes_cpu_seconds((server.process.pid,)) - server_cpu
    database_cpu = processes_cpu_seconds(commands=database_commands) - database_cpu
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
            f"{server.name}: {data['bad']} of {data['requests']} responses were not "
            f"{what or 'as expected'}\n{server.log_tail()}"
        )
    known = {"requests", "duration_us", "bad", "p50_us", "p99_us"}
    errors = ("connect_errors", "read_errors", "write_errors", "timeouts")
    return WrkResult(
        requests=data["requests"],
        duration_us=data["duration_us"],
        bad=data["bad"],
        socket_errors=sum(data[key] for key in errors),
        p50_us=data["p50_us"],
        p99_us=data["p99_us"],
        server_cpu_seconds=server_cpu,
        database_cpu_seconds=database_cpu,
        load=load,
        extra={key: value for key, value in data.items() if key not in known},
    )

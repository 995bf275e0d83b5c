"""Starting and always stopping the servers a benchmark loads, on 127.0.0.1 only."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
# The same settings for every server compared, as `make run` uses.
GUNICORN_SETTINGS = (
    "--workers",
    "2",
    "--threads",
    "4",
    "--worker-class",
    "gthread",
    "--reuse-port",
)


def venv_tool(name: str) -> str:
    """A console script of the interpreter running the benchmark (the project's venv)."""
    candidate = Path(sys.executable).parent / name
    if not candidate.exists():
        raise RuntimeError(f"{candidate} is missing: run `make bench` (it installs the venv)")
    return str(candidate)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@contextmanager
def gunicorn(
    name: str, app_spec: str, env: dict[str, str], log: Path, ready_timeout: float = 30.0
) -> Iterator[Server]:
    """Run gunicorn in a process group of its own; stop the whole group on the way out."""
    port = free_port()
    command = [
        venv_tool("gunicorn"),
        "--bind",
        f"{HOST}:{port}",
        *GUNICORN_SETTINGS,
        "--log-level",
        "warning",
        "--graceful-timeout",
        "5",
        app_spec,
    ]
    with log.open("wb") as log_stream:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=log_stream,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    server = Server(name, port, process, log)
    try:
        _wait_until_serving(server, ready_timeout)
        yield server
    finally:
        stop(process)


def stop(process: subprocess.Popen, grace: float = 10.0) -> None:
    """TERM the process group this benchmark started (gunicorn and its workers), then KILL."""
    if process.poll() is None:
        _signal_group(process, signal.SIGTERM)
        try:
            process.wait(timeout=grace)
            return  # a master that exits on TERM has already reaped its workers
        except subprocess.TimeoutExpired:
            pass
    # A master that hung, or died before we stopped it, may leave workers in its group
    # (whose id is the master's pid).
    _signal_group(process, signal.SIGKILL)
    if process.poll() is None:
        process.wait(timeout=5)


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:
        pass


def _wait_until_serving(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name}: gunicorn exited with {server.process.returncode}"
                f"\n{server.log_tail()}"
            )
        try:
            status, _headers, _body = http_request(server.port, "GET", "/", timeout=2)
            if status < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{server.name}: not serving after {timeout:.0f} s\n{server.log_tail()}")


def http_request(
    port: int,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
    timeout: float = 10.0,
) -> tuple[int, http.client.HTTPMessage, str]:
    """One request, no redirects followed (a redirect is an answer to check, not to chase)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()

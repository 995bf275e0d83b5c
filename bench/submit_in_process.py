"""A quiz submit's CPU in one process, with and without the submit shortcut.

Not part of `make bench` (its figures are for looking into the submit, not a goal):

    .venv/bin/python -m bench.submit_in_process            # shortcut on, then off, 3 times
    BENCH_SUBMITS=2000 .venv/bin/python -m bench.submit_in_process
    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python -m bench.submit_in_process        # PostgreSQL too

Each run builds a fresh SQLite database in a temporary folder with `flask trainer setup`
(on PostgreSQL: empties the benchmark's own database, as bench/quiz.py does, and sets it up),
opens BENCH_SUBMITS attempts (default 1,200) the way bench/quiz.py does, signs their learners
in through the form with CSRF protection on, and drives the WSGI app directly with each
attempt's first submit: 200 as a warm-up, then the rest timed with `time.process_time()`.
Every response must be the 302 to the result.
"""

from __future__ import annotations

import io
import os
import re
import sys
import tempfile
import time
import urllib.parse
from contextlib import ExitStack

from bench.quiz import PASSWORD, QuizRun, _drop_every_table, _Exams
from bench.sync import postgres_bench_database, postgres_url

WARM_UP = 200
TOKEN = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')


def _environ(attempt_id: int, cookie: str, body: bytes) -> dict:
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": f"/quiz/attempt/{attempt_id}/submit",
        "SCRIPT_NAME": "", "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "5000", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1:5000",
        "HTTP_COOKIE": cookie, "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)), "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body), "wsgi.input_terminated": True,
        "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
        "wsgi.multithread": True, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }


def measure(shortcut: bool, submits: int, url: str | None = None) -> float:
    """µs of this process's CPU per submit (on PostgreSQL the server's is not counted)."""
    with tempfile.TemporaryDirectory() as scratch:
        if url is None:
            url = f"sqlite:///{scratch}/bench.sqlite3"
        else:
            _drop_every_table(url)
        exams = _Exams(url, QuizRun("in-process", ""))
        app = exams.app
        app.config["SUBMIT_SHORTCUT"] = shortcut
        setup = app.test_cli_runner().invoke(args=["trainer", "setup"])
        if setup.exit_code != 0:
            raise RuntimeError(setup.output)
        with app.app_context():
            prepared = exams._open_attempts(submits)
        sessions: dict[str, tuple[str, str]] = {}
        requests = []
        for item in prepared:
            if item.employee_no not in sessions:
                client = app.test_client()
                token = TOKEN.search(client.get("/auth/login").get_data(as_text=True))[1]
                signed_in = client.post("/auth/login", data={
                    "login": item.employee_no, "password": PASSWORD, "csrf_token": token})
                if signed_in.status_code != 302:
                    raise RuntimeError(f"{item.employee_no} could not sign in")
                page = client.get(f"/quiz/attempt/{item.attempt_id}").get_data(as_text=True)
                cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
                sessions[item.employee_no] = (cookie, TOKEN.search(page)[1])
            cookie, token = sessions[item.employee_no]
            fields = [(name, value) for name, values in item.fields.items() for value in values]
            body = urllib.parse.urlencode([*fields, ("csrf_token", token)]).encode()
            requests.append((item.attempt_id, cookie, body))
        statuses: list[str] = []

        def start_response(status, _headers, _exc_info=None):
            statuses.append(status)

        def submit(batch) -> None:
            for attempt_id, cookie, body in batch:
                b"".join(app(_environ(attempt_id, cookie, body), start_response))

        submit(requests[:WARM_UP])
        started = time.process_time()
        submit(requests[WARM_UP:])
        spent = time.process_time() - started
        exams.close()
    if set(statuses) != {"302 FOUND"}:
        raise RuntimeError(f"not every submit was a 302: {set(statuses)}")
    return spent / (len(requests) - WARM_UP) * 1e6


def main() -> None:
    submits = int(os.environ.get("BENCH_SUBMITS", "1200"))
    databases = [("SQLite", None)]
    with ExitStack() as stack:
        if postgres_url():
            bench_url, _detail = stack.enter_context(postgres_bench_database(postgres_url()))
            databases.append(("PostgreSQL", bench_url))
        for name, url in databases:
            for _round in range(3):
                for shortcut in (True, False):
                    figure = measure(shortcut, submits, url)
                    print(f"{name}, shortcut {'on ' if shortcut else 'off'}: {figure:.0f} µs "
                          "per submit", flush=True)
            if url is not None:
                _drop_every_table(url)


if __name__ == "__main__":
    main()

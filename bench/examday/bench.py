"""The exam-day benchmark's runner: seed, start the servers, run the scenario
(bench/examday/scenario.py) in a process of its own, check the database, and write the
section of that size and set-up ("Exam day, 3,000 learners, SQLite").

Set-ups: one host as `make run` starts it (SQLite, or PostgreSQL when TEST_DATABASE_URL or
BENCH_DATABASE_URL names it); or `--hosts 2` (BENCH_EXAMDAY_HOSTS=2): the installation of
deploy/ on this machine (nginx in front of two app servers, a job worker, the scheduler;
PostgreSQL and Redis, BENCH_REDIS_URL, redis://127.0.0.1:6379/14 by default), started as the
multi-host test starts it (bench/cluster.py).

Sizes: `make bench-examday USERS=N [HOSTS=2]` (default 1000); `make bench` runs 1,000
learners on one host after the other benchmarks. BENCH_EXAMDAY_FACTOR scales every wait
(1.0: the real day, about 35 minutes; 0.05: a quick look of about 2 minutes, which squeezes
the same requests into a twentieth of the time, so it loads the servers 20 times harder than
the real day).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench.cluster import forget_redis_keys, start_installation
from bench.examday import scenario
from bench.load import LoadWindow
from bench.profile import read_stacks, recording, summarize
from bench.report import Goal, Section, machine
from bench.servers import GUNICORN_SETTINGS, HOST, ROOT, gunicorn, venv_tool
from bench.sync import postgres_bench_database, postgres_url

DEFAULT_USERS = 1000
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"


def title(users: int, database: str, hosts: int = 1) -> str:
    """Each size and set-up a section of its own, so the growth stays visible."""
    where = f", {hosts} hosts" if hosts > 1 else ""
    return f"Exam day, {users:,} learners, {database}{where}"


def database_kind() -> str:
    return "PostgreSQL" if postgres_url() else "SQLite"


def hosts_from_environment() -> int:
    return int(os.environ.get("BENCH_EXAMDAY_HOSTS") or 1)


def profile_from_environment() -> bool:
    return os.environ.get("BENCH_EXAMDAY_PROFILE") == "1"


def redis_url_from_environment() -> str:
    return os.environ.get("BENCH_REDIS_URL") or DEFAULT_REDIS_URL


def users_from_environment() -> int:
    return int(os.environ.get("BENCH_EXAMDAY_USERS") or DEFAULT_USERS)


def factor_from_environment() -> float:
    return float(os.environ.get("BENCH_EXAMDAY_FACTOR") or 1.0)


def run_examday_benchmark(
    users: int | None = None,
    factor: float | None = None,
    hosts: int | None = None,
    profile: bool | None = None,
) -> Section:
    """`profile`: py-spy records the app servers for the whole run (bench/profile.py) and the
    section says where their time went."""
    users = users or users_from_environment()
    factor = factor if factor is not None else factor_from_environment()
    hosts = hosts or hosts_from_environment()
    profile = profile_from_environment() if profile is None else profile
    with tempfile.TemporaryDirectory(prefix="trainer-bench-examday-") as scratch_name:
        scratch = Path(scratch_name)
        url = postgres_url()
        if hosts > 1:
            if not url:
                raise RuntimeError(
                    "several hosts need PostgreSQL: set TEST_DATABASE_URL (or "
                    "BENCH_DATABASE_URL), e.g. postgresql+psycopg://postgres@127.0.0.1:5432/test"
                )
            if hosts != 2:
                raise RuntimeError("deploy/nginx/trainer.conf names two app servers: --hosts 2")
            with postgres_bench_database(url) as (bench_url, detail):
                return _run_hosts(
                    bench_url, f"PostgreSQL, {detail}", users, factor, scratch, profile
                )
        if url:
            with postgres_bench_database(url) as (bench_url, detail):
                return _run(
                    bench_url, f"PostgreSQL, {detail}", users, factor, scratch, True, profile
                )
        sqlite_url = f"sqlite:///{scratch / 'trainer.sqlite3'}"
        return _run(
            sqlite_url, "SQLite (WAL), as `make run`", users, factor, scratch, False, profile
        )


def run_examday_in_subprocess() -> Section:
    """For `python -m bench`: the run in a process of its own (Locust patches the standard
    library with gevent), its section read back."""
    with tempfile.TemporaryDirectory(prefix="trainer-bench-examday-") as scratch:
        out = Path(scratch) / "section.json"
        done = subprocess.run(
            [sys.executable, "-m", "bench.examday", "--section-json", str(out)],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
        )
        if not out.exists():
            raise RuntimeError(f"python -m bench.examday stopped ({done.returncode})")
        data = json.loads(out.read_text(encoding="utf-8"))
    data["goals"] = [Goal(**goal) for goal in data["goals"]]
    return Section(**data)


@contextmanager
def job_worker(env: dict[str, str], log: Path):
    """`flask trainer worker` beside the servers, stopped as `make run` stops it (INT)."""
    with log.open("wb") as stream:
        process = subprocess.Popen(
            [venv_tool("flask"), "--app", "app", "trainer", "worker"],
            cwd=ROOT,
            env=env,
            stdout=stream,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        time.sleep(1.0)
        if process.poll() is not None:
            raise RuntimeError(f"the job worker exited: {log.read_text(errors='replace')[-2000:]}")
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)


def _seed(url: str, database: str, users: int, content: Path) -> scenario.Seed:
    print(f"exam day: seeding {users} learners ({database})", flush=True)
    seed = scenario.prepare(url, users, content_dir=content)
    print(f"exam day: seeded in {seed.seconds:.1f} s ({seed.created} learners created)", flush=True)
    return seed


def _run(
    url: str,
    database: str,
    users: int,
    factor: float,
    scratch: Path,
    postgres: bool,
    profile: bool = False,
) -> Section:
    content = scratch / "content"
    _seed(url, database, users, content)
    env = scenario.app_environment(url, content)
    env["TRAINER_JOBS_DATABASE"] = str(scratch / "jobs.sqlite3")
    database_commands = ("postgres",) if postgres else ()
    with ExitStack() as stack:
        server = stack.enter_context(gunicorn("trainer", "app:app", env, scratch / "gunicorn.log"))
        worker = stack.enter_context(job_worker(env, scratch / "worker.log"))
        report, problems, load, profiled = _drive(
            url,
            f"http://{HOST}:{server.port}",
            users,
            factor,
            scratch,
            server_pids=(server.process.pid,),
            worker_pids=(worker.pid,),
            other_pids=(),
            database_commands=database_commands,
            log_tail=server.log_tail,
            profile=profile,
        )
    settings = " ".join(GUNICORN_SETTINGS)
    setup = (
        f"{database}; gunicorn `{settings}` and `flask trainer worker` as `make run` starts them"
    )
    return section(
        report, problems, setup, load, "PostgreSQL" if postgres else "SQLite", profiled=profiled
    )


def _run_hosts(
    url: str, database: str, users: int, factor: float, scratch: Path, profile: bool = False
) -> Section:
    """The installation of deploy/ on this machine, the learners through nginx."""
    redis_url = redis_url_from_environment()
    seed = _seed(url, database, users, scratch / "content")
    run_id = f"bench{os.getpid()}"
    # Each learner keeps a connection to nginx open between answers (65 s keepalive).
    installation = start_installation(
        scratch / "hosts", url, redis_url, run_id, seed.content_dir, connections=users + 1024
    )
    try:
        processes = installation.cluster.processes
        report, problems, load, profiled = _drive(
            url,
            installation.base_url,
            users,
            factor,
            scratch,
            server_pids=tuple(server.popen.pid for server in installation.servers),
            worker_pids=(installation.process("worker1").popen.pid,),
            other_pids=tuple(p.popen.pid for p in processes if p.name in ("scheduler", "nginx")),
            database_commands=("postgres", "redis-server"),
            log_tail=installation.cluster.logs,
            profile=profile,
        )
    finally:
        installation.cluster.stop_all()
        forget_redis_keys(redis_url, run_id)
    setup = (
        f"{database}, Redis ({redis_url}) for the job queue and rate limits; nginx (Debian's "
        "package, deploy/nginx/trainer.conf) in front of two app servers (gunicorn "
        '`-c deploy/gunicorn.conf.py`, 1 worker of 4 threads each: the two "hosts" share '
        "this machine's cores, so together they have `make run`'s 8 threads), one "
        "`flask trainer worker --no-scheduler` and `flask trainer scheduler`, as deploy/systemd "
        "starts them, every one on this machine; the learners go through nginx"
    )
    return section(report, problems, setup, load, "PostgreSQL", hosts=2, profiled=profiled)


def _drive(
    url: str,
    base_url: str,
    users: int,
    factor: float,
    scratch: Path,
    *,
    server_pids: tuple[int, ...],
    worker_pids: tuple[int, ...],
    other_pids: tuple[int, ...],
    database_commands: tuple[str, ...],
    log_tail,
    profile: bool = False,
):
    """The scenario against `base_url` in a process of its own; its report and the
    database check read back (and what py-spy saw of the servers, with `profile`)."""
    out = scratch / "report.json"
    command = [
        sys.executable,
        "-m",
        "bench.examday.scenario",
        "run",
        "--base-url",
        base_url,
        "--users",
        str(users),
        "--factor",
        str(factor),
        "--database-url",
        url,
        "--out",
        str(out),
    ]
    for pid in server_pids:
        command += ["--server-pid", str(pid)]
    for pid in worker_pids:
        command += ["--worker-pid", str(pid)]
    for name in database_commands[:1]:  # the database's CPU; the others count as ours
        command += ["--database-process", name]
    load = LoadWindow(
        group_ids=server_pids + worker_pids + other_pids, commands=database_commands
    ).start()
    with ExitStack() as stack:
        spied = (
            stack.enter_context(recording(server_pids, scratch / "profile")) if profile else None
        )
        done = subprocess.run(command, cwd=ROOT, stdin=subprocess.DEVNULL)
    load.stop()
    if not out.exists():
        raise RuntimeError(
            f"the scenario stopped ({done.returncode}) without a report\n{log_tail()}"
        )
    payload = json.loads(out.read_text())
    report = scenario.ExamDayReport.from_json(json.dumps(payload["report"]))
    return report, payload["problems"], load, read_stacks(spied) if spied is not None else None


def _ms(value: float) -> str:
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def section(
    report: scenario.ExamDayReport,
    problems: list[str],
    setup: str,
    load: LoadWindow | None = None,
    database_kind: str = "SQLite",
    hosts: int = 1,
    profiled: Counter | None = None,
) -> Section:
    factor = report.time_factor
    busy_share = (
        report.machine_cpu_s / (report.elapsed_s * report.cores) if report.elapsed_s else 0.0
    )
    lines = [
        f"{report.users} learners ({scenario.COMPLETING_SHARE * 10} % on `"
        f"{scenario.COMPLETING_COURSE}`, whose exam alone completes the course, so the job "
        f"queue issues their certificates; the others on `{scenario.ASSESSED_COURSE}`, which "
        f"still needs a practical assessment), {setup}. Each learner signs in (the "
        f"form, CSRF token, the app's default password hashing), opens the course page, "
        f"reads its two lessons (GET, then the lesson's POST form), opens the course page "
        f"again, starts the exam at the synchronised start, saves each answer as the page's "
        f"script does (the whole form, multipart, JSON answer), then 交卷 (the form to the "
        f"confirmation page, its submit form) and opens the result. Arrivals spread over "
        f"{report.spawn_window_s * factor:.0f} s before the start, the start released over "
        f"{report.release_window_s * factor:.0f} s, {report.think[0] * factor:.1f}-"
        f"{report.think[1] * factor:.1f} s per question (time factor **{factor:g}**"
        + (
            "; 1.0 is the real day: at this factor the same requests come "
            f"{1 / factor:.0f} times faster than on the real day"
            if factor != 1
            else ", the real day"
        )
        + f"). Measured {report.started_at}, {report.elapsed_s:.0f} s.",
        "",
        f"Locust (load generator) runs on the same machine ({machine()}) as the servers "
        f"and the database: it used {report.load_generator_cpu_s:.1f} s of CPU; the whole "
        f"machine was {busy_share:.0%} busy during the run"
        + (f"; {load.describe()}" if load else "")
        + ".",
        "",
        "| request | requests | errors | p50 | p95 | p99 | max | share of request time "
        "| goal (p95 < 500 ms, p99 < 1 s) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    total_time = sum(_mean(report, kind) * figures.count for kind, figures in report.kinds.items())
    for kind, f in report.kinds.items():
        share = _mean(report, kind) * f.count / total_time if total_time else 0.0
        lines.append(
            f"| {kind} | {f.count} | {f.errors} | {_ms(f.p50_ms)} | {_ms(f.p95_ms)} | "
            f"{_ms(f.p99_ms)} | {_ms(f.max_ms)} | {share:.0%} | "
            f"{'meets goal' if f.meets_goal else '**misses goal**'} |"
        )
    lines.append("")
    server_cpu = report.server_cpu_s
    per_request = (
        f" ({1000 * server_cpu / report.requests:.1f} ms per request)"
        if server_cpu is not None and report.requests
        else ""
    )
    lines += [
        f"- Requests: {report.requests}, {report.requests_per_s:.1f}/s over the run, "
        f"{report.peak_requests_per_s:.1f}/s in the busiest 10 s; errors: "
        f"**{report.error_count}**; learners who finished: {report.learners_finished} of "
        f"{report.users}; requests sent again after the server closed a kept-alive "
        f"connection unanswered (as browsers do): {report.resent}.",
        "- CPU: servers (gunicorn master and workers) "
        + (f"{server_cpu:.1f} s{per_request}" if server_cpu is not None else "not measured")
        + ", database "
        + (
            f"{report.database_cpu_s:.1f} s (the `postgres` processes)"
            if report.database_cpu_s is not None
            else "in the servers' (SQLite)"
        )
        + f", Locust {report.load_generator_cpu_s:.1f} s, of "
        f"{report.elapsed_s * report.cores:.0f} core-seconds.",
        "- Peak memory (RSS): "
        + (
            ", ".join(f"{label} {mb:.0f} MiB" for label, mb in report.peak_rss_mb.items())
            or "not measured"
        )
        + ".",
    ]
    if report.certificates_expected:
        lines.append(
            f"- Certificates: {report.certificates_issued} of {report.certificates_expected} "
            f"issued by the job queue"
            + (
                f"; from grading to certificate median {report.certificate_delay_p50_s:.1f} s, "
                f"max {report.certificate_delay_max_s:.1f} s; the last one "
                f"{report.last_submit_to_last_certificate_s:.1f} s after the last passing "
                f"submit (goal: within {scenario.CERTIFICATE_WITHIN_S / 60:.0f} min)"
                if report.certificate_delay_max_s is not None
                else ""
            )
            + "."
        )
    lines.append(
        "- Nothing lost: every answer sent stored as sent, every attempt graded once, every "
        "certificate issued (checked in the database afterwards)."
        if not problems
        else f"- **{len(problems)} problems** found in the database afterwards, by kind: "
        + "; ".join(f"{kind}: {count}" for kind, count in problem_kinds(problems).most_common())
        + ". E.g.: "
        + "; ".join(problems[:5])
    )
    if report.errors:
        lines.append("- First errors: " + "; ".join(f"`{e}`" for e in report.errors[:5]))
    missed = [kind for kind, f in report.kinds.items() if not f.meets_goal]
    if missed:
        lines.append(
            f"- Where the time goes ({', '.join(missed)} miss the goal): "
            + _diagnosis(report, busy_share, database_kind)
        )
    if profiled is not None:
        lines += summarize(profiled)
    goals = [Goal(label, met) for label, met in report.goals()]
    goals.append(
        Goal(f"exam day: {len(problems)} problems in the database (goal: none)", not problems)
    )
    return Section(title(report.users, database_kind, hosts), lines, goals)


def problem_kinds(problems: list[str]) -> Counter[str]:
    """What check() found, counted by kind: "ED00001: did not reach the exam (start ...:
    status 0, expected 302)" counts as "did not reach the exam" (answers lost stays apart
    from learners stopped by an error before they sent any)."""
    kinds: Counter[str] = Counter()
    for problem in problems:
        text = re.sub(r"^ED\d+: ", "", problem)
        text = re.sub(r" \(.*\)$", "", text)  # the error that stopped the learner
        text = re.sub(r"\[[^\]]*\]", "[...]", text)
        text = re.sub(r"\battempt \d+", "attempt", text)
        text = re.sub(r"\bstarted \d+$", "one started", text)
        text = re.sub(r"^\d+ of \d+ certificates", "certificates", text)
        kinds[text] += 1
    return kinds


def _mean(report: scenario.ExamDayReport, kind: str) -> float:
    return report.kinds[kind].mean_ms


def _diagnosis(report: scenario.ExamDayReport, busy_share: float, database_kind: str) -> str:
    server = report.server_cpu_s or 0.0
    database = report.database_cpu_s or 0.0
    capacity = report.elapsed_s * report.cores
    parts = [
        f"the machine was {busy_share:.0%} busy (servers {server / capacity:.0%}, database "
        f"{database / capacity:.0%}, Locust {report.load_generator_cpu_s / capacity:.0%} of "
        f"its {report.cores} cores)"
    ]
    # An average hides the peaks: what the busiest 10 s asked of the servers' CPU alone.
    per_request = server / report.requests if report.requests else 0.0
    peak_cores = report.peak_requests_per_s * per_request
    if busy_share > 0.85 or peak_cores > 0.8 * report.cores:
        parts.append(
            f"in the busiest 10 s the servers needed {peak_cores:.1f} cores "
            f"({report.peak_requests_per_s:.0f} requests/s x {1000 * per_request:.1f} ms of CPU "
            f"each) of the {report.cores}, beside the database and Locust, so requests queued "
            "for the CPU: with more cores (or Locust on another machine) the same code would "
            "answer sooner"
        )
    else:
        lock = (
            "the database's write lock (SQLite: one writer at a time)"
            if database_kind == "SQLite"
            else "a row lock or a pooled connection"
        )
        parts.append(
            f"so the time is not CPU: requests waited for a free gunicorn thread (8 in all) or "
            f"for {lock}"
        )
    if report.kinds.get("sign-in POST") and not report.kinds["sign-in POST"].meets_goal:
        parts.append(
            "the sign-in POST checks the password at the default scrypt cost, tens of ms of "
            "CPU each by design"
        )
    return "; ".join(parts) + "."

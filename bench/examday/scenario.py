"""Exam day (issue 26): every learner signs in, reads two lessons, sits a synchronised exam
with autosave, submits it through the 交卷 confirmation and opens the result.

Stable API (imported by the multi-host test, keep it so):

    seed = prepare(database_url, users)              # courses, learners; resets their exams
    # start the servers with TRAINER_CONTENT_DIR=seed.content_dir on that database, then
    report = run(base_url, users, time_factor=0.05)  # Locust in-process (gevent)
    problems = check(database_url, report)           # [] when nothing was lost

Learners and passwords are deterministic (learner i is `ED00000`+i with password
`password_of(i)`), so `run` needs nothing from `prepare` but the same `users`. Learner i
sits `COMPLETING_COURSE` when i % 10 < 3 (30 %: the exam alone completes that course, so
the job queue issues a certificate), otherwise `ASSESSED_COURSE` (a practical assessment
is still needed afterwards: no certificate).

The simulated learner sends what the real pages send: the sign-in form with its CSRF
token; the lesson's POST form (下一课/完成本课) for each of the course's two lessons; the
start form; per answered question the request of trainer/static/js/quiz.js (the whole
exam form as multipart FormData, `Accept: application/json`, `X-CSRFToken`); at the end
the exam form posted to the confirmation step and that page's own submit form.

Importing this module does not import Locust; `run` does (Locust patches the standard
library with gevent when imported: call `run` in a process of its own, e.g. the runner
`python -m bench.examday` or `python -m bench.examday.scenario run ...`).
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COMPLETING_COURSE = "examday-safety"  # theory only: passing the exam completes it
ASSESSED_COURSE = "examday-service"  # also needs a practical assessment afterwards
COURSES = {
    # slug: (title, questions_per_attempt, practical_required)
    COMPLETING_COURSE: ("考试日：门店安全须知", 12, False),
    ASSESSED_COURSE: ("考试日：服务流程", 16, True),
}
BANK_SIZE = 48  # single-choice questions in each bank (three times the largest draw)
LESSON_TAGS = ("第一课", "第二课")  # one per lesson, half the draw each
COMPLETING_SHARE = 3  # of every 10 learners
EMPLOYEE_PREFIX = "ED"
PASS_MARK = 80
TIME_LIMIT_MINUTES = 45  # 16 questions x 90 s = 24 min at most, at time factor 1
CERTIFICATE_WITHIN_S = 300.0
KINDS = (
    "sign-in page",
    "sign-in POST",
    "course page",
    "lesson",
    "lesson read",
    "start",
    "exam page",
    "autosave",
    "confirm",
    "submit",
    "result",
)
GOAL_P95_MS = 500.0
GOAL_P99_MS = 1000.0
HASH_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / (
    "trainer-bench/examday-password-hashes.json"
)


def employee_no(index: int) -> str:
    return f"{EMPLOYEE_PREFIX}{index:05d}"


def password_of(index: int) -> str:
    return f"examday-{index:05d}-Pw"


def course_of(index: int) -> str:
    return COMPLETING_COURSE if index % 10 < COMPLETING_SHARE else ASSESSED_COURSE


def default_content_dir() -> Path:
    return Path(tempfile.gettempdir()) / "trainer-examday-content"


# --- the benchmark's courses ------------------------------------------------------------


def _correct_option(number: int) -> int:
    return number % 4 + 1


OPTION_TEXT = re.compile(r"做法(\d+)之(\d)")


def write_courses(content_dir: Path) -> list[str]:
    """The two exam-day courses in content_dir/courses (two real lessons each, copied from
    service-smile; a bank of single-choice questions whose right option is known from its
    text: 做法<n>之<k>, right when k == n % 4 + 1)."""
    courses_dir = content_dir / "courses"
    source = ROOT / "content" / "courses" / "service-smile"
    lessons = sorted((source / "lessons").glob("*.md"))[:2]
    for slug, (title, per_attempt, practical) in COURSES.items():
        target = courses_dir / slug
        if target.exists():
            shutil.rmtree(target)
        (target / "lessons").mkdir(parents=True)
        shutil.copytree(source / "media", target / "media")
        for lesson in lessons:
            shutil.copy(lesson, target / "lessons" / lesson.name)
        (target / "course.md").write_text(
            "---\n"
            f"title: {title}\n"
            "summary: 考试日压力测试用的课程：两课，一场同时开考的理论考试。\n"
            "category: standards\n"
            "language: zh-CN\n"
            "estimated_minutes: 20\n"
            "target_positions: [all]\n"
            "prerequisites: []\n"
            "quiz:\n"
            f"  questions_per_attempt: {per_attempt}\n"
            f"  time_limit_minutes: {TIME_LIMIT_MINUTES}\n"
            f"  pass_mark: {PASS_MARK}\n"
            "  attempts_per_round: 3\n"
            "  wait_minutes: 30\n"
            "  review: after_pass\n"
            f"  tag_quotas: {{{LESSON_TAGS[0]}: {per_attempt // 2}, "
            f"{LESSON_TAGS[1]}: {per_attempt - per_attempt // 2}}}\n"
            f"practical_required: {'true' if practical else 'false'}\n"
            "attitude_required: false\n"
            "certificate:\n"
            "  validity_months: 24\n"
            "  recertify_window_days: 60\n"
            "---\n\n"
            "考试日压力测试：所有学员在同一时间开考。\n",
            encoding="utf-8",
        )
        questions = []
        for number in range(1, BANK_SIZE + 1):
            right = _correct_option(number)
            options = "\n".join(
                f"- [{'x' if k == right else ' '}] 做法{number}之{k}" for k in range(1, 5)
            )
            questions.append(
                f"## q{number:02d}\ntype: single\ntags: {LESSON_TAGS[number % 2]}\n\n"
                f"第 {number} 题：下列哪一种做法符合标准？\n\n"
                f"{options}\n\n解析：做法{number}之{right} 符合标准。\n"
            )
        (target / "quiz.md").write_text("\n".join(questions), encoding="utf-8")
        if practical:  # the real checklist of a course with a practical assessment
            practical_md = ROOT / "content" / "courses" / "appearance-courtesy" / "practical.md"
            shutil.copy(practical_md, target / "practical.md")
    return list(COURSES)


# --- seeding ------------------------------------------------------------------------------


@dataclass
class Seed:
    database_url: str
    content_dir: str
    users: int
    courses: list[str]
    created: int  # learners added this time (the others were there already)
    seconds: float


def app_environment(database_url: str, content_dir: Path | str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        {
            "FLASK_APP": "app",
            "TRAINER_DATABASE_URL": database_url,
            "TRAINER_CONTENT_DIR": str(content_dir),
            "PYTHONDONTWRITEBYTECODE": "1",
        }
    )
    env.setdefault("TRAINER_SECRET_KEY", "examday-bench-" + "0" * 32)
    return env


def _hash_password(password: str) -> str:
    """The app's own hashing at its default cost (User.set_password outside an app)."""
    from trainer.models import User

    user = User()
    user.set_password(password)
    return user.password_hash


def _password_hashes(indexes: list[int], processes: int | None) -> dict[int, str]:
    """Hashes of the learners' passwords, from the cache file when there (each hash has its
    own salt; the cost is the app's default, never lowered), else made in parallel."""
    try:
        cache = json.loads(HASH_CACHE.read_text())
    except (OSError, ValueError):
        cache = {}
    missing = [i for i in indexes if cache.get(password_of(i)) is None]
    if missing:
        workers = processes or max(1, min(4, os.cpu_count() or 1))
        with ProcessPoolExecutor(workers) as pool:
            passwords = [password_of(i) for i in missing]
            for password, hashed in zip(
                passwords, pool.map(_hash_password, passwords, chunksize=16), strict=True
            ):
                cache[password] = hashed
        HASH_CACHE.parent.mkdir(parents=True, exist_ok=True)
        HASH_CACHE.write_text(json.dumps(cache))
    return {i: cache[password_of(i)] for i in indexes}


def prepare(
    database_url: str,
    users: int,
    *,
    content_dir: Path | str | None = None,
    processes: int | None = None,
    run_setup: bool = True,
) -> Seed:
    """Courses synced, `users` learners with known passwords, none of them with any exam,
    lesson read or certificate on the exam-day courses (learners already in the database
    are reused: a database seeded for a bigger size serves every smaller one).

    `run_setup`: migrate and sync with `flask trainer setup` first (as an operator does);
    the servers must then run with TRAINER_CONTENT_DIR=seed.content_dir.
    """
    started = time.monotonic()
    content = Path(content_dir) if content_dir else default_content_dir()
    courses = write_courses(content)
    env = app_environment(database_url, content)
    if run_setup:
        done = subprocess.run(
            [str(Path(sys.executable).parent / "flask"), "--app", "app", "trainer", "setup"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0 or "error" in done.stdout:
            raise RuntimeError(f"flask trainer setup failed:\n{done.stdout}\n{done.stderr}")
    created = _seed_learners(database_url, content, users, processes)
    return Seed(database_url, str(content), users, courses, created, time.monotonic() - started)


def _app(database_url: str, content_dir: Path | str | None = None):
    from trainer import create_app

    config = {"SQLALCHEMY_DATABASE_URI": database_url}
    if content_dir:
        config["CONTENT_DIR"] = Path(content_dir)
    return create_app(config)


def _seed_learners(database_url: str, content: Path, users: int, processes: int | None) -> int:
    import sqlalchemy as sa

    from trainer.database import write_transaction
    from trainer.extensions import db
    from trainer.hr.people.service import NewUser, create_user
    from trainer.models import (
        Certificate,
        CertificateRequest,
        CourseEvaluation,
        CourseRecord,
        CourseVersion,
        LessonProgress,
        QuizAnswer,
        QuizAttempt,
        QuizResult,
        User,
    )

    app = _app(database_url, content)
    with app.app_context():
        wanted = {employee_no(i): i for i in range(users)}
        existing = set(
            db.session.scalars(sa.select(User.employee_no).where(User.employee_no.in_(wanted)))
        )
        missing = [i for no, i in wanted.items() if no not in existing]
        hashes = _password_hashes(missing, processes)
        for chunk in range(0, len(missing), 200):
            with write_transaction():
                for i in missing[chunk : chunk + 200]:
                    user = create_user(NewUser(employee_no(i), f"考生{i:05d}", password=None))
                    user.password_hash = hashes[i]  # what set_password would store
                    user.session_epoch = (user.session_epoch or 0) + 1
        user_ids = sa.select(User.id).where(User.employee_no.in_(wanted)).scalar_subquery()
        course_ids = sa.select(CourseRecord.id).where(CourseRecord.slug.in_(list(COURSES)))
        version_ids = sa.select(CourseVersion.id).where(CourseVersion.course_id.in_(course_ids))
        attempts = sa.select(QuizAttempt.id).where(
            QuizAttempt.user_id.in_(user_ids), QuizAttempt.course_id.in_(course_ids)
        )
        with write_transaction():  # every learner starts the day from nothing
            db.session.execute(sa.delete(QuizResult).where(QuizResult.attempt_id.in_(attempts)))
            db.session.execute(sa.delete(QuizAnswer).where(QuizAnswer.attempt_id.in_(attempts)))
            db.session.execute(sa.delete(QuizAttempt).where(QuizAttempt.id.in_(attempts)))
            for model in (CertificateRequest, Certificate):
                db.session.execute(
                    sa.delete(model).where(
                        model.user_id.in_(user_ids), model.course_id.in_(course_ids)
                    )
                )
            for model in (LessonProgress, CourseEvaluation):
                db.session.execute(
                    sa.delete(model).where(
                        model.user_id.in_(user_ids), model.version_id.in_(version_ids)
                    )
                )
        db.session.remove()
        db.engine.dispose()
    return len(missing)


# --- the report ---------------------------------------------------------------------------


@dataclass
class KindFigures:
    kind: str
    count: int
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float = 0.0

    @property
    def meets_goal(self) -> bool:
        return self.p95_ms < GOAL_P95_MS and self.p99_ms < GOAL_P99_MS


@dataclass
class LearnerRecord:
    """What one simulated learner did and sent (compared with the database by `check`)."""

    index: int
    employee_no: str
    course: str
    attempt_id: int | None = None
    questions: int = 0
    # position -> [field name, value] of every answer sent (autosave and the final form)
    answers: dict[int, list[str]] = field(default_factory=dict)
    submitted_at: float | None = None  # time.time() when the submit was answered
    finished: bool = False
    failure: str | None = None


@dataclass
class ExamDayReport:
    base_url: str
    users: int
    time_factor: float
    think: tuple[float, float]
    spawn_window_s: float
    release_window_s: float
    started_at: str = ""
    elapsed_s: float = 0.0
    kinds: dict[str, KindFigures] = field(default_factory=dict)
    requests: int = 0
    error_count: int = 0
    errors: list[str] = field(default_factory=list)  # the first ones, with what went wrong
    resent: int = 0  # requests sent again after a connection closed unanswered
    requests_per_s: float = 0.0  # over the whole run
    peak_requests_per_s: float = 0.0  # the busiest 10 s
    learners_finished: int = 0
    server_cpu_s: float | None = None
    database_cpu_s: float | None = None
    load_generator_cpu_s: float = 0.0
    machine_cpu_s: float = 0.0  # every core, busy time, over the run
    cores: int = 1
    peak_rss_mb: dict[str, float] = field(default_factory=dict)  # process label -> MiB
    # Filled by check(): seconds from each grading to its certificate
    certificates_expected: int = 0
    certificates_issued: int = 0
    certificate_delay_p50_s: float | None = None
    certificate_delay_max_s: float | None = None
    last_submit_to_last_certificate_s: float | None = None
    learners: list[LearnerRecord] = field(default_factory=list)

    def goals(self) -> list[tuple[str, bool]]:
        goals = [
            (
                f"exam day {kind}: p95 {figures.p95_ms:.0f} ms < {GOAL_P95_MS:.0f} ms, "
                f"p99 {figures.p99_ms:.0f} ms < {GOAL_P99_MS:.0f} ms",
                figures.meets_goal,
            )
            for kind, figures in self.kinds.items()
        ]
        goals.append((f"exam day: {self.error_count} errors (goal: none)", not self.error_count))
        return goals

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str) -> ExamDayReport:
        data = json.loads(text)
        data["kinds"] = {k: KindFigures(**v) for k, v in data["kinds"].items()}
        data["learners"] = [
            LearnerRecord(**{**r, "answers": {int(p): a for p, a in r["answers"].items()}})
            for r in data["learners"]
        ]
        data["think"] = tuple(data["think"])
        return cls(**data)


def _percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return 0.0
    rank = max(0, min(len(sorted_values) - 1, round(share * len(sorted_values) + 0.5) - 1))
    return sorted_values[rank]


# --- watching the server's processes -------------------------------------------------------


@dataclass
class Watched:
    """Processes whose CPU and memory the report gives: each root with its children."""

    server_pids: tuple[int, ...] = ()  # gunicorn masters (their workers are children)
    worker_pids: tuple[int, ...] = ()  # `flask trainer worker` (the job queue)
    database_names: tuple[str, ...] = ()  # e.g. ("postgres",)


class _Watcher:
    def __init__(self, watched: Watched):
        import psutil

        self.psutil = psutil
        self.watched = watched
        self.peak: dict[str, float] = {}
        self.server_start = self._cpu(self._tree(watched.server_pids))
        self.database_start = self._cpu(self._database())
        self.machine_start = self._machine()
        self.stopped = threading.Event()

    def _tree(self, pids: Iterable[int]):
        found = []
        for pid in pids:
            try:
                root = self.psutil.Process(pid)
                found += [root, *root.children(recursive=True)]
            except self.psutil.Error:
                continue
        return found

    def _database(self):
        names = self.watched.database_names
        if not names:
            return []
        return [p for p in self.psutil.process_iter(["name"]) if p.info["name"] in names]

    def _cpu(self, processes) -> float:
        total = 0.0
        for process in processes:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except self.psutil.Error:
                continue
        return total

    def _machine(self) -> float:
        times = self.psutil.cpu_times()
        idle = ("idle", "iowait", "guest", "guest_nice")  # guest time is also in user
        return sum(times) - sum(getattr(times, name, 0.0) for name in idle)

    def sample(self) -> None:
        labelled = []
        for pid in self.watched.server_pids:
            tree = self._tree([pid])
            labelled += [(f"gunicorn master (pid {pid})", tree[:1])]
            labelled += [(f"gunicorn worker (pid {p.pid})", [p]) for p in tree[1:]]
        labelled += [
            (f"job worker (pid {pid})", self._tree([pid])) for pid in self.watched.worker_pids
        ]
        for label, processes in labelled:
            rss = 0
            for process in processes:
                try:
                    rss += process.memory_info().rss
                except self.psutil.Error:
                    continue
            if rss:
                self.peak[label] = max(self.peak.get(label, 0.0), rss / 2**20)

    def loop(self, every: float = 2.0) -> None:
        while not self.stopped.wait(every):
            self.sample()

    def finish(self, report: ExamDayReport) -> None:
        self.stopped.set()
        self.sample()
        if self.watched.server_pids:
            report.server_cpu_s = self._cpu(self._tree(self.watched.server_pids)) - (
                self.server_start
            )
        if self.watched.database_names:
            report.database_cpu_s = self._cpu(self._database()) - self.database_start
        report.machine_cpu_s = self._machine() - self.machine_start
        report.cores = self.psutil.cpu_count() or 1
        report.peak_rss_mb = dict(sorted(self.peak.items()))


# --- the simulated learner ------------------------------------------------------------------

CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]*)"')
QUIZ_FORM = re.compile(
    r'<form method="post" action="([^"]+)" class="quiz-form"\s+data-save-url="([^"]+)"'
)
FIELDSET = re.compile(r'<fieldset class="card question[^"]*"[^>]*data-index="(\d+)"')
RADIO = re.compile(
    r'<input type="radio" name="(q\d+)" value="([^"]+)"[^>]*>\s*<span>([^<]*)</span>'
)
SUBMIT_FORM = re.compile(r'<form method="post" action="(/quiz/attempt/\d+/submit)">')
ATTEMPT_PATH = re.compile(r"/quiz/attempt/(\d+)$")


def browser_like_resend():
    """The scenario's HTTP client sends a request once more when the server closed the
    connection without any answer, as browsers do on a kept-alive connection: HTTP/1.1's
    keep-alive race (the server's idle timeout, nginx's 65 s or gunicorn's 2 s, ends just as
    the learner reuses the connection after thinking) is mended by the client, and
    Chromium resends such a request whatever its method. Nothing else is resent: a refused
    connection, an error status or an answer cut off after its headers stays an error.
    Each resend is counted (`resent`) and its time is in the request's time."""
    from urllib3.util.retry import Retry

    # urllib3 counts "Connection aborted." (no status line: RemoteDisconnected, a reset)
    # as a read error; connect=0 keeps refused connections errors, and the client sets no
    # timeouts, so there is no read timeout to resend.
    return Retry(
        total=1,
        connect=0,
        read=1,
        status=0,
        other=0,
        redirect=False,
        allowed_methods=None,
        raise_on_status=False,
    )


def resends_of(response) -> int:
    """How many times the client sent this request again (browser_like_resend)."""
    retries = getattr(getattr(response, "raw", None), "retries", None)
    return len(retries.history) if retries is not None else 0


def _csrf(page: str) -> str | None:
    found = CSRF_INPUT.search(page)
    token = VALUE.search(found.group(0)) if found else None
    return html.unescape(token.group(1)) if token else None


class _Failed(Exception):
    """The learner cannot go on: an unexpected page (counted as an error here)."""


class _RequestFailed(_Failed):
    """The learner cannot go on: a request failed (already counted as an error)."""


@dataclass
class _Plan:
    users: int
    factor: float
    think: tuple[float, float]
    spawn_window_s: float
    release_window_s: float
    t0: float
    exam_start: float
    seed: int
    learners: list[LearnerRecord]
    samples: dict[str, list[float]] = field(default_factory=dict)
    stamps: list[float] = field(default_factory=list)  # time.time() of each response
    errors: list[str] = field(default_factory=list)  # the first 50 messages
    error_count: int = 0
    errors_by_kind: dict[str, int] = field(default_factory=dict)  # every failed request
    resent: int = 0
    done: int = 0

    def rng(self, index: int) -> random.Random:
        return random.Random(self.seed * 1_000_003 + index)


def _journey(user, plan: _Plan, record: LearnerRecord) -> None:
    """One learner's exam day, every request checked (an unexpected answer ends it)."""
    rng = plan.rng(record.index)
    client = user.client
    client.get_adapter(user.host).max_retries = browser_like_resend()
    slug = record.course

    def call(kind, method, path, expect, check=None, **kwargs):
        with client.request(
            method, path, name=kind, catch_response=True, allow_redirects=False, **kwargs
        ) as response:
            plan.resent += resends_of(response)
            problem = None
            if response.status_code != expect:
                problem = f"status {response.status_code}, expected {expect}"
                if response.status_code == 0:  # no answer: say what the client saw instead
                    problem += f" ({type(getattr(response, 'error', None)).__name__}: "
                    problem += f"{str(getattr(response, 'error', ''))[:160]})"
                location = response.headers.get("Location")
                if location:
                    problem += f" (to {location})"
            elif check is not None:
                problem = check(response)
            if problem:
                response.failure(problem)
                raise _RequestFailed(f"{kind} {path}: {problem}")
            response.success()
            return response

    def redirect_to(pattern):
        def check(response):
            location = response.headers.get("Location", "")
            return None if re.search(pattern, location) else f"redirected to {location!r}"

        return check

    def contains(text):
        return lambda response: None if text in response.text else f"no {text!r} on the page"

    # Arrival: spread over the spawn window before the start.
    _sleep_until(plan.t0 + rng.uniform(0, plan.spawn_window_s) * plan.factor)
    page = call("sign-in page", "GET", "/auth/login", 200).text
    token = _csrf(page)
    if token is None:
        raise _Failed("sign-in page: no CSRF token")
    call(
        "sign-in POST",
        "POST",
        "/auth/login",
        302,
        redirect_to(r"^(?!.*/auth/login)"),
        data={
            "login": record.employee_no,
            "password": password_of(record.index),
            "csrf_token": token,
            "next": "",
        },
    )
    call("course page", "GET", f"/courses/{slug}", 200, contains(f"/courses/{slug}/lessons/1"))
    for number in (1, 2):
        lesson = call("lesson", "GET", f"/courses/{slug}/lessons/{number}", 200)
        token = _csrf(lesson.text)
        read_path = f"/courses/{slug}/lessons/{number}/read"
        if token is None or read_path not in lesson.text:
            raise _Failed(f"lesson {number}: no 下一课/完成本课 form")
        then = rf"/courses/{slug}/lessons/2$" if number == 1 else rf"/courses/{slug}(/evaluate)?$"
        call("lesson read", "POST", read_path, 302, redirect_to(then), data={"csrf_token": token})
    # The course page again: its start form (after reading, the exam is open).
    page = call("course page", "GET", f"/courses/{slug}", 200, contains(f"/quiz/{slug}/start"))
    token = _csrf(_after(page.text, f"/quiz/{slug}/start"))
    # The synchronised start, released over the release window.
    _sleep_until(plan.exam_start + rng.uniform(0, plan.release_window_s) * plan.factor)
    started = call(
        "start",
        "POST",
        f"/quiz/{slug}/start",
        302,
        redirect_to(r"/quiz/attempt/\d+$"),
        data={"csrf_token": token},
    )
    attempt_path = re.search(r"/quiz/attempt/\d+$", started.headers["Location"]).group(0)
    record.attempt_id = int(ATTEMPT_PATH.search(attempt_path).group(1))
    page = call("exam page", "GET", attempt_path, 200, contains('class="quiz-form"')).text
    form = QUIZ_FORM.search(page)
    token = _csrf(page)
    if form is None or token is None:
        raise _Failed(f"{attempt_path}: no exam form")
    confirm_path, save_path = html.unescape(form.group(1)), html.unescape(form.group(2))
    positions = [int(i) for i in FIELDSET.findall(page)]
    options: dict[int, list[tuple[str, str, str]]] = {}
    for name, value, text in RADIO.findall(page):
        options.setdefault(int(name[1:]), []).append((name, html.unescape(value), text))
    record.questions = len(positions)
    if not 10 <= len(positions) <= 16 or set(options) != set(positions):
        raise _Failed(f"{attempt_path}: {len(positions)} questions, {len(options)} answerable")
    always_right = slug == COMPLETING_COURSE  # they pass: the course completes

    def form_fields() -> list[tuple[str, str]]:
        # As the page's FormData: the token, then each question's hidden `shown` and the
        # checked option, in page order.
        fields = [("csrf_token", token)]
        for position in positions:
            fields.append(("shown", str(position)))
            if position in record.answers:
                fields.append(tuple(record.answers[position]))
        return fields

    for position in positions:
        _sleep(rng.uniform(*plan.think) * plan.factor)
        choices = options[position]
        right = [c for c in choices if _is_right(c[2])]
        pick = right[0] if right and (always_right or rng.random() < 0.85) else rng.choice(choices)
        record.answers[position] = [pick[0], pick[1]]

        def saved(response, position=position):
            try:
                data = response.json()
            except ValueError:
                return "not JSON"
            state = (data.get("questions") or {}).get(str(position), {}).get("state")
            return None if data.get("saved") and state == "answered" else f"answer: {data}"

        call(
            "autosave",
            "POST",
            save_path,
            200,
            saved,
            files=[(name, (None, value)) for name, value in form_fields()],
            headers={"Accept": "application/json", "X-CSRFToken": token},
        )
    # 交卷: the exam form to the confirmation step, then that page's own form.
    confirm = call(
        "confirm", "POST", confirm_path, 200, contains("/submit"), data=form_fields()
    ).text
    submit_form = SUBMIT_FORM.search(confirm)
    token = _csrf(_after(confirm, "/submit"))
    if submit_form is None or token is None:
        raise _Failed(f"{confirm_path}: no submit form")
    done = call(
        "submit",
        "POST",
        submit_form.group(1),
        302,
        redirect_to(rf"{attempt_path}/result$"),
        data={"csrf_token": token},
    )
    record.submitted_at = time.time()
    call("result", "GET", done.headers["Location"], 200)
    record.finished = True


def _after(page: str, marker: str) -> str:
    at = page.find(marker)
    return page[at:] if at >= 0 else page


def _is_right(text: str) -> bool:
    found = OPTION_TEXT.search(text)
    return bool(found) and int(found.group(2)) == _correct_option(int(found.group(1)))


def _sleep(seconds: float) -> None:
    if seconds > 0:
        time.sleep(seconds)  # gevent's, once Locust has patched the standard library


def _sleep_until(moment: float) -> None:
    _sleep(moment - time.time())


# --- running it -----------------------------------------------------------------------------


def run(
    base_url: str,
    users: int,
    time_factor: float = 1.0,
    think: tuple[float, float] = (30, 90),
    spawn_window_s: float = 900,
    release_window_s: float = 180,
    *,
    watched: Watched | None = None,
    seed: int = 26,
    timeout_s: float | None = None,
    progress: Callable[[str], None] | None = print,
) -> ExamDayReport:
    """Simulate `users` learners (ED00000...) against base_url with Locust, in this process.

    Times are scaled by time_factor (1.0: arrivals over 15 min, the start released over
    3 min, 30-90 s per question: ~35 min). `watched`: local processes whose CPU and memory
    the report gives (the runner passes its gunicorn, job worker and postgres).
    """
    import gevent
    from locust import HttpUser, constant, events, task
    from locust.env import Environment
    from locust.exception import StopUser

    base_url = base_url.rstrip("/")
    report = ExamDayReport(
        base_url, users, time_factor, tuple(think), spawn_window_s, release_window_s
    )
    t0 = time.time() + 2.0  # time to spawn the users
    plan = _Plan(
        users=users,
        factor=time_factor,
        think=tuple(think),
        spawn_window_s=spawn_window_s,
        release_window_s=release_window_s,
        t0=t0,
        exam_start=t0 + spawn_window_s * time_factor,
        seed=seed,
        learners=[LearnerRecord(i, employee_no(i), course_of(i)) for i in range(users)],
        samples={kind: [] for kind in KINDS},
    )
    next_index = itertools.count()
    lock = threading.Lock()

    class Learner(HttpUser):
        host = base_url
        wait_time = constant(0)

        @task
        def exam_day(self):
            with lock:
                index = next(next_index)
            if index >= users:
                raise StopUser()
            record = plan.learners[index]
            try:
                _journey(self, plan, record)
            except _RequestFailed as failure:
                record.failure = str(failure)
            except _Failed as failure:
                record.failure = str(failure)
                plan.error_count += 1
                plan.errors.append(f"{record.employee_no}: {record.failure}")
            except Exception as error:  # a socket error, a parse error: also an error
                record.failure = f"{type(error).__name__}: {error}"
                plan.error_count += 1
                plan.errors.append(f"{record.employee_no}: {record.failure}")
            finally:
                plan.done += 1
            raise StopUser()

    def on_request(request_type, name, response_time, exception=None, **_kwargs):
        plan.samples.setdefault(name, []).append(response_time)
        plan.stamps.append(time.time())
        if exception is not None:
            plan.error_count += 1
            plan.errors_by_kind[name] = plan.errors_by_kind.get(name, 0) + 1
            if len(plan.errors) < 50:
                plan.errors.append(f"{name}: {exception}")

    environment = Environment(user_classes=[Learner], events=events)
    environment.events.request.add_listener(on_request)
    watcher = _Watcher(watched or Watched())
    sampler = gevent.spawn(_sample_loop, watcher)
    own_start = _own_cpu()
    started = time.monotonic()
    report.started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=max(users, 1))
    exam_length = (
        spawn_window_s + release_window_s + max(q for _, q, _ in COURSES.values()) * think[1]
    ) * time_factor
    deadline = time.monotonic() + (timeout_s or exam_length * 1.5 + 120)
    last_note = 0.0
    try:
        while plan.done < users and time.monotonic() < deadline:
            gevent.sleep(0.5)
            if progress and time.monotonic() - last_note > 30:
                last_note = time.monotonic()
                progress(
                    f"exam day: {time.monotonic() - started:.0f} s, {plan.done}/{users} done, "
                    f"{sum(len(v) for v in plan.samples.values())} requests, "
                    f"{plan.error_count} errors"
                )
        if plan.done < users:
            plan.error_count += users - plan.done
            plan.errors.append(f"{users - plan.done} learners still busy when the time ran out")
    finally:
        runner.quit()
        environment.events.request.remove_listener(on_request)
        watcher.finish(report)
        sampler.kill()
    report.elapsed_s = time.monotonic() - started
    report.load_generator_cpu_s = _own_cpu() - own_start
    _fill(report, plan)
    return report


def _sample_loop(watcher: _Watcher) -> None:
    import gevent

    while True:
        watcher.sample()
        gevent.sleep(2.0)


def _own_cpu() -> float:
    times = os.times()
    return times.user + times.system


def _fill(report: ExamDayReport, plan: _Plan) -> None:
    for kind in KINDS:
        values = sorted(plan.samples.get(kind, []))
        report.kinds[kind] = KindFigures(
            kind,
            len(values),
            0,
            _percentile(values, 0.50),
            _percentile(values, 0.95),
            _percentile(values, 0.99),
            values[-1] if values else 0.0,
            statistics.fmean(values) if values else 0.0,
        )
    for kind, count in plan.errors_by_kind.items():
        if kind in report.kinds:
            report.kinds[kind].errors = count
    report.requests = sum(f.count for f in report.kinds.values())
    report.error_count = plan.error_count
    report.errors = plan.errors[:50]
    report.resent = plan.resent
    report.requests_per_s = report.requests / report.elapsed_s if report.elapsed_s else 0.0
    report.learners = plan.learners
    report.learners_finished = sum(1 for r in plan.learners if r.finished)
    # The busiest 10 s (responses, time-stamped as they arrived)
    stamps = sorted(plan.stamps)
    best, low = 0, 0
    for high, moment in enumerate(stamps):
        while stamps[low] < moment - 10:
            low += 1
        best = max(best, high - low + 1)
    report.peak_requests_per_s = best / 10


# --- checking the database after the run ------------------------------------------------------


def check(
    database_url: str,
    report: ExamDayReport,
    *,
    certificate_within_s: float = CERTIFICATE_WITHIN_S,
    poll_s: float = 2.0,
) -> list[str]:
    """Problems found in the database after `run` (an empty list: nothing lost).

    - every answer each learner sent is stored: the graded attempt's responses are those
      the app reads from the form the learner sent (its own `read_answers`);
    - every attempt graded exactly once, closed by the learner, one attempt per learner;
    - every learner who passed on the completing course has its certificate within
      `certificate_within_s` of the last submit (polled), and none on the other course.
    Also fills the report's certificate figures.
    """
    import sqlalchemy as sa
    from werkzeug.datastructures import MultiDict

    from trainer.extensions import db
    from trainer.models import Certificate, CourseRecord, QuizAttempt, QuizResult, User
    from trainer.quizzes.answers import ANSWERED, read_answers
    from trainer.quizzes.service import drawn_questions

    problems: list[str] = []
    app = _app(database_url)
    with app.app_context():
        courses = dict(
            db.session.execute(
                sa.select(CourseRecord.slug, CourseRecord.id).where(
                    CourseRecord.slug.in_(list(COURSES))
                )
            ).all()
        )
        users = dict(
            db.session.execute(
                sa.select(User.employee_no, User.id).where(
                    User.employee_no.in_([r.employee_no for r in report.learners])
                )
            ).all()
        )
        passed_completing: dict[int, datetime] = {}  # user id -> graded at
        for record in report.learners:
            if record.failure and record.attempt_id is None:
                problems.append(f"{record.employee_no}: did not reach the exam ({record.failure})")
                continue
            user_id = users.get(record.employee_no)
            attempts = db.session.scalars(
                sa.select(QuizAttempt).where(
                    QuizAttempt.user_id == user_id,
                    QuizAttempt.course_id == courses.get(record.course),
                )
            ).all()
            if [a.id for a in attempts] != [record.attempt_id]:
                problems.append(
                    f"{record.employee_no}: attempts {[a.id for a in attempts]} in the "
                    f"database, started {record.attempt_id}"
                )
                continue
            attempt = attempts[0]
            results = db.session.scalars(
                sa.select(QuizResult).where(QuizResult.attempt_id == attempt.id)
            ).all()
            if record.submitted_at is None:
                problems.append(f"{record.employee_no}: did not submit ({record.failure})")
            if len(results) != 1:
                problems.append(
                    f"{record.employee_no}: attempt {attempt.id} graded {len(results)} times"
                )
                continue
            result = results[0]
            if result.closed_by != "learner":
                problems.append(f"{record.employee_no}: closed by {result.closed_by}")
            sent = MultiDict()
            for position, (name, value) in record.answers.items():
                sent.add("shown", str(position))
                sent.add(name, value)
            expected = {
                a.question_id: a.value
                for a in read_answers(drawn_questions(attempt), sent)
                if a.state == ANSWERED
            }
            stored = {
                entry["id"]: entry.get("response")
                for entry in result.per_question
                if entry.get("response") is not None
            }
            if stored != expected:
                lost = sorted(q for q in expected if stored.get(q) != expected[q])
                extra = sorted(q for q in stored if q not in expected)
                problems.append(
                    f"{record.employee_no}: attempt {attempt.id}: answers sent but not stored "
                    f"as sent: {lost}; stored but not sent: {extra}"
                )
            if record.course == COMPLETING_COURSE and result.passed:
                passed_completing[user_id] = result.graded_at
            elif record.course == COMPLETING_COURSE:
                problems.append(f"{record.employee_no}: failed the completing course's exam")
        db.session.remove()

        report.certificates_expected = len(passed_completing)
        submits = [r.submitted_at for r in report.learners if r.submitted_at]
        deadline = (max(submits) if submits else time.time()) + certificate_within_s
        issued: dict[int, datetime] = {}
        completing_id = courses.get(COMPLETING_COURSE)
        while True:
            rows = db.session.execute(
                sa.select(Certificate.user_id, Certificate.issued_at).where(
                    Certificate.course_id == completing_id,
                    Certificate.user_id.in_(list(passed_completing) or [-1]),
                )
            ).all()
            db.session.remove()
            issued = {row.user_id: row.issued_at for row in rows}
            if len(issued) >= len(passed_completing) or time.time() > deadline:
                break
            time.sleep(poll_s)
        missing = sorted(set(passed_completing) - set(issued))
        if missing:
            problems.append(
                f"{len(missing)} of {len(passed_completing)} certificates not issued within "
                f"{certificate_within_s:.0f} s of the last submit (user ids {missing[:10]})"
            )
        assessed = db.session.scalar(
            sa.select(sa.func.count(Certificate.id)).where(
                Certificate.course_id == courses.get(ASSESSED_COURSE),
                Certificate.user_id.in_(list(users.values()) or [-1]),
            )
        )
        if assessed:
            problems.append(f"{assessed} certificates for {ASSESSED_COURSE}, which is not complete")
        db.session.remove()
        db.engine.dispose()
    report.certificates_issued = len(issued)
    delays = sorted(
        (issued[u] - graded).total_seconds()
        for u, graded in passed_completing.items()
        if u in issued
    )
    if delays:
        report.certificate_delay_p50_s = statistics.median(delays)
        report.certificate_delay_max_s = delays[-1]
        last_graded = max(passed_completing.values())
        report.last_submit_to_last_certificate_s = (
            max(issued.values()) - last_graded
        ).total_seconds()
    return problems


# --- command line: run and check in a process of its own ----------------------------------------


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--database-url", required=True)
    p.add_argument("--users", type=int, required=True)
    p.add_argument("--content-dir")
    r = sub.add_parser("run", help="run, then check the database; JSON report to --out")
    r.add_argument("--base-url", required=True)
    r.add_argument("--users", type=int, required=True)
    r.add_argument("--factor", type=float, default=1.0)
    r.add_argument("--database-url", help="check() this database afterwards")
    r.add_argument("--server-pid", type=int, action="append", default=[])
    r.add_argument("--worker-pid", type=int, action="append", default=[])
    r.add_argument("--database-process", action="append", default=[])
    r.add_argument("--certificate-within", type=float, default=CERTIFICATE_WITHIN_S)
    r.add_argument("--out")
    args = parser.parse_args(argv)
    if args.command == "prepare":
        seed = prepare(args.database_url, args.users, content_dir=args.content_dir)
        print(json.dumps(asdict(seed)))
        return 0
    report = run(
        args.base_url,
        args.users,
        args.factor,
        watched=Watched(
            tuple(args.server_pid), tuple(args.worker_pid), tuple(args.database_process)
        ),
    )
    problems = (
        check(args.database_url, report, certificate_within_s=args.certificate_within)
        if args.database_url
        else []
    )
    payload = {"report": json.loads(report.to_json()), "problems": problems}
    if args.out:
        Path(args.out).write_text(json.dumps(payload, ensure_ascii=False, indent=1))
    print(
        f"exam day: {report.requests} requests, {report.error_count} errors, "
        f"{len(problems)} problems",
        flush=True,
    )
    for problem in problems[:20]:
        print("  problem:", problem)
    return 0 if not report.error_count and not problems else 1


if __name__ == "__main__":
    sys.exit(main())

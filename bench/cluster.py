"""Several trainer hosts on one machine, for the multi-host test (tests/deploy) and the
exam-day benchmark's multi-host run (bench/examday): nginx (Debian's package) in front of app
servers (gunicorn with deploy/gunicorn.conf.py), a job worker and the scheduler, each a
process group of its own with its output in a log file, against one PostgreSQL database (or
schema) and one Redis queue of the run's own."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEPLOY = PROJECT_ROOT / "deploy"
NGINX_SITE = DEPLOY / "nginx" / "trainer.conf"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
HOST = "127.0.0.1"
# nginx's access log: enough to tell which app server answered each request, and when.
NGINX_LOG_FORMAT = (
    'log_format trainer_test \'$msec $request_id $status "$upstream_addr" '
    '"$upstream_status" $request_method $uri\';'
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def venv_tool(name: str) -> str:
    return str(Path(sys.executable).parent / name)


@dataclass
class Process:
    """A child in a process group of its own (gunicorn's workers, nginx's workers go with it)."""

    name: str
    command: list[str]
    log: Path
    env: dict[str, str]
    popen: subprocess.Popen | None = None

    def start(self) -> Process:
        with self.log.open("ab") as stream:
            self.popen = subprocess.Popen(
                self.command,
                cwd=PROJECT_ROOT,
                env=self.env,
                stdout=stream,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        return self

    @property
    def running(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def send(self, signum: int) -> None:
        if self.popen is not None:
            try:
                os.killpg(self.popen.pid, signum)
            except ProcessLookupError:
                pass

    def stop(self, signum: int = signal.SIGTERM, grace: float = 15.0) -> int | None:
        """Signal the group, wait for the leader, then KILL whatever of the group is left."""
        if self.popen is None:
            return None
        if self.popen.poll() is None:
            self.send(signum)
            try:
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                pass
        self.send(signal.SIGKILL)  # workers a dead or hung leader left behind
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        return self.popen.returncode

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log.read_text(errors="replace").splitlines()
        except OSError:
            return ""
        return f"--- {self.name} ({self.log}) ---\n" + "\n".join(text[-lines:])


@dataclass
class Cluster:
    """Every process of the installation; stop_all() in a finalizer stops them all."""

    workdir: Path
    env: dict[str, str]
    processes: list[Process] = field(default_factory=list)

    def spawn(self, name: str, command: list[str], extra_env: dict[str, str] | None = None):
        env = dict(self.env, **(extra_env or {}))
        process = Process(name, command, self.workdir / f"{name}.log", env).start()
        self.processes.append(process)
        return process

    def flask(self, *args: str, timeout: float = 120) -> str:
        """A `flask trainer ...` command run to its end (set-up steps)."""
        result = subprocess.run(
            [venv_tool("flask"), "--app", "app", *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout + result.stderr

    def app_server(self, name: str, port: int) -> Process:
        return self.spawn(
            name,
            [venv_tool("gunicorn"), "-c", str(GUNICORN_CONF), "app:app"],
            {"TRAINER_WEB_HOST": HOST, "TRAINER_WEB_PORT": str(port)},
        )

    def job_worker(self, name: str = "worker") -> Process:
        return self.spawn(
            name,
            [venv_tool("flask"), "--app", "app", "trainer", "worker", "--no-scheduler"],
        )

    def scheduler(self) -> Process:
        return self.spawn("scheduler", [venv_tool("flask"), "--app", "app", "trainer", "scheduler"])

    def nginx(self, port: int, app_ports: list[int], connections: int = 1024) -> Process:
        conf = write_nginx_conf(self.workdir / "nginx", port, app_ports, connections)
        return self.spawn(
            "nginx",
            [nginx_binary(), "-p", str(conf.parent), "-c", str(conf), "-g", "daemon off;"],
        )

    def stop_all(self) -> None:
        for process in reversed(self.processes):  # nginx first, the app servers last
            graceful = (
                signal.SIGINT if process.name.startswith(("worker", "sched")) else signal.SIGTERM
            )
            process.stop(graceful)

    def logs(self) -> str:
        return "\n".join(process.log_tail() for process in self.processes)


def nginx_binary() -> str:
    return shutil.which("nginx") or "/usr/sbin/nginx"


def site_config(port: int, app_ports: list[int], static_dir: Path) -> str:
    """deploy/nginx/trainer.conf with this run's ports and folders put in."""
    site = NGINX_SITE.read_text(encoding="utf-8")
    upstreams = re.findall(r"^\s*server 127\.0\.0\.1:(\d+)", site, flags=re.M)
    assert len(upstreams) == len(app_ports), f"deploy/nginx/trainer.conf upstreams: {upstreams}"
    for written, actual in zip(upstreams, app_ports, strict=True):
        site = site.replace(f"server 127.0.0.1:{written} ", f"server 127.0.0.1:{actual} ", 1)
    assert "listen 80;" in site and "/srv/trainer/trainer/static/" in site
    site = site.replace("listen 80;", f"listen {HOST}:{port};")
    return site.replace("/srv/trainer/trainer/static/", f"{static_dir}/")


def write_nginx_conf(
    folder: Path, port: int, app_ports: list[int], connections: int = 1024
) -> Path:
    """A whole nginx.conf around the site: every path inside `folder` (no root-owned file is
    written), logs there, in the foreground. `connections`: nginx's worker_connections, which
    counts each learner's open (kept-alive) connection and each request's one to an app
    server, so an exam room of N learners needs a little over N."""
    folder.mkdir(parents=True, exist_ok=True)
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / temp).mkdir(exist_ok=True)
    # As root nginx's workers would switch to `nobody`, who cannot read pytest's 0700 temp
    # folders: keep them as the user running the test.
    user = "user root root;" if os.geteuid() == 0 else ""
    conf = folder / "nginx.conf"
    conf.write_text(
        f"""{user}
worker_processes 1;
worker_rlimit_nofile {connections + 64};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections {connections}; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    {NGINX_LOG_FORMAT}
    access_log {folder}/access.log trainer_test;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
{site_config(port, app_ports, PROJECT_ROOT / "trainer" / "static")}
}}
""",
        encoding="utf-8",
    )
    return conf


@dataclass(frozen=True)
class AccessLine:
    at: float
    request_id: str
    status: int
    upstreams: tuple[str, ...]  # every app server tried, in order ("-" for static files)
    method: str
    path: str


def read_access_log(path: Path) -> list[AccessLine]:
    pattern = re.compile(r'^(\S+) (\S+) (\d+) "([^"]*)" "([^"]*)" (\S+) (\S+)$')
    lines = []
    for text in path.read_text(encoding="utf-8", errors="replace").splitlines():
        match = pattern.match(text)
        if match is None:
            continue
        at, rid, status, upstream, _ustatus, method, uri = match.groups()
        upstreams = tuple(part.strip() for part in re.split(r"[,:] ", upstream))
        lines.append(AccessLine(float(at), rid, int(status), upstreams, method, uri))
    return lines


def get(port: int, path: str, timeout: float = 5.0) -> int:
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def wait_until_answering(process: Process, port: int, path: str, timeout: float = 60) -> None:
    """Until GET `path` on the port answers 200 (/readyz: the database, Redis and the queue
    answer and the migrations are current)."""
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if not process.running:
            raise RuntimeError(f"{process.name} exited early\n{process.log_tail()}")
        try:
            status = get(port, path)
            if status == 200:
                return
            last = f"status {status}"
        except OSError as error:
            last = str(error)
        time.sleep(0.3)
    raise RuntimeError(f"{process.name}: {path} not answering after {timeout} s ({last})")


@dataclass
class Installation:
    """A started installation: stop it with `cluster.stop_all()`."""

    cluster: Cluster
    nginx_port: int
    app_ports: list[int]
    servers: list[Process]
    database_url: str

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.nginx_port}"

    @property
    def access_log(self) -> Path:
        return self.cluster.workdir / "nginx" / "access.log"

    def process(self, name: str) -> Process:
        return next(p for p in self.cluster.processes if p.name == name)


def installation_environment(
    database_url: str, redis_url: str, run_id: str, content_dir: str | Path, nginx_port: int
) -> dict[str, str]:
    """Every host's settings, as deploy/trainer.env.example has them: one database, one
    Redis (the queue and the rate-limit counters named after `run_id`, so two runs side by
    side never meet), one secret key, nginx as the one trusted proxy."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("TRAINER_")}
    env.update(
        FLASK_APP="app",
        PYTHONDONTWRITEBYTECODE="1",
        TRAINER_DATABASE_URL=database_url,
        TRAINER_REDIS_URL=redis_url,
        TRAINER_JOBS_QUEUE_NAME=f"trainer-{run_id}",
        TRAINER_RATELIMIT_KEY_PREFIX=run_id,
        # One key for every host: a session made on one app server is good on the other.
        TRAINER_SECRET_KEY=secrets.token_hex(32),
        TRAINER_TRUSTED_PROXIES="1",
        TRAINER_BASE_URL=f"http://{HOST}:{nginx_port}",
        TRAINER_CONTENT_DIR=str(content_dir),
        # One worker process of 4 threads per app server: the "hosts" share this machine's
        # cores, so two servers have as many threads as `make run`'s one.
        TRAINER_WEB_WORKERS="1",
        TRAINER_WEB_THREADS="4",
    )
    return env


def start_installation(
    workdir: Path,
    database_url: str,
    redis_url: str,
    run_id: str,
    content_dir: str | Path,
    *,
    app_servers: int = 2,
    connections: int = 1024,
    extra_env: dict[str, str] | None = None,
) -> Installation:
    """nginx, `app_servers` app servers, a job worker and the scheduler, started and
    answering /readyz (the database is migrated and its content synced beforehand, e.g. by
    bench.examday.scenario.prepare). On failure every process started is stopped again."""
    workdir.mkdir(parents=True, exist_ok=True)
    nginx_port, *app_ports = (free_port() for _ in range(app_servers + 1))
    env = installation_environment(database_url, redis_url, run_id, content_dir, nginx_port)
    env.update(extra_env or {})
    cluster = Cluster(workdir, env)
    try:
        servers = [
            cluster.app_server(f"web{index}", port) for index, port in enumerate(app_ports, start=1)
        ]
        cluster.job_worker("worker1")
        cluster.scheduler()
        nginx = cluster.nginx(nginx_port, app_ports, connections)
        for server, port in zip(servers, app_ports, strict=True):
            wait_until_answering(server, port, "/readyz")
        wait_until_answering(nginx, nginx_port, "/readyz", timeout=15)
    except BaseException:
        cluster.stop_all()
        print(cluster.logs())
        raise
    return Installation(cluster, nginx_port, app_ports, servers, database_url)


def forget_redis_keys(redis_url: str, run_id: str) -> None:
    """Delete a run's keys (its queue, its rate-limit counters) and no other."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
    try:
        for key in client.scan_iter(match=f"*{run_id}*", count=1000):
            client.delete(key)
    finally:
        client.close()

"""deploy/'s scaled-out deployment on this machine: workers, nginx, a database.

``deploy/start-workers K`` on PostgreSQL with Redis as the message queue,
the site ``deploy/render-nginx`` prints, served by an nginx of our own in the
foreground on a free loopback port, and ``deploy/stop-workers`` at the end:
the deployment docs/deploy.md walks through, started the way it says.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil
import psycopg

from .host import BENCH_TRAINER
from .ports import free_port, free_ports
from .server import ROOT, ServerProcess, add_trainer, database_figures, phase_costs

DEPLOY = ROOT / "deploy"
# A fresh database is made here when --database-url is not given, and dropped afterwards.
FRESH_SERVER = "postgresql://postgres@127.0.0.1:5432"


@contextmanager
def database(url: str) -> Iterator[str]:
    """The database given, else a fresh one on the local PostgreSQL, dropped at the end."""
    if url:
        yield url
        return
    name = f"too_sandy_bench_{secrets.token_hex(4)}"
    with psycopg.connect(f"{FRESH_SERVER}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://{FRESH_SERVER.split('://', 1)[1]}/{name}"
    finally:
        with psycopg.connect(f"{FRESH_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_healthy(url: str, alive, what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not alive():
            raise RuntimeError(f"{what} exited early")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer within {timeout} s")


class Nginx:
    """nginx in the foreground, serving deploy/render-nginx's site on a loopback port."""

    def __init__(self, run_dir: Path) -> None:
        self.dir = run_dir / "nginx"
        self.dir.mkdir(parents=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None

    def start(self, worker_ports: list[int]) -> None:
        site = subprocess.run([str(DEPLOY / "render-nginx"), f"127.0.0.1:{self.port}", *map(str, worker_ports)],
                              capture_output=True, text=True, check=True).stdout
        (self.dir / "too-sandy.conf").write_text(site)
        temp = " ".join(f"{kind}_temp_path {self.dir / kind};" for kind in
                        ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        # Two connections a phone (to the phone, to its worker), a thousand phones and more.
        (self.dir / "nginx.conf").write_text(
            "daemon off;\nworker_processes 1;\nworker_rlimit_nofile 20000;\n"
            + ("user root;\n" if os.geteuid() == 0 else "")
            + f"pid {self.dir / 'nginx.pid'};\nerror_log {self.dir / 'error.log'} error;\n"
            "events { worker_connections 10000; }\n"
            f"http {{ access_log off; {temp}\n  include {self.dir / 'too-sandy.conf'}; }}\n"
        )
        binary = next((p for p in ("/usr/sbin/nginx", "/usr/bin/nginx") if Path(p).exists()), "nginx")
        self.process = subprocess.Popen(
            [binary, "-p", str(self.dir), "-e", str(self.dir / "startup.log"), "-c", str(self.dir / "nginx.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )
        wait_healthy(self.url, lambda: self.process.poll() is None, "nginx")

    def cpu_s(self) -> float:
        """The master's and its worker's CPU so far (nginx is started afresh for each run)."""
        try:
            master = psutil.Process(self.process.pid)
            times = [p.cpu_times() for p in (master, *master.children())]
        except (psutil.Error, AttributeError):
            return 0.0
        return round(sum(t.user + t.system for t in times), 1)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: what `nginx -s quit` sends
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def problems(self) -> list[str]:
        log = self.dir / "error.log"
        return [f"nginx: {line}" for line in log.read_text(errors="replace").splitlines()] if log.exists() else []


class Deployment:
    """``workers`` Too Sandy workers behind nginx.

    With ``queue`` they are deploy/start-workers's, sharing Redis; without,
    one ``python wsgi.py`` and no message queue (start-workers insists on one).
    """

    def __init__(self, workdir: Path, env: dict[str, str], workers: int, queue: bool) -> None:
        self.run_dir = workdir / "deploy"
        self.count, self.queue = workers, queue
        self.nginx = Nginx(self.run_dir)
        self.url = self.nginx.url
        self.base = free_ports(workers)
        self.env = {**os.environ, **env, "TRAINER_PUBLIC_URL": self.url, "WORKERS_BASE_PORT": str(self.base),
                    "WORKERS_RUN_DIR": str(self.run_dir), "PYTHON": sys.executable,
                    "TRAINER_LOG_LEVEL": "INFO"}
        if not queue:
            self.env.pop("TRAINER_MESSAGE_QUEUE", None)
        self.single: ServerProcess | None = None
        self.pids: list[int] = []
        self.nginx_cpu_s = 0.0

    def start(self) -> Deployment:
        try:
            ports = self._start_workers() if self.queue else self._start_single()
            self.nginx.start(ports)
        except BaseException:
            self.stop()
            raise
        return self

    def _start_workers(self) -> list[int]:
        add_trainer(self.env, *BENCH_TRAINER)
        done = subprocess.run([str(DEPLOY / "start-workers"), str(self.count)], env=self.env,
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0:
            raise RuntimeError(f"deploy/start-workers failed:\n{done.stderr}\n" + "\n".join(self.problems()))
        self.pids = self._pid_files()
        return [self.base + i for i in range(self.count)]

    def _start_single(self) -> list[int]:
        self.single = ServerProcess(self.run_dir, env={k: v for k, v in self.env.items() if k.startswith("TRAINER_")})
        self.single.start()
        self.pids = self.single.pids
        return [self.single.port]

    def _pid_files(self) -> list[int]:
        files = [self.run_dir / f"worker-{self.base + i}.pid" for i in range(self.count)]
        return [int(f.read_text()) for f in files if f.exists()]

    def stop(self) -> None:
        self.nginx_cpu_s = self.nginx.cpu_s()
        self.nginx.stop()
        if self.single:
            self.single.stop()
            return
        # Read the pid files before stop-workers deletes them, to wait for every worker to go.
        pids = self._pid_files() or self.pids
        subprocess.run([str(DEPLOY / "stop-workers")], env=self.env, timeout=30, check=False)
        for pid in pids:
            _wait_gone(pid)

    def _logs(self) -> list[Path]:
        return sorted(self.run_dir.glob("worker-*.log")) + sorted(self.run_dir.glob("server.log"))

    def phase_costs(self) -> dict[str, dict[str, float]]:
        """Each phase change is logged by the worker that made it."""
        return phase_costs([log.read_text(errors="replace") for log in self._logs()])

    def database_figures(self) -> dict[str, float] | None:
        return database_figures([log.read_text(errors="replace") for log in self._logs()])

    def problems(self) -> list[str]:
        """Each worker's ERROR lines and, for a traceback, the traceback itself (up to its last 40 lines)."""
        lines = []
        for log in self._logs():
            text = log.read_text(errors="replace").splitlines()
            errors = [line for line in text if "ERROR" in line]
            starts = [i for i, line in enumerate(text) if line.startswith("Traceback")]
            traceback = text[starts[-1]:][-40:] if starts else []
            lines += [f"{log.name}: {line}" for line in errors + traceback]
        return lines + self.nginx.problems()


def _wait_gone(pid: int) -> None:
    """stop-workers sends SIGTERM; a worker still there after 10 s gets SIGKILL."""
    try:
        worker = psutil.Process(pid)
        worker.wait(timeout=10)
    except psutil.TimeoutExpired:
        worker.kill()
    except psutil.Error:
        pass

"""The server under test in a subprocess, and psutil watching it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """``python wsgi.py`` (as shipped) or the bare floor server, on loopback."""

    def __init__(self, workdir: Path, *, floor: bool = False, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / ("floor.log" if floor else "server.log")
        self.floor = floor
        self.trainer_made = False
        if floor:
            self.argv = [sys.executable, "-m", "bench.floor", str(self.port)]
        else:
            self.argv = [sys.executable, str(ROOT / "wsgi.py")]
        self.env = {
            **os.environ,
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "TRAINER_DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "TRAINER_SECRET_KEY": "bench-only",
            "TRAINER_BACKUP_FOLDER": str(workdir / "backups"),
            "TRAINER_PUBLIC_URL": self.url,
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None

    def add_trainer(self, name: str, password: str) -> None:
        """The bench's trainer account, made the operator's way (the CLI) before the first start.

        A database given with ``--database-url`` is shared by every step and
        may come from an earlier run: an account already there gets the
        bench's password instead.
        """
        def flask_users(*args: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                [sys.executable, "-m", "flask", "--app", "trainer", "users", *args],
                cwd=ROOT, env=self.env, input=password + "\n", text=True, capture_output=True,
            )

        made = flask_users("create", name, "--role", "trainer")
        if made.returncode != 0 and flask_users("set-password", name).returncode != 0:
            raise RuntimeError(f"could not make the bench trainer:\n{made.stderr}")

    def start(self) -> ServerProcess:
        if not self.floor and not self.trainer_made:
            from .host import BENCH_TRAINER

            self.add_trainer(*BENCH_TRAINER)
            self.trainer_made = True
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                self.argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited early:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as answer:
                    if answer.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"server did not answer within 30 s:\n{self.log()}")

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def problems(self) -> list[str]:
        return [line for line in self.log().splitlines() if "Traceback" in line or "ERROR" in line]


class Monitor:
    """Samples a process's RSS and CPU time every ``interval`` seconds."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.proc = psutil.Process(pid)
        self.interval = interval
        self.peak_rss = 0
        self.marks: dict[str, dict[str, float]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Monitor:
        self.mark("start")
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.mark("end")
        self._stop.set()
        self._thread.join()

    def _sample(self) -> tuple[int, float]:
        rss = self.proc.memory_info().rss
        times = self.proc.cpu_times()
        self.peak_rss = max(self.peak_rss, rss)
        return rss, times.user + times.system

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._sample()
            except psutil.Error:
                return

    def mark(self, name: str) -> None:
        rss, cpu = self._sample()
        self.marks[name] = {"rss": rss, "cpu": cpu, "t": time.monotonic()}

    def cpu_between(self, first: str, last: str) -> float:
        return self.marks[last]["cpu"] - self.marks[first]["cpu"]

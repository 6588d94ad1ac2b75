"""The server under test in a subprocess, and psutil watching it."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import psutil

from .ports import free_port

ROOT = Path(__file__).resolve().parent.parent


# trainer/live/announce.py logs one of these for every phase change at INFO.
PHASE_LINE = re.compile(
    r"phase change: session \d+ round \d+ (?P<phase>\w+), (?P<phones>\d+) phones: reads (?P<reads>[\d.]+) ms, "
    r"snapshots (?P<snapshots>[\d.]+) ms, sent (?P<sent>[\d.]+) ms \(queued (?P<queued>[\d.]+) ms\), "
    r"projector (?P<projector>[\d.]+) ms"
)
STAGES = ("reads", "snapshots", "sent", "queued", "projector")
# trainer/database/stats.py logs one of these every few seconds at INFO, per worker.
DATABASE_LINE = re.compile(
    r"database: (?P<statements>\d+) statements/s, (?P<commits>\d+) commits/s, pool wait p95 "
    r"(?P<wait_p95>[\d.]+) ms \(max (?P<wait_max>[\d.]+) ms, [\d,]+ checkouts\), (?P<out>\d+)"
    r"(?: of \d+)? out at most; hub late p95 (?P<lag>[\d.]+) ms, held by brief waits (?P<held>\d+) ms/s"
    r"(?:, by (?P<collections>\d+) full collections (?P<collected>\d+) ms)?"
)


def phase_costs(texts: list[str]) -> dict[str, dict[str, float]]:
    """The server's own account of each phase change, median over rooms: where the time went."""
    found: dict[str, list[dict[str, float]]] = {}
    for text in texts:
        for match in PHASE_LINE.finditer(text):
            found.setdefault(match["phase"], []).append({k: float(match[k]) for k in STAGES})
    return {
        phase: {k: round(statistics.median(c[k] for c in changes), 1) for k in STAGES} | {"changes": len(changes)}
        for phase, changes in found.items()
    }


def database_figures(texts: list[str]) -> dict[str, float] | None:
    """The busiest interval's figures from the workers' database lines (trainer/database/stats.py)."""
    lines = [match for text in texts for match in DATABASE_LINE.finditer(text)]
    if not lines:
        return None
    return {
        "statements_per_s": max(int(m["statements"]) for m in lines),
        "commits_per_s": max(int(m["commits"]) for m in lines),
        "pool_wait_p95_ms": max(float(m["wait_p95"]) for m in lines),
        "pool_wait_max_ms": max(float(m["wait_max"]) for m in lines),
        "connections_out": max(int(m["out"]) for m in lines),
        "hub_late_p95_ms": max(float(m["lag"]) for m in lines),
        "brief_waits_ms_per_s": max(int(m["held"]) for m in lines),
        "full_collections": sum(int(m["collections"] or 0) for m in lines),
        "full_collection_ms": sum(int(m["collected"] or 0) for m in lines),
    }


def add_trainer(env: dict[str, str], name: str, password: str) -> None:
    """The bench's trainer account, made the operator's way (the CLI) before the first start.

    A database given with ``--database-url`` is shared by every step and
    may come from an earlier run: an account already there gets the
    bench's password instead.
    """
    def flask_users(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "flask", "--app", "trainer", "users", *args],
            cwd=ROOT, env=env, input=password + "\n", text=True, capture_output=True,
        )

    made = flask_users("create", name, "--role", "trainer")
    if made.returncode != 0 and flask_users("set-password", name).returncode != 0:
        raise RuntimeError(f"could not make the bench trainer:\n{made.stderr}")


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
            # A line for every phase change, saying where its time went.
            "TRAINER_LOG_LEVEL": "INFO",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None

    def start(self) -> ServerProcess:
        if not self.floor and not self.trainer_made:
            from .host import BENCH_TRAINER

            add_trainer(self.env, *BENCH_TRAINER)
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

    @property
    def pids(self) -> list[int]:
        return [self.pid]

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

    def phase_costs(self) -> dict[str, dict[str, float]]:
        return phase_costs([self.log()])

    def database_figures(self) -> dict[str, float] | None:
        return database_figures([self.log()])


class Monitor:
    """Samples the RSS and CPU time of one server process, or of every worker, every ``interval`` s.

    With several workers the marks hold the sums (one deployment's cost) and
    ``each`` the CPU of every worker, so an uneven spread shows.
    """

    def __init__(self, pids: int | list[int], interval: float = 0.2) -> None:
        self.procs = [psutil.Process(pid) for pid in ([pids] if isinstance(pids, int) else pids)]
        self.interval = interval
        self.peak_rss = 0
        self.marks: dict[str, dict] = {}
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

    def _sample(self) -> tuple[int, list[float]]:
        rss, each = 0, []
        for proc in self.procs:
            rss += proc.memory_info().rss
            times = proc.cpu_times()
            each.append(times.user + times.system)
        self.peak_rss = max(self.peak_rss, rss)
        return rss, each

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self._sample()
            except psutil.Error:
                return

    def mark(self, name: str) -> None:
        rss, each = self._sample()
        self.marks[name] = {"rss": rss, "cpu": sum(each), "each": each, "t": time.monotonic()}

    def cpu_between(self, first: str, last: str) -> float:
        return self.marks[last]["cpu"] - self.marks[first]["cpu"]

    def cpu_each_between(self, first: str, last: str) -> list[float]:
        return [round(b - a, 1) for a, b in zip(self.marks[first]["each"], self.marks[last]["each"], strict=True)]

"""Workers, nginx and python-socketio phones for the scale-out test."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests
import socketio
from live import ROOT

from bench.ports import free_port, free_ports

TIMEOUT = 30


def wait_for(predicate, what: str, timeout: float = TIMEOUT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Workers:
    """deploy/start-workers and deploy/stop-workers, with pids to kill one."""

    def __init__(self, run_dir: Path, env: dict[str, str], count: int = 2) -> None:
        self.run_dir, self.count = run_dir, count
        self.base = free_ports(2)
        self.ports = [self.base + i for i in range(count)]
        self.env = {**os.environ, **env, "WORKERS_BASE_PORT": str(self.base),
                    "WORKERS_RUN_DIR": str(run_dir), "PYTHON": sys.executable}

    def start(self) -> Workers:
        done = subprocess.run([str(ROOT / "deploy" / "start-workers"), str(self.count)], env=self.env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr + self.logs()
        return self

    def add_trainer(self) -> None:
        """The trainer account, made the operator's way: the CLI on the shared database."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "trainer", "users", "create", TRAINER[0], "--role", "trainer"],
            cwd=ROOT, env=self.env, input=TRAINER[1] + "\n", text=True, capture_output=True,
        )
        assert done.returncode == 0, done.stdout + done.stderr

    def pid(self, port: int) -> int:
        return int((self.run_dir / f"worker-{port}.pid").read_text())

    def kill(self, port: int) -> None:
        os.kill(self.pid(port), signal.SIGKILL)

    def stop(self) -> None:
        subprocess.run([str(ROOT / "deploy" / "stop-workers")], env=self.env, timeout=30, check=False)

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.run_dir.glob("worker-*.log")))


class Nginx:
    """Our own nginx on a loopback port, with the site deploy/render-nginx makes."""

    def __init__(self, run_dir: Path, worker_ports: list[int]) -> None:
        self.dir = run_dir / "nginx"
        self.dir.mkdir()
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        site = subprocess.run(
            [str(ROOT / "deploy" / "render-nginx"), f"127.0.0.1:{self.port}", *map(str, worker_ports)],
            capture_output=True, text=True, check=True,
        ).stdout
        (self.dir / "too-sandy.conf").write_text(site)
        temp = " ".join(f"{kind}_temp_path {self.dir / kind};" for kind in
                        ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        (self.dir / "nginx.conf").write_text(
            "daemon off;\n"
            + ("user root;\n" if os.geteuid() == 0 else "")
            + f"pid {self.dir / 'nginx.pid'};\nerror_log {self.dir / 'error.log'} warn;\n"
            "events { worker_connections 1024; }\n"
            f"http {{ access_log {self.dir / 'access.log'}; {temp}\n"
            f"  include {self.dir / 'too-sandy.conf'}; }}\n"
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> Nginx:
        binary = next((p for p in ("/usr/sbin/nginx", "/usr/bin/nginx") if Path(p).exists()), "nginx")
        self.process = subprocess.Popen(
            [binary, "-p", str(self.dir), "-e", str(self.dir / "startup.log"), "-c", str(self.dir / "nginx.conf")],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )
        wait_for(self._answers, "nginx to answer")
        return self

    def _answers(self) -> bool:
        assert self.process is not None and self.process.poll() is None, self.log()
        try:
            return requests.get(self.url + "/healthz", timeout=1).ok
        except requests.RequestException:
            return False

    def reload(self) -> None:
        """What `systemctl reload nginx` does: new workers, old ones finish their connections."""
        assert self.process is not None
        self.process.send_signal(signal.SIGHUP)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in self.dir.glob("*.log"))


class Client:
    """A projector or a phone: an HTTP session (cookies) and a Socket.IO client."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace
        self.http = requests.Session()
        self.snapshots: list[dict] = []
        self.events: list[tuple[str, dict]] = []
        self.lock = threading.Lock()
        self.sio: socketio.Client | None = None

    def connect(self, base: str, auth: dict) -> None:
        if self.sio is not None:
            self.sio.disconnect()
        self.base = base
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1,
                                   randomization_factor=0, http_session=self.http, request_timeout=10)
        self.sio.on("snapshot", self._snapshot, namespace=self.namespace)
        self.sio.on("resync", self._resync, namespace=self.namespace)
        self.sio.on("*", self._event, namespace=self.namespace)
        self.sio.connect(base, auth=auth, namespaces=[self.namespace], wait_timeout=TIMEOUT)

    def _snapshot(self, data: dict) -> None:
        with self.lock:
            self.snapshots.append(data)

    def _resync(self, _data: dict | None = None) -> None:
        """As the pages do: announcements may have been lost, so ask for the state."""
        self._event("resync")
        sio = self.sio

        def ask() -> None:
            try:
                answer = sio.call("sync", {}, namespace=self.namespace, timeout=TIMEOUT)
            except (socketio.exceptions.BadNamespaceError, socketio.exceptions.TimeoutError):
                # The connection went (nginx or a worker restarting) between the
                # resync and the ask: as on the pages, the reconnect's own
                # snapshot brings the state, so there is nothing to ask for now.
                self._event("resync unanswered")
                return
            if answer.get("ok"):
                self._snapshot(answer["snapshot"])

        threading.Thread(target=ask, daemon=True).start()

    def _event(self, name: str, data: dict | None = None) -> None:
        with self.lock:
            self.events.append((name, data or {}))

    def call(self, event: str, data: dict | None = None) -> dict:
        assert self.sio is not None
        # A client that lost its worker may still be reconnecting; and the server
        # sends the connect snapshot before the namespace's connect answer.
        wait_for(lambda: self.namespace in self.sio.namespaces, f"{self.namespace} to (re)connect")
        answer = self.sio.call(event, data or {}, namespace=self.namespace, timeout=TIMEOUT)
        assert answer["ok"], f"{event}: {answer}"
        return answer

    def latest(self, phase: str, round_no: int, since: int = 0) -> dict:
        def found():
            with self.lock:
                return next((s for s in reversed(self.snapshots[since:])
                             if s["phase"] == phase and s["round"] == round_no), None)
        return wait_for(found, f"{self.namespace} snapshot {phase} round {round_no}")

    def count(self, phase: str, round_no: int) -> int:
        with self.lock:
            return sum(s["phase"] == phase and s["round"] == round_no for s in self.snapshots)

    def worker(self) -> str:
        """Which worker nginx sends this client to (its route cookie decides)."""
        return requests_header(self.http, self.base + "/healthz")

    def close(self) -> None:
        if self.sio is not None:
            self.sio.disconnect()


def requests_header(http: requests.Session, url: str) -> str:
    return http.get(url, timeout=5).headers.get("X-Too-Sandy-Worker", "")


TRAINER = ("coach", "a long password")


@contextmanager
def deployment(run_dir: Path, database: str, queue: str) -> Iterator[tuple[Workers, Nginx]]:
    """Two workers from deploy/start-workers on ``database`` and ``queue``, behind our nginx.

    Afterwards no worker may have logged a traceback.
    """
    workers = Workers(run_dir, {
        "TRAINER_DATABASE_URL": database,
        "TRAINER_MESSAGE_QUEUE": queue,
        # Pub/sub channels ignore Redis database numbers: one per run.
        "TRAINER_MESSAGE_QUEUE_CHANNEL": f"too-sandy-test-{secrets.token_hex(4)}",
        "TRAINER_SECRET_KEY": "scale-out-test",
        "TRAINER_BACKUP_FOLDER": str(run_dir / "backups"),
    })
    nginx = Nginx(run_dir, workers.ports)
    workers.env["TRAINER_PUBLIC_URL"] = nginx.url
    try:
        workers.add_trainer()
        workers.start()
        nginx.start()
        yield workers, nginx
    finally:
        nginx.stop()
        workers.stop()
    survivors = [line for line in workers.logs().splitlines() if "Traceback" in line]
    assert not survivors, workers.logs()


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def create_session(host: Client, base: str, rounds: int) -> str:
    """As the trainer does: sign in, then the set-up form. The projector's
    socket is then authenticated by the sign-in cookie in host.http."""
    login = host.http.get(base + "/login", timeout=10).text
    signed_in = host.http.post(base + "/login", data={
        "username": TRAINER[0], "password": TRAINER[1], "csrf_token": _csrf(login),
    }, timeout=10)
    signed_in.raise_for_status()
    page = host.http.get(base + "/host/new", timeout=10).text
    deck = re.search(r'name="deck" value="(\d+)"', page).group(1)
    projector = host.http.post(base + "/host/new", data={
        "deck": deck, "writing_minutes": "5", "voting_seconds": "120", "rounds_total": str(rounds),
        "csrf_token": _csrf(page),
    }, timeout=10).text
    return re.search(r'data-code="([A-Z0-9]+)"', projector).group(1)


def join(phone: Client, base: str, code: str, name: str) -> str:
    phone.http.get(f"{base}/join/{code}", timeout=10)  # the page first, as a browser would
    answer = phone.http.post(base + "/api/join", json={"code": code, "name": name}, timeout=10).json()
    assert answer["ok"], answer
    return answer["token"]

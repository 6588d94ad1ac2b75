"""Helpers for tests that run the real server (eventlet) in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("TRAINER_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]


# The trainer account live tests sign in with.
TRAINER = ("coach", "a long password")


class LiveServer:
    """``python wsgi.py`` on a loopback port with its own database."""

    def __init__(self, workdir: Path, extra_env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "server.log"
        self.env = {
            **os.environ,
            "PORT": str(self.port),
            "HOST": "127.0.0.1",
            "TRAINER_DATABASE_URL": f"sqlite:///{workdir / 'live.sqlite3'}",
            "TRAINER_SECRET_KEY": "live-test",
            # Its own backups, never the checkout's instance/backups/.
            "TRAINER_BACKUP_FOLDER": str(workdir / "backups"),
            # Phones in tests reach the server on loopback, never the LAN.
            "TRAINER_PUBLIC_URL": f"http://127.0.0.1:{self.port}",
            **(extra_env or {}),
        }
        self.process: subprocess.Popen | None = None

    def add_user(self, name: str, role: str, password: str) -> None:
        """Make an account the way an operator would: the CLI, on the server's database."""
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "trainer", "users", "create", name, "--role", role],
            cwd=ROOT, env=self.env, input=password + "\n", text=True, check=True, capture_output=True,
        )

    def start(self) -> LiveServer:
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "wsgi.py")], cwd=ROOT, env=self.env,
                stdout=log, stderr=subprocess.STDOUT,
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

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when the plug is pulled."""
        assert self.process is not None
        self.process.kill()
        self.process.wait()

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


def http_host(base: str, name: str, password: str, **form: str) -> str:
    """Sign in and create a session with plain HTTP, as the forms would; returns the room code."""
    import re

    import requests

    http = requests.Session()

    def post(path: str, data: dict) -> requests.Response:
        page = http.get(base + path, timeout=10)
        # WTForms writes name/type/value in its own order; find the value near the name.
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        answer = http.post(base + path, data={**data, "csrf_token": token}, timeout=10)
        answer.raise_for_status()
        return answer

    post("/login", {"username": name, "password": password})
    settings = {"deck": "1", "writing_minutes": "5", "voting_seconds": "60", "rounds_total": "1", **form}
    created = post("/host/new", settings)
    return created.url.rstrip("/").rsplit("/", 1)[1]


class SimPhone:
    """A phone as a python-socketio client: joins, keeps what it receives."""

    def __init__(self, base_url: str, code: str, name: str) -> None:
        import requests
        import socketio

        answer = requests.post(f"{base_url}/api/join", json={"code": code, "name": name}, timeout=10)
        answer.raise_for_status()
        self.name = name
        self.token = answer.json()["token"]
        self.snapshots: list[dict] = []
        self.sio = socketio.Client(reconnection=True, reconnection_delay=0.2, reconnection_delay_max=1)
        self.sio.on("snapshot", self.snapshots.append, namespace="/play")
        self.disconnects = 0
        self.sio.on("disconnect", self._dropped, namespace="/play")
        self.sio.connect(base_url, namespaces=["/play"], auth={"token": self.token}, wait_timeout=10)

    def _dropped(self, *_reason) -> None:
        self.disconnects += 1

    @property
    def snapshot(self) -> dict:
        return self.snapshots[-1]

    def wait_for(self, predicate, timeout: float = 20.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.snapshots and predicate(self.snapshot):
                return self.snapshot
            time.sleep(0.05)
        raise AssertionError(f"{self.name}: no matching snapshot; last: {self.snapshots[-1:]}")

    def call(self, event: str, payload: dict, timeout: float = 10.0) -> dict:
        return self.sio.call(event, payload, namespace="/play", timeout=timeout)

    def close(self) -> None:
        self.sio.disconnect()


def sign_in(page, base: str, name: str, password: str, then: str = "") -> None:
    """Sign in through the form; ``then`` is a page to ask for first (it sends us to sign in)."""
    page.goto(base + (then or "/login"))
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()

"""Installed as a new user would: the wheel in a fresh venv far from the checkout,
and a fresh clone started with `python wsgi.py`, with no `make` anywhere.

The fresh venv gets its dependencies offline, from wheels repacked out of the
project's own venv (the same versions the suite runs on), so the test reads
nothing of the checkout once the wheel is built.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from email.parser import Parser
from importlib import metadata
from pathlib import Path

import pytest
import requests
from live import ROOT, free_port
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from test_packaging import built_dist

pytestmark = pytest.mark.live
PASSWORD = "a long password"


# --- a wheelhouse from the project's venv --------------------------------------------

def requirement_closure(requirements: list[str]) -> dict[str, metadata.Distribution]:
    """Every installed distribution these requirements need, extras and markers heeded."""
    needed: dict[str, metadata.Distribution] = {}
    asked: set[tuple[str, str]] = set()
    todo = [(Requirement(text), "") for text in requirements]
    while todo:
        requirement, extra = todo.pop()
        if requirement.marker and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        dist = needed.setdefault(name, metadata.distribution(name))
        for wanted in ("", *requirement.extras):
            if (name, wanted) not in asked:
                asked.add((name, wanted))
                todo.extend((Requirement(text), wanted) for text in dist.requires or ())
    return needed


def _wheel_tag(dist: metadata.Distribution) -> str:
    tags = [line.split(":", 1)[1].strip() for line in dist.read_text("WHEEL").splitlines()
            if line.startswith("Tag:")]
    parts = zip(*(tag.split("-") for tag in tags), strict=True)
    return "-".join(".".join(dict.fromkeys(part)) for part in parts)


def repack(dist: metadata.Distribution, folder: Path) -> Path:
    """An installed distribution as the wheel it came from (scripts are remade from entry points)."""
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    wheel = folder / f"{name}-{dist.version}-{_wheel_tag(dist)}.whl"
    dist_info = next(str(f).split("/")[0] for f in dist.files if str(f).split("/")[0].endswith(".dist-info"))
    record = io.StringIO()
    rows = csv.writer(record, lineterminator="\n")
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_STORED) as out:
        for file in dist.files:
            path = Path(dist.locate_file(file))
            inside = file.as_posix()
            if (inside.startswith("..") or "__pycache__" in inside or inside.endswith(".pyc")
                    or inside in {f"{dist_info}/{n}" for n in ("RECORD", "INSTALLER", "REQUESTED", "direct_url.json")}
                    or not path.is_file()):
                continue
            data = path.read_bytes()
            out.writestr(inside, data)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
            rows.writerow([inside, f"sha256={digest}", len(data)])
        rows.writerow([f"{dist_info}/RECORD", "", ""])
        out.writestr(f"{dist_info}/RECORD", record.getvalue())
    return wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv outside the checkout with the built wheel installed: (venv, wheel)."""
    _sdist, wheel = built_dist(tmp_path_factory)
    wanted = Parser().parsestr(zipfile.ZipFile(wheel).read(
        next(n for n in zipfile.ZipFile(wheel).namelist() if n.endswith(".dist-info/METADATA"))).decode())
    house = tmp_path_factory.mktemp("wheelhouse")
    for dist in requirement_closure(wanted.get_all("Requires-Dist")).values():
        repack(dist, house)
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
         "--no-index", "--find-links", str(house), str(wheel)],
        check=True, capture_output=True, text=True,
    )
    return venv, wheel


def files_under(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(path): (path.stat().st_size, path.stat().st_mtime_ns) for path in folder.rglob("*") if path.is_file()}


def run_alone(venv: Path, home: Path, *args: str, input: str | None = None, **env: str):
    """A command of the fresh venv, with nothing of the checkout or the project's venv in reach."""
    return subprocess.run(
        [str(venv / "bin" / args[0]), *args[1:]], cwd=home, input=input, capture_output=True, text=True,
        env={"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), **env}, timeout=120,
    )


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, f"server exited:\n{log.read_text()}"
        try:
            if requests.get(url + "/healthz", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.2)
    raise AssertionError(f"server did not answer within 60 s:\n{log.read_text()}")


def sign_in(base: str, name: str, password: str) -> requests.Session:
    http = requests.Session()
    page = http.get(base + "/login", timeout=10)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
    answer = http.post(base + "/login", data={"username": name, "password": password, "csrf_token": token},
                       timeout=10)
    assert answer.ok and "/login" not in answer.url, answer.text[:500]
    return http


def test_the_installed_wheel_runs_a_greek_server_from_its_own_data_folder(installed, tmp_path):
    venv, wheel = installed
    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    before = files_under(venv)

    where = run_alone(venv, home, "python", "-c",
                      "import trainer, trainer.paths as p; print(trainer.__file__, p.CHECKOUT)")
    assert where.stdout.startswith(str(venv)) and where.stdout.split()[1] == "None", where.stderr
    version = run_alone(venv, home, "too-sandy", "--version")
    assert version.stdout.strip() == f"too-sandy {wheel.name.split('-')[1]}", version.stderr
    greek_help = run_alone(venv, home, "too-sandy", "--help", LANG="el_GR.UTF-8", TRAINER_DATA_DIR=str(data))
    assert "Ξεκινήστε το με `too-sandy serve`" in greek_help.stdout, greek_help.stderr
    assert "Λογαριασμοί διαχειριστών και εκπαιδευτών." in greek_help.stdout

    created = run_alone(venv, home, "too-sandy", "--data-dir", str(data), "users", "create", "boss", "--role", "admin",
                        input=PASSWORD + "\n")
    assert created.returncode == 0 and "Created admin account “boss”." in created.stdout, created.stderr
    # Today's other commands, from the wheel's own migrations and code.
    upgraded = run_alone(venv, home, "too-sandy", "db", "upgrade", TRAINER_DATA_DIR=str(data))
    assert upgraded.returncode == 0, upgraded.stderr
    copied = run_alone(venv, home, "python", "-m", "trainer", "backup", str(tmp_path / "copy.sqlite3"),
                       TRAINER_DATA_DIR=str(data))
    assert copied.returncode == 0 and (tmp_path / "copy.sqlite3").is_file(), copied.stderr

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [str(venv / "bin" / "too-sandy"), "serve", "--host", "127.0.0.1", "--port", str(port)], cwd=home,
            stdout=out, stderr=subprocess.STDOUT,
            env={"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(home), "TRAINER_DATA_DIR": str(data),
                 "TRAINER_PUBLIC_URL": base},
        )
    try:
        wait_until_up(base, server, log)
        join = requests.get(base + "/join", headers={"Accept-Language": "el"}, timeout=10)
        assert join.status_code == 200 and "Κωδικός δωματίου" in join.text
        admin = sign_in(base, "boss", PASSWORD)
        decks = admin.get(base + "/admin/decks", timeout=10)
        assert decks.status_code == 200
        site = Path(where.stdout.split()[0]).parent
        shipped = sorted((site / "decks" / "shipped").glob("*.json"))
        languages = {json.loads(path.read_text("utf-8"))["language"] for path in shipped}
        assert languages == {"en", "ru", "uk", "el"}
        for path in shipped:
            name = json.loads(path.read_text("utf-8"))["name"]
            assert name in decks.text or name.replace("'", "&#39;") in decks.text, name
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = log.read_text()
    assert "Too Sandy is running." in output and f"Phones join at:                  {base}/join" in output
    assert "No admin account yet" not in output  # the admin made with the command counts

    assert {"too-sandy.sqlite3", "secret_key"} <= {path.name for path in data.iterdir()}
    assert files_under(venv) == before, "the installed copy wrote into its venv"


def test_without_a_data_dir_an_installed_copy_uses_the_users_data_folder(installed, tmp_path):
    venv, _wheel = installed
    home = tmp_path / "home"
    home.mkdir()
    listed = run_alone(venv, home, "python", "-m", "trainer", "users", "list")
    assert listed.returncode == 0, listed.stderr
    # Linux: platformdirs' XDG data folder (macOS: ~/Library/Application Support/too-sandy).
    assert (home / ".local" / "share" / "too-sandy" / "too-sandy.sqlite3").is_file()


# --- a fresh clone, no make -----------------------------------------------------------

def test_python_wsgi_py_on_a_fresh_clone_compiles_the_catalogs_and_speaks_russian(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    translations = clone / "trainer" / "translations"
    assert list(translations.glob("*/LC_MESSAGES/*.po")) and not list(translations.glob("*/LC_MESSAGES/*.mo"))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "wsgi.py"], cwd=clone, stdout=out, stderr=subprocess.STDOUT,
            env={**{k: v for k, v in os.environ.items() if k != "TRAINER_DATA_DIR"},
                 "PORT": str(port), "HOST": "127.0.0.1", "TRAINER_PUBLIC_URL": base},
        )
    try:
        wait_until_up(base, server, log)
        join = requests.get(base + "/join", headers={"Accept-Language": "ru"}, timeout=10)
        assert join.status_code == 200 and "Код комнаты" in join.text
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert len(list(translations.glob("*/LC_MESSAGES/messages.mo"))) == 3
    # The clone's own package served, and kept its data in the clone's instance/.
    assert (clone / "instance" / "too-sandy.sqlite3").is_file()


def test_a_clone_whose_catalogs_cannot_be_written_refuses_to_start_in_one_line(tmp_path):
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    # Where the Russian catalog should go sits something no one can replace with a file (as root too).
    blocked = clone / "trainer" / "translations" / "ru" / "LC_MESSAGES" / "messages.mo"
    blocked.mkdir()
    os.utime(blocked, (0, 0))
    env = {k: v for k, v in os.environ.items() if k != "TRAINER_DATA_DIR"}
    started = subprocess.run([sys.executable, "wsgi.py"], cwd=clone, capture_output=True, text=True, timeout=60,
                             env={**env, "PORT": str(free_port()), "HOST": "127.0.0.1"})
    assert started.returncode == 1 and "Traceback" not in started.stderr
    refusal = [line for line in started.stderr.splitlines() if line.startswith("Too Sandy cannot start")]
    assert len(refusal) == 1 and str(blocked) in refusal[0] and "pybabel compile -d" in refusal[0], started.stderr

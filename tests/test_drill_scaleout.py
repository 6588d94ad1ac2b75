"""A drill on two workers over PostgreSQL and Redis: both sweepers see its windows
end, exactly one moves it on, and every phone is told once.

The workers are deploy/start-workers' own (as tests/test_scaleout.py). The
drill's stored window ends are moved to a second ago, as if the week had
passed; each worker's sweeper races for the change.
"""

from __future__ import annotations

import re
import secrets
import time

import psycopg
import pytest
from live import TRAINER
from scaleout_helpers import Client, Workers, _csrf, wait_for
from services import POSTGRES_ENV, REDIS_ENV, fresh_database, require
from sqlalchemy.engine import make_url

pytestmark = pytest.mark.live


@pytest.fixture
def deployment(tmp_path):
    """Two workers (deploy/start-workers) on one database and one Redis; no nginx: clients pick a worker."""
    postgres, redis = require(POSTGRES_ENV, REDIS_ENV)
    with fresh_database(postgres, "too_sandy_drill") as database:
        workers = Workers(tmp_path, {
            "TRAINER_DATABASE_URL": database, "TRAINER_MESSAGE_QUEUE": redis,
            "TRAINER_MESSAGE_QUEUE_CHANNEL": f"too-sandy-drill-{secrets.token_hex(4)}",
            "TRAINER_SECRET_KEY": "drill-scale-out", "TRAINER_BACKUP_FOLDER": str(tmp_path / "backups"),
        })
        workers.env["TRAINER_PUBLIC_URL"] = f"http://127.0.0.1:{workers.ports[0]}"
        try:
            workers.add_trainer()
            workers.start()
            yield database, workers
        finally:
            workers.stop()
        tracebacks = [line for line in workers.logs().splitlines() if "Traceback" in line]
        assert not tracebacks, workers.logs()


def create_drill(host: Client, base: str) -> str:
    login = host.http.get(base + "/login", timeout=10).text
    host.http.post(base + "/login", data={"username": TRAINER[0], "password": TRAINER[1],
                                          "csrf_token": _csrf(login)}, timeout=10).raise_for_status()
    page = host.http.get(base + "/host/new?preset=drill&tz=UTC", timeout=10).text
    fields = {name: re.search(rf'name="{name}" value="([^"]+)"', page).group(1)
              for name in ("writing_opens", "writing_closes", "voting_closes")}
    answer = host.http.post(base + "/host/new", data={
        "pace": "drill", "time_zone": "UTC", "mode": "own_card", "voting": "votes", "csrf_token": _csrf(page),
        "deck": re.search(r'name="deck" value="(\d+)"', page).group(1), **fields,
    }, timeout=10)
    answer.raise_for_status()
    return re.search(r"/host/([A-Z0-9]+)/drill", answer.url).group(1)


def end_window(database: str, code: str, column: str) -> int:
    """The window's end (and the phase's deadline) a second ago; returns the clock version before."""
    url = make_url(database).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as conn:
        version = conn.execute("SELECT clock_version FROM game_session WHERE code = %s", (code,)).fetchone()[0]
        conn.execute(
            f"UPDATE game_session SET {column} = (now() at time zone 'utc') - interval '1 second', "
            f"deadline = (now() at time zone 'utc') - interval '1 second' WHERE code = %s", (code,))
    return version


def clock_version(database: str, code: str) -> tuple[str, int]:
    url = make_url(database).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT phase, clock_version FROM game_session WHERE code = %s", (code,)).fetchone()


def test_two_workers_move_a_drill_on_once(deployment):
    database, workers = deployment
    first, second = (f"http://127.0.0.1:{port}" for port in workers.ports)
    host = Client("/host")
    phones = {name: Client("/play") for name in ("Ana", "Bo", "Cy")}
    try:
        code = create_drill(host, first)
        # The phones split over both workers: every announcement crosses Redis one way or the other.
        for i, (name, phone) in enumerate(phones.items()):
            base = (first, second)[i % 2]
            phone.http.get(f"{base}/join/{code}", timeout=10)
            answer = phone.http.post(base + "/api/join", json={"code": code, "name": name}, timeout=10).json()
            assert answer["ok"], answer
            phone.connect(base, {"token": answer["token"]})
            phone.latest("writing", 1)
            phone.call("submit", {"round": 1, "text": f"{name} fetches a rake"})
        assert clock_version(database, code)[0] == "writing"

        before = end_window(database, code, "writing_closes_at")
        for phone in phones.values():
            phone.latest("voting", 1)
        time.sleep(2)  # room for a second, wrong announcement to arrive
        assert clock_version(database, code) == ("voting", before + 1), "one worker closed writing"
        for name, phone in phones.items():
            assert phone.count("voting", 1) == 1, f"{name} was told once"
            ballot = phone.latest("voting", 1)
            assert f"{name} fetches a rake" not in {entry["text"] for entry in ballot["ballot"]}
            phone.call("vote", {"reply_id": ballot["ballot"][0]["id"]})

        before = end_window(database, code, "voting_closes_at")
        for phone in phones.values():
            phone.latest("results", 1)
        time.sleep(2)
        assert clock_version(database, code) == ("results", before + 1), "one worker closed voting"
        assert all(phone.count("results", 1) == 1 for phone in phones.values())
        wait_for(lambda: all(p.latest("results", 1)["score"] is not None for p in phones.values()), "scores")
    finally:
        for client in (host, *phones.values()):
            client.close()

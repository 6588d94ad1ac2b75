"""PostgreSQL restarts mid-writing, Redis mid-voting, nginx reloads mid-round.

Two workers from deploy/'s scripts, on a PostgreSQL and a Redis of the
test's own (restartable without touching anyone else's), behind our nginx.
The projector and two phones talk to one worker, a third phone to the
other, so every announcement crosses Redis; a real browser phone goes
through nginx. After each restart every screen must catch up on its own,
every phone keeps its text, and the session finishes with every reply and
vote that was acknowledged in the database, once.
"""

from __future__ import annotations

import time

import psycopg
import pytest
from browser import Watched
from restartable import OwnPostgres, OwnRedis
from scaleout_helpers import Client, create_session, deployment, join, wait_for
from services import POSTGRES_ENV, REDIS_ENV, require

pytestmark = [pytest.mark.live, pytest.mark.browser]


@pytest.fixture
def services():
    require(POSTGRES_ENV, REDIS_ENV)  # installed and started by .ci/run; ours run from the same binaries
    postgres, redis = OwnPostgres(), OwnRedis()
    try:
        yield postgres.start(), redis.start()
    finally:
        redis.stop()
        postgres.stop()


def rows(postgres: OwnPostgres, query: str) -> list[tuple]:
    with psycopg.connect(f"host=127.0.0.1 port={postgres.port} user=postgres dbname=postgres") as conn:
        return conn.execute(query).fetchall()


def vote_fully(phone: Client, round_no: int) -> list[int]:
    ballot = phone.latest("voting", round_no)
    chosen = [reply["id"] for reply in ballot["ballot"][: ballot["votes_allowed"]]]
    for i, reply_id in enumerate(chosen):
        phone.call("vote", {"reply_id": reply_id, "request_id": f"{id(phone):x}-{round_no}-{i}"})
    return chosen


def browser_votes(page) -> int:
    """Vote for every reply the phone's votes allow, as a player taps."""
    page.locator("#ballot .ballot-item").first.wait_for()
    buttons = page.locator("#ballot .ballot-item button")
    allowed = int(page.locator("#votes-left").inner_text().split()[0])
    for i in range(allowed):
        buttons.nth(i).click()
        page.locator("#ballot .ballot-item.chosen").nth(i).wait_for()
    return allowed


def test_postgres_redis_and_nginx_restart_mid_session(tmp_path, services, browser):
    postgres, redis = services
    with deployment(tmp_path, postgres.url, redis.url) as (workers, nginx):
        first, second = (f"http://127.0.0.1:{port}" for port in workers.ports)
        host = Client("/host")
        phones = {"Ana": Client("/play"), "Bo": Client("/play"), "Cy": Client("/play")}
        where = {"Ana": first, "Bo": first, "Cy": second}
        try:
            code = create_session(host, first, rounds=2)
            host.connect(first, {"code": code})
            for name, phone in phones.items():
                phone.connect(where[name], {"token": join(phone, where[name], code, name)})
            dee = Watched(browser, "phone", {"width": 360, "height": 640}, "services-restart")
            page = dee.page
            page.goto(f"{nginx.url}/join/{code}")
            page.locator("#join-name").fill("Dee")
            page.locator("#join-form button[type=submit]").click()
            page.locator("#wait-title").wait_for()
            wait_for(lambda: sum(e == "player_joined" for e, _ in host.events) == 4, "four joins on the projector")

            # --- round 1: PostgreSQL restarts while everyone is writing -----
            host.call("next")
            for phone in phones.values():
                phone.latest("writing", 1)
            box = page.locator("#reply")
            box.fill("Dee wrote this before the restart")
            phones["Ana"].call("draft", {"round": 1, "text": "Sand is"})
            wait_for(lambda: ("Dee wrote this before the restart",) in rows(postgres, "SELECT draft FROM reply"),
                     "the browser's draft in the database")

            postgres.restart()
            # Every worker's pooled connections died with it: the next event on
            # each finds out, and is served on a fresh connection, not refused.
            assert phones["Ana"].call("sync")["snapshot"]["draft"] == "Sand is"
            phones["Ana"].call("submit", {"round": 1, "text": "Sand is, after all, the beach."})
            phones["Bo"].call("submit", {"round": 1, "text": "Bo's reply"})
            phones["Cy"].call("submit", {"round": 1, "text": "Cy's reply"})
            box.press("End")
            box.type(", and this after it.", delay=10)
            page.locator("#send").click()
            host.latest("voting", 1)
            for phone in phones.values():
                phone.latest("voting", 1)
            page.locator("#vote-title").wait_for()

            # --- round 1 voting: Redis restarts; the last votes land meanwhile ---
            votes = browser_votes(page)
            redis.stop()
            for phone in phones.values():
                votes += len(vote_fully(phone, 1))  # acks come straight from the worker
            # Writing closed and "results" was announced into the void.
            wait_for(lambda: rows(postgres, "SELECT phase FROM game_session") == [("results",)], "voting closed")
            time.sleep(2)
            redis.start()
            # Each worker notices, and its screens ask for what they missed.
            host.latest("results", 1)
            for phone in phones.values():
                phone.latest("results", 1)
            page.locator("#round-points").wait_for()
            assert sum(r["votes"] for r in host.latest("results", 1)["replies"]) == votes
            assert {r["text"] for r in host.latest("results", 1)["replies"]} == {
                "Sand is, after all, the beach.", "Bo's reply", "Cy's reply",
                "Dee wrote this before the restart, and this after it."}
            dee.shot("after-redis-restart")

            # --- round 2: nginx reloads while everyone is writing -----------
            host.call("next")
            for phone in phones.values():
                phone.latest("writing", 2)
            box.wait_for()
            box.fill("Dee's second reply, typed across a reload")
            nginx.reload()
            late = Client("/play")
            late.connect(nginx.url, {"token": join(late, nginx.url, code, "Eve")})
            assert late.latest("writing", 2)["playing"] is False  # joins mid-round: next round
            for name, phone in phones.items():
                phone.call("submit", {"round": 2, "text": f"{name}'s second reply"})
            page.locator("#send").click()
            host.latest("voting", 2)
            votes_2 = browser_votes(page)
            for phone in phones.values():
                votes_2 += len(vote_fully(phone, 2))
            host.latest("results", 2)
            host.call("next")
            final = host.latest("finished", 2)
            for phone in (*phones.values(), late):
                assert phone.latest("finished", 2)["podium"]
            page.locator("#final-line").wait_for()
            dee.shot("finished")

            # Everything acknowledged is stored, once.
            assert sum(row["score"] for row in final["leaderboard"]) == 100 * (votes + votes_2)
            assert rows(postgres, "SELECT count(*) FROM vote") == [(votes + votes_2,)]
            assert rows(postgres, "SELECT count(*) FROM reply WHERE text IS NOT NULL") == [(8,)]
            assert dee.problems == []
        finally:
            for client in (host, *phones.values()):
                client.close()
    # What the workers logged about it is a line each, not a stack trace (checked by deployment()).
    logs = workers.logs()
    assert "Redis is back" in logs

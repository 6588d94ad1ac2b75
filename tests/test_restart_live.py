"""Pull the plug on the server mid-writing and mid-voting: nobody loses a word.

The real eventlet server runs in a subprocess; five phones are
python-socketio clients and one is a real browser, and the projector is a
real browser too. The server is killed with SIGKILL and started again on the
same database and port; everyone must reconnect by themselves.
"""

from __future__ import annotations

import sqlite3
import time

import pytest
from browser import Watched
from live import TRAINER, LiveServer, SimPhone, sign_in

pytestmark = [pytest.mark.live, pytest.mark.browser]


def rows(db_path, query):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(query).fetchall()


def test_sigkill_in_writing_and_in_voting(tmp_path, browser):
    server = LiveServer(tmp_path)
    server.add_user(TRAINER[0], "trainer", TRAINER[1])
    server.start()
    db_path = tmp_path / "live.sqlite3"
    sims: list[SimPhone] = []
    try:
        projector = Watched(browser, "projector", {"width": 1280, "height": 720}, "restart")
        # The projector page needs the host cookie: open it the way the trainer did.
        sign_in(projector.page, server.url, *TRAINER, then="/host/new")
        projector.page.get_by_label("Writing time (minutes)").fill("2")
        projector.page.get_by_label("Voting time (seconds)").fill("20")
        projector.page.get_by_label("Rounds").fill("1")
        projector.page.get_by_role("button", name="Create session").click()
        code = projector.page.locator("#room-code").inner_text().strip()
        host = projector.page

        sims = [SimPhone(server.url, code, f"Sim {i}") for i in range(5)]
        phone = Watched(browser, "phone", {"width": 360, "height": 640}, "restart")
        phone.page.goto(f"{server.url}/join/{code}")
        phone.page.get_by_label("Your name").fill("Browser")
        phone.page.get_by_role("button", name="Join").click()
        host.get_by_text("6 players").wait_for()

        host.get_by_role("button", name="Start round 1").click()
        for sim in sims:
            sim.wait_for(lambda s: s["phase"] == "writing")
        cards = {sim.name: sim.snapshot["card"] for sim in sims}
        for i, sim in enumerate(sims):
            assert sim.call("draft", {"round": 1, "text": f"draft of {sim.name}"})["ok"]
            if i < 2:
                assert sim.call("submit", {"round": 1, "text": f"reply of {sim.name}"})["ok"]
        box = phone.page.get_by_label("Your reply")
        box.fill("Typed in the browser before the crash")
        phone.page.get_by_text("Draft saved").wait_for()
        host.get_by_text("2 of 6 submitted").wait_for()
        deadline_before = rows(db_path, "SELECT deadline FROM game_session")[0][0]

        # --- pull the plug in the middle of writing ---------------------------
        seen = {sim.name: len(sim.snapshots) for sim in sims}
        server.kill()
        host.get_by_text("Connection lost. Reconnecting…").wait_for()
        phone.page.get_by_text("Connection lost. Reconnecting…").wait_for()
        server.start()

        for sim in sims:
            snap = sim.wait_for(lambda s, sim=sim: len(sim.snapshots) > seen[sim.name])
            assert snap["phase"] == "writing"
            assert snap["card"] == cards[sim.name]
            assert snap["draft"] in (f"draft of {sim.name}", f"reply of {sim.name}")
        assert rows(db_path, "SELECT deadline FROM game_session")[0][0] == deadline_before
        host.get_by_text("Connected").wait_for()
        phone.page.locator("#conn").wait_for(state="hidden")
        assert box.input_value() == "Typed in the browser before the crash"
        host.get_by_text("2 of 6 submitted").wait_for()
        phone.page.get_by_role("button", name="Send reply").click()
        for sim in sims[2:]:
            assert sim.call("submit", {"round": 1, "text": f"reply of {sim.name}"})["ok"]

        # --- voting, then the plug again --------------------------------------
        for sim in sims:
            sim.wait_for(lambda s: s["phase"] == "voting")
        cast = {}
        for sim in sims[:3]:
            choice = sim.snapshot["ballot"][0]["id"]
            assert sim.call("vote", {"reply_id": choice, "request_id": f"{sim.name}-1"})["ok"]
            cast[sim.name] = choice
        phone.page.get_by_role("button", name="Vote", exact=True).first.click()
        phone.page.get_by_text("2 of 3 votes left").wait_for()
        assert len(rows(db_path, "SELECT id FROM vote")) == 4

        server.kill()
        voting_deadline = rows(db_path, "SELECT deadline FROM game_session")[0][0]
        # Stay down until the voting deadline has passed.
        time.sleep(21)
        server.start()

        # The sweeper closed the overdue phase once, at start-up.
        host.get_by_role("heading", name="Leaderboard").wait_for(timeout=20_000)
        assert rows(db_path, "SELECT phase FROM game_session")[0][0] == "results"
        assert voting_deadline is not None
        votes = rows(db_path, "SELECT voter_id, reply_id FROM vote")
        assert len(votes) == 4 and len(set(votes)) == 4, "no vote lost or doubled"
        replies = dict(rows(db_path, "SELECT p.name, r.text FROM reply r JOIN player p ON p.id = r.player_id"))
        for sim in sims:
            assert replies[sim.name] == f"reply of {sim.name}"
        assert replies["Browser"] == "Typed in the browser before the crash"
        phone.page.get_by_text("points this round").wait_for()

        # The trainer carries on from another laptop: same account, same session.
        laptop = Watched(browser, "second-laptop", {"width": 1280, "height": 720}, "restart")
        sign_in(laptop.page, server.url, *TRAINER, then=f"/host/{code}")
        laptop.page.get_by_role("heading", name="Leaderboard").wait_for()
        laptop.page.get_by_role("button", name="Final podium").click()
        laptop.page.get_by_role("heading", name="Final podium").wait_for()
        host.get_by_role("heading", name="Final podium").wait_for()
        total = sum(int(s) for s in host.locator("#leaderboard .score").all_inner_texts())
        assert total == 4 * 100
        for sim in sims:
            sim.wait_for(lambda s: s["phase"] == "finished")
        projector.shot("after-two-crashes")
        phone.shot("after-two-crashes")
        # Reconnecting while the server was down logs connection errors in the
        # browser console; anything else is a real problem.
        real = [p for p in projector.problems + phone.problems + laptop.problems if "ERR_CONNECTION_REFUSED" not in p]
        assert real == []
    finally:
        for sim in sims:
            sim.close()
        server.stop()
    errors = [line for line in server.log().splitlines() if "Traceback" in line]
    assert errors == [], server.log()

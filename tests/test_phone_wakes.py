"""A phone coming back from sleep asks for the state at once (visibilitychange),
without waiting for anything to be pushed to it."""

from __future__ import annotations

import sqlite3

import pytest
from browser import Watched
from live import TRAINER, sign_in

pytestmark = [pytest.mark.live, pytest.mark.browser]


def test_waking_phone_refreshes_at_once(live_server, browser, tmp_path):
    projector = Watched(browser, "projector", {"width": 1280, "height": 720}, "wake")
    host = projector.page
    sign_in(host, live_server.url, *TRAINER, then="/host/new")
    host.get_by_label("Writing time (minutes)").fill("2")
    host.get_by_role("button", name="Create session").click()
    code = host.locator("#room-code").inner_text().strip()

    phone = Watched(browser, "phone", {"width": 360, "height": 640}, "wake")
    phone.page.goto(f"{live_server.url}/join/{code}")
    phone.page.get_by_label("Your name").fill("Sleepy")
    phone.page.get_by_role("button", name="Join").click()
    phone.page.get_by_role("heading", name="You're in!").wait_for()
    host.get_by_role("button", name="Start round 1").click()
    clock = phone.page.locator("#phone-clock")
    phone.page.get_by_label("Your reply").wait_for()
    assert clock.inner_text().startswith(("2:", "1:"))

    # The server's state changes with nothing pushed to the phone (as when
    # it slept through the announcement): five more minutes, straight in the database.
    with sqlite3.connect(tmp_path / "live.sqlite3") as db:
        db.execute("UPDATE game_session SET deadline = datetime(deadline, '+300 seconds')")
    assert clock.inner_text().startswith(("2:", "1:"))

    phone.page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    phone.page.wait_for_function("document.getElementById('phone-clock').textContent.startsWith('6:')"
                                 " || document.getElementById('phone-clock').textContent.startsWith('7:')",
                                 timeout=3000)
    assert phone.problems == [] and projector.problems == []

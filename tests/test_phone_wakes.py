"""A phone coming back from sleep asks for the state at once (visibilitychange),
without waiting for anything to be pushed to it."""

from __future__ import annotations

import re
import sqlite3

import pytest
from browser import Watched
from live import TRAINER, sign_in
from playwright.sync_api import expect

pytestmark = [pytest.mark.live, pytest.mark.browser]

SIX_OR_SEVEN_MINUTES = re.compile(r"^[67]:")


def writing_phone(server, browser, name: str):
    """A projector and one phone, two minutes into round 1's writing; returns (projector, phone)."""
    projector = Watched(browser, "projector", {"width": 1280, "height": 720}, "wake")
    host = projector.page
    sign_in(host, server.url, *TRAINER, then="/host/new")
    host.get_by_label("Writing time (minutes)").fill("2")
    host.get_by_role("button", name="Create session").click()
    code = host.locator("#room-code").inner_text().strip()
    phone = Watched(browser, "phone", {"width": 360, "height": 640}, "wake")
    phone.page.goto(f"{server.url}/join/{code}")
    phone.page.get_by_label("Your name").fill(name)
    phone.page.get_by_role("button", name="Join").click()
    phone.page.get_by_role("heading", name="You're in!").wait_for()
    host.get_by_role("button", name="Start round 1").click()
    phone.page.get_by_label("Your reply").wait_for()
    return projector, phone


def test_waking_phone_refreshes_at_once(live_server, browser, tmp_path):
    projector, phone = writing_phone(live_server, browser, "Sleepy")
    clock = phone.page.locator("#phone-clock")
    assert clock.inner_text().startswith(("2:", "1:"))

    # The server's state changes with nothing pushed to the phone (as when
    # it slept through the announcement): five more minutes, straight in the database.
    with sqlite3.connect(tmp_path / "live.sqlite3") as db:
        db.execute("UPDATE game_session SET deadline = datetime(deadline, '+300 seconds')")
    assert clock.inner_text().startswith(("2:", "1:"))

    phone.page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    # expect() polls from Playwright's side: the page's CSP forbids eval'd predicates.
    expect(clock).to_have_text(SIX_OR_SEVEN_MINUTES, timeout=3000)
    assert phone.problems == [] and projector.problems == []


def test_a_late_older_snapshot_is_dropped_and_a_newer_one_drawn(live_server, browser, tmp_path):
    """Two workers' phase changes can cross in Redis: a screen keeps the newest version.

    The phone asks for the state (a waking phone's sync) while the database
    holds an *older* clock version with another deadline: it must keep what
    it shows. Then a newer version arrives and is drawn.
    """
    projector, phone = writing_phone(live_server, browser, "Crossed")
    clock = phone.page.locator("#phone-clock")
    database = tmp_path / "live.sqlite3"

    with sqlite3.connect(database) as db:  # an older state: lower version, later deadline
        db.execute("UPDATE game_session SET deadline = datetime(deadline, '+300 seconds'), "
                   "clock_version = clock_version - 1")
    phone.page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    phone.page.wait_for_timeout(1500)
    assert clock.inner_text().startswith(("2:", "1:")), "the older snapshot was drawn"

    with sqlite3.connect(database) as db:  # and now a newer one
        db.execute("UPDATE game_session SET clock_version = clock_version + 2")
    phone.page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
    expect(clock).to_have_text(SIX_OR_SEVEN_MINUTES, timeout=3000)
    assert phone.problems == [] and projector.problems == []

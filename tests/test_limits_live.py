"""Limits that only the real server enforces: the message size cap."""

from __future__ import annotations

import gc
import sqlite3
import time
import warnings

import pytest
from live import TRAINER, SimPhone, http_host

from trainer.live.tokens import CODE_ALPHABET, CODE_LENGTH, new_room_code

pytestmark = pytest.mark.live


def test_room_codes_are_unambiguous_and_hard_to_guess():
    assert not set("0O1IL") & set(CODE_ALPHABET)
    assert len(CODE_ALPHABET) ** CODE_LENGTH > 800_000_000
    codes = {new_room_code() for _ in range(2000)}
    assert len(codes) == 2000 and all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)


def test_an_oversized_message_is_dropped_and_changes_nothing(live_server, tmp_path):
    code = http_host(live_server.url, *TRAINER)
    phone = SimPhone(live_server.url, code, "Big")
    try:
        before = sqlite3.connect(tmp_path / "live.sqlite3").execute("SELECT draft FROM reply").fetchall()
        assert phone.call("draft", {"round": 1, "text": "x" * 600})["code"] == "wrong_phase"
        assert phone.disconnects == 0
        phone.sio.emit("draft", {"round": 1, "text": "x" * 100_000}, namespace="/play")
        # The server refuses the frame and drops the connection (the client reconnects).
        deadline = time.monotonic() + 10
        while not phone.disconnects and time.monotonic() < deadline:
            time.sleep(0.05)
        assert phone.disconnects == 1
        after = sqlite3.connect(tmp_path / "live.sqlite3").execute("SELECT draft FROM reply").fetchall()
        assert after == before
    finally:
        phone.close()
        # The client library leaves the socket of the connection the server
        # dropped to the garbage collector. Collected here, its ResourceWarning
        # stays with this test instead of failing whichever test a later
        # collection happens to run in.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            gc.collect()

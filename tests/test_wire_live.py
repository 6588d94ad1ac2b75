"""What goes over the wire to a phone: letters as UTF-8, not \\u escapes."""

from __future__ import annotations

import json

import pytest
import requests
import websocket
from live import TRAINER, http_host

pytestmark = pytest.mark.live


def _frames_until_snapshot(base_url: str, token: str) -> str:
    """A bare WebSocket as the browser's client speaks it: open, join /play, read the snapshot frame."""
    ws = websocket.create_connection(
        base_url.replace("http://", "ws://") + "/socket.io/?EIO=4&transport=websocket", timeout=10
    )
    try:
        assert ws.recv().startswith("0{")  # Engine.IO open
        ws.send("40/play," + json.dumps({"token": token}))
        for _ in range(20):
            frame = ws.recv()
            if frame.startswith('42/play,["snapshot"'):
                return frame
            if frame == "2":
                ws.send("3")  # pong
        raise AssertionError("no snapshot frame")
    finally:
        ws.close()


def test_a_phone_receives_its_name_in_its_own_letters_and_fewer_bytes(live_server):
    code = http_host(live_server.url, *TRAINER)
    name = "Ολυμπία Ψαρά"
    answer = requests.post(f"{live_server.url}/api/join", json={"code": code, "name": name}, timeout=10)
    token = answer.json()["token"]
    frame = _frames_until_snapshot(live_server.url, token)
    snapshot = json.loads(frame[len("42/play,"):])[1]
    assert snapshot["me"]["name"] == name and snapshot["phase"] == "lobby"
    assert name in frame and "\\u" not in frame
    # The standard library's escapes would have spent six bytes a letter.
    escaped = json.dumps(json.loads(frame[len("42/play,"):]), separators=(",", ":"))
    assert len(frame.encode()) < len(escaped.encode())

"""A phase change's personal snapshots cross Redis as one message, and arrive in order.

Two python-socketio servers share a real Redis channel, as two workers do.
Each phone's snapshot goes to its own room; the worker that made the phase
change publishes them all at once, and the other worker hands each to its
own phones in the order they were made.
"""

from __future__ import annotations

import secrets
import time

import pytest
import socketio
from services import REDIS_ENV, require

from trainer.live import queue


@pytest.fixture
def redis_url():
    (url,) = require(REDIS_ENV)
    return url


def worker(url: str, channel: str):
    """A server with the queue's manager and a record of what it wrote to its sockets."""
    manager = queue.ResyncingRedisManager(url, channel)
    server = socketio.Server(async_mode="threading", client_manager=manager)
    written: list[tuple[str, str]] = []
    server._send_eio_packet = lambda eio_sid, packet: written.append((eio_sid, packet.data))
    published: list[dict] = []
    publish = manager._publish
    manager._publish = lambda data: (published.append(data), publish(data))[1]
    manager.initialize()
    return server, manager, written, published


def subscribed(manager, channel: str, listeners: int) -> None:
    """Wait until Redis counts the workers' listeners, instead of sleeping and hoping."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        counts = {(k.decode() if isinstance(k, bytes) else k): n for k, n in manager.redis.pubsub_numsub(channel)}
        if counts.get(channel, 0) >= listeners:
            return
        time.sleep(0.02)
    raise AssertionError(f"{listeners} listeners never subscribed to {channel}")


def test_snapshots_for_many_phones_cross_redis_as_one_message_in_order(redis_url):
    channel = f"too-sandy-test-{secrets.token_hex(4)}"
    first, first_manager, first_written, first_published = worker(redis_url, channel)
    second, second_manager, second_written, _ = worker(redis_url, channel)
    try:
        subscribed(first_manager, channel, 2)
        # Phones 1 and 3 are on the first worker, 2 and 4 on the second.
        for manager, phones in ((first_manager, (1, 3)), (second_manager, (2, 4))):
            for phone in phones:
                sid = manager.connect(f"eio-{phone}", "/play")
                manager.enter_room(sid, "/play", f"player:{phone}")
        items = [(f"player:{phone}", {"phase": "voting", "phone": phone}) for phone in (1, 2, 3, 4)]
        first_manager.emit_each("snapshot", items, "/play")
        deadline = time.monotonic() + 5
        while len(second_written) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(first_published) == 1 and len(first_published[0]["batch"]) == 4
        # Each worker wrote its own phones' snapshots, in the order they were made, once.
        assert [eio for eio, _ in first_written] == ["eio-1", "eio-3"]
        assert [eio for eio, _ in second_written] == ["eio-2", "eio-4"]
        assert '"phone":2' in second_written[0][1] and '"phone":4' in second_written[1][1]
        time.sleep(0.3)
        assert len(first_written) == 2, "the first worker skips its own message when it comes back"

        # Everything else still crosses one emit at a time, as python-socketio sends it.
        sid = second_manager.connect("eio-9", "/host")
        second_manager.enter_room(sid, "/host", "host:1")
        first.emit("timer", {"version": 3}, namespace="/host", to="host:1")
        deadline = time.monotonic() + 5
        while len(second_written) < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert second_written[2][0] == "eio-9" and '"version":3' in second_written[2][1]
    finally:
        for manager in (first_manager, second_manager):
            manager.redis.close()


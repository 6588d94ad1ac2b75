"""Telling the rooms what changed. Every emit names its room.

Rooms: ``host:<session id>`` on /host (the projector), ``play:<session id>``
on /play (every phone of a session) and ``player:<player id>`` on /play (one
person's phones). Phase changes send each phone its own snapshot; the
projector gets counts, never keystrokes.
"""

from __future__ import annotations

import logging
import time
from itertools import islice
from typing import Any

from ..clock import utcnow
from ..extensions import socketio
from ..models import GameSession, Player
from . import collector
from .snapshots import RoomReads, clock_payload, each_player_snapshot, host_snapshot

log = logging.getLogger(__name__)

HOST_NS = "/host"
PLAY_NS = "/play"


def host_room(session_id: int) -> str:
    return f"host:{session_id}"


def play_room(session_id: int) -> str:
    return f"play:{session_id}"


def player_room(player_id: int) -> str:
    return f"player:{player_id}"


def to_host(session: GameSession, event: str, data: Any) -> None:
    socketio.emit(event, data, namespace=HOST_NS, to=host_room(session.id))


# Phones get their snapshots in slices, each sent as soon as it is built:
# the sockets write one slice (and the phones start reading it) while the
# next is built, and a big room's last phone waits for less than the whole
# room's building and queueing.
EMIT_SLICE = 100
_latest: dict[int, int] = {}  # session id → the newest phase change in this process


def phase_changed(session: GameSession) -> None:
    with collector.paused():
        _send_phase(session)
    collector.collect_soon(session.id)


def _send_phase(session: GameSession) -> None:
    now = utcnow()
    started = time.perf_counter()
    mine = _latest[session.id] = _latest.get(session.id, 0) + 1
    # Phones first: a room's worth of them should not wait for the projector's
    # snapshot (the biggest to build) and the projector's one emit is quick.
    reads = RoomReads.of(session)
    read = time.perf_counter()
    pending = each_player_snapshot(session, now, reads=reads)
    building = queueing = 0.0
    phones = 0
    while True:
        if phones:
            # An emit only queues the packet; each socket's own greenlet writes it.
            socketio.sleep(0)
            if _latest[session.id] != mine:
                break  # a newer phase change took over: never send a stale one after it
        slice_started = time.perf_counter()
        batch = list(islice(pending, EMIT_SLICE))
        building += time.perf_counter() - slice_started
        if not batch:
            break
        queue_started = time.perf_counter()
        _to_each("snapshot", [(player_room(pid), snapshot) for pid, snapshot in batch])
        queueing += time.perf_counter() - queue_started
        phones += len(batch)
    sent = time.perf_counter()
    # The projector's snapshot (up to a quarter of a second to build at a
    # thousand players) after the phones', which have been written by now.
    to_host(session, "snapshot", host_snapshot(session, now, reads))
    # Where a phase change's time goes, for the bench and for anyone asking
    # why a big room's phones waited: wall time. Building and sending now
    # alternate slice by slice: "snapshots" is the building, "sent" the rest,
    # the sockets writing between slices included.
    log.info(
        "phase change: session %s round %s %s, %d phones: reads %.1f ms, snapshots %.1f ms, "
        "sent %.1f ms (queued %.1f ms), projector %.1f ms",
        session.id, session.round_no, session.phase, phones, (read - started) * 1000,
        building * 1000, (sent - read - building) * 1000, queueing * 1000, (time.perf_counter() - sent) * 1000,
    )


def _to_each(event: str, items: list[tuple[str, Any]], namespace: str = PLAY_NS) -> None:
    """Each room its own payload; through Redis as one message when the queue can batch them."""
    if not items:
        return
    manager = socketio.server.manager
    if hasattr(manager, "emit_each"):
        manager.emit_each(event, items, namespace)
        return
    for room, data in items:
        socketio.emit(event, data, namespace=namespace, to=room)


def timer_changed(session: GameSession) -> None:
    payload = clock_payload(session, utcnow())
    to_host(session, "timer", payload)
    socketio.emit("timer", payload, namespace=PLAY_NS, to=play_room(session.id))


def announce(session: GameSession, kinds: tuple[str, ...]) -> None:
    if "phase" in kinds:
        phase_changed(session)
    elif "timer" in kinds:
        timer_changed(session)


def player_joined(session_id: int, player_id: int, name: str, first_round: int) -> None:
    # Values, not rows: a join announces after its commit, when reading a row again is a round trip.
    socketio.emit(
        "player_joined", {"id": player_id, "name": name, "first_round": first_round},
        namespace=HOST_NS, to=host_room(session_id),
    )


def player_removed(session: GameSession, player: Player) -> None:
    to_host(session, "player_left", {"id": player.id})
    socketio.emit("removed", {}, namespace=PLAY_NS, to=player_room(player.id))


def presence_changed(session_id: int, player_id: int, *, away: bool) -> None:
    # Ids, not rows: a phone's connect announces after its commit, when reading a row again is a round trip.
    socketio.emit("presence", {"id": player_id, "away": away}, namespace=HOST_NS, to=host_room(session_id))


def progress(session: GameSession, data: dict[str, Any]) -> None:
    to_host(session, "progress", data)


def progress_each(counted: list[tuple[str, dict[str, Any]]]) -> None:
    """Many rooms' progress, (host room, counts) each: one message through Redis for all their projectors."""
    _to_each("progress", counted, HOST_NS)

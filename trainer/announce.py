"""Telling the rooms what changed. Every emit names its room.

Rooms: ``host:<session id>`` on /host (the projector), ``play:<session id>``
on /play (every phone of a session) and ``player:<player id>`` on /play (one
person's phones). Phase changes send each phone its own snapshot; the
projector gets counts, never keystrokes.
"""

from __future__ import annotations

from typing import Any

from .clock import utcnow
from .extensions import socketio
from .models import GameSession, Player
from .snapshots import clock_payload, host_snapshot, player_snapshots

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


def phase_changed(session: GameSession) -> None:
    now = utcnow()
    # Phones first: a room's worth of them should not wait for the projector's
    # snapshot (the biggest to build) and the projector's one emit is quick.
    for player_id, snapshot in player_snapshots(session, now).items():
        socketio.emit("snapshot", snapshot, namespace=PLAY_NS, to=player_room(player_id))
    to_host(session, "snapshot", host_snapshot(session, now))


def timer_changed(session: GameSession) -> None:
    payload = clock_payload(session, utcnow())
    to_host(session, "timer", payload)
    socketio.emit("timer", payload, namespace=PLAY_NS, to=play_room(session.id))


def announce(session: GameSession, kinds: tuple[str, ...]) -> None:
    if "phase" in kinds:
        phase_changed(session)
    elif "timer" in kinds:
        timer_changed(session)


def player_joined(session: GameSession, player: Player) -> None:
    to_host(session, "player_joined", {"id": player.id, "name": player.name, "first_round": player.first_round})


def player_removed(session: GameSession, player: Player) -> None:
    to_host(session, "player_left", {"id": player.id})
    socketio.emit("removed", {}, namespace=PLAY_NS, to=player_room(player.id))


def progress(session: GameSession, data: dict[str, Any]) -> None:
    to_host(session, "progress", data)

"""``python -m bench.soak``: hours of churn on one server, watched for leaks.

Back-to-back sessions (two one-minute rounds each) in 5 rooms of 50
simulated phones, for an hour by default. Every minute a tenth of the phones
drop their connection and come back a few seconds later with the same token,
as a phone does when it sleeps or loses the Wi-Fi. The trainers add time,
pause and resume, remove a player and hide a reply in every session.

Every ``--report-every`` seconds (10 minutes) it prints the server's RSS,
open file descriptors, database size, live greenlets and threads, and the
errors the phones have seen; at the end, the replies and votes the phones
had acknowledged against those the database holds. The goals: RSS and
descriptors within 10% of their value after warm-up, 0 errors, 0 lost.

    make soak                                  # an hour
    make soak SOAK_ARGS="--minutes 10"         # a short look
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import psutil
import socketio

from .__main__ import raise_file_limit
from .host import Host, open_session
from .phones import WORDS, choices
from .server import ServerProcess

ROOMS, PER_ROOM = 5, 50
DROP_SHARE = 0.10
GOALS = {"growth": 0.10}


@dataclass
class Tally:
    """What the phones saw, summed over every room and session."""

    sessions: int = 0
    errors: list[str] = field(default_factory=list)
    drops: int = 0
    # (session code, player name, round) → the last text the server acknowledged
    texts: dict[tuple[str, str, int], str] = field(default_factory=dict)
    # request ids of the votes the server acknowledged
    votes: set[str] = field(default_factory=set)
    removed: set[tuple[str, str]] = field(default_factory=set)


class SoakPhone:
    """A phone that writes, votes, and sometimes sleeps; it retries what a drop cut off."""

    def __init__(self, url: str, code: str, name: str, tally: Tally, rng: random.Random) -> None:
        self.url, self.code, self.name, self.tally, self.rng = url, code, name, tally, rng
        self.token = ""
        self.sio = self._client()
        self.online = asyncio.Event()
        self.finished = asyncio.Event()
        self.sleeping = False
        self.removed = False
        self.started: set[tuple[str, int]] = set()
        self.tasks: set[asyncio.Task] = set()

    def _client(self) -> socketio.AsyncClient:
        sio = socketio.AsyncClient(reconnection=False, handle_sigint=False, request_timeout=20)
        sio.on("snapshot", self.on_snapshot, namespace="/play")
        sio.on("disconnect", self.on_disconnect, namespace="/play")
        sio.on("removed", self.on_removed, namespace="/play")
        return sio

    async def join(self, http: aiohttp.ClientSession) -> None:
        async with http.post(self.url + "/api/join", json={"code": self.code, "name": self.name}) as answer:
            body = await answer.json()
        if not body.get("ok"):
            raise RuntimeError(f"join refused: {body.get('code')}")
        self.token = body["token"]
        await self.connect()

    async def connect(self) -> None:
        await self.sio.connect(self.url, auth={"token": self.token}, namespaces=["/play"],
                               transports=["websocket"], wait_timeout=30)
        self.online.set()  # only now may calls go out: a snapshot can come before the namespace is up

    async def on_disconnect(self, *_reason) -> None:
        self.online.clear()
        if not (self.sleeping or self.removed or self.finished.is_set()):
            self.tally.errors.append(f"{self.name}@{self.code}: dropped by the server")
            self.finished.set()

    async def on_removed(self, *_data) -> None:
        self.removed = True
        self.finished.set()

    async def on_snapshot(self, snap: dict[str, Any]) -> None:
        phase, round_no = snap["phase"], snap["round"]
        if phase == "finished":
            self.finished.set()
        elif phase == "writing" and snap.get("playing") and not snap.get("submitted"):
            self._once(("writing", round_no), self.write(snap))
        elif phase == "voting" and snap.get("ballot") and not snap.get("my_votes"):
            self._once(("voting", round_no), self.vote(snap))

    def _once(self, key: tuple[str, int], work) -> None:
        if key in self.started:
            work.close()
            return
        self.started.add(key)
        task = asyncio.create_task(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def call(self, event: str, payload: dict[str, Any]) -> dict[str, Any] | None:
        """play.js's requestSurely: an ack lost to a drop is asked again once back."""
        lost = []
        for _ in range(4):
            await self.online.wait()
            try:
                return await self.sio.call(event, payload, namespace="/play", timeout=30)
            except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError) as error:
                lost.append(type(error).__name__)
                await asyncio.sleep(1)
        self.tally.errors.append(f"{self.name}@{self.code}: {event} never answered: {', '.join(lost)}")
        return None

    async def write(self, snap: dict[str, Any]) -> None:
        round_no, words = snap["round"], []
        submit_at = time.monotonic() + self.rng.uniform(10, 35)
        while not self.removed:
            await asyncio.sleep(self.rng.uniform(1.5, 3.0))
            words += self.rng.sample(WORDS, 2)
            text = " ".join(words)[: snap["reply_max"]]
            event = "submit" if time.monotonic() >= submit_at else "draft"
            answer = await self.call(event, {"round": round_no, "text": text})
            if answer is None or self.removed:
                return
            if answer.get("ok"):
                self.tally.texts[(self.code, self.name, round_no)] = text
            elif answer.get("code") != "wrong_phase":  # time ran out while it slept: the draft stands
                self.tally.errors.append(f"{self.name}@{self.code}: {event} → {answer.get('code')}")
            if event == "submit" or not answer.get("ok"):
                return

    async def vote(self, snap: dict[str, Any]) -> None:
        await asyncio.sleep(self.rng.uniform(2, 12))
        for payload in choices(snap, self.rng):
            payload["request_id"] = f"{self.rng.getrandbits(64):016x}"
            answer = await self.call("vote", payload)
            if answer is None or self.removed:
                return
            if answer.get("ok"):
                self.tally.votes.add(payload["request_id"])
            elif answer.get("code") != "wrong_phase":
                self.tally.errors.append(f"{self.name}@{self.code}: vote → {answer.get('code')}")
                return
            await asyncio.sleep(self.rng.uniform(0.3, 1.5))

    async def doze(self, seconds: float) -> None:
        """The phone sleeps: the socket goes, the page (and its token) stay."""
        if self.sleeping or self.finished.is_set() or not self.sio.connected:
            return
        self.sleeping = True
        self.online.clear()
        self.tally.drops += 1
        await self.sio.disconnect()
        await asyncio.sleep(seconds)
        self.sio = self._client()
        try:
            await self.connect()
        except socketio.exceptions.ConnectionError as refused:
            if not self.finished.is_set():
                self.tally.errors.append(f"{self.name}@{self.code}: could not come back: {refused}")
                self.finished.set()
        finally:
            self.sleeping = False

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        if self.sio.connected:
            await self.sio.disconnect()


class SoakHost(Host):
    """The projector, keeping the latest snapshot for the trainer's clicks."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.latest: dict[str, Any] = {}

    async def _snapshot(self, snap: dict[str, Any]) -> None:
        self.latest = snap
        await super()._snapshot(snap)

    async def phase(self, phase: str, limit: float) -> None:
        """Wait for the room to move on; a trainer ends a phase that drags on."""
        self.seen.pop(phase, None)
        if self.latest.get("phase") == phase:
            return
        try:
            await self.until(phase, limit)
        except TimeoutError:
            await self.command("end_phase")
            await self.until(phase, 60)

    async def send(self, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        return await self.sio.call(event, payload, namespace="/host", timeout=60)


async def play_session(url: str, room: int, phones_now: list[SoakPhone], tally: Tally, rng: random.Random) -> None:
    """One session in one room: join, two rounds with the trainer's clicks, podium."""
    code, cookie = await open_session(url, rounds=2, writing_minutes=1, voting_seconds=30)
    host = await SoakHost(url, code, cookie).connect()
    phones = [SoakPhone(url, code, f"R{room} P{i + 1}", tally, random.Random(rng.random())) for i in range(PER_ROOM)]
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
        joined = await asyncio.gather(*(p.join(http) for p in phones), return_exceptions=True)
    for phone, outcome in zip(phones, joined, strict=True):
        if isinstance(outcome, BaseException):
            tally.errors.append(f"{phone.name}@{code}: join: {outcome}")
            phone.finished.set()
    phones_now.extend(phones)
    try:
        for round_no in (1, 2):
            host.seen.pop("writing", None)
            await host.command("next")
            await host.until("writing", 30)
            await asyncio.sleep(4)
            await host.command("extend")  # +60 s: someone is still thinking
            await host.command("pause")
            await asyncio.sleep(3)
            await host.command("resume")
            if round_no == 1:
                await remove_one(host, phones, tally)
            await host.phase("voting", 200)
            await host.phase("results", 90)
            replies = host.latest.get("replies") or []
            if replies:
                await host.send("hide_reply", {"reply_id": rng.choice(replies)["id"], "hidden": True})
            await asyncio.sleep(3)
        await host.command("next")
        await host.until("finished", 30)
        await asyncio.wait_for(asyncio.gather(*(p.finished.wait() for p in phones)), 60)
        tally.sessions += 1
    except (TimeoutError, RuntimeError, socketio.exceptions.SocketIOError) as lost:
        tally.errors.append(f"host {code}: {type(lost).__name__}: {lost}")
    finally:
        for phone in phones:
            phones_now.remove(phone)
        await asyncio.gather(*(p.close() for p in phones), return_exceptions=True)
        await host.close()


async def remove_one(host: SoakHost, phones: list[SoakPhone], tally: Tally) -> None:
    """The trainer removes a player who has wandered off."""
    leaver = phones[-1]
    found = next((p for p in host.latest.get("players", []) if p["name"] == leaver.name), None)
    if found is None:
        return
    leaver.removed = True
    tally.removed.add((leaver.code, leaver.name))
    answer = await host.send("remove_player", {"player_id": found["id"]})
    if not answer.get("ok"):
        tally.errors.append(f"host {leaver.code}: remove_player → {answer.get('code')}")


async def room_loop(url: str, room: int, until: float, phones_now: list[SoakPhone], tally: Tally) -> None:
    rng = random.Random(room)
    while time.monotonic() < until:
        await play_session(url, room, phones_now, tally, rng)


async def churn(phones_now: list[SoakPhone], until: float) -> None:
    """Every minute a tenth of the phones sleep for a few seconds."""
    rng = random.Random(99)
    while time.monotonic() < until:
        await asyncio.sleep(60)
        awake = [p for p in phones_now if not p.sleeping and not p.finished.is_set()]
        for phone in rng.sample(awake, int(len(awake) * DROP_SHARE)):
            asyncio.create_task(phone.doze(rng.uniform(2, 10)))


def sample(server: ServerProcess, db_path: Path, gauge: Path, tally: Tally, started: float) -> dict[str, Any]:
    proc = psutil.Process(server.pid)
    size = sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*"))
    gauged = json.loads(gauge.read_text()) if gauge.exists() else {}
    return {
        "minute": round((time.monotonic() - started) / 60, 1),
        "rss_mb": round(proc.memory_info().rss / 2**20, 1),
        "fds": proc.num_fds(),
        "db_mb": round(size / 2**20, 2),
        "greenlets": gauged.get("greenlets"),
        "threads": proc.num_threads(),
        "sessions": tally.sessions,
        "drops": tally.drops,
        "errors": len(tally.errors),
    }


def reconcile(db_path: Path, tally: Tally) -> dict[str, int]:
    """What the phones were told was saved, against what the database holds."""
    with sqlite3.connect(db_path) as conn:
        stored = {
            (code, name, round_no): text
            for code, name, round_no, text in conn.execute(
                "SELECT s.code, p.name, r.round_no, r.text FROM reply r JOIN player p ON p.id = r.player_id "
                "JOIN game_session s ON s.id = r.session_id WHERE r.text IS NOT NULL")
        }
        votes = {row[0] for row in conn.execute("SELECT request_id FROM vote WHERE request_id IS NOT NULL")}
    kept = {key: text for key, text in tally.texts.items() if key[:2] not in tally.removed}
    return {
        "replies_acknowledged": len(kept),
        "replies_stored": sum(1 for key in kept if key in stored),
        "replies_lost": sum(1 for key, text in kept.items() if stored.get(key) != text),
        "votes_acknowledged": len(tally.votes),
        "votes_stored": len(tally.votes & votes),
        "votes_lost": len(tally.votes - votes),
    }


def growth(rows: list[dict[str, Any]], key: str) -> float | None:
    """After warm-up (the first report) to the end, as a share of the warm value."""
    if len(rows) < 2 or not rows[0][key]:
        return None
    return round((rows[-1][key] - rows[0][key]) / rows[0][key], 3)


async def soak(minutes: float, report_every: float, workdir: Path) -> dict[str, Any]:
    raise_file_limit()
    gauge = workdir / "gauge.json"
    db_path = workdir / "bench.sqlite3"
    server = ServerProcess(workdir, env={"TRAINER_GAUGE_FILE": str(gauge)})
    server.argv = [sys.executable, "-m", "bench.gauged"]
    server.start()
    tally, rows = Tally(), []
    phones_now: list[SoakPhone] = []
    started = time.monotonic()
    until = started + minutes * 60
    print(f"soak: {ROOMS} rooms × {PER_ROOM} phones for {minutes:g} min; report every {report_every:g} s", flush=True)
    print("| minute | RSS MB | fds | DB MB | greenlets | threads | sessions | drops | errors |", flush=True)
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |", flush=True)

    async def report() -> None:
        while True:
            await asyncio.sleep(report_every)
            row = sample(server, db_path, gauge, tally, started)
            rows.append(row)
            print("| " + " | ".join(str(v) for v in row.values()) + " |", flush=True)

    reporter = asyncio.create_task(report())
    try:
        await asyncio.gather(churn(phones_now, until),
                             *(room_loop(server.url, room + 1, until, phones_now, tally) for room in range(ROOMS)))
    finally:
        reporter.cancel()
        await asyncio.sleep(2)  # the last drafts reach the disk
        at_rest = sample(server, db_path, gauge, tally, started)  # every phone gone
        server.stop()
    figures = {
        "minutes": minutes, "rooms": ROOMS, "per_room": PER_ROOM, "rows": rows, "at_rest": at_rest,
        "rss_growth": growth(rows, "rss_mb"), "fds_growth": growth(rows, "fds"),
        "errors": len(tally.errors), "first_errors": tally.errors[:20], "sessions": tally.sessions,
        "drops": tally.drops, **reconcile(db_path, tally), "server_log_problems": server.problems()[:10],
    }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=60)
    parser.add_argument("--report-every", type=float, default=600, help="seconds between rows (600)")
    parser.add_argument("--out", default="bench-results/soak.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="too-sandy-soak-") as tmp:
        figures = asyncio.run(soak(args.minutes, args.report_every, Path(tmp)))
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(figures, indent=1))
    print(f"after the last session, with every phone gone: {figures['at_rest']}")
    print(f"\nsessions played: {figures['sessions']}, phone drops: {figures['drops']}")
    print(f"RSS growth after warm-up: {figures['rss_growth']}, descriptors: {figures['fds_growth']} "
          f"(goal: under {GOALS['growth']:.0%})")
    print(f"errors seen by phones: {figures['errors']} (goal 0)")
    for line in figures["first_errors"]:
        print("  " + line)
    print(f"replies: {figures['replies_acknowledged']} acknowledged, {figures['replies_stored']} stored, "
          f"{figures['replies_lost']} lost")
    print(f"votes: {figures['votes_acknowledged']} acknowledged, {figures['votes_stored']} stored, "
          f"{figures['votes_lost']} lost")
    for line in figures["server_log_problems"]:
        print("  server: " + line)
    ok = (figures["errors"] == 0 and figures["replies_lost"] == 0 and figures["votes_lost"] == 0
          and all(g is None or g < GOALS["growth"] for g in (figures["rss_growth"], figures["fds_growth"])))
    print("goals met" if ok else "goals NOT met")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

"""A worker process of simulated phones: ``python -m bench.phones CONFIG.json``.

Each phone does what play.js does: POST /api/join, connect /play with its
token, autosave drafts while "typing", submit, vote on its ballot, and wait
for the podium. It records, on this machine's clock, when every snapshot
arrived against the ``server_now`` inside it (fan-out latency) and how long
each ack took. The process prints ``ready N FAILED`` once all its phones are
connected and ``done`` once it has written its results file.

In floor mode the phones only connect to the bare server (bench/floor.py)
and record when each broadcast arrives.
"""

from __future__ import annotations

import asyncio
import gc
import json
import random
import sys
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import socketio

WORDS = (
    "thank you for telling us we are sorry the sand is part of the beach but we can "
    "offer a towel a quieter spot a voucher and a smile next time you visit our team"
).split()


def now_ms() -> float:
    return time.time() * 1000


@dataclass
class Record:
    """What one process measured; merged by the orchestrator."""

    join_http_ms: list[float] = field(default_factory=list)
    joined_at_ms: list[float] = field(default_factory=list)
    fanout: list[tuple[str, float, int]] = field(default_factory=list)  # (phase, ms, bytes)
    acks: dict[str, list[float]] = field(default_factory=lambda: {"draft": [], "submit": [], "vote": []})
    errors: list[str] = field(default_factory=list)
    # Per phone: the (round, phase, version) of each snapshot, versions that
    # arrived lower than one already seen, and the worker nginx chose.
    order: list[dict[str, Any]] = field(default_factory=list)
    # One snapshot of each phase as the server pushed it: the floor sends the same.
    samples: dict[str, dict[str, Any]] = field(default_factory=dict)
    failed: int = 0
    cpu_s: float = 0.0  # this phone process's own CPU time: it shares the cores with the server
    # How late this process's event loop ran (ms, every 10 ms tick that was over 2 ms late):
    # a phase change reaches a thousand simulated phones through one loop, and
    # whatever the loop is late by is counted as the server's fan-out.
    loop_late_ms: list[float] = field(default_factory=list)


class Phone:
    def __init__(self, cfg: dict[str, Any], code: str, name: str, record: Record, rng: random.Random) -> None:
        self.cfg, self.code, self.name, self.rec, self.rng = cfg, code, name, record, rng
        # A cookie jar of its own, as each browser has: behind nginx the route
        # cookie set on the join answer keeps the phone's polling and upgrade
        # on one worker. Otherwise the process's shared session joins.
        self.http = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) if cfg.get("own_cookies") else None
        # The browser client gives a connection 20 s; engineio's default is 5.
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False, request_timeout=20,
                                        http_session=self.http)
        self.finished = asyncio.Event()
        self.connected = asyncio.Event()
        self.tasks: set[asyncio.Task] = set()
        self.rounds_seen: set[tuple[str, int]] = set()
        self.seen: list[tuple[int, str, int]] = []
        # When each pushed phase change arrived (ms since the epoch): the trainer's click to this phone.
        self.arrived: dict[str, float] = {}
        self.top_version = -1
        self.backwards = 0
        self.worker = ""
        self.sio.on("snapshot", self.on_snapshot, namespace="/play")
        self.sio.on("timer", self.on_timer, namespace="/play")
        self.sio.on("resync", self.on_resync, namespace="/play")
        self.sio.on("disconnect", self.on_disconnect, namespace="/play")

    async def join(self, http: aiohttp.ClientSession, gate: asyncio.Semaphore) -> None:
        async with gate:
            started = time.perf_counter()
            async with (self.http or http).post(
                self.cfg["url"] + "/api/join", json={"code": self.code, "name": self.name},
                timeout=aiohttp.ClientTimeout(total=self.cfg.get("join_timeout", 60)),
            ) as answer:
                body = await answer.json()
                self.worker = answer.headers.get("X-Too-Sandy-Worker", "")
            self.rec.join_http_ms.append((time.perf_counter() - started) * 1000)
            if not body.get("ok"):
                raise RuntimeError(f"join refused: {body}")
            await self.sio.connect(
                self.cfg["url"], auth={"token": body["token"]}, namespaces=["/play"],
                transports=self.cfg["transports"], wait_timeout=30,
            )
        await asyncio.wait_for(self.connected.wait(), 60)

    async def on_disconnect(self, *_args) -> None:
        if not self.finished.is_set():
            self.rec.errors.append(f"{self.name}: disconnected")
            self.finished.set()

    def _version(self, version: int) -> None:
        """Screens drop a payload older than one drawn; count each that came late."""
        if version < self.top_version:
            self.backwards += 1
        self.top_version = max(self.top_version, version)

    async def on_timer(self, data: dict[str, Any]) -> None:
        self._version(data["version"])

    async def on_resync(self, *_args) -> None:
        """As play.js does after a Redis outage: ask for the state (a phone still connecting gets it anyway)."""
        if "/play" not in self.sio.namespaces:
            return
        answer = await self.sio.call("sync", {}, namespace="/play", timeout=60)
        if answer.get("ok"):
            await self.on_snapshot(answer["snapshot"])

    def order(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "worker": self.worker,
                "seen": self.seen, "backwards": self.backwards, "arrived": self.arrived}

    async def on_snapshot(self, snap: dict[str, Any]) -> None:
        received = now_ms()
        phase, round_no = snap["phase"], snap["round"]
        self._version(snap["version"])
        self.seen.append((round_no, phase, snap["version"]))
        first = not self.connected.is_set()
        if first:
            self.connected.set()
            self.rec.joined_at_ms.append(received)
        elif (phase, round_no) not in self.rounds_seen:
            # A phase change pushed by the server: its fan-out latency.
            self.rec.fanout.append((phase, received - snap["server_now"], len(json.dumps(snap))))
            self.rec.samples.setdefault(phase, snap)
            self.arrived.setdefault(phase, received)
        self.rounds_seen.add((phase, round_no))
        if phase == "writing" and snap.get("playing") and not first:
            self._spawn(self.write(snap))
        elif phase == "voting" and snap.get("ballot") and not first:
            self._spawn(self.vote(snap))
        elif phase == "finished":
            self.finished.set()

    def _spawn(self, coro) -> None:
        task = asyncio.create_task(coro)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _ack(self, kind: str, event: str, payload: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            answer = await self.sio.call(event, payload, namespace="/play", timeout=60)
        except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError) as lost:
            self.rec.errors.append(f"{self.name}: {event} → {type(lost).__name__}")
            return {"ok": False}
        self.rec.acks[kind].append((time.perf_counter() - started) * 1000)
        if not answer.get("ok"):
            self.rec.errors.append(f"{self.name}: {event} → {answer.get('code')}")
        return answer

    async def write(self, snap: dict[str, Any]) -> None:
        """Autosave every ~interval while typing, then submit in the window."""
        cfg, rng = self.cfg, self.rng
        submit_at = time.monotonic() + rng.uniform(*cfg["submit_window"])
        words: list[str] = []
        while True:
            await asyncio.sleep(cfg["draft_interval"] * rng.uniform(0.7, 1.3))
            words += rng.sample(WORDS, 2)
            text = " ".join(words)[: snap["reply_max"]]
            if time.monotonic() >= submit_at:
                await self._ack("submit", "submit", {"round": snap["round"], "text": text})
                return
            await self._ack("draft", "draft", {"round": snap["round"], "text": text})

    async def vote(self, snap: dict[str, Any]) -> None:
        cfg, rng = self.cfg, self.rng
        await asyncio.sleep(rng.uniform(*cfg["vote_window"]))
        for payload in choices(snap, rng):
            answer = await self._ack("vote", "vote", payload)
            if not answer.get("ok"):
                return
            await asyncio.sleep(rng.uniform(0.5, 3.0))

    async def close(self) -> None:
        for task in list(self.tasks):
            task.cancel()
        if self.sio.connected:
            await self.sio.disconnect()
        if self.http is not None:
            await self.http.close()


def choices(snap: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """A full ballot's worth of votes or awards, as play.js lets a person give them.

    Plain votes go to different replies, or one per duel; awards give each
    criterion to a different reply, or in a duel each criterion to one side.
    """
    awards = snap.get("voting") == "awards"
    criteria = range(len(snap.get("criteria") or [])) if awards else [None]
    picked: list[dict[str, Any]] = []
    if snap.get("duels"):
        for duel in snap["duels"]:
            picked += [{"reply_id": rng.choice(duel), "criterion": c} for c in criteria]
    elif awards:
        replies = rng.sample([r["id"] for r in snap["ballot"]], snap["votes_allowed"])
        picked = [{"reply_id": r, "criterion": c} for r, c in zip(replies, criteria, strict=False)]
    else:
        picked = [{"reply_id": r} for r in rng.sample([r["id"] for r in snap["ballot"]], snap["votes_allowed"])]
    for choice in picked:
        if choice.get("criterion") is None:
            choice.pop("criterion", None)
    return picked[: snap["votes_allowed"]]


class FloorPhone:
    """Connects to the bare server and timestamps each broadcast."""

    def __init__(self, cfg: dict[str, Any], record: Record) -> None:
        self.cfg, self.rec = cfg, record
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False, request_timeout=20)
        self.finished = asyncio.Event()
        self.sio.on("bcast", self.on_bcast)
        self.sio.on("done", lambda *_: self.finished.set())

    async def on_bcast(self, data: dict[str, Any]) -> None:
        received = now_ms()
        kind = "personal" if data.get("personal") else "floor"
        # Timed and sized as Phone.on_snapshot times a phase change, and kept
        # by phase: each floor figure stands beside the same phase of ours.
        self.rec.fanout.append((f"{kind} {data['phase']}", received - data["server_now"], len(json.dumps(data))))

    async def join(self, _http, gate: asyncio.Semaphore) -> None:
        async with gate:
            await self.sio.connect(self.cfg["url"], transports=self.cfg["transports"], wait_timeout=30)
        self.rec.joined_at_ms.append(now_ms())

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()


async def run(cfg: dict[str, Any]) -> Record:
    record = Record()
    rng = random.Random(cfg.get("seed", 1))
    if cfg["mode"] == "floor":
        phones = [FloorPhone(cfg, record) for _ in range(cfg["count"])]
    else:
        phones = [
            Phone(cfg, code, name, record, random.Random(rng.random())) for code, name in cfg["phones"]
        ]
    gate = asyncio.Semaphore(cfg.get("join_concurrency", 200))
    await asyncio.sleep(max(0.0, cfg["start_at"] - time.time()))
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=cfg.get("join_timeout", 60))) as http:
        outcomes = await asyncio.gather(*(p.join(http, gate) for p in phones), return_exceptions=True)
    live = []
    for phone, outcome in zip(phones, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            record.failed += 1
            record.errors.append(f"join: {type(outcome).__name__}: {outcome}")
        else:
            live.append(phone)
    # A thousand phones share two processes here, where each would be a device of
    # its own: a full garbage collection in one process would hold 500 of them
    # at once and show up as the server's latency. Everything is short-lived; no
    # collections until the run is over (the floor's phones run this same code).
    gc.collect()
    gc.freeze()
    gc.disable()
    print(f"ready {len(live)} {record.failed}", flush=True)
    probe = asyncio.create_task(loop_lateness(record))
    try:
        await asyncio.wait_for(
            asyncio.gather(*(p.finished.wait() for p in live)), cfg["time_limit"]
        )
    except TimeoutError:
        record.errors.append(f"time limit: {sum(not p.finished.is_set() for p in live)} phones unfinished")
    probe.cancel()
    await asyncio.gather(*(p.close() for p in phones), return_exceptions=True)
    record.order = [p.order() for p in live if isinstance(p, Phone)]
    record.cpu_s = round(time.process_time(), 1)
    return record


async def loop_lateness(record: Record, tick: float = 0.01) -> None:
    """Every ``tick``, how much later than asked the loop came back (kept when over 2 ms)."""
    loop = asyncio.get_running_loop()
    while True:
        asked = loop.time()
        await asyncio.sleep(tick)
        late = (loop.time() - asked - tick) * 1000
        if late > 2:
            record.loop_late_ms.append(round(late, 1))


def main() -> None:
    cfg = json.loads(open(sys.argv[1]).read())
    record = asyncio.run(run(cfg))
    with open(cfg["out"], "w") as out:
        json.dump(record.__dict__, out)
    print("done", flush=True)


if __name__ == "__main__":
    main()

"""The shapes the bench runs: one big room, many small rooms, the floor."""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import socketio

from . import order
from .host import Host, open_session
from .pgwait import PgWaits, RedisCount
from .profile import Profiler, summarise
from .server import ROOT, Monitor, ServerProcess
from .stats import summary


@dataclass
class Load:
    """How the simulated people behave (seconds)."""

    transports: list[str]
    workers: int = 2
    draft_interval: float = 2.0  # play.js flushes at most every 2 s while typing
    submit_window: tuple[float, float] = (12.0, 24.0)
    # People read a ballot of up to 12 replies before voting, then vote
    # a second or two apart (bench/phones.py).
    vote_window: tuple[float, float] = (3.0, 25.0)
    results_pause: float = 5.0
    time_limit: float = 240.0
    mode: str = "own_card"  # how the session deals (own_card, same_card, duels)
    voting: str = "votes"  # votes or awards
    own_cookies: bool = False  # a cookie jar per phone, as browsers have (behind nginx: the route cookie)


class Workers:
    """Phone worker processes (bench/phones.py), started together."""

    def __init__(self, workdir: Path, name: str) -> None:
        self.workdir, self.name = workdir, name
        self.procs: list[asyncio.subprocess.Process] = []
        self.outs: list[Path] = []

    async def start(self, configs: list[dict[str, Any]]) -> None:
        for i, cfg in enumerate(configs):
            out = self.workdir / f"{self.name}-{i}.json"
            cfg_path = self.workdir / f"{self.name}-{i}.cfg.json"
            cfg_path.write_text(json.dumps({**cfg, "out": str(out)}))
            self.outs.append(out)
            self.procs.append(await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bench.phones", str(cfg_path), cwd=ROOT,
                stdout=asyncio.subprocess.PIPE,
            ))

    async def ready(self, timeout: float) -> tuple[int, int]:
        """Wait for every worker's ``ready`` line: (connected, failed)."""
        connected = failed = 0
        for proc in self.procs:
            line = (await asyncio.wait_for(proc.stdout.readline(), timeout)).decode().split()
            if not line or line[0] != "ready":
                raise RuntimeError(f"phone worker said {line!r}")
            connected, failed = connected + int(line[1]), failed + int(line[2])
        return connected, failed

    async def results(self, timeout: float) -> dict[str, Any]:
        for proc in self.procs:
            await asyncio.wait_for(proc.wait(), timeout)
        merged: dict[str, Any] = {"join_http_ms": [], "joined_at_ms": [], "fanout": [], "errors": [], "order": [],
                                  "failed": 0, "acks": {"draft": [], "submit": [], "vote": []}, "cpu_s": 0.0,
                                  "samples": {}, "loop_late_ms": []}
        for out in self.outs:
            part = json.loads(out.read_text())
            for key in ("join_http_ms", "joined_at_ms", "fanout", "errors", "order"):
                merged[key] += part[key]
            for kind, values in part["acks"].items():
                merged["acks"][kind] += values
            merged["failed"] += part["failed"]
            merged["loop_late_ms"] += part.get("loop_late_ms", [])
            for phase, snap in part.get("samples", {}).items():
                merged["samples"].setdefault(phase, snap)
            merged["cpu_s"] = round(merged["cpu_s"] + part.get("cpu_s", 0.0), 1)
        return merged

    def kill(self) -> None:
        for proc in self.procs:
            if proc.returncode is None:
                proc.kill()


def split(items: list, parts: int) -> list[list]:
    return [items[i::parts] for i in range(parts)]


def phone_configs(url: str, phones: list[tuple[str, str]], load: Load, start_at: float) -> list[dict[str, Any]]:
    return [
        {
            "mode": "game", "url": url, "phones": chunk, "start_at": start_at, "seed": i + 1,
            "transports": load.transports, "draft_interval": load.draft_interval,
            "submit_window": load.submit_window, "vote_window": load.vote_window,
            "time_limit": load.time_limit, "own_cookies": load.own_cookies,
        }
        for i, chunk in enumerate(split(phones, load.workers))
    ]


async def play_rooms(
    workdir: Path, rooms: int, per_room: int, load: Load, server_env: dict[str, str], profile: bool = False,
    start_server: Callable[[Path], Any] | None = None,
) -> dict[str, Any]:
    """Run ``rooms`` sessions of ``per_room`` phones at once on one server.

    ``start_server(workdir)`` may start something else with a ``url``,
    ``pids``, ``problems()`` and ``stop()``: bench/scaleout.py's workers behind nginx.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    server = start_server(workdir) if start_server else ServerProcess(workdir, env=server_env).start()
    workers = Workers(workdir, "phones")
    profiler = Profiler(server.pid, workdir / "profile.txt") if profile else None
    try:
        with (Monitor(server.pids) as monitor, PgWaits(server_env.get("TRAINER_DATABASE_URL")) as waits,
              RedisCount(server_env.get("TRAINER_MESSAGE_QUEUE")) as redis_count):
            hosts = []
            for _ in range(rooms):
                code, token = await open_session(server.url, rounds=1, writing_minutes=2, voting_seconds=120,
                                                 mode=load.mode, voting=load.voting)
                hosts.append(await Host(server.url, code, token).connect())
            monitor.mark("idle")
            phones = [(h.code, f"Phone {i + 1}") for h in hosts for i in range(per_room)]
            start_at = time.time() + 1.0
            await workers.start(phone_configs(server.url, phones, load, start_at))
            connected, failed = await workers.ready(timeout=180)
            monitor.mark("connected")
            # A trainer starts once the projector's lobby shows everyone, not the instant the
            # last phone's socket opens: the projectors may still be hearing of the last joins.
            settling = time.perf_counter()
            full = await asyncio.gather(*(h.until_joined(per_room, 30) for h in hosts))
            lobby_ms = (time.perf_counter() - settling) * 1000
            trouble = await _drive(hosts, load)
            record = await workers.results(timeout=load.time_limit)
            record["errors"] += trouble
            monitor.mark("done")
            await asyncio.gather(*(h.close() for h in hosts))
        figures = _room_figures(record, monitor, rooms * per_room, connected, failed, start_at, server.problems())
        # How long after the last phone connected every projector showed a full lobby, and how many never did.
        figures["lobby_full_ms"] = round(lobby_ms)
        figures["lobbies_short"] = full.count(False)
        figures["phase_order"] = order.check(record["order"], {h.code: order.went_through(h.phases) for h in hosts})
        figures["phones_per_worker"] = order.spread(record["order"])
        figures["click_to_phone_ms"] = click_to_phone(record["order"], hosts)
        figures["server_phase_ms"] = server.phase_costs()
        figures["database"] = server.database_figures()
        figures["postgres_waits"] = waits.figures()
        figures["redis"] = redis_count.figures()
        if profiler:
            figures["profile"] = _profile(profiler)
        return figures
    finally:
        if profiler and profiler.proc.poll() is None:
            _profile(profiler)
        workers.kill()
        server.stop()


def click_to_phone(phones: list[dict[str, Any]], hosts: list[Host]) -> dict[str, Any]:
    """From the trainer's click (start, podium) to each phone's snapshot: the fan-out plus the
    command's own work before the phase changes, which the fan-out does not count."""
    clicked = {h.code: h.clicked for h in hosts}
    return summary(
        arrived - clicked[phone["code"]][phase]
        for phone in phones for phase, arrived in phone.get("arrived", {}).items()
        if phase in clicked.get(phone["code"], {})
    )


def _profile(profiler: Profiler) -> dict[str, Any]:
    profiler.stop()
    summary_ = summarise(profiler.out)
    profiler.out.with_suffix(".summary.json").write_text(json.dumps(summary_, indent=1))
    return summary_


async def _drive(hosts: list[Host], load: Load) -> list[str]:
    """The trainers' clicks: start, (end a phase that hangs), podium."""
    try:
        await asyncio.gather(*(h.click("next", "writing") for h in hosts))
        writing_limit = load.submit_window[1] + load.draft_interval * 2 + 30
        await asyncio.gather(*(_phase_or_end(h, "voting", writing_limit) for h in hosts))
        await asyncio.gather(*(_phase_or_end(h, "results", load.vote_window[1] + 30) for h in hosts))
        await asyncio.sleep(load.results_pause)  # the trainer talks the room through the results
        await asyncio.gather(*(h.click("next", "finished") for h in hosts))
    except (TimeoutError, RuntimeError, socketio.exceptions.SocketIOError) as lost:
        return [f"host: {type(lost).__name__}: {lost}"]
    return []


async def _phase_or_end(host: Host, phase: str, timeout: float) -> None:
    """Wait for the room to move on by itself; else the trainer ends the phase."""
    try:
        await host.until(phase, timeout)
    except TimeoutError:
        await host.command("end_phase")
        await host.until(phase, 30)


def _room_figures(record, monitor: Monitor, phones: int, connected: int, failed: int,
                  start_at: float, problems: list[str]) -> dict[str, Any]:
    marks = monitor.marks
    by_phase: dict[str, list[float]] = {}
    sizes: dict[str, list[int]] = {}
    for phase, latency, size in record["fanout"]:
        by_phase.setdefault(phase, []).append(latency)
        sizes.setdefault(phase, []).append(size)
    joined = record["joined_at_ms"]
    rss_added = marks["connected"]["rss"] - marks["idle"]["rss"]
    return {
        "phones": phones,
        "connected": connected,
        "failed_to_join": failed,
        "all_joined_s": round((max(joined) / 1000 - start_at), 2) if joined else None,
        "join_http_ms": summary(record["join_http_ms"]),
        "fanout_ms": summary(lat for _, lat, _ in record["fanout"]),
        "fanout_by_phase_ms": {phase: summary(values) for phase, values in by_phase.items()},
        "snapshot_bytes_median": {phase: int(statistics.median(v)) for phase, v in sizes.items()},
        "snapshot_samples": record["samples"],
        "acks_ms": {kind: summary(values) for kind, values in record["acks"].items()},
        "server_cpu_s": round(monitor.cpu_between("start", "done"), 1),
        "server_cpu_s_session": round(monitor.cpu_between("idle", "done"), 1),
        "worker_cpu_s_session": monitor.cpu_each_between("idle", "done"),
        "session_wall_s": round(marks["done"]["t"] - marks["idle"]["t"], 1),
        "phones_cpu_s": record["cpu_s"],
        "phones_loop_late_max_ms": max(record["loop_late_ms"], default=0.0),
        "rss_idle_mb": round(marks["idle"]["rss"] / 2**20, 1),
        "rss_connected_mb": round(marks["connected"]["rss"] / 2**20, 1),
        "rss_peak_mb": round(monitor.peak_rss / 2**20, 1),
        "rss_per_phone_kb": round(rss_added / 1024 / max(connected, 1), 1),
        "peak_rss_per_phone_kb": round((monitor.peak_rss - marks["idle"]["rss"]) / 1024 / max(connected, 1), 1),
        "errors": record["errors"][:20],
        "error_count": len(record["errors"]),
        "server_log_problems": problems[:10],
    }


async def floor(workdir: Path, phones: int, samples: dict[str, dict[str, Any]], load: Load,
                broadcasts: int = 3) -> dict[str, Any]:
    """The same N clients on a bare python-socketio server: two floors.

    For each phase, the snapshot a phone of ours received (``samples``: the
    same bytes, so each simulated phone decodes and handles what it did in
    our run), first broadcast to all (encoded once), then sent to each
    client as a payload of its own (encoded once per client): the gap
    between the two is the price of personal payloads, and what we add
    beyond the second is ours.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    server = ServerProcess(workdir, floor=True).start()
    workers = Workers(workdir, "floor")
    try:
        with Monitor(server.pid) as monitor:
            monitor.mark("idle")
            start_at = time.time() + 1.0
            await workers.start([
                {"mode": "floor", "url": server.url, "count": len(chunk), "start_at": start_at,
                 "transports": load.transports, "time_limit": load.time_limit}
                for chunk in split(list(range(phones)), load.workers)
            ])
            connected, failed = await workers.ready(timeout=180)
            monitor.mark("connected")
            sent: dict[str, dict[str, list[float]]] = {"floor": {}, "personal": {}}
            async with aiohttp.ClientSession() as http:
                for phase, sample in samples.items():
                    for personal in ("0", "1"):
                        for _ in range(broadcasts):
                            await asyncio.sleep(1.5)
                            async with http.post(f"{server.url}/broadcast?personal={personal}",
                                                 json=sample) as answer:
                                said = await answer.json(content_type=None)
                            kind = "personal" if personal == "1" else "floor"
                            sent[kind].setdefault(phase, []).append(said["sent_ms"])
                await asyncio.sleep(3)
                async with http.get(f"{server.url}/done") as answer:
                    await answer.read()
            record = await workers.results(timeout=60)
            monitor.mark("done")
        latencies: dict[str, list[float]] = {"floor": [], "personal": []}
        by_phase: dict[str, dict[str, list[float]]] = {"floor": {}, "personal": {}}
        for label, lat, _size in record["fanout"]:
            kind, phase = label.split(" ", 1)
            latencies[kind].append(lat)
            by_phase[kind].setdefault(phase, []).append(lat)
        return {
            "phones": phones, "connected": connected, "failed_to_join": failed,
            "payload_bytes": {phase: len(json.dumps(sample)) for phase, sample in samples.items()},
            "broadcasts_per_phase": broadcasts,
            "fanout_ms": summary(latencies["floor"]),
            "fanout_by_phase_ms": {phase: summary(v) for phase, v in by_phase["floor"].items()},
            "personal_fanout_ms": summary(latencies["personal"]),
            "personal_fanout_by_phase_ms": {phase: summary(v) for phase, v in by_phase["personal"].items()},
            # The floor server's own time to send, median of the broadcasts of each phase.
            "sent_by_phase_ms": {kind: {phase: round(statistics.median(v), 1) for phase, v in each.items()}
                                 for kind, each in sent.items()},
            "rss_per_phone_kb": round(
                (monitor.marks["connected"]["rss"] - monitor.marks["idle"]["rss"]) / 1024 / max(connected, 1), 1),
            "server_cpu_s": round(monitor.cpu_between("start", "done"), 1),
            "errors": record["errors"][:20],
        }
    finally:
        workers.kill()
        server.stop()


async def capacity(workdir: Path, phones: int, max_connections: int | None, load: Load) -> dict[str, Any]:
    """How many phones one worker holds: join and connect N, measure, leave."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = {} if max_connections is None else {"TRAINER_MAX_CONNECTIONS": str(max_connections)}
    server = ServerProcess(workdir, env=env).start()
    workers = Workers(workdir, "capacity")
    try:
        with Monitor(server.pid) as monitor:
            code, token = await open_session(server.url)
            host = await Host(server.url, code, token).connect()
            monitor.mark("idle")
            configs = phone_configs(server.url, [(code, f"Phone {i + 1}") for i in range(phones)], load,
                                    time.time() + 1.0)
            for cfg in configs:
                cfg["join_timeout"] = 30
            await workers.start(configs)
            connected, failed = await workers.ready(timeout=300)
            monitor.mark("connected")
            await host.close()
        return {
            "phones": phones, "max_connections": max_connections or "default (TRAINER_MAX_CONNECTIONS unset)",
            "connected": connected, "failed": failed,
            "rss_connected_mb": round(monitor.marks["connected"]["rss"] / 2**20, 1),
            "rss_per_phone_kb": round(
                (monitor.marks["connected"]["rss"] - monitor.marks["idle"]["rss"]) / 1024 / max(connected, 1), 1),
        }
    finally:
        workers.kill()
        server.stop()

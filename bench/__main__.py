"""``python -m bench --phones 1000``: where Too Sandy stands against its floor.

Runs, one after the other, each against a fresh server process:
1. the phone's page weight;
2. one room of N phones through a whole session (join storm, autosaved
   writing, submissions, voting, results, podium);
3. the floors: a bare python-socketio server sending each phase's snapshot,
   as one of our phones received it, to the same N clients: once to all,
   then a copy to each;
4. many rooms at once (20 rooms of 30 phones by default).

With ``--server-workers K`` it runs against deploy/'s scaled-out deployment
instead (K workers on PostgreSQL and Redis behind nginx; bench/scaleout.py):
the same one room on K workers, on one worker with Redis and on one without
(side by side: the Redis hop), and 40 rooms of 50 phones on K workers.

Prints a Markdown table and writes the figures as JSON (``--out``).
Run it on an otherwise idle machine for figures worth quoting.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import shutil
import time
from pathlib import Path

import psutil

from . import deployment, order, scaleout, scenarios
from .pageweight import page_weight
from .server import ServerProcess
from .stats import fmt, latency_cells, table

# The absolute targets (docs/performance.md); the ratio to the floor is a figure to watch, not a gate.
TARGETS = {"all_joined_s": 30, "fanout_p95_ms": 500, "floor_ratio": 2.5, "submit_p95_ms": 250,
           "vote_p95_ms": 250, "rss_per_phone_kb": 150, "page_gzip_kb": 60}


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model or platform.processor(), "cores": psutil.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(), "system": platform.platform(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def raise_file_limit() -> None:
    """A thousand sockets on each side need more than the usual 1,024 descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def options() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, default=1000, help="phones in the one-room run (1000)")
    parser.add_argument("--rooms", type=int, default=None,
                        help="rooms in the many-rooms run (20, or 40 with --server-workers; 0 skips it)")
    parser.add_argument("--room-size", type=int, default=None,
                        help="phones per room in the many-rooms run (30, or 50 with --server-workers)")
    parser.add_argument("--workers", type=int, default=2, help="phone worker processes (2)")
    parser.add_argument("--transport", choices=["polling", "websocket"], default="polling",
                        help="polling: handshake over HTTP then upgrade, as browsers do (default)")
    parser.add_argument("--draft-interval", type=float, default=2.0, help="seconds between autosaves (2)")
    parser.add_argument("--no-floor", action="store_true", help="skip the bare-server floor")
    parser.add_argument("--database-url", default="",
                        help="TRAINER_DATABASE_URL for the server (SQLite; with --server-workers a fresh "
                             "PostgreSQL database on 127.0.0.1, dropped afterwards)")
    parser.add_argument("--server-workers", type=int, default=0, metavar="K",
                        help="run against K workers (deploy/start-workers) on PostgreSQL and Redis behind nginx "
                             "(0: one process, as shipped)")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0",
                        help="TRAINER_MESSAGE_QUEUE for --server-workers (a channel of the run's own on it)")
    parser.add_argument("--profile", action="store_true", help="sample the one-room server with py-spy")
    parser.add_argument("--capacity", type=int, default=0, metavar="N",
                        help="only connect N phones to one worker and count who got in (no session)")
    parser.add_argument("--max-connections", type=int, default=None,
                        help="TRAINER_MAX_CONNECTIONS for --capacity (the server's default when unset)")
    parser.add_argument("--mode", choices=["own_card", "same_card", "duels"], default="own_card",
                        help="how the sessions deal (own_card)")
    parser.add_argument("--voting", choices=["votes", "awards"], default="votes",
                        help="best-replies votes or service awards (votes)")
    parser.add_argument("--out", default="bench-results/latest.json", help="JSON file to write")
    args = parser.parse_args()
    scaled = args.server_workers > 0
    args.rooms = (40 if scaled else 20) if args.rooms is None else args.rooms
    args.room_size = (50 if scaled else 30) if args.room_size is None else args.room_size
    return args


async def run(args: argparse.Namespace, workdir: Path) -> dict:
    transports = ["polling", "websocket"] if args.transport == "polling" else ["websocket"]
    load = scenarios.Load(transports=transports, workers=args.workers, draft_interval=args.draft_interval,
                          mode=args.mode, voting=args.voting)
    env = {"TRAINER_DATABASE_URL": args.database_url} if args.database_url else {}
    results: dict = {"machine": machine(), "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
                     "params": {k: v for k, v in vars(args).items() if k != "out"}}
    if args.server_workers:
        load.own_cookies = True  # nginx's route cookie, kept per phone as a browser keeps it
        with deployment.database(args.database_url) as url:
            return await scaleout.run(args, workdir, load, url, results)
    page_dir = workdir / "page"
    page_dir.mkdir()
    server = ServerProcess(page_dir, env=env).start()
    try:
        results["page_weight"] = page_weight(server.url)
    finally:
        server.stop()
    if args.phones:
        print(f"… one room of {args.phones} phones", flush=True)
        room = await scenarios.play_rooms(workdir / "room", 1, args.phones, load, env, profile=args.profile)
        results["one_room"] = room
    if args.phones and not args.no_floor:
        samples = room["snapshot_samples"]
        print(f"… the floor: {args.phones} clients, each phase's snapshot ({', '.join(samples)})", flush=True)
        results["floor"] = await scenarios.floor(workdir / "floor", args.phones, samples, load)
    if args.rooms:
        print(f"… {args.rooms} rooms of {args.room_size} phones", flush=True)
        results["rooms"] = await scenarios.play_rooms(workdir / "rooms", args.rooms, args.room_size, load, env)
    return results


def verdict(value, target, *, below: bool = True) -> str:
    if value is None:
        return f"{target} (not measured)"
    ok = value <= target if below else value >= target
    return f"{'✓' if ok else '✗'} ≤ {target}"


def database_rows(figures: dict, indent: str = "") -> list[tuple[str, str, str]]:
    """What the database cost: the busiest 5 s of any worker, and PostgreSQL's own waits."""
    rows = []
    found = figures.get("database")
    if found:
        rows.append((f"{indent}database, busiest 5 s of a worker: statements/s · commits/s",
                     f"{found['statements_per_s']:,} · {found['commits_per_s']:,}", ""))
        rows.append((f"{indent}pool wait p95 (max) · connections out at most",
                     f"{fmt(found['pool_wait_p95_ms'])} ({fmt(found['pool_wait_max_ms'])}) ms · "
                     f"{found['connections_out']}", ""))
        rows.append((f"{indent}hub late p95 · held by psycopg's brief waits",
                     f"{fmt(found['hub_late_p95_ms'])} ms · {found['brief_waits_ms_per_s']} ms/s", ""))
        rows.append((f"{indent}full garbage collections (all workers, whole run)",
                     f"{found['full_collections']} · {found['full_collection_ms']:,} ms", ""))
    redis = figures.get("redis")
    if redis:
        rows.append((f"{indent}Redis: commands/s · KB/s in (whole run, all workers)",
                     f"{redis['commands_per_s']:,} · {redis['in_kb_per_s']:,}", ""))
    waits = figures.get("postgres_waits")
    if waits:
        rows.append((f"{indent}PostgreSQL backends by wait (mean per sample)",
                     " · ".join(f"{state} {share}" for state, share in waits.items() if share), ""))
    return rows


def one_room_rows(results: dict) -> list[tuple[str, str, str]]:
    """The one-room run's rows (with the floor's, when it ran)."""
    room, floor = results["one_room"], results.get("floor")
    fan_p95 = room["fanout_ms"]["p95"]
    floor_p95 = floor["fanout_ms"]["p95"] if floor else None
    ratio = round(fan_p95 / floor_p95, 2) if fan_p95 and floor_p95 else None
    results["floor_ratio"] = ratio
    n = room["phones"]
    rows = [
        (f"{n} phones: joined (failed)", f"{room['connected']:,} ({room['failed_to_join']})", f"all {n:,}"),
        ("all joined after", fmt(room["all_joined_s"], " s"), verdict(room["all_joined_s"], TARGETS["all_joined_s"])),
        ("join request p50 / p95 / p99", latency_cells(room["join_http_ms"]), ""),
        ("phase fan-out p50 / p95 / p99", latency_cells(room["fanout_ms"]),
         verdict(fan_p95, TARGETS["fanout_p95_ms"]) + " ms (p95)"),
    ]
    floor_phases = floor["fanout_by_phase_ms"] if floor else {}
    personal_phases = floor.get("personal_fanout_by_phase_ms", {}) if floor else {}
    for phase, stats in room["fanout_by_phase_ms"].items():
        size = room["snapshot_bytes_median"].get(phase)
        versus = "; ".join(
            f"{label} p95 {fmt(same)} ms, {fmt(round(stats['p95'] / same, 2), '×')}"
            for label, same in (("floor", floor_phases.get(phase, {}).get("p95")),
                                ("personal floor", personal_phases.get(phase, {}).get("p95")))
            if same
        )
        rows.append((f"  → {phase} ({size:,} B each)", latency_cells(stats), versus))
        cost = room.get("server_phase_ms", {}).get(phase)
        if cost:
            floor_sent = (floor or {}).get("sent_by_phase_ms", {})
            beside = "; ".join(
                f"{label} server sent {fmt(same)} ms"
                for label, same in (("floor", floor_sent.get("floor", {}).get(phase)),
                                    ("personal floor", floor_sent.get("personal", {}).get(phase)))
                if same is not None
            )
            rows.append((f"    server, {phase}: reads + snapshots + sent (+ projector after)",
                         f"{fmt(cost['reads'])} + {fmt(cost['snapshots'])} + {fmt(cost['sent'])} "
                         f"(+ {fmt(cost['projector'])}) ms", beside))
    if floor:
        personal_p95 = floor.get("personal_fanout_ms", {}).get("p95")
        personal_ratio = round(fan_p95 / personal_p95, 2) if fan_p95 and personal_p95 else None
        results["personal_floor_ratio"] = personal_ratio
        rows += [
            ("floor fan-out (our snapshots, one broadcast each)", latency_cells(floor["fanout_ms"]), ""),
            ("personal floor (our snapshots, a payload of its own to each phone)",
             latency_cells(floor.get("personal_fanout_ms", {})), ""),
            ("fan-out p95 ÷ floor p95", fmt(ratio, "×"), verdict(ratio, TARGETS["floor_ratio"]) + " (to watch)"),
            ("fan-out p95 ÷ personal floor p95", fmt(personal_ratio, "×"), ""),
        ]
    acks = room["acks_ms"]
    rows += [
        ("submit ack p50 / p95 / p99", latency_cells(acks["submit"]),
         verdict(acks["submit"]["p95"], TARGETS["submit_p95_ms"]) + " ms (p95)"),
        ("draft ack (autosave) p50 / p95 / p99", latency_cells(acks["draft"]), ""),
        ("vote ack p50 / p95 / p99", latency_cells(acks["vote"]),
         verdict(acks["vote"]["p95"], TARGETS["vote_p95_ms"]) + " ms (p95)"),
        ("server CPU (whole run / session)", f"{room['server_cpu_s']} s / {room['server_cpu_s_session']} s "
         f"over {room['session_wall_s']} s", ""),
        ("simulated phones' CPU (same machine)", f"{room['phones_cpu_s']} s", ""),
        ("simulated phones' event loop late, at most", f"{room.get('phones_loop_late_max_ms', 0):,.0f} ms",
         "counted in the fan-out"),
        ("server RSS idle / connected / peak", f"{room['rss_idle_mb']} / {room['rss_connected_mb']} / "
         f"{room['rss_peak_mb']} MB", ""),
        ("server memory per phone (connected / peak)",
         f"{room['rss_per_phone_kb']} / {room['peak_rss_per_phone_kb']} KB",
         verdict(room["peak_rss_per_phone_kb"], TARGETS["rss_per_phone_kb"]) + " KB"),
        ("errors seen by phones", str(room["error_count"]), "0"),
        *order.rows(room),
        *scaleout.worker_rows(room),
        *database_rows(room),
    ]
    if floor:
        rows.append(("floor memory per phone", fmt(floor["rss_per_phone_kb"], " KB"), ""))
    return rows


def report(results: dict) -> str:
    rooms, weight = results.get("rooms"), results["page_weight"]
    rows = one_room_rows(results) if "one_room" in results else []
    if rooms:
        rows += [
            (f"{results['params']['rooms']} rooms × {results['params']['room_size']}: joined (failed)",
             f"{rooms['connected']:,} ({rooms['failed_to_join']}) in {fmt(rooms['all_joined_s'], ' s')}", ""),
            ("  every projector's lobby full, after the last connect (short)",
             f"{rooms.get('lobby_full_ms', 0):,} ms ({rooms.get('lobbies_short', 0)})", "then the trainers start"),
            ("  fan-out p50 / p95 / p99", latency_cells(rooms["fanout_ms"]),
             verdict(rooms["fanout_ms"]["p95"], TARGETS["fanout_p95_ms"]) + " ms (p95)"),
            ("  trainer's click → phone p50 / p95 / p99 (start, podium)",
             latency_cells(rooms["click_to_phone_ms"]) if rooms.get("click_to_phone_ms") else "—",
             "the fan-out and the command before it"),
            ("  submit ack p50 / p95 / p99", latency_cells(rooms["acks_ms"]["submit"]),
             verdict(rooms["acks_ms"]["submit"]["p95"], TARGETS["submit_p95_ms"]) + " ms (p95)"),
            ("  vote ack p50 / p95 / p99", latency_cells(rooms["acks_ms"]["vote"]),
             verdict(rooms["acks_ms"]["vote"]["p95"], TARGETS["vote_p95_ms"]) + " ms (p95)"),
            ("  server CPU / peak RSS", f"{rooms['server_cpu_s']} s / {rooms['rss_peak_mb']} MB", ""),
            ("  simulated phones' CPU · event loop late, at most",
             f"{rooms['phones_cpu_s']} s · {rooms.get('phones_loop_late_max_ms', 0):,.0f} ms",
             "counted in the fan-out"),
            ("  errors seen by phones", str(rooms["error_count"]), "0"),
            *order.rows(rooms, "  "),
            *scaleout.worker_rows(rooms, "  "),
            *database_rows(rooms, "  "),
        ]
    gzip_kb = round(weight["wire"] / 1024, 1)
    rows.append(("phone page: raw / served (gzip)", f"{weight['raw'] / 1024:.1f} KB / {gzip_kb} KB "
                 f"in {len(weight['files'])} files", verdict(gzip_kb, TARGETS["page_gzip_kb"]) + " KB"))
    m = results["machine"]
    head = (f"Too Sandy bench, {results['started']}: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, "
            f"Python {m['python']}; load average at start {m['load_average_at_start']}; "
            f"transport {results['params']['transport']}; mode {results['params']['mode']}, "
            f"voting {results['params']['voting']}")
    if results["params"]["server_workers"]:
        head += (f"; {results['params']['server_workers']} workers (deploy/start-workers) on PostgreSQL and "
                 "Redis behind nginx")
        hop = "\n\n" + scaleout.hop_table(results) if "hop" in results else ""
        return head + "\n\n" + table(rows) + hop
    return head + "\n\n" + table(rows)


def main() -> None:
    args = options()
    raise_file_limit()
    if args.capacity:
        transports = ["polling", "websocket"] if args.transport == "polling" else ["websocket"]
        load = scenarios.Load(transports=transports, workers=args.workers)
        workdir = Path(args.out).parent.resolve() / "last-capacity"
        shutil.rmtree(workdir, ignore_errors=True)
        found = asyncio.run(scenarios.capacity(workdir, args.capacity, args.max_connections, load))
        print(json.dumps(found, indent=2))
        return
    out = Path(args.out)
    # Logs, phone records and the profile of the last run stay here to read.
    workdir = out.parent.resolve() / "last-run"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    results = asyncio.run(run(args, workdir))
    text = report(results)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    out.with_suffix(".md").write_text(text + "\n")
    print(text)
    if "profile" in results.get("one_room", {}):
        print("\nServer profile (one room, py-spy, % of samples on CPU):")
        for name, pct in results["one_room"]["profile"]["self"]:
            print(f"  {pct:5.1f}%  {name}")
    print(f"\nJSON: {out}")


if __name__ == "__main__":
    main()

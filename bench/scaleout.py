"""``python -m bench --server-workers K``: the bench against the scaled-out deployment.

K workers from deploy/start-workers on PostgreSQL and Redis behind nginx
(bench/deployment.py). Each phone keeps nginx's route cookie from its join
answer, as a browser does, so the phones spread over the workers by the
template's cookie hash.

Three one-room runs, each behind nginx, show what each layer costs: K
workers with Redis; one worker with Redis (start-workers 1); one ``python
wsgi.py`` with no queue. The last two differ by the Redis hop alone.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from . import scenarios
from .deployment import Deployment
from .pageweight import page_weight
from .stats import fmt


def deployment(env: dict[str, str], workers: int, queue: bool, started: list[Deployment]):
    """A ``start_server`` for scenarios.play_rooms; keeps each deployment to read nginx's CPU after."""
    def start(workdir: Path) -> Deployment:
        started.append(Deployment(workdir, env, workers, queue))
        return started[-1].start()
    return start


async def one_room(name: str, workdir: Path, phones: int, load: scenarios.Load, env: dict[str, str],
                   workers: int, queue: bool) -> dict[str, Any]:
    print(f"… {name}: one room of {phones} phones", flush=True)
    started: list[Deployment] = []
    room = await scenarios.play_rooms(workdir, 1, phones, load, env, start_server=deployment(env, workers, queue,
                                                                                                started))
    room["nginx_cpu_s"] = started[-1].nginx_cpu_s
    return room


async def run(args, workdir: Path, load: scenarios.Load, database_url: str, results: dict) -> dict:
    """Every step of the scaled-out bench; fills ``results`` as the one-process bench does."""
    k = args.server_workers
    env = {
        "TRAINER_DATABASE_URL": database_url,
        "TRAINER_MESSAGE_QUEUE": args.redis_url,
        # Pub/sub ignores Redis database numbers: a channel of its own keeps a
        # test run or another bench on the same Redis out of this one.
        "TRAINER_MESSAGE_QUEUE_CHANNEL": f"too-sandy-bench-{secrets.token_hex(4)}",
        "TRAINER_SECRET_KEY": secrets.token_hex(16),
        "TRAINER_BACKUP_FOLDER": str(workdir / "backups"),
    }
    page = Deployment(workdir / "page", env, k, queue=True).start()
    try:
        results["page_weight"] = page_weight(page.url)
    finally:
        page.stop()
    if args.phones:  # --phones 0: the many rooms alone
        results["one_room"] = await one_room(f"{k} workers + Redis", workdir / "room", args.phones, load, env, k,
                                             True)
        results["hop"] = {
            "one_worker_redis": await one_room("1 worker + Redis", workdir / "room-1-redis", args.phones, load,
                                               env, 1, True),
            "one_worker_plain": await one_room("1 worker, no queue", workdir / "room-1-plain", args.phones, load,
                                               env, 1, False),
        }
    if args.phones and not args.no_floor:
        samples = results["one_room"]["snapshot_samples"]
        print(f"… the floor: {args.phones} clients, each phase's snapshot ({', '.join(samples)})", flush=True)
        results["floor"] = await scenarios.floor(workdir / "floor", args.phones, samples, load)
    if args.rooms:
        print(f"… {args.rooms} rooms of {args.room_size} phones on {k} workers", flush=True)
        started: list[Deployment] = []
        rooms = await scenarios.play_rooms(workdir / "rooms", args.rooms, args.room_size, load, env,
                                           start_server=deployment(env, k, True, started))
        rooms["nginx_cpu_s"] = started[-1].nginx_cpu_s
        results["rooms"] = rooms
    return results


def worker_rows(figures: dict[str, Any], indent: str = "") -> list[tuple[str, str, str]]:
    """How the load spread: phones and CPU per worker, and nginx's own CPU."""
    each = figures.get("worker_cpu_s_session", [])
    if len(each) < 2:
        return []
    spread = figures.get("phones_per_worker", {})
    return [
        (f"{indent}phones per worker (nginx's choice)", " · ".join(f"{w}: {n:,}" for w, n in spread.items()), ""),
        (f"{indent}CPU per worker (session)", " · ".join(f"w{i + 1} {cpu} s" for i, cpu in enumerate(each)), ""),
        (f"{indent}nginx CPU (whole run)", f"{figures.get('nginx_cpu_s', 0)} s", ""),
    ]


HOP_ROWS = (
    ("all joined after (s)", lambda r: fmt(r["all_joined_s"])),
    ("phase fan-out p50 / p95 / p99 (ms)", lambda r: _cells(r["fanout_ms"])),
    ("submit ack p50 / p95 / p99 (ms)", lambda r: _cells(r["acks_ms"]["submit"])),
    ("draft ack p50 / p95 / p99 (ms)", lambda r: _cells(r["acks_ms"]["draft"])),
    ("vote ack p50 / p95 / p99 (ms)", lambda r: _cells(r["acks_ms"]["vote"])),
    ("server CPU, session (s)", lambda r: " + ".join(map(str, r["worker_cpu_s_session"]))),
    ("nginx CPU (s)", lambda r: fmt(r.get("nginx_cpu_s"))),
    ("server peak RSS (MB)", lambda r: fmt(r["rss_peak_mb"])),
    ("phase changes lost / versions out of order", lambda r: "{lost} / {out_of_order}".format(**r["phase_order"])),
    ("errors seen by phones", lambda r: str(r["error_count"])),
)


def _cells(stats: dict) -> str:
    return " / ".join(fmt(stats.get(k)) for k in ("p50", "p95", "p99"))


def hop_table(results: dict) -> str:
    """The one-room run three ways, side by side: what K workers, and what Redis, cost."""
    k, hop = results["params"]["server_workers"], results["hop"]
    runs = (results["one_room"], hop["one_worker_redis"], hop["one_worker_plain"])
    lines = [f"One room of {results['one_room']['phones']:,} phones, each behind nginx: "
             f"{k} workers + Redis against one worker with and without Redis (the Redis hop)", "",
             f"| measure | {k} workers + Redis | 1 worker + Redis | 1 worker, no queue |", "| --- | --- | --- | --- |"]
    lines += [f"| {name} | " + " | ".join(cell(run) for run in runs) + " |" for name, cell in HOP_ROWS]
    return "\n".join(lines)

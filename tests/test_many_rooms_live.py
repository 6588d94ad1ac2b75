"""Many small rooms at once on PostgreSQL: every phone gets every ack and every phase change, in order (issue 29).

The bench's own rooms (bench/scenarios.py, bench/phones.py), small and
quick: twelve rooms of six phones join, write (autosaving drafts), submit,
vote and see the results, on one worker and on two behind nginx with
Redis. The submits and votes of all the rooms share the worker's batches
and its one room check; each phone must still get its own answers, and
each phase change of its own room, none lost and none older after newer.
"""

from __future__ import annotations

import asyncio
import secrets

import pytest
from services import POSTGRES_ENV, REDIS_ENV, fresh_database, require

from bench import scaleout, scenarios

pytestmark = pytest.mark.live

ROOMS, PHONES = 12, 6
VOTES_EACH = 3  # a ballot of five replies allows three votes (trainer/game/rules.py)


def quick_load() -> scenarios.Load:
    return scenarios.Load(transports=["polling", "websocket"], workers=1, draft_interval=1.0,
                          submit_window=(1.0, 4.0), vote_window=(1.0, 4.0), results_pause=1.0, time_limit=120.0)


def assert_every_phone_was_answered(figures: dict) -> None:
    phones = ROOMS * PHONES
    assert figures["connected"] == phones and figures["failed_to_join"] == 0
    assert figures["error_count"] == 0, figures["errors"]
    assert figures["server_log_problems"] == []
    order = figures["phase_order"]
    assert order["phones_checked"] == phones
    assert (order["lost"], order["out_of_order"]) == (0, 0), order["examples"]
    assert figures["acks_ms"]["submit"]["n"] == phones, "every submit acknowledged"
    assert figures["acks_ms"]["vote"]["n"] == phones * VOTES_EACH, "every vote acknowledged"


def test_twelve_rooms_on_one_worker_on_postgresql(tmp_path):
    [postgres] = require(POSTGRES_ENV)
    with fresh_database(postgres, "too_sandy_rooms") as database:
        figures = asyncio.run(scenarios.play_rooms(
            tmp_path, ROOMS, PHONES, quick_load(), {"TRAINER_DATABASE_URL": database},
        ))
    assert_every_phone_was_answered(figures)


def test_twelve_rooms_on_two_workers_behind_nginx_with_redis(tmp_path):
    postgres, redis = require(POSTGRES_ENV, REDIS_ENV)
    load = quick_load()
    load.own_cookies = True  # nginx's route cookie, kept per phone as a browser does
    with fresh_database(postgres, "too_sandy_rooms") as database:
        env = {
            "TRAINER_DATABASE_URL": database,
            "TRAINER_MESSAGE_QUEUE": redis,
            "TRAINER_MESSAGE_QUEUE_CHANNEL": f"too-sandy-test-{secrets.token_hex(4)}",
            "TRAINER_SECRET_KEY": secrets.token_hex(16),
            "TRAINER_BACKUP_FOLDER": str(tmp_path / "backups"),
        }
        started = []
        figures = asyncio.run(scenarios.play_rooms(
            tmp_path, ROOMS, PHONES, load, env, start_server=scaleout.deployment(env, 2, True, started),
        ))
    assert_every_phone_was_answered(figures)
    assert len(figures["phones_per_worker"]) == 2, "nginx spread the phones over both workers"

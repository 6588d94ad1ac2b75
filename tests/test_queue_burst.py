"""A burst of announcements through Redis waits for a connection instead of failing.

Every announcement holds a Redis connection until PUBLISH is answered; a
join storm sends hundreds at once. redis-py's own pool raises "Too many
connections" past its limit, and python-socketio's answer to a failed
publish (a new client) takes the listener's connection away with it.
"""

from __future__ import annotations

import secrets
import threading

import pytest
import redis
from services import REDIS_ENV, require

from trainer.live import queue

THREADS, EACH = 24, 40


@pytest.fixture
def redis_url():
    (url,) = require(REDIS_ENV)
    return url


def burst(publish) -> list[BaseException]:
    """THREADS threads publishing EACH messages at once; what failed."""
    failures: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def run():
        start.wait()
        for _ in range(EACH):
            try:
                if publish() is None:
                    failures.append(RuntimeError("gave up"))
            except Exception as error:  # noqa: BLE001 - counted, and the test says which
                failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return failures


def test_a_burst_bigger_than_the_pool_waits_for_connections(redis_url, monkeypatch):
    monkeypatch.setattr(queue, "REDIS_CONNECTIONS", 2)
    manager = queue.ResyncingRedisManager(redis_url, f"too-sandy-test-{secrets.token_hex(4)}")
    manager._redis_connect()
    try:
        assert burst(lambda: manager._publish({"method": "emit", "event": "x"})) == []
        assert manager.connected
    finally:
        manager.redis.close()


def test_the_burst_is_bigger_than_such_a_pool(redis_url):
    """The control: redis-py's plain pool of the same size refuses part of the same burst."""
    client = redis.Redis(connection_pool=redis.ConnectionPool.from_url(redis_url, max_connections=2))
    try:
        failures = burst(lambda: client.publish("too-sandy-test-control", "x"))
    finally:
        client.close()
    assert failures and all(isinstance(f, redis.exceptions.ConnectionError) for f in failures)

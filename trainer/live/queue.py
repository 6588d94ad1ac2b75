"""Redis between workers, and what to do when Redis restarts.

Every announcement (a phase change, the timer, a join) goes through Redis,
even to this worker's own clients. While Redis is down those messages are
lost, for everyone; python-socketio logs it and moves on. Acks are not
affected: a phone's submit or vote is answered by its own worker directly.

So once Redis answers again, each worker asks its own screens to fetch
their state (a ``resync`` event, sent locally), and a phase change missed
during the outage is drawn then. Screens already up to date redraw the same
version, or drop it as not newer.
"""

from __future__ import annotations

import logging
import time

import socketio

from .announce import HOST_NS, PLAY_NS

log = logging.getLogger(__name__)

# Let every worker's listener resubscribe before the screens ask.
SETTLE_SECONDS = 1.0
RETRY_FIRST, RETRY_MOST = 0.5, 5.0
# Connections to Redis per worker. Every announcement holds one until Redis
# answers its PUBLISH, and a join storm sends hundreds at once: redis-py's
# own pool then raises "Too many connections" at its 100th, python-socketio
# reconnects, and the new client takes the listener's connection from under
# it (the bench saw every phone told to resync). Ours waits for a free one.
REDIS_CONNECTIONS = 50
# How long an announcement waits for a free connection before it gives up.
REDIS_WAIT_SECONDS = 10


class ResyncingRedisManager(socketio.RedisManager):
    def __init__(self, url: str, channel: str) -> None:
        super().__init__(url, channel=channel)
        self._resync_pending = False

    def _redis_connect(self):
        """python-socketio's connect, with a pool that makes a burst wait instead of failing."""
        import redis

        pool = redis.BlockingConnectionPool.from_url(
            self.redis_url, max_connections=REDIS_CONNECTIONS, timeout=REDIS_WAIT_SECONDS,
        )
        self.redis = redis.Redis(connection_pool=pool)
        self.redis.auto_close_connection_pool = True
        self.pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        self.connected = True

    def emit_each(self, event: str, items: list[tuple[str, object]], namespace: str) -> None:
        """One event to many rooms, each with its own data: one PUBLISH for all of them.

        A phase change sends every phone a snapshot of its own; one message
        each was a thousand round trips to Redis in a row (240 ms of the
        two-worker bench's phase change). This worker's phones get theirs
        at once, as ``emit`` does; the others read the batch in order.
        """
        for room, data in items:
            socketio.Manager.emit(self, event, data, namespace, room=room)
        self._publish({"method": "emit", "event": event, "namespace": namespace, "batch": items,
                       "host_id": self.host_id})

    def _handle_emit(self, message):
        if "batch" not in message:
            return super()._handle_emit(message)
        for room, data in message["batch"]:
            socketio.Manager.emit(self, message["event"], data, message["namespace"], room=room)

    def _publish(self, data):
        sent = super()._publish(data)  # None: it gave up after its retry
        if sent is None:
            self._lost("publish")
        return sent

    def _redis_listen_with_retries(self):
        pause, interrupted = RETRY_FIRST, False
        while True:
            try:
                self._redis_connect()
                self.pubsub.subscribe(self.channel)
                if interrupted:
                    log.warning("Redis is back; this worker receives announcements again")
                    self._lost("listen")
                    interrupted = False
                pause = RETRY_FIRST
                yield from self.pubsub.listen()
            except Exception as error:  # any failure: reconnect, and never give up
                if not interrupted:
                    log.warning("Redis is out of reach (%s); announcements wait until it is back", error)
                interrupted = True
                time.sleep(pause)  # green under eventlet
                pause = min(pause * 2, RETRY_MOST)

    def _lost(self, where: str) -> None:
        """Some announcement may not have arrived: resync this worker's screens once Redis answers."""
        if self._resync_pending:
            return
        self._resync_pending = True
        self.server.start_background_task(self._resync, where)

    def _resync(self, where: str) -> None:
        pause = RETRY_FIRST
        while True:
            try:
                self.redis.ping()
                break
            except Exception:  # still down
                time.sleep(pause)
                pause = min(pause * 2, RETRY_MOST)
        time.sleep(SETTLE_SECONDS)
        self._resync_pending = False
        log.info("asking this worker's screens to resync after a Redis outage (%s)", where)
        for namespace in (HOST_NS, PLAY_NS):
            self.server.emit("resync", {}, namespace=namespace, ignore_queue=True)


def client_manager(url: str | None, channel: str) -> socketio.Manager | None:
    """The manager for TRAINER_MESSAGE_QUEUE: ours for Redis, python-socketio's for the rest."""
    if not url:
        return None
    if url.startswith(("redis://", "rediss://", "unix://")):
        return ResyncingRedisManager(url, channel)
    return socketio.KombuManager(url, channel=channel)

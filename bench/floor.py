"""The floor: a bare python-socketio server in the same async mode as ours.

``python -m bench.floor PORT`` serves Socket.IO on 127.0.0.1:PORT with
eventlet, no Flask, no database. ``POST /broadcast`` with a JSON body (a
snapshot one of our phones received) emits that payload, its
``server_now`` restamped, to every connected client, encoded once;
``POST /broadcast?personal=1`` sends each client a payload of its own (the
same plus the client's id, so each is encoded on its own), yielding every
100 clients as Too Sandy's announcer does. Packets are written as ours are
(``trainer.sockets.codec``: orjson, no search for bytes), so the floors
differ from us only in what Too Sandy does. ``GET /done`` tells the
clients to leave. A broadcast answers with ``sent_ms``, the server's own
time from the stamp to the last emit and one pass of the sockets writing,
measured as Too Sandy's phase-change log line measures its own. The first
floor is what a broadcast costs; the second is what personal payloads
cost; what our fan-out costs beyond the second is what Too Sandy itself
adds.
"""

import eventlet

eventlet.monkey_patch()

import gc  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from urllib.parse import parse_qs  # noqa: E402

import socketio  # noqa: E402

from trainer.sockets import codec  # noqa: E402

sio = socketio.Server(async_mode="eventlet", cors_allowed_origins=None, serializer=codec.Packet, json=codec)


SLICE = 100


def _personal(sample: dict) -> None:
    """One payload per client, each its own bytes, so each is encoded on its own."""
    stamp = int(time.time() * 1000)
    sids = [sid for sid, _eio in sio.manager.get_participants("/", None)]
    for start in range(0, len(sids), SLICE):
        if start:
            eventlet.sleep(0)
        for sid in sids[start:start + SLICE]:
            sio.emit("bcast", dict(sample, server_now=stamp, personal=sid), to=sid)


def control(environ, start_response):
    path = environ.get("PATH_INFO", "")
    answer = {"ok": True}
    if path == "/broadcast":
        query = parse_qs(environ.get("QUERY_STRING", ""))
        length = int(environ.get("CONTENT_LENGTH") or 0)
        sample = json.loads(environ["wsgi.input"].read(length))
        # As Too Sandy's collector does after each phase change: no full
        # collection of a thousand clients' objects in the middle of a send.
        gc.collect()
        started = time.perf_counter()
        if query.get("personal") == ["1"]:
            _personal(sample)
        else:
            sio.emit("bcast", dict(sample, server_now=int(time.time() * 1000)))
        # As Too Sandy's "sent": the emits, then one pass for the sockets to write.
        eventlet.sleep(0)
        answer["sent_ms"] = round((time.perf_counter() - started) * 1000, 1)
    elif path == "/done":
        sio.emit("done", {})
    elif path != "/healthz":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(answer).encode()]


def main() -> None:
    port = int(sys.argv[1])
    app = socketio.WSGIApp(sio, control)
    listener = eventlet.listen(("127.0.0.1", port))
    eventlet.wsgi.server(listener, app, max_size=int(sys.argv[2]) if len(sys.argv) > 2 else 5000, log_output=False)


if __name__ == "__main__":
    main()

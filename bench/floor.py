"""The floor: a bare python-socketio server in the same async mode as ours.

``python -m bench.floor PORT`` serves Socket.IO on 127.0.0.1:PORT with
eventlet, no Flask, no database. ``GET /broadcast?bytes=N`` emits one
payload of N bytes (with ``server_now``) to every connected client, encoded
once; ``GET /broadcast?bytes=N&personal=1`` sends each client a payload of
its own (same size, different bytes), encoded once per client and yielding
every 100 clients as Too Sandy's announcer does. ``GET /done`` tells them
to leave. A broadcast answers with ``sent_ms``, the server's own time from
the stamp to the last emit and one pass of the sockets writing, measured as
Too Sandy's phase-change log line measures its own. The first floor is what a broadcast costs; the second is what
personal payloads cost; what our fan-out costs beyond the second is what
Too Sandy itself adds.
"""

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from urllib.parse import parse_qs  # noqa: E402

import socketio  # noqa: E402

sio = socketio.Server(async_mode="eventlet", cors_allowed_origins=None)


SLICE = 100


def _personal(size: int) -> None:
    """One payload per client, each its own bytes, so each is encoded on its own."""
    stamp = int(time.time() * 1000)
    skeleton = len(json.dumps({"server_now": stamp, "personal": 1, "pad": ""}))
    sids = [sid for sid, _eio in sio.manager.get_participants("/", None)]
    for start in range(0, len(sids), SLICE):
        if start:
            eventlet.sleep(0)
        for sid in sids[start:start + SLICE]:
            pad = (sid * (size // max(len(sid), 1) + 1))[: max(0, size - skeleton)]
            sio.emit("bcast", {"server_now": stamp, "personal": 1, "pad": pad}, to=sid)


def control(environ, start_response):
    path = environ.get("PATH_INFO", "")
    answer = {"ok": True}
    if path == "/broadcast":
        query = parse_qs(environ.get("QUERY_STRING", ""))
        size = int(query.get("bytes", ["1000"])[0])
        started = time.perf_counter()
        if query.get("personal") == ["1"]:
            _personal(size)
        else:
            stamp = int(time.time() * 1000)
            skeleton = len(json.dumps({"server_now": stamp, "pad": ""}))
            sio.emit("bcast", {"server_now": stamp, "pad": "x" * max(0, size - skeleton)})
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

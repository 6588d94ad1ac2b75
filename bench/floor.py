"""The floor: a bare python-socketio server in the same async mode as ours.

``python -m bench.floor PORT`` serves Socket.IO on 127.0.0.1:PORT with
eventlet, no Flask, no database. ``GET /broadcast?bytes=N`` emits one
payload of N bytes (with ``server_now``) to every connected client, encoded
once; ``GET /done`` tells them to leave. What our fan-out costs beyond this
is what Too Sandy itself adds.
"""

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from urllib.parse import parse_qs  # noqa: E402

import socketio  # noqa: E402

sio = socketio.Server(async_mode="eventlet", cors_allowed_origins=None)


def control(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if path == "/broadcast":
        size = int(parse_qs(environ.get("QUERY_STRING", "")).get("bytes", ["1000"])[0])
        stamp = int(time.time() * 1000)
        skeleton = len(json.dumps({"server_now": stamp, "pad": ""}))
        sio.emit("bcast", {"server_now": stamp, "pad": "x" * max(0, size - skeleton)})
    elif path == "/done":
        sio.emit("done", {})
    elif path != "/healthz":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    start_response("200 OK", [("Content-Type", "application/json")])
    return [b'{"ok": true}']


def main() -> None:
    port = int(sys.argv[1])
    app = socketio.WSGIApp(sio, control)
    listener = eventlet.listen(("127.0.0.1", port))
    eventlet.wsgi.server(listener, app, max_size=int(sys.argv[2]) if len(sys.argv) > 2 else 5000, log_output=False)


if __name__ == "__main__":
    main()

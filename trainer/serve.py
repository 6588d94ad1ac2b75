"""Run the server: print where to point the projector and the phones."""

from __future__ import annotations

import os

from flask import Flask

from . import presence, sweeper
from .accounts import first_run_link
from .extensions import socketio
from .network import base_url

# eventlet's WSGI server refuses connection 1,025 unless told otherwise.
DEFAULT_MAX_CONNECTIONS = 5000


def start_worker(app: Flask) -> None:
    """What every serving process does first, under `python wsgi.py` or gunicorn."""
    with app.app_context():
        # Connections this worker held before a crash or restart are gone;
        # their phones will reconnect and be counted again.
        presence.forget_worker(app.config["WORKER_ID"])
    # Every worker sweeps deadlines; closing a phase is a conditional update,
    # so however many sweep, each phase closes (and is announced) once.
    sweeper.start(app)


def serve(app: Flask) -> None:
    port = int(os.environ.get("PORT", "5000"))
    host = os.environ.get("HOST", "0.0.0.0")
    join_root = base_url(app.config["PUBLIC_URL"], port)
    print(f"Too Sandy is running.\n"
          f"  Projector (open on this laptop): http://localhost:{port}/\n"
          f"  Phones join at:                  {join_root}/join", flush=True)
    setup = first_run_link(app, f"http://localhost:{port}")
    if setup:
        print(f"  No admin account yet. Create the first one here (the link works once):\n"
              f"    {setup}", flush=True)
    options: dict = {}
    if socketio.async_mode == "eventlet":
        options["max_size"] = int(app.config.get("MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS))
        options["log_output"] = bool(app.config.get("ACCESS_LOG", False))
    elif socketio.async_mode == "threading":
        options["allow_unsafe_werkzeug"] = True
    socketio.run(app, host=host, port=port, **options)

"""Run the server: print where to point the projector and the phones, and
work out the address phones use to reach this machine on the office LAN."""

from __future__ import annotations

import ipaddress
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import ifaddr
from flask import Flask

from ..accounts.users import first_run_link
from ..clock import utcnow
from ..database import pool, stats
from ..database.backup import take_if_due
from ..extensions import db, socketio
from ..live import collector, presence, sweeper
from ..records import retention

log = logging.getLogger(__name__)
# How often each worker asks whether the daily backup is due.
BACKUP_CHECK_SECONDS = 600

# Interfaces made by container and VM tools: phones can't reach those.
_VIRTUAL_PREFIXES = ("docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "lo")


def _candidates() -> list[tuple[int, str]]:
    found = []
    for adapter in ifaddr.get_adapters():
        virtual = adapter.nice_name.startswith(_VIRTUAL_PREFIXES)
        for ip in adapter.ips:
            if not isinstance(ip.ip, str):
                continue  # IPv6 comes as a tuple; phones on a LAN use IPv4 here
            address = ipaddress.ip_address(ip.ip)
            if address.is_loopback or address.is_link_local:
                continue
            # Best first: a private address on a real interface.
            score = (0 if address.is_private else 1) + (2 if virtual else 0)
            found.append((score, ip.ip))
    return sorted(found)


def lan_address() -> str:
    """This machine's LAN IPv4 address, read from its interfaces."""
    candidates = _candidates()
    return candidates[0][1] if candidates else "127.0.0.1"


def base_url(public_url: str | None, port: int | None, scheme: str = "http") -> str:
    """The operator's ``TRAINER_PUBLIC_URL`` wins; otherwise the LAN address."""
    if public_url:
        return public_url.rstrip("/")
    default = {"http": 80, "https": 443}.get(scheme)
    suffix = "" if port in (None, default) else f":{port}"
    return f"{scheme}://{lan_address()}{suffix}"


# eventlet's WSGI server refuses connection 1,025 unless told otherwise.
DEFAULT_MAX_CONNECTIONS = 5000
# Connections the kernel queues before the server accepts them. eventlet's
# default is 50: a room joining at once overflowed it, and phones behind
# nginx got "504" (nginx gave up connecting after 2 s) where they should
# have waited a moment. Linux caps it at net.core.somaxconn (4,096).
LISTEN_BACKLOG = 2048


def configure_logging(level: str) -> None:
    """Log lines go to stderr with a time and a source; ``TRAINER_LOG_LEVEL`` picks how many.

    WARNING (the default) shows what needs someone's attention; INFO adds
    a line for every phase change saying where its time went.
    """
    chosen = logging.getLevelName(str(level).upper())
    if not isinstance(chosen, int):
        raise SystemExit(f"TRAINER_LOG_LEVEL={level!r} is not a level: use DEBUG, INFO, WARNING or ERROR")
    logging.basicConfig(level=chosen, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def start_worker(app: Flask) -> None:
    """What every serving process does first, under `python wsgi.py` or gunicorn."""
    configure_logging(app.config["LOG_LEVEL"])
    with app.app_context():
        # Connections this worker held before a crash or restart are gone;
        # their phones will reconnect and be counted again.
        presence.forget_worker(app.config["WORKER_ID"])
        pool.fill(db.engine)
        stats.watch(db.engine, serving=True)  # a line every few seconds at INFO: statements, commits, pool waits
    # Every worker sweeps deadlines; closing a phase is a conditional update,
    # so however many sweep, each phase closes (and is announced) once.
    sweeper.start(app)
    if app.config["BACKUP_EVERY_HOURS"]:
        socketio.start_background_task(_back_up_forever, app)
    socketio.start_background_task(_expire_sessions_forever, app)
    # Last: everything startup made is in place to be frozen.
    collector.install()


# How often each worker deletes sessions past the admin's retention setting (off by default).
RETENTION_CHECK_SECONDS = 3600


def _expire_sessions_forever(app: Flask) -> None:
    while True:
        socketio.sleep(RETENTION_CHECK_SECONDS)
        try:
            with app.app_context():
                retention.sweep_expired()
        except Exception:  # a failed sweep is tried again in an hour; the game goes on
            log.exception("deleting expired sessions failed")


def backup_folder(app: Flask) -> Path:
    return Path(app.config["BACKUP_FOLDER"] or Path(app.instance_path) / "backups")


def _back_up_forever(app: Flask) -> None:
    """The daily SQLite backup: every worker asks now and then, one takes it."""
    every = timedelta(hours=float(app.config["BACKUP_EVERY_HOURS"]))
    while True:
        try:
            with app.app_context():
                taken = take_if_due(db.engine, backup_folder(app), utcnow(), every,
                                    int(app.config["BACKUP_KEEP"]), pause=lambda: socketio.sleep(0))
            if taken:
                log.info("backup taken: %s", taken)
        except Exception:  # a full disk must not stop the game; say so and try later
            log.exception("scheduled backup failed; free space under %s", backup_folder(app))
        socketio.sleep(BACKUP_CHECK_SECONDS)


# The serving process's entry module (async patching first); see run_server.
ENTRY = Path(__file__).resolve().parent / "wsgi.py"


def run_server(host: str, port: int) -> None:
    """``too-sandy serve``: trainer/serve/wsgi.py in a fresh interpreter, since this
    one has imported Flask and threading before any patching could come first.
    ``-P`` keeps trainer/serve/ itself off sys.path. On POSIX the server takes this
    process's place (its pid, its signals); elsewhere this waits for it."""
    command = [sys.executable, "-P", str(ENTRY)]
    env = {**os.environ, "HOST": host, "PORT": str(port)}
    # Flask's CLI sets it to make app.run a no-op; the server (threading mode runs app.run) must not inherit it.
    env.pop("FLASK_RUN_FROM_CLI", None)
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execve(sys.executable, command, env)
    raise SystemExit(subprocess.call(command, env=env))


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
    if socketio.async_mode == "eventlet":
        _serve_eventlet(app, host, port)
        return
    options: dict = {}
    if socketio.async_mode == "threading":
        options["allow_unsafe_werkzeug"] = True
    socketio.run(app, host=host, port=port, **options)


def _serve_eventlet(app: Flask, host: str, port: int) -> None:
    """What ``socketio.run`` does under eventlet, with a listen backlog of our own
    (it has no way to pass one). The app's WSGI callable already carries
    Flask-SocketIO's middleware."""
    import eventlet
    import eventlet.green.socket
    import eventlet.wsgi

    family, *_, address = eventlet.green.socket.getaddrinfo(host, port)[0]
    listener = eventlet.listen(address, family, backlog=LISTEN_BACKLOG)
    eventlet.wsgi.server(
        listener, app,
        max_size=int(app.config.get("MAX_CONNECTIONS", DEFAULT_MAX_CONNECTIONS)),
        log_output=bool(app.config.get("ACCESS_LOG", False)),
    )

"""Defaults: the embedded setup (SQLite, one process) needs nothing else,
and the data folder it keeps its database, secret key and backups in."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from . import paths

# The one name for the data folder: the command's --data-dir sets it too.
DATA_DIR_VARIABLE = "TRAINER_DATA_DIR"


def data_dir() -> Path:
    """TRAINER_DATA_DIR if given; a checkout's instance/ (as always); else the
    platform's per-user data folder, never the installed package's folder:
    ~/.local/share/too-sandy on Linux ($XDG_DATA_HOME), ~/Library/Application
    Support/too-sandy on macOS, %LOCALAPPDATA%\\too-sandy on Windows."""
    chosen = os.environ.get(DATA_DIR_VARIABLE)
    if chosen:
        return Path(chosen).expanduser().resolve()
    if paths.CHECKOUT is not None:
        return paths.CHECKOUT / "instance"
    return Path(platformdirs.user_data_dir("too-sandy", appauthor=False))


DEFAULTS = {
    # TRAINER_DATABASE_URL overrides; empty means SQLite in the instance folder.
    "DATABASE_URL": "",
    # TRAINER_MESSAGE_QUEUE, e.g. redis://localhost:6379/0, for several workers.
    "MESSAGE_QUEUE": None,
    # Workers of one deployment share a channel; two deployments on one Redis must not.
    "MESSAGE_QUEUE_CHANNEL": "too-sandy",
    # None lets Flask-SocketIO pick; wsgi.py asks for eventlet, tests for threading.
    "ASYNC_MODE": None,
    # The URL phones should open; empty means http://<LAN address>:<port>.
    "PUBLIC_URL": "",
    "LOAD_SHIPPED_DECKS": True,
    # Names this process in the presence table; give each worker its own.
    "WORKER_ID": "main",
    # TRAINER_LOG_LEVEL: INFO adds a line for every phase change (where its time went).
    "LOG_LEVEL": "WARNING",
    # Socket events per connection: a steady rate with room for bursts.
    "EVENT_RATE": 8.0,
    "EVENT_BURST": 30,
    # Failed joins (unknown room code) in the window before a pause: per phone
    # (the join page's cookie), and per address for all its phones together
    # (an office's phones share one NAT address; a script can drop cookies).
    "JOIN_FAILURES_LIMIT": 30,
    "JOIN_FAILURES_PER_ADDRESS": 300,
    "JOIN_FAILURES_WINDOW_SECONDS": 600,
    # New players a room accepts a minute (per worker): a room of 2,000 phones
    # joins within one; a script adding names by the hundred a second does not.
    "ROOM_ARRIVALS_PER_MINUTE": 3000,
    # How many proxies in front set X-Forwarded-For/-Proto (nginx: 1); 0 trusts none.
    "TRUSTED_PROXIES": 0,
    # A sign-in ends after this long without a page (the cookie is refused
    # after it, wherever it was copied to); signing out ends it everywhere.
    "PERMANENT_SESSION_LIFETIME": 12 * 3600,
    # "upgrade" runs the migrations on start (any earlier database is brought
    # up to date); tests use "create_all" for speed; "none" leaves it alone.
    "SCHEMA": "upgrade",
    # Payloads are small JSON objects; anything bigger is hostile or broken.
    "MAX_SOCKET_MESSAGE_BYTES": 16 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # None: Secure cookies exactly when PUBLIC_URL is https (see create_app).
    "SESSION_COOKIE_SECURE": None,
    # werkzeug.security method for new password hashes.
    "PASSWORD_HASH_METHOD": "scrypt",
    # CSRF tokens last as long as the sign-in; a form left open over lunch still posts.
    "WTF_CSRF_TIME_LIMIT": None,
    # Deck files are refused above 2 MB with a sentence; this stops anything far bigger.
    "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
    "BABEL_DEFAULT_LOCALE": "en",
    "LANGUAGES": ["en", "ru", "uk", "el"],
    "SEND_FILE_MAX_AGE_DEFAULT": 3600,
    # Autosaved drafts arriving this close together share one transaction.
    "DRAFT_FLUSH_SECONDS": 0.05,
    # How long the first submit or vote waits for others to share its transaction (live/batching.py).
    "WRITE_BATCH_SECONDS": 0.005,
    # Submits and votes arriving this close together share one count of the
    # room (progress on the projector, closing the phase early); 0 counts at once.
    "ROOM_CHECK_SECONDS": 0.25,
    # How many trainers' commands (start, next, end a phase, pause...) one
    # worker carries out at once; the others wait their turn before they
    # begin (sockets/host.py).
    "COMMANDS_AT_ONCE": 10,
    # After the database refused a write (full disk, read-only file), phases
    # stay open on the clock this long past the last refusal, so phones can
    # resend what they kept before time is called.
    "STORAGE_SETTLE_SECONDS": 10.0,
    # SQLite backups: where (empty: instance/backups/), how often (0 turns them off), how many kept.
    "BACKUP_FOLDER": "",
    "BACKUP_EVERY_HOURS": 24,
    "BACKUP_KEEP": 7,
}

# Nothing here loads from another origin: the product works on a LAN with no
# internet, and player text can never run as script.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

# A server database's connection pool per worker, unless SQLALCHEMY_ENGINE_OPTIONS
# (TRAINER_SQLALCHEMY_ENGINE_OPTIONS) says otherwise; SQLite keeps SQLAlchemy's own.
# A join storm keeps every connection busy for seconds: pool_timeout stays
# SQLAlchemy's 30 s (at 10 s, 45 of 1,000 joins failed in the bench).
DATABASE_POOL = {"pool_size": 20, "max_overflow": 20}

"""Fixtures: an app on a fresh database, clients, and one-line seed helpers."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from flask import g
from hypothesis import settings as hypothesis_settings

from trainer import clock, create_app, paths
from trainer.accounts import users as accounts
from trainer.extensions import db, socketio
from trainer.live.sessions import SessionSettings, create_session, join
from trainer.models import Deck, Player, User

T0 = datetime(2026, 11, 23, 9, 0, 0)
# Every Hypothesis test draws the same examples on every run: a verdict (or a
# coverage assertion such as "the fuzz reached the awards rules") never rests
# on the luck of the draw. A profile is the default for every @settings(...)
# made after it is loaded, so the tests' own settings keep this.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.load_profile("repeatable")
# Every app starts with the decks shipped in decks/ (one per language).
SHIPPED_DECKS = len(list(paths.DECKS.glob("*.json")))


def database_url(tmp_path) -> str:
    """SQLite per test by default; TEST_DATABASE_URL runs the suite elsewhere."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture(autouse=True)
def english_terminal(monkeypatch):
    """The CLI speaks the terminal's language; tests expect English unless they say so."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def forget_logins_after_requests(app) -> None:
    """Requests (and socket events) made while a test's app context is pushed
    share its ``g``, where Flask-Login caches the user: forget it after each,
    as a real server's fresh context per request would."""
    app.teardown_request(lambda _exc: g.pop("_login_user", None))


def forget_room_checks(app) -> None:
    """A coalesced room check still sleeping (the sockets' goodbyes ask one)
    must not wake in the next test: on PostgreSQL that test's rooms have the
    same ids again, and the Socket.IO server is shared, so it would count
    them and tell their projectors."""
    pending = app.extensions.get("room_checks")
    if pending is not None:
        with pending.lock:
            pending.due.clear()


@pytest.fixture
def app(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-only",
            "ASYNC_MODE": "threading",
            "SQLALCHEMY_DATABASE_URI": database_url(tmp_path),
            # The migrations have their own tests; create_all is faster.
            "SCHEMA": "create_all",
            # test_csrf.py checks CSRF with it on; here forms post without tokens.
            "WTF_CSRF_ENABLED": False,
            # scrypt is slow on purpose; tests make many accounts.
            "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
            # Progress and early ends counted at once, in the handler (test_room_check.py
            # tries the coalesced count).
            "ROOM_CHECK_SECONDS": 0,
            # Never the checkout's instance/backups/.
            "BACKUP_FOLDER": str(tmp_path / "backups"),
        }
    )
    forget_logins_after_requests(app)
    with app.app_context():
        yield app
        for namespace in socketio.server.namespace_handlers.values():
            namespace.forget_limits()
        forget_room_checks(app)
        db.session.remove()
        if os.environ.get("TEST_DATABASE_URL"):
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def trainer_client(app):
    """A browser signed in as the trainer "trainer" (the one seed() uses)."""
    signed_in = app.test_client()
    sign_in(signed_in, make_user("trainer"))
    return signed_in


@pytest.fixture
def admin_client(app):
    signed_in = app.test_client()
    sign_in(signed_in, make_user("admin", "admin"))
    return signed_in


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class FakeClock:
    """Pins trainer.clock.utcnow; ``advance`` moves it on."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        clock.freeze(start)

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        clock.freeze(self.now)
        return self.now


@pytest.fixture
def fake_clock():
    frozen = FakeClock(T0)
    yield frozen
    clock.freeze(None)


PASSWORD = "correct horse battery"


def make_user(name: str, role: str = "trainer") -> User:
    """An account with the password PASSWORD (reused if it exists)."""
    return accounts.find_user(name) or accounts.create_user(name, PASSWORD, role)


def sign_in(client, user: User) -> None:
    """What a successful sign-in leaves in the session cookie."""
    with client.session_transaction() as cookie:
        cookie["_user_id"] = user.get_id()
        cookie["_fresh"] = True


@dataclass
class Seeded:
    game: object
    players: list = field(default_factory=list)  # [(Player, token)]
    trainer: User | None = None  # owns the session

    @property
    def tokens(self) -> list[str]:
        return [token for _, token in self.players]


@pytest.fixture
def seed(app):
    """seed(players=3, rounds=3, ...) → Seeded: a session with joined players."""

    def make(players: int = 3, names: list[str] | None = None, **settings) -> Seeded:
        deck = db.session.query(Deck).filter_by(slug="starter-en").one()
        options = {"writing_minutes": 7, "voting_seconds": 90, "rounds_total": 3, "seed": 1234}
        options.update(settings)
        trainer = make_user("trainer")
        game = create_session(SessionSettings((deck.id,), **options), owner_id=trainer.id)
        seeded = Seeded(game, trainer=trainer)
        for name in names or [f"Player {i + 1}" for i in range(players)]:
            joined = join(game.code, name)
            seeded.players.append((db.session.get(Player, joined.player_id), joined.token))
        return seeded

    return make


@pytest.fixture
def sockets(app, client):
    """Open Socket.IO test clients; all are disconnected at the end."""
    opened = []

    def host(seeded: Seeded):
        # The projector is the session's trainer, signed in.
        sign_in(client, seeded.trainer)
        sock = socketio.test_client(
            app, namespace="/host", flask_test_client=client, auth={"code": seeded.game.code},
        )
        opened.append(sock)
        return sock

    def phone(token: str):
        sock = socketio.test_client(
            app, namespace="/play", flask_test_client=app.test_client(), auth={"token": token}
        )
        opened.append(sock)
        return sock

    def room(seeded: Seeded):
        """The projector and every player's phone, all connected."""
        return host(seeded), [phone(token) for token in seeded.tokens]

    yield type("Sockets", (), {"host": staticmethod(host), "phone": staticmethod(phone), "room": staticmethod(room)})
    for sock in opened:
        if sock.is_connected("/host") or sock.is_connected("/play"):
            sock.disconnect(namespace="/host" if sock.is_connected("/host") else "/play")


@pytest.fixture
def live_server(tmp_path):
    """The real server (python wsgi.py, eventlet) on a loopback port."""
    from live import TRAINER, LiveServer

    live = LiveServer(tmp_path)
    live.add_user(TRAINER[0], "trainer", TRAINER[1])
    live.start()
    yield live
    live.stop()
    problems = [line for line in live.log().splitlines() if "Traceback" in line or " ERROR " in line]
    assert not problems, live.log()


@pytest.fixture
def browser():
    """Debian's chromium under Playwright (it cannot download its own here)."""
    from pathlib import Path

    from live import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()

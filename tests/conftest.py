"""Fixtures: an app on a fresh database, clients, and one-line seed helpers."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from trainer import clock, create_app
from trainer.extensions import db, socketio
from trainer.models import Deck
from trainer.sessions import SessionSettings, create_session, join

T0 = datetime(2026, 11, 23, 9, 0, 0)


def database_url(tmp_path) -> str:
    """SQLite per test by default; TEST_DATABASE_URL runs the suite elsewhere."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite3'}"


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
        }
    )
    with app.app_context():
        yield app
        db.session.remove()
        if os.environ.get("TEST_DATABASE_URL"):
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


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


@dataclass
class Seeded:
    game: object
    host_token: str
    players: list = field(default_factory=list)  # [(Player, token)]

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
        game, host_token = create_session(SessionSettings((deck.id,), **options))
        seeded = Seeded(game, host_token)
        for name in names or [f"Player {i + 1}" for i in range(players)]:
            seeded.players.append(join(game.code, name))
        return seeded

    return make


@pytest.fixture
def sockets(app, client):
    """Open Socket.IO test clients; all are disconnected at the end."""
    opened = []

    def host(seeded: Seeded):
        sock = socketio.test_client(
            app, namespace="/host", flask_test_client=client,
            auth={"code": seeded.game.code, "host_token": seeded.host_token},
        )
        opened.append(sock)
        return sock

    def phone(token: str):
        sock = socketio.test_client(
            app, namespace="/play", flask_test_client=app.test_client(), auth={"token": token}
        )
        opened.append(sock)
        return sock

    yield type("Sockets", (), {"host": staticmethod(host), "phone": staticmethod(phone)})
    for sock in opened:
        if sock.is_connected("/host") or sock.is_connected("/play"):
            sock.disconnect(namespace="/host" if sock.is_connected("/host") else "/play")

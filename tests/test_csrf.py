"""CSRF is enforced on every form (the rest of the suite turns it off to
post without tokens): without the page's token a post is refused, changes
nothing, and the person is told what to do."""

from __future__ import annotations

import re

import pytest
from conftest import PASSWORD, SHIPPED_DECKS, database_url, forget_logins_after_requests, make_user
from sqlalchemy import func, select

from trainer import create_app
from trainer.extensions import db
from trainer.models import Card, Deck, GameSession


@pytest.fixture
def csrf_app(tmp_path):
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-only", "ASYNC_MODE": "threading", "SCHEMA": "create_all",
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    })
    assert app.config.get("WTF_CSRF_ENABLED", True)
    forget_logins_after_requests(app)
    with app.app_context():
        make_user("boss", "admin")
        yield app
        db.session.remove()
        db.engine.dispose()


def token_from(page) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)


def signed_in(app):
    client = app.test_client()
    token = token_from(client.get("/login"))
    answer = client.post("/login", data={"username": "boss", "password": PASSWORD, "csrf_token": token})
    assert answer.status_code == 302
    return client


def test_sign_in_without_the_token_is_refused(csrf_app):
    answer = csrf_app.test_client().post("/login", data={"username": "boss", "password": PASSWORD})
    assert answer.status_code == 400
    assert "This form has expired" in answer.get_data(as_text=True)


@pytest.mark.parametrize(("url", "data"), [
    ("/host/new", {"deck": "1"}),
    ("/admin/decks/new", {"name": "Forged", "language": "en"}),
    ("/admin/decks/1/cards", {"complaint": "Forged card", "theme": "other", "difficulty": "1"}),
    ("/admin/decks/1/archive", {}),
    ("/admin/users", {"username": "mallory", "role": "admin", "password": "x" * 10, "confirm": "x" * 10}),
    ("/logout", {}),
])
def test_signed_in_posts_without_the_token_change_nothing(csrf_app, url, data):
    client = signed_in(csrf_app)
    cards = db.session.scalar(select(func.count(Card.id)))
    answer = client.post(url, data=data)
    assert answer.status_code == 400, url
    assert db.session.scalar(select(func.count(Card.id))) == cards
    assert db.session.scalar(select(func.count(GameSession.id))) == 0
    assert db.session.scalar(select(func.count(Deck.id))) == SHIPPED_DECKS
    assert db.session.get(Deck, 1).archived_at is None
    assert client.get("/admin/decks").status_code == 200, "still signed in"


def test_a_token_from_the_page_is_accepted(csrf_app):
    client = signed_in(csrf_app)
    token = token_from(client.get("/admin/decks/1"))
    answer = client.post("/admin/decks/1/cards", data={
        "complaint": "A real card", "theme": "other", "difficulty": "1", "csrf_token": token})
    assert answer.status_code == 302
    token = token_from(client.get("/host/new"))
    assert client.post("/host/new", data={"deck": "1", "csrf_token": token}).status_code == 302


def test_phones_join_without_a_token(csrf_app):
    client = signed_in(csrf_app)
    token = token_from(client.get("/host/new"))
    client.post("/host/new", data={"deck": "1", "csrf_token": token})
    code = db.session.scalar(select(GameSession.code))
    answer = csrf_app.test_client().post("/api/join", json={"code": code, "name": "Phone"})
    assert answer.status_code == 201

"""Accounts: passwords, signing in and out, throttled failures (kept in the
database), the one-time setup link, and what deleting an account keeps."""

from __future__ import annotations

import pytest
from conftest import PASSWORD, make_user, sign_in
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from trainer import create_app
from trainer.accounts import users as accounts
from trainer.accounts.messages import AccountError
from trainer.extensions import db
from trainer.models import GameSession, LoginAttempt, User


def login(client, username, password=PASSWORD, next_url="", address="10.0.0.7"):
    return client.post("/login", data={"username": username, "password": password, "next": next_url},
                       environ_base={"REMOTE_ADDR": address})


@pytest.mark.parametrize(("name", "password", "role", "code"), [
    ("", "long enough", "trainer", "username_blank"),
    ("has space", "long enough", "trainer", "username_bad"),
    ("x", "long enough", "trainer", "username_bad"),
    ("TRAINER", "long enough", "trainer", "username_taken"),
    ("new", "short", "trainer", "password_short"),
    ("new", "long enough", "owner", "bad_role"),
])
def test_accounts_refuse_bad_input(app, name, password, role, code):
    make_user("trainer")
    before = db.session.scalar(select(func.count(User.id)))
    with pytest.raises(AccountError) as refused:
        accounts.create_user(name, password, role)
    assert refused.value.code == code and refused.value.message
    assert db.session.scalar(select(func.count(User.id))) == before


def test_passwords_are_stored_hashed(app):
    user = accounts.create_user("maria", "sandy beaches", "trainer")
    assert "sandy beaches" not in user.password_hash
    assert check_password_hash(user.password_hash, "sandy beaches")


def test_signing_in_and_out(app, client):
    make_user("maria")
    assert client.get("/host/new").headers["Location"].startswith("/login?next=")
    answer = login(client, "Maria", next_url="/host/new")  # user names ignore case
    assert answer.status_code == 302 and answer.headers["Location"] == "/host/new"
    assert client.get("/host/new").status_code == 200
    assert client.get("/logout").status_code == 405, "signing out is a POST (a link can't do it)"
    assert client.post("/logout").status_code == 302
    assert client.get("/host/new").status_code == 302


def test_a_wrong_password_or_name_gets_the_same_plain_message(app, client):
    make_user("maria")
    for name, password in (("maria", "wrong password"), ("nobody", PASSWORD)):
        answer = login(client, name, password)
        assert answer.status_code == 400
        html = answer.get_data(as_text=True)
        assert "That user name and password don&#39;t match" in html
        assert f'value="{name}"' in html, "the name typed is kept"


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil.example", "javascript:x"])
def test_after_sign_in_only_local_pages(app, client, target):
    make_user("maria")
    assert login(client, "maria", next_url=target).headers["Location"] == "/host/"


def test_admins_land_on_the_decks(app, client):
    make_user("boss", "admin")
    assert login(client, "boss").headers["Location"] == "/admin/decks"


def test_session_cookie_is_httponly_and_lax(app, client):
    make_user("maria")
    cookie = login(client, "maria").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_session_cookie_is_secure_behind_https(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "ASYNC_MODE": "threading", "SCHEMA": "create_all",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 's.sqlite3'}",
                      "PUBLIC_URL": "https://sandy.example.org", "WTF_CSRF_ENABLED": False})
    with app.app_context():
        make_user("maria")
        cookie = login(app.test_client(), "maria").headers["Set-Cookie"]
        db.engine.dispose()
    assert "Secure" in cookie


def test_a_new_password_signs_the_account_out_elsewhere(app, client):
    user = make_user("maria")
    sign_in(client, user)
    assert client.get("/host/").status_code == 200
    accounts.set_password(user, "a brand new password")
    assert client.get("/host/").status_code == 302


# --- throttling ---------------------------------------------------------------

def test_repeated_failures_slow_down_then_lock_out(app, client, fake_clock):
    make_user("maria")
    for _ in range(3):
        assert login(client, "maria", "guess").status_code == 400
    # The fourth try comes too soon: refused without checking the password.
    slowed = login(client, "maria", PASSWORD)
    assert slowed.status_code == 429
    assert "Wait 2 seconds" in slowed.get_data(as_text=True)
    fake_clock.advance(seconds=2)
    assert login(client, "maria", "guess").status_code == 400  # 4 failures: wait 4 s
    for wait in (4, 8, 16, 32, 64):  # failures 5 to 9
        assert login(client, "maria", "guess").status_code == 429
        fake_clock.advance(seconds=wait)
        assert login(client, "maria", "guess").status_code == 400
    assert login(client, "maria", "guess").status_code == 429
    fake_clock.advance(seconds=128)
    assert login(client, "maria", "guess").status_code == 400
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 10
    # Ten failures: locked for 15 minutes, even with the right password.
    fake_clock.advance(minutes=5)
    locked = login(client, "maria", PASSWORD)
    assert locked.status_code == 429
    assert "blocked for 10 minutes" in locked.get_data(as_text=True)
    # Another computer is not affected.
    assert login(app.test_client(), "maria", address="10.0.0.8").status_code == 302
    fake_clock.advance(minutes=10)
    assert login(client, "maria").status_code == 302
    assert db.session.scalar(select(func.count(LoginAttempt.id))) == 0, "success clears the count"


def test_failures_are_counted_in_the_database_for_every_worker(app, tmp_path, fake_clock):
    make_user("maria")
    for _ in range(3):
        with pytest.raises(AccountError):
            accounts.authenticate("maria", "guess", "10.0.0.9")
    db.session.remove()
    # A second worker: another app on the same database.
    other = create_app({**{k: app.config[k] for k in ("SECRET_KEY", "SQLALCHEMY_DATABASE_URI")},
                        "TESTING": True, "ASYNC_MODE": "threading", "SCHEMA": "create_all"})
    with other.app_context():
        with pytest.raises(AccountError) as refused:
            accounts.authenticate("maria", PASSWORD, "10.0.0.9")
        assert refused.value.code == "slow_down"
        db.engine.dispose()


# --- the first admin ------------------------------------------------------------

def test_the_setup_link_makes_the_first_admin_once(app, client):
    link = accounts.first_run_link(app, "http://localhost:5000")
    assert link.startswith("http://localhost:5000/setup/")
    path = link.removeprefix("http://localhost:5000")
    assert client.get(path).status_code == 200
    refused = client.post(path, data={"username": "boss", "password": "short", "confirm": "short"})
    assert refused.status_code == 400 and "at least 8 characters" in refused.get_data(as_text=True)
    answer = client.post(path, data={"username": "boss", "password": "long enough!", "confirm": "long enough!"})
    assert answer.status_code == 302 and answer.headers["Location"] == "/admin/decks"
    assert client.get("/admin/decks").status_code == 200, "signed in straight away"
    assert accounts.find_user("boss").is_admin
    # Used: the link is dead, and no new one is printed while an admin exists.
    assert app.test_client().get(path).status_code == 404
    assert app.test_client().post(path, data={"username": "evil", "password": "x" * 10, "confirm": "x" * 10}
                                  ).status_code == 404
    assert accounts.first_run_link(app, "http://localhost:5000") is None
    assert accounts.find_user("evil") is None


def test_only_the_newest_setup_link_works_and_only_its_hash_is_kept(app, client):
    from trainer.models import SetupToken

    old = accounts.issue_setup_token()
    new = accounts.issue_setup_token()
    assert client.get(f"/setup/{old}").status_code == 404
    assert client.get(f"/setup/{new}").status_code == 200
    assert client.get("/setup/guess").status_code == 404
    stored = db.session.scalars(select(SetupToken.token_hash)).all()
    assert new not in stored and len(stored) == 1


# --- deleting accounts -----------------------------------------------------------

def test_the_last_admin_cannot_be_deleted_or_demoted(app):
    boss = make_user("boss", "admin")
    for change in (lambda: accounts.delete_user(boss), lambda: accounts.set_role(boss, "trainer")):
        with pytest.raises(AccountError) as refused:
            change()
        assert refused.value.code == "last_admin"
    make_user("deputy", "admin")
    accounts.set_role(boss, "trainer")
    assert not boss.is_admin


def test_deleting_a_trainer_keeps_their_sessions(app, seed):
    seeded = seed(players=2)
    accounts.delete_user(seeded.trainer)
    game = db.session.get(GameSession, seeded.game.id)
    assert game is not None and game.owner_id is None and len(game.players) == 2

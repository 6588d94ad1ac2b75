"""Pages, the join API, session set-up, the QR code, headers and shipped decks."""

from __future__ import annotations

import re

import pytest
from conftest import SHIPPED_DECKS, make_user, sign_in
from sqlalchemy import func, select

from trainer import paths
from trainer.decks.shipped import load_shipped_decks, read_deck_file
from trainer.extensions import db
from trainer.models import Card, Deck, GameSession, Player
from trainer.serve import base_url, lan_address


def create(client, **form):
    data = {"deck": "1", "writing_minutes": "7", "voting_seconds": "90", "rounds_total": "3"}
    data.update(form)
    return client.post("/host/new", data=data)


def test_pages_load_without_anything_from_elsewhere(client, admin_client):
    pages = [(client, url) for url in ("/", "/join", "/join/abc234", "/login")] + [
        (admin_client, url) for url in (
            "/host/new", "/host/", "/admin/decks", "/admin/decks/1", "/admin/decks/new",
            "/admin/decks/1/edit", "/admin/imports/new", "/admin/users",
        )
    ]
    for browser, url in pages:
        page = browser.get(url)
        assert page.status_code == 200, url
        html = page.get_data(as_text=True)
        assert not re.search(r'(src|href)="(https?:)?//', html), f"{url} loads from another origin"
        assert "<script>" not in html, "no inline script: the CSP forbids it"
        csp = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_join_page_prefills_a_normalised_code(client):
    html = client.get("/join/ab-c 234").get_data(as_text=True)
    assert 'value="ABC234"' in html


def test_vendored_socketio_client_is_served_with_its_licence(client):
    script = client.get("/static/vendor/socket.io/socket.io.esm.min.js")
    assert script.status_code == 200 and b"Socket.IO v4" in script.data
    script.close()
    assert (paths.STATIC / "vendor/socket.io/LICENSE").read_text().startswith("The MIT License")


def test_creating_a_session_redirects_to_its_projector(trainer_client):
    client = trainer_client
    answer = create(client, rounds_total="2")
    assert answer.status_code == 302
    code = answer.headers["Location"].rsplit("/", 1)[1]
    game = db.session.scalar(select(GameSession).where(GameSession.code == code))
    assert (game.rounds_total, game.writing_seconds, game.voting_seconds) == (2, 420, 90)
    assert game.owner_id is not None
    page = client.get(f"/host/{code}")
    assert page.status_code == 200
    assert code in page.get_data(as_text=True)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"writing_minutes": "0"}, "Writing time must be between 1 and 15 minutes."),
        ({"writing_minutes": "16"}, "Writing time must be between 1 and 15 minutes."),
        ({"writing_minutes": "seven"}, "Writing time must be between 1 and 15 minutes."),
        ({"voting_seconds": "5"}, "Voting time must be between 20 and 600 seconds."),
        ({"rounds_total": "11"}, "The number of rounds must be between 1 and 10."),
        ({"deck": "999"}, "Choose at least one deck."),
        ({"deck": ""}, "Choose at least one deck."),
    ],
)
def test_bad_session_settings_are_explained_and_kept(trainer_client, form, message):
    answer = create(trainer_client, **form)
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert message in html
    assert db.session.scalar(select(func.count(GameSession.id))) == 0
    # What the trainer typed is still in the form.
    if "rounds_total" in form:
        assert f'value="{form["rounds_total"]}"' in html


def test_projector_and_qr_are_for_the_sessions_trainer(trainer_client, app):
    code = create(trainer_client).headers["Location"].rsplit("/", 1)[1]
    assert trainer_client.get(f"/host/{code}").status_code == 200
    stranger = app.test_client()
    assert stranger.get(f"/host/{code}").status_code == 302
    sign_in(stranger, make_user("other-trainer"))
    assert stranger.get(f"/host/{code}").status_code == 403
    assert stranger.get(f"/host/{code}/qr.svg").status_code == 403
    assert stranger.get("/host/NOSUCH").status_code == 404


def test_qr_code_is_an_svg_made_here(trainer_client, app):
    client = trainer_client
    app.config["PUBLIC_URL"] = "http://10.0.0.5:5000"
    code = create(client).headers["Location"].rsplit("/", 1)[1]
    svg = client.get(f"/host/{code}/qr.svg")
    assert svg.headers["Content-Type"] == "image/svg+xml"
    assert svg.data.startswith(b"<svg") and b'xmlns="http://www.w3.org/2000/svg"' in svg.data
    page = client.get(f"/host/{code}").get_data(as_text=True)
    assert f"http://10.0.0.5:5000/join/{code}" in page


def test_join_url_uses_the_lan_address_not_localhost():
    address = lan_address()
    assert re.fullmatch(r"\d+\.\d+\.\d+\.\d+", address)
    assert not address.startswith("127.") or address == "127.0.0.1"
    assert base_url("", 5000) == f"http://{address}:5000"
    assert base_url("https://sandy.example.org/", 5000) == "https://sandy.example.org"
    assert base_url("", 80) == f"http://{address}"


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"code": "ZZZZZZ", "name": "Ana"}, 404, "unknown_code"),
        ({"code": "{code}", "name": "   "}, 400, "name_blank"),
        ({"code": "{code}", "name": "x" * 25}, 400, "name_too_long"),
        ({"code": "{code}", "name": " ANA "}, 409, "name_taken"),
        ({"code": "{code}"}, 400, "bad_payload"),
        ({"code": 5, "name": "Bo"}, 400, "bad_payload"),
        ({"code": "{code}", "name": "y" * 5000}, 400, "bad_payload"),
    ],
)
def test_join_refusals(client, seed, payload, status, code):
    seeded = seed(names=["Ana"])
    payload = {k: v.format(code=seeded.game.code) if isinstance(v, str) else v for k, v in payload.items()}
    answer = client.post("/api/join", json=payload)
    assert answer.status_code == status
    body = answer.get_json()
    assert body["ok"] is False and body["code"] == code and body["error"]
    assert db.session.scalar(select(func.count(Player.id))) == 1


def test_join_trims_and_keeps_markup_as_text(client, seed):
    seeded = seed(players=0)
    answer = client.post("/api/join", json={"code": seeded.game.code, "name": "  <b>Zoë</b>   Ü  "})
    assert answer.status_code == 201
    assert answer.get_json()["name"] == "<b>Zoë</b> Ü"
    assert len(answer.get_json()["token"]) >= 40
    player = db.session.scalar(select(Player))
    assert player.token_hash != answer.get_json()["token"]


def test_join_is_refused_after_the_session_finished(client, seed):
    seeded = seed(players=0)
    seeded.game.phase = "finished"
    db.session.commit()
    answer = client.post("/api/join", json={"code": seeded.game.code, "name": "Late"})
    assert answer.status_code == 410


def test_shipped_starter_deck(app):
    data = read_deck_file(paths.DECKS / "starter-en.json")
    cards = data["cards"]
    assert data["language"] == "en" and len(cards) >= 40
    themes = {card["theme"] for card in cards}
    assert {"tourism", "hotel", "restaurant", "airline", "retail", "delivery", "call_centre", "b2b"} <= themes
    text = " ".join(card["complaint"].lower() for card in cards)
    for classic in ("sandy", "fish", "soup", "jamaica"):
        assert classic in text
    assert all(card["coach_note"].strip() for card in cards)


def test_shipped_decks_load_once(app):
    before = db.session.scalar(select(func.count(Card.id)))
    assert before >= 40
    assert load_shipped_decks(paths.DECKS) == []
    assert db.session.scalar(select(func.count(Card.id))) == before
    assert db.session.scalar(select(func.count(Deck.id))) == SHIPPED_DECKS


def test_cli_loads_decks(runner):
    result = runner.invoke(args=["load-decks"])
    assert result.exit_code == 0 and "nothing to add" in result.output


def test_lan_address_prefers_a_real_private_interface(monkeypatch):
    import ifaddr

    from trainer import serve as network

    def adapter(name, *ips):
        return ifaddr.Adapter(name, name, [ifaddr.IP(ip, 24, name) for ip in ips])

    monkeypatch.setattr(network.ifaddr, "get_adapters", lambda: [
        adapter("lo", "127.0.0.1"),
        adapter("docker0", "172.17.0.1"),
        adapter("wlan0", ("fe80::1", 0, 0), "192.168.1.23"),
        adapter("tun0", "169.254.3.3"),
    ])
    assert network.lan_address() == "192.168.1.23"
    monkeypatch.setattr(network.ifaddr, "get_adapters", lambda: [adapter("lo", "127.0.0.1")])
    assert network.lan_address() == "127.0.0.1"


def test_the_front_page_knows_a_signed_in_trainer(app, client, seed):
    """Issue 28: signed in, / is the desk's start (host first, the latest sessions); anonymous, the front door."""
    anonymous = client.get("/").get_data(as_text=True)
    assert "Join a game" in anonymous and "Your latest sessions" not in anonymous
    seeded = seed(players=2)
    sign_in(client, seeded.trainer)
    page = client.get("/").get_data(as_text=True)
    assert "Welcome back, trainer" in page and "Your latest sessions" in page
    assert page.index("Host a session") < page.index("Your latest sessions")
    assert f'href="/host/{seeded.game.code}"' in page and 'href="/library"' in page and 'href="/teams"' in page
    greek = client.get("/", headers={"Accept-Language": "el"}).get_data(as_text=True)
    assert "Your latest sessions" not in greek

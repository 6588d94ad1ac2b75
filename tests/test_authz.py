"""Who may do what, over every admin and host route and the host socket:
anonymous visitors, players (who have a player token but no account),
trainers (their own sessions only) and admins (everything)."""

from __future__ import annotations

import pytest
from conftest import make_user, sign_in
from socket_helpers import ack

from trainer.coaching import presets
from trainer.decks import imports as deckimport
from trainer.extensions import db, socketio
from trainer.models import Card, Deck, Member, Preset, Reply, Star
from trainer.records import library, teams

ADMIN_ENDPOINTS = {
    "admin.index", "admin.decks", "admin.new_deck", "admin.deck", "admin.edit_deck", "admin.archive_deck",
    "admin.restore_deck", "admin.delete_deck", "admin.export_deck", "admin.add_card", "admin.paste_cards",
    "admin.edit_card", "admin.toggle_card", "admin.delete_card", "admin.new_import", "admin.import_preview",
    "admin.cancel_import", "admin.users", "admin.edit_user", "admin.delete_user",
    "admin.sign_out_user", "admin.backups", "admin.back_up_now",
    "admin.criteria", "admin.reset_criteria", "admin.cue_phrases_page", "admin.retention_setting",
}
RECORDS_ENDPOINTS = {
    "records.report", "records.report_csv", "records.handout", "records.delete_session", "records.link_player",
    "records.star_reply", "records.team_list", "records.team", "records.add_member", "records.member",
    "records.merge_member", "records.remove_member", "records.anonymise_member", "records.library_page",
    "records.library_csv",
    "records.library_print", "records.library_entry", "records.print_deck",
}
HOST_ENDPOINTS = {"host.sessions", "host.new", "host.projector", "host.qr", "host.delete_preset",
                  # A drill's pages (trainer/views/drills.py; owners only: tests/test_drill_pages.py).
                  "host.drill", "host.poster", "host.extend_drill", "host.close_drill_window",
                  "host.hide_drill_reply", "host.remove_drill_player", "host.drill_defaults", "host.pick_drill_cards"}
HOST_EVENTS = ["sync", "next", "end_phase", "extend", "pause", "resume", "remove_player", "set_mode", "pin",
               "takeaway"]


@pytest.fixture
def world(app, seed):
    """A session owned by "trainer", a player in it, and things for every URL to point at."""
    seeded = seed(players=1)
    admin = make_user("admin", "admin")
    deck = db.session.scalars(db.select(Deck)).first()
    card = db.session.scalars(db.select(Card)).first()
    upload = deckimport.stage_upload(admin, "x.csv", b"complaint\nA brand new complaint\n", deck)
    other = make_user("other-trainer")
    preset = presets.save(seeded.trainer.id, "Front desk", presets.CUSTOM)
    team = teams.create_team(seeded.trainer.id, "Front desk")
    member = teams.add_member(team, "Ana")
    player = seeded.players[0][0]
    dealt = seeded.game.decks[0].cards[0]  # a reply's card is always from one of its session's decks
    reply = Reply(session_id=seeded.game.id, round_no=1, player_id=player.id, card_id=dealt.id, text="A reply")
    db.session.add(reply)
    db.session.commit()
    entry = library.star(reply.id, seeded.trainer.id, seeded.game.id)
    values = {"deck_id": deck.id, "card_id": card.id, "user_id": other.id, "upload_id": upload.id,
              "code": seeded.game.code, "kind": "csv", "preset_id": preset.id, "team_id": team.id,
              "member_id": member.id, "player_id": player.id, "reply_id": reply.id, "star_id": entry.id}
    return {"seeded": seeded, "admin": admin, "other": other, "values": values}


def routes(app, prefix):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(prefix):
            yield rule


def url_for_rule(rule, values):
    return rule.build({name: values[name] for name in rule.arguments})[1]


def client_as(app, world, who):
    client = app.test_client()
    if who == "player":
        # A phone that joined: it holds a player token, and no account.
        answer = client.post("/api/join", json={"code": world["seeded"].game.code, "name": "Phone"})
        assert answer.status_code == 201
    elif who == "owner":
        sign_in(client, world["seeded"].trainer)
    elif who in ("admin", "other"):
        sign_in(client, world[who])
    return client


def test_the_matrix_covers_every_admin_and_host_route(app):
    assert {rule.endpoint for rule in routes(app, "admin.")} == ADMIN_ENDPOINTS
    assert {rule.endpoint for rule in routes(app, "host.")} == HOST_ENDPOINTS
    assert {rule.endpoint for rule in routes(app, "records.")} == RECORDS_ENDPOINTS


def requests(app, world, prefix):
    for rule in sorted(routes(app, prefix), key=lambda r: r.rule):
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url_for_rule(rule, world["values"]), rule.endpoint


@pytest.mark.parametrize("who", ["anonymous", "player"])
def test_people_without_an_account_are_sent_to_sign_in(app, world, who):
    client = client_as(app, world, who)
    for method, url, _ in [*requests(app, world, "admin."), *requests(app, world, "host."),
                           *requests(app, world, "records.")]:
        answer = client.open(url, method=method)
        assert answer.status_code == 302, (method, url)
        assert answer.headers["Location"].startswith("/login?next="), (method, url)


@pytest.mark.parametrize("who", ["owner", "other"])
def test_trainers_are_refused_every_admin_route(app, world, who):
    client = client_as(app, world, who)
    for method, url, _ in requests(app, world, "admin."):
        assert client.open(url, method=method).status_code == 403, (method, url)
    assert db.session.get(Deck, world["values"]["deck_id"]) is not None


def test_trainers_host_only_their_own_sessions(app, world):
    code = world["values"]["code"]
    owner, other = client_as(app, world, "owner"), client_as(app, world, "other")
    for url in ("/host/", "/host/new"):
        assert owner.get(url).status_code == 200 and other.get(url).status_code == 200
    for url in (f"/host/{code}", f"/host/{code}/qr.svg"):
        assert owner.get(url).status_code == 200
        assert other.get(url).status_code == 403
    assert code in owner.get("/host/").get_data(as_text=True)
    assert code not in other.get("/host/").get_data(as_text=True), "a trainer sees their own sessions"
    assert owner.post("/host/new", data={"deck": "1"}).status_code == 302
    # A trainer's presets are theirs: another trainer cannot delete one.
    preset_id = world["values"]["preset_id"]
    assert other.post(f"/host/presets/{preset_id}/delete").status_code == 404
    assert db.session.get(Preset, preset_id) is not None
    assert owner.post(f"/host/presets/{preset_id}/delete").status_code == 302
    assert db.session.get(Preset, preset_id) is None


# What only the session's (or team's) trainer and admins may open; the library and
# printable cards are every trainer's.
OWNED = {"records.report", "records.report_csv", "records.handout", "records.link_player", "records.star_reply",
         "records.team", "records.add_member", "records.member", "records.merge_member", "records.library_entry"}
ADMIN_ONLY = {"records.delete_session", "records.anonymise_member"}


def test_trainers_see_their_own_records_and_no_one_elses(app, world):
    owner, other = client_as(app, world, "owner"), client_as(app, world, "other")
    for method, url, endpoint in requests(app, world, "records."):
        if endpoint in OWNED:
            assert other.open(url, method=method).status_code == 403, (method, url)
        if endpoint in ADMIN_ONLY:
            assert owner.open(url, method=method).status_code == 403, (method, url)
    assert db.session.get(Star, world["values"]["star_id"]) is not None, "refused requests changed nothing"
    assert db.session.get(Member, world["values"]["member_id"]).name == "Ana"
    for url in ("/host/{code}/report", "/host/{code}/report.csv", "/host/{code}/handout", "/teams/{team_id}",
                "/members/{member_id}", "/library", "/teams"):
        assert owner.get(url.format(**world["values"])).status_code == 200, url
    assert "Front desk" not in other.get("/teams").get_data(as_text=True), "another trainer's teams are not listed"


def test_admins_may_use_every_admin_and_host_route(app, world):
    client = client_as(app, world, "admin")
    for method, url, endpoint in [*requests(app, world, "host."), *requests(app, world, "admin."),
                                  *requests(app, world, "records.")]:
        if (method, endpoint) == ("POST", "records.delete_session"):
            continue  # last, below: the session has to stay for the rest
        answer = client.open(url, method=method)
        assert answer.status_code not in (401, 403), (method, url)
        if answer.status_code == 302:
            assert not answer.headers["Location"].startswith("/login"), (method, url)
    assert client.get(f"/host/{world['values']['code']}").status_code == 200, "any session's projector"
    assert client.post(f"/host/{world['values']['code']}/delete").status_code == 302
    assert client.get(f"/host/{world['values']['code']}").status_code == 404


def connect_host(app, client, auth):
    return socketio.test_client(app, namespace="/host", flask_test_client=client, auth=auth)


@pytest.mark.parametrize(("who", "allowed"), [
    ("anonymous", False), ("player", False), ("other", False), ("owner", True), ("admin", True),
])
def test_host_socket_connect_matrix(app, world, who, allowed):
    client = client_as(app, world, who)
    seeded = world["seeded"]
    auth = {"code": seeded.game.code}
    if who == "player":
        auth["token"] = seeded.tokens[0]  # whatever a phone could send
    sock = connect_host(app, client, auth)
    assert sock.is_connected("/host") is allowed
    if allowed:
        assert ack(sock, "/host", "sync")["ok"]
        sock.disconnect(namespace="/host")


def test_a_refused_host_socket_can_run_no_action(app, world):
    sock = connect_host(app, client_as(app, world, "other"), {"code": world["seeded"].game.code})
    assert not sock.is_connected("/host")
    for event in HOST_EVENTS:
        with pytest.raises(RuntimeError):
            sock.emit(event, {}, namespace="/host", callback=True)
    phone = socketio.test_client(app, namespace="/play", flask_test_client=app.test_client(),
                                 auth={"token": world["seeded"].tokens[0]})
    for event in HOST_EVENTS[1:]:  # a phone's own "sync" is its own snapshot
        assert ack(phone, "/play", event)["code"] == "unknown_event"
    phone.disconnect(namespace="/play")
    assert world["seeded"].game.phase == "lobby"


@pytest.mark.parametrize("auth", [None, {}, {"code": 5}, {"code": "x" * 500}, "nonsense", {"code": "NOSUCH"}])
def test_host_socket_refuses_bad_codes_even_for_admins(app, world, auth):
    assert not connect_host(app, client_as(app, world, "admin"), auth).is_connected("/host")


def test_signing_out_ends_hosting_on_the_next_connect(app, world):
    client = client_as(app, world, "owner")
    auth = {"code": world["seeded"].game.code}
    first = connect_host(app, client, auth)
    assert first.is_connected("/host")
    first.disconnect(namespace="/host")
    client.post("/logout")
    assert not connect_host(app, client, auth).is_connected("/host")

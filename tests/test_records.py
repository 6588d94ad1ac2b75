"""Records: session reports and their exports, teams and members, the library, printable cards.

Sessions are played through the real Socket.IO server; pages are read through
the real app on the real database.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from conftest import make_user, sign_in
from socket_helpers import ack, last, start_round
from sqlalchemy import func, select

from trainer.clock import utcnow
from trainer.extensions import db
from trainer.models import Card, Deck, GameRound, GameSession, Member, Player, Reply, Star, Vote
from trainer.records import library, retention, teams
from trainer.records.exports import guard

HOSTILE = '<img src=x onerror="window.__xss=1"><script>window.__xss=1</script>'


def play_a_round(seeded, sockets, texts, *, awards=False):
    """One whole round: everyone writes ``texts[i]``, everyone votes (or awards) the first of their ballot."""
    host, phones = sockets.room(seeded)
    start_round(host)
    for phone, text in zip(phones, texts, strict=True):
        assert ack(phone, "/play", "submit", {"round": seeded.game.round_no or 1, "text": text})["ok"]
    for phone in phones:
        snap = last(phone, "/play", "snapshot")
        payload = {"reply_id": snap["ballot"][0]["id"]}
        if awards:
            payload["criterion"] = 0
        assert ack(phone, "/play", "vote", payload)["ok"]
    if last(host, "/host", "snapshot")["phase"] == "voting":
        assert ack(host, "/host", "end_phase")["ok"]
    return host, phones


def reply_of(seeded, index: int) -> Reply:
    return db.session.scalar(select(Reply).where(Reply.player_id == seeded.players[index][0].id))


# --- the report -------------------------------------------------------------------------


def test_the_report_shows_every_reply_with_its_author_votes_and_marks(seed, sockets, client):
    seeded = seed(players=3, names=["Ana", "Богдан", "Ελένη"], rounds_total=1, mode="same_card", voting="awards")
    host, _phones = play_a_round(seeded, sockets, ["Sorry, here is a towel.", "Вот полотенце.", HOSTILE],
                                 awards=True)
    hidden = reply_of(seeded, 2)
    assert ack(host, "/host", "hide_reply", {"reply_id": hidden.id})["ok"]
    assert ack(host, "/host", "pin", {"reply_id": reply_of(seeded, 0).id})["ok"]
    assert ack(host, "/host", "takeaway", {"text": "Offer the towel first."})["ok"]
    page = client.get(f"/host/{seeded.game.code}/report")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in ("Ana", "Богдан", "Ελένη", "Sorry, here is a towel.", "Вот полотенце.", "Offer the towel first.",
                 "Heard them", "Model answer", "Hidden", seeded.trainer.username):
        assert text in html, text
    card = db.session.get(Card, hidden.card_id)
    assert card.complaint.replace("'", "&#39;") in html and card.coach_note.replace("'", "&#39;") in html
    assert "<img src=x" not in html and "<script>window" not in html, "hostile text is inert"
    assert "&lt;img src=x" in html


def test_the_csv_opens_in_excel_and_survives_a_round_trip(seed, sockets, client):
    texts = ["=HYPERLINK(\"http://evil\")", "Мы всё исправим, обещаем.", "Λυπούμαστε πολύ, θα το φτιάξουμε."]
    seeded = seed(players=3, rounds_total=1)
    play_a_round(seeded, sockets, texts)
    answer = client.get(f"/host/{seeded.game.code}/report.csv")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    assert answer.data.startswith(b"\xef\xbb\xbf"), "a byte-order mark, so Excel reads UTF-8"
    rows = list(csv.DictReader(io.StringIO(answer.data.decode("utf-8-sig"))))
    assert len(rows) == 3
    cue_columns = {f"cue: {kind}" for kind in ("empathy", "apology", "next_step", "beyond", "thanks", "refusal",
                                                "blame", "policy")}  # service cues, on by default
    assert set(rows[0]) == {"session", "date", "round", "card", "theme", "player", "reply", "votes", "hidden",
                            *cue_columns}
    replies = {row["reply"] for row in rows}
    assert "'=HYPERLINK(\"http://evil\")" in replies, "a formula is defused"
    assert {"Мы всё исправим, обещаем.", "Λυπούμαστε πολύ, θα το φτιάξουμε."} <= replies
    assert sum(int(row["votes"]) for row in rows) == 3
    assert {row["session"] for row in rows} == {seeded.game.code}


@pytest.mark.parametrize("value", ["=1+1", "+31 6 123", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_every_formula_start_is_guarded(value):
    assert guard(value) == "'" + value
    assert guard("fine") == "fine" and guard(7) == 7


def test_the_awards_csv_has_a_column_per_criterion(seed, sockets, client):
    seeded = seed(players=3, rounds_total=1, voting="awards")
    play_a_round(seeded, sockets, ["a", "b", "c"], awards=True)
    rows = list(csv.DictReader(io.StringIO(client.get(f"/host/{seeded.game.code}/report.csv").data
                                           .decode("utf-8-sig"))))
    assert sum(int(r["award: Heard them"]) for r in rows) == 3
    assert {r["award: Won them back"] for r in rows} == {"0"}


def test_the_handout_prints_without_cut_off_rows(seed, sockets, client):
    seeded = seed(players=3, rounds_total=1)
    play_a_round(seeded, sockets, ["one", "two", HOSTILE])
    html = client.get(f"/host/{seeded.game.code}/handout").get_data(as_text=True)
    assert "css/print.css" in html and "one" in html and "<img src=x" not in html
    css = client.get(re.search(r'href="([^"]+print\.css)"', html).group(1)).get_data(as_text=True)
    assert "break-inside: avoid" in css and "@page" in css and "display: table-header-group" in css


def test_a_report_before_any_round_says_so(seed, client):
    seeded = seed(players=2)
    sign_in(client, seeded.trainer)
    assert "No round has been played yet." in client.get(f"/host/{seeded.game.code}/report").get_data(as_text=True)


def test_an_admin_deletes_a_session_after_a_confirmation_naming_what_goes(seed, sockets, app):
    seeded = seed(players=3, rounds_total=1)
    play_a_round(seeded, sockets, ["a", "b", "c"])
    library.star(reply_of(seeded, 0).id, None, seeded.game.id)
    admin = app.test_client()
    sign_in(admin, make_user("boss", "admin"))
    confirm = admin.get(f"/host/{seeded.game.code}/delete").get_data(as_text=True)
    for words in ("3 players", "3 replies", "3 votes and awards", "1 reply in the library"):
        assert words in confirm, words
    assert db.session.scalar(select(func.count(GameSession.id))) == 1, "asking changes nothing"
    assert admin.post(f"/host/{seeded.game.code}/delete").status_code == 302
    for model in (GameSession, Player, Reply, Vote, Star, GameRound):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model.__name__
    assert db.session.scalar(select(func.count(Deck.id))) > 0, "decks stay"
    assert library.search(library.Filters(q="a"))[1] == 0, "the search index forgot it too"


# --- teams and members --------------------------------------------------------------------


def team_session(seed, team, **settings):
    seeded = seed(players=0, team_id=team.id, **settings)
    return seeded


def join(client, code, **body):
    return client.post("/api/join", json={"code": code, "name": "", **body})


def test_a_phone_picks_its_name_from_the_roster_and_new_names_play_as_guests(seed, client, app):
    trainer = make_user("coach")
    team = teams.create_team(trainer.id, "Front desk")
    ana = teams.add_member(team, "Ana")
    seeded = team_session(seed, team)
    room = client.get(f"/api/rooms/{seeded.game.code.lower()}").get_json()
    assert room["team"] == {"id": team.id, "name": "Front desk"}
    assert room["roster"] == [{"id": ana.id, "name": "Ana"}]

    picked = join(app.test_client(), seeded.game.code, member_id=ana.id)
    assert picked.status_code == 201
    assert picked.get_json()["member_id"] == ana.id and picked.get_json()["name"] == "Ana"
    new = join(app.test_client(), seeded.game.code, name="Dmytro")
    assert new.status_code == 201
    assert new.get_json()["member_id"] is None, "a new name is a guest: phones never grow the roster"
    # Typed as a look-alike of a member's name: that member, not a new one.
    other = seed(players=0, team_id=team.id)
    again = join(app.test_client(), other.game.code, name="АNA")
    assert again.get_json()["member_id"] == ana.id
    assert db.session.scalar(select(func.count(Member.id))) == 1
    # The trainer puts the guest on the roster from the report.
    sign_in(client, seeded.trainer)
    dmytro_player = db.session.scalar(select(Player).where(Player.name == "Dmytro"))
    assert client.post(f"/host/{seeded.game.code}/players/{dmytro_player.id}/member",
                       data={"member_id": "new"}).status_code == 302
    dmytro = db.session.get(Member, db.session.get(Player, dmytro_player.id).member_id)
    assert dmytro.team_id == team.id and dmytro.name == "Dmytro"

    refused = join(app.test_client(), seeded.game.code, member_id=999)
    assert refused.status_code == 400 and refused.get_json()["code"] == "unknown_member"
    assert join(app.test_client(), seeded.game.code, member_id="1").get_json()["code"] == "bad_payload"
    assert db.session.scalar(select(func.count(Player.id))) == 3, "refused joins add nobody"
    assert client.get("/api/rooms/NOSUCH").status_code == 404


def test_a_guest_is_linked_to_a_member_in_the_report_and_two_members_merge(seed, sockets, client):
    seeded = seed(players=2, names=["Ana", "Guest"], rounds_total=1)
    team = teams.create_team(seeded.trainer.id, "Front desk")
    seeded.game.team_id = team.id
    db.session.commit()
    ana, anna = teams.add_member(team, "Ana"), teams.add_member(team, "Anna")
    guest = seeded.players[1][0]
    play_a_round(seeded, sockets, ["mine", "the guest's"])
    page = client.get(f"/host/{seeded.game.code}/report").get_data(as_text=True)
    assert "A guest" in page and ">Anna</option>" in page
    assert client.post(f"/host/{seeded.game.code}/players/{guest.id}/member",
                       data={"member_id": str(anna.id)}).status_code == 302
    assert db.session.get(Player, guest.id).member_id == anna.id
    answer = client.post(f"/members/{ana.id}/merge", data={"other": str(anna.id)})
    assert answer.status_code == 302
    assert db.session.get(Member, anna.id) is None
    assert db.session.get(Player, guest.id).member_id == ana.id, "the merged member's sessions are kept"
    refused = client.post(f"/members/{ana.id}/merge", data={"other": str(ana.id)}, follow_redirects=True)
    assert "Choose two different members to merge." in refused.get_data(as_text=True)


def test_member_and_team_pages_chart_the_trend_with_the_numbers_beside_it(seed, sockets, client, fake_clock):
    seeded = seed(players=3, names=["Ana", "Ben", "Cy"], rounds_total=1, voting="awards")
    team = teams.create_team(seeded.trainer.id, "Front desk")
    seeded.game.team_id = team.id
    members = [teams.add_member(team, name) for name in ("Ana", "Ben", "Cy", "Dee")]
    for (player, _), member in zip(seeded.players, members, strict=False):
        player.member_id = member.id
    db.session.commit()
    play_a_round(seeded, sockets, ["Sorry!", "We'll fix it.", "Come back soon."], awards=True)
    page = client.get(f"/members/{members[0].id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<svg" in html and "polyline" in html and 'role="img"' in html
    assert re.search(r"<caption[^>]*>Votes and awards Ana received", html), "the table is the chart's text"
    assert "Heard them" in html
    team_page = client.get(f"/teams/{team.id}").get_data(as_text=True)
    assert "<svg" in team_page and "Not played lately" in team_page
    absent = team_page.split("Not played lately")[1]
    assert "Dee" in absent and "never played" in absent, "who has not played lately"
    progress = teams.team_progress(team)
    assert progress.replies == 3 and sum(progress.awards) == 3


def test_an_admin_anonymises_a_member_and_their_replies_stay_unnamed(seed, sockets, app):
    seeded = seed(players=3, names=["Ana", "Ben", "Cy"], rounds_total=1)
    team = teams.create_team(seeded.trainer.id, "Front desk")
    ana = teams.add_member(team, "Ana")
    seeded.game.team_id = team.id
    seeded.players[0][0].member_id = ana.id
    db.session.commit()
    play_a_round(seeded, sockets, ["Ana's reply", "b", "c"])
    admin = app.test_client()
    sign_in(admin, make_user("boss", "admin"))
    assert admin.post(f"/members/{ana.id}/anonymise").status_code == 302
    assert db.session.get(Member, ana.id).name == "Ana", "not without the confirmation box"
    assert admin.post(f"/members/{ana.id}/anonymise", data={"confirm": "on"}).status_code == 302
    html = admin.get(f"/host/{seeded.game.code}/report").get_data(as_text=True)
    assert "Ana's reply".replace("'", "&#39;") in html and ">Ana<" not in html
    assert db.session.get(Player, seeded.players[0][0].id).name == "—"


# --- the library -------------------------------------------------------------------------------


def test_star_search_and_filter_the_library(seed, sockets, client):
    seeded = seed(players=3, rounds_total=1, voting="awards")
    play_a_round(seeded, sockets, ["We are so sorry about the sand.", "Мы уберём песок сегодня же.",
                                   "Θα καθαρίσουμε την άμμο."], awards=True)
    ids = [reply_of(seeded, i).id for i in range(3)]
    for rid in ids:
        assert client.post(f"/host/{seeded.game.code}/replies/{rid}/star", data={"starred": "1"}).status_code == 302
    client.post(f"/host/{seeded.game.code}/replies/{ids[0]}/star", data={"starred": "1"})
    assert db.session.scalar(select(func.count(Star.id))) == 3, "starring twice keeps one"
    assert {e.reply_id for e in library.search(library.Filters(q="песок"))[0]} == {ids[1]}
    assert {e.reply_id for e in library.search(library.Filters(q="sorr"))[0]} == {ids[0]}, "a prefix finds it"
    assert {e.reply_id for e in library.search(library.Filters(q="άμμο"))[0]} == {ids[2]}
    assert library.search(library.Filters(q='"; DROP TABLE star; --'))[1] == 0, "query syntax is just words"
    awarded = {v.reply_id for v in db.session.scalars(select(Vote))}
    assert {e.reply_id for e in library.search(library.Filters(award=0))[0]} == awarded
    assert library.search(library.Filters(award=2))[1] == 0
    card = db.session.get(Reply, ids[0]).card_id
    assert {e.reply_id for e in library.search(library.Filters(card_id=card))[0]} == {ids[0]}
    page = client.get("/library?q=sand").get_data(as_text=True)
    assert "We are so sorry about the sand." in page and "1 reply" in page
    assert "песок" not in page
    csv_rows = list(csv.DictReader(io.StringIO(client.get("/library.csv").data.decode("utf-8-sig"))))
    assert {r["reply"] for r in csv_rows} >= {"Мы уберём песок сегодня же.", "Θα καθαρίσουμε την άμμο."}
    assert "Θα καθαρίσουμε" in client.get("/library/print").get_data(as_text=True)


def test_an_anonymous_entry_hides_its_author_and_starred_replies_become_model_answers(seed, sockets, client):
    seeded = seed(players=3, names=["Ana", "Ben", "Cy"], rounds_total=1, mode="same_card")
    play_a_round(seeded, sockets, ["Ana's towel offer", "b", "c"])
    rid = reply_of(seeded, 0).id
    client.post(f"/host/{seeded.game.code}/replies/{rid}/star", data={"starred": "1", "anonymous": "on"})
    entry = db.session.scalar(select(Star))
    assert entry.anonymous
    assert library.search(library.Filters())[0][0].author == ""
    assert "anonymous" in client.get("/library").get_data(as_text=True)
    # A later session dealing the same card offers it in its debrief, without the name.
    later = seed(players=2, rounds_total=1, mode="same_card")
    host, phones = sockets.room(later)
    assert ack(host, "/host", "set_mode", {"mode": "same_card", "card_id": reply_of(seeded, 0).card_id})["ok"]
    start_round(host)
    for i, phone in enumerate(phones):
        assert ack(phone, "/play", "submit", {"round": 1, "text": f"again {i}"})["ok"]
    assert ack(host, "/host", "end_phase")["ok"]
    answers = last(host, "/host", "snapshot")["debrief"]["cards"][0]["model_answers"]
    assert answers == [{"reply_id": rid, "text": "Ana's towel offer", "author": ""}]
    assert client.post(f"/library/{entry.id}", data={"remove": "1"}).status_code == 302
    assert db.session.scalar(select(func.count(Star.id))) == 0


def test_the_projector_stars_a_reply_at_the_results(seed, sockets):
    seeded = seed(players=3, rounds_total=1)
    host, _ = play_a_round(seeded, sockets, ["a", "b", "c"])
    rid = reply_of(seeded, 1).id
    assert ack(host, "/host", "star", {"reply_id": rid}) == {"ok": True, "starred": True}
    snap = last(host, "/host", "snapshot")
    assert [r["starred"] for r in snap["replies"] if r["id"] == rid] == [True]
    assert ack(host, "/host", "star", {"reply_id": 999_999})["code"] == "unknown_reply"
    assert ack(host, "/host", "star", {"reply_id": rid, "starred": False})["ok"]
    assert db.session.scalar(select(func.count(Star.id))) == 0


# --- printable cards ---------------------------------------------------------------------------


def test_a_deck_prints_eight_cards_to_a_sheet_and_the_notes_apart(trainer_client):
    deck = db.session.scalar(select(Deck).where(Deck.slug == "starter-ru"))
    cards = [c for c in deck.cards if c.enabled]
    html = trainer_client.get(f"/decks/{deck.id}/print").get_data(as_text=True)
    assert html.count('class="sheet"') == -(-len(cards) // 8)
    assert html.count('class="cut"') == len(cards)
    notes = html.split('class="notes-sheet"')[1]
    assert cards[0].coach_note[:30] in notes and 'lang="ru"' in html
    assert trainer_client.get("/decks/999/print").status_code == 404


# --- keeping sessions ---------------------------------------------------------------------------


def test_sessions_past_the_retention_period_are_swept(seed, sockets, admin_client):
    old = seed(players=3, rounds_total=1)
    play_a_round(old, sockets, ["a", "b", "c"])
    recent = seed(players=1)
    db.session.get(GameSession, old.game.id).created_at = utcnow() - timedelta(days=40)
    db.session.commit()
    assert retention.sweep_expired() == 0, "off by default: nothing is deleted"
    refused = admin_client.post("/admin/retention", data={"days": "0"})
    assert refused.status_code == 400 and "Keep sessions for 1 to 3,650 days" in refused.get_data(as_text=True)
    assert retention.retention_days() is None
    assert admin_client.post("/admin/retention", data={"days": "30"}).status_code == 302
    assert retention.sweep_expired() == 1
    assert db.session.get(GameSession, old.game.id) is None
    assert db.session.get(GameSession, recent.game.id) is not None
    assert admin_client.post("/admin/retention", data={"days": ""}).status_code == 302
    assert retention.retention_days() is None


def test_hostile_text_is_inert_in_the_library_and_its_handout(seed, sockets, client):
    seeded = seed(players=3, names=["Ana", HOSTILE[:24], "Cy"], rounds_total=1)
    play_a_round(seeded, sockets, ["fine", HOSTILE, "=cmd|' /C calc'!A0"])
    for i in range(3):
        client.post(f"/host/{seeded.game.code}/replies/{reply_of(seeded, i).id}/star", data={"starred": "1"})
    for url in ("/library", "/library/print", "/members/0", "/library?q=img"):
        page = client.get(url)
        if page.status_code == 404:
            continue
        html = page.get_data(as_text=True)
        assert "<img src=x" not in html and "<script>window" not in html, url
    rows = list(csv.DictReader(io.StringIO(client.get("/library.csv").data.decode("utf-8-sig"))))
    assert "'=cmd|' /C calc'!A0" in {r["reply"] for r in rows}

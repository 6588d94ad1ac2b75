"""The deck studio in the web: decks, cards, paste, accounts (files are in
test_studio_files.py). Bad input gets a sentence, changes nothing, and the
form comes back with what was typed."""

from __future__ import annotations

import re

import pytest
from conftest import SHIPPED_DECKS
from sqlalchemy import func, select

from trainer.decks import store as deckstore
from trainer.extensions import db
from trainer.models import Card, Deck, GameSession, User


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def text(answer) -> str:
    return answer.get_data(as_text=True)


@pytest.fixture
def deck(app):
    return deckstore.create_deck("Hotel desk", "en", "Front desk trouble")


def add(client, deck, **fields):
    data = {"complaint": "The pillow was too soft.", "theme": "hotel", "difficulty": "2",
            "coach_note": "Offer a firmer pillow.", "enabled": "y"}
    data.update(fields)
    return client.post(f"/admin/decks/{deck.id}/cards", data=data)


# --- decks ---------------------------------------------------------------------

def test_deck_list_shows_what_an_admin_needs(admin_client, deck):
    add(admin_client, deck)
    html = text(admin_client.get("/admin/decks"))
    for expected in ("Hotel desk", "Front desk trouble", "EN", "Too Sandy starter deck", "Enabled", "Last edited"):
        assert expected in html
    assert re.search(r"Hotel desk</a></td>\s*<td>EN</td>\s*<td[^>]*>Front desk trouble</td>\s*<td[^>]*>1", html)


def test_creating_a_deck_refuses_bad_names_and_keeps_the_form(admin_client, deck):
    for name, message in (("  ", "Please give the deck a name."),
                          ("hotel DESK", "There is already a deck called “hotel DESK”."),
                          ("x" * 121, "at most 120 characters")):
        answer = admin_client.post("/admin/decks/new", data={"name": name, "language": "en",
                                                              "description": "Typed text stays"})
        assert answer.status_code == 400 and message in text(answer)
        assert "Typed text stays" in text(answer)
    assert count(Deck) == SHIPPED_DECKS + 1
    answer = admin_client.post("/admin/decks/new", data={"name": "Airline woes", "language": "el", "enabled": "y"})
    created = db.session.scalar(select(Deck).where(Deck.name == "Airline woes"))
    assert answer.headers["Location"] == f"/admin/decks/{created.id}"
    assert (created.slug, created.language, created.enabled) == ("airline-woes", "el", True)


def test_rename_and_edit_a_deck(admin_client, deck):
    answer = admin_client.post(f"/admin/decks/{deck.id}/edit",
                               data={"name": "Hotel front desk", "language": "uk", "description": "New"})
    assert answer.status_code == 302
    assert (deck.name, deck.language, deck.description, deck.enabled) == ("Hotel front desk", "uk", "New", False)


def test_archived_decks_leave_the_session_form_and_can_come_back(admin_client, deck, trainer_client):
    add(admin_client, deck)
    assert "Hotel desk" in text(trainer_client.get("/host/new"))
    admin_client.post(f"/admin/decks/{deck.id}/archive")
    assert deck.archived_at is not None
    assert "Hotel desk" not in text(trainer_client.get("/host/new"))
    refused = trainer_client.post("/host/new", data={"deck": str(deck.id)})
    assert refused.status_code == 400 and count(GameSession) == 0
    listing = text(admin_client.get("/admin/decks"))
    assert listing.index("Archived decks") < listing.index('Hotel desk</a>')
    admin_client.post(f"/admin/decks/{deck.id}/restore")
    assert deck.archived_at is None and "Hotel desk" in text(trainer_client.get("/host/new"))


def test_a_deck_used_by_a_session_is_never_deleted(admin_client, seed):
    seed(players=1)
    starter = db.session.scalar(select(Deck).where(Deck.slug == "starter-en"))
    answer = admin_client.post(f"/admin/decks/{starter.id}/delete")
    assert answer.status_code == 409 and "Archive it instead" in text(answer)
    assert count(Deck) == SHIPPED_DECKS and count(Card) >= 40


def test_an_unused_deck_can_be_deleted(admin_client, deck):
    add(admin_client, deck)
    assert admin_client.post(f"/admin/decks/{deck.id}/delete").status_code == 302
    assert count(Deck, Deck.name == "Hotel desk") == 0 and count(Card, Card.deck_id == deck.id) == 0


def test_session_form_mixes_several_enabled_decks(admin_client, deck, trainer_client):
    add(admin_client, deck)
    hidden = deckstore.create_deck("Not ready", enabled=False)
    page = text(trainer_client.get("/host/new"))
    assert "Hotel desk" in page and "Not ready" not in page
    starter = db.session.scalar(select(Deck.id).where(Deck.slug == "starter-en"))
    trainer_client.post("/host/new", data={"deck": [str(starter), str(deck.id)], "writing_minutes": "5",
                                           "voting_seconds": "60", "rounds_total": "2"})
    game = db.session.scalar(select(GameSession))
    assert sorted(d.name for d in game.decks) == ["Hotel desk", "Too Sandy starter deck"]
    assert trainer_client.post("/host/new", data={"deck": str(hidden.id)}).status_code == 400


# --- cards ---------------------------------------------------------------------

def test_adding_a_card(admin_client, deck):
    answer = add(admin_client, deck)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("#add-card")
    card = deck.cards[0]
    assert (card.complaint, card.theme, card.difficulty, card.coach_note, card.enabled) == (
        "The pillow was too soft.", "hotel", 2, "Offer a firmer pillow.", True)
    page = text(admin_client.get(f"/admin/decks/{deck.id}"))
    assert "Card 1 added." in page and "The pillow was too soft." in page


@pytest.mark.parametrize(("fields", "message"), [
    ({"complaint": "   "}, "The complaint is empty."),
    ({"complaint": "x" * 281}, "The complaint is 281 characters long; the limit is 280."),
    ({"coach_note": "n" * 501}, "The coach note is 501 characters long; the limit is 500."),
    ({"theme": "spa"}, "Not a valid choice"),
    ({"difficulty": "4"}, "Not a valid choice"),
])
def test_bad_cards_are_refused_and_the_form_keeps_them(admin_client, deck, fields, message):
    answer = add(admin_client, deck, **fields)
    assert answer.status_code == 400
    assert message in text(answer)
    assert count(Card, Card.deck_id == deck.id) == 0
    typed = fields.get("complaint", "The pillow was too soft.")
    if typed.strip():
        assert typed in text(answer)


def test_duplicates_are_refused_naming_the_existing_card(admin_client, deck):
    add(admin_client, deck, complaint="The pillow was too soft.")
    add(admin_client, deck, complaint="The lift was slow.")
    answer = add(admin_client, deck, complaint="  the LIFT was   slow!! ")
    assert answer.status_code == 400
    assert "This deck already has that complaint, as card 2: “The lift was slow.”" in text(answer)
    assert count(Card, Card.deck_id == deck.id) == 2


def test_editing_a_card(admin_client, deck):
    add(admin_client, deck)
    add(admin_client, deck, complaint="The lift was slow.")
    first, second = deck.cards
    page = admin_client.get(f"/admin/cards/{first.id}/edit")
    assert page.status_code == 200
    assert re.search(r'<option (selected )?value="2"( selected)?>', text(page)).group(0) != '<option value="2">'
    refused = admin_client.post(f"/admin/cards/{first.id}/edit", data={
        "complaint": "The lift was slow", "theme": "hotel", "difficulty": "1"})
    assert refused.status_code == 400 and "as card 2" in text(refused)
    saved = admin_client.post(f"/admin/cards/{first.id}/edit", data={
        "complaint": "The pillow was too hard.", "theme": "b2b", "difficulty": "3", "coach_note": "", "enabled": "y"})
    assert saved.status_code == 302
    assert (first.complaint, first.theme, first.difficulty) == ("The pillow was too hard.", "b2b", 3)
    # Saving a card unchanged is not a duplicate of itself.
    assert admin_client.post(f"/admin/cards/{second.id}/edit", data={
        "complaint": "The lift was slow.", "theme": "hotel", "difficulty": "2", "enabled": "y"}).status_code == 302


def test_disable_enable_and_delete_cards(admin_client, deck, seed):
    add(admin_client, deck)
    card = deck.cards[0]
    admin_client.post(f"/admin/cards/{card.id}/enabled", data={"enabled": "0"})
    assert card.enabled is False
    admin_client.post(f"/admin/cards/{card.id}/enabled", data={"enabled": "1"})
    assert card.enabled is True
    assert admin_client.post(f"/admin/cards/{card.id}/delete").status_code == 302
    assert count(Card, Card.deck_id == deck.id) == 0


def test_a_dealt_card_is_disabled_not_deleted(admin_client, seed, sockets):
    from socket_helpers import start_round

    seeded = seed(players=1)
    start_round(sockets.host(seeded))
    dealt = db.session.scalar(select(Card).join(Card.deck).where(Deck.slug == "starter-en",
                                                                 Card.id.in_(select(db.text("card_id from reply")))))
    answer = admin_client.post(f"/admin/cards/{dealt.id}/delete")
    assert answer.status_code == 409 and "Disable it instead" in text(answer)
    assert db.session.get(Card, dealt.id) is not None


def test_filter_by_theme_and_search(admin_client, deck):
    add(admin_client, deck, complaint="The pillow was too soft.", theme="hotel")
    add(admin_client, deck, complaint="The pallet was square.", theme="b2b", coach_note="Mention the soft wrap")
    page = text(admin_client.get(f"/admin/decks/{deck.id}?theme=b2b"))
    assert "The pallet was square." in page and "The pillow was too soft." not in page
    page = text(admin_client.get(f"/admin/decks/{deck.id}?q=SOFT"))
    assert "The pallet was square." in page and "The pillow was too soft." in page  # note text matches too
    page = text(admin_client.get(f"/admin/decks/{deck.id}?q=pillow&theme=hotel"))
    assert "Showing 1 of 2 cards." in page
    assert "B2B" in text(admin_client.get(f"/admin/decks/{deck.id}")), "theme labels, not slugs"


def test_paste_many(admin_client, deck):
    add(admin_client, deck, complaint="The lift was slow.")
    pasted = "1. The bath was wet.\n\n- The lift was slow!\n• The view had too much sea\n" + "z" * 290
    answer = admin_client.post(f"/admin/decks/{deck.id}/paste", data={"lines": pasted, "paste_theme": "hotel",
                                                                       "paste_difficulty": "1"})
    assert answer.status_code == 400
    html = text(answer)
    assert "Nothing was added: 2 lines have problems." in html
    assert "Line 3" in html and "as card 1" in html and "Line 5" in html and "limit is 280" in html
    assert "The view had too much sea" in html, "the pasted text is kept"
    assert count(Card, Card.deck_id == deck.id) == 1
    answer = admin_client.post(f"/admin/decks/{deck.id}/paste", data={
        "lines": pasted, "paste_theme": "hotel", "paste_difficulty": "1", "skip_invalid": "y"})
    assert answer.status_code == 302
    assert [c.complaint for c in deck.cards] == ["The lift was slow.", "The bath was wet.", "The view had too much sea"]
    assert "2 cards added. 2 lines skipped." in text(admin_client.get(f"/admin/decks/{deck.id}"))


# --- accounts in the web ----------------------------------------------------------

def test_admins_manage_accounts_in_the_web(admin_client, app):
    answer = admin_client.post("/admin/users", data={"username": "maria", "role": "trainer",
                                                     "password": "sandy beach", "confirm": "sandy beach"})
    assert answer.status_code == 302
    maria = db.session.scalar(select(User).where(User.username == "maria"))
    refused = admin_client.post("/admin/users", data={"username": "Maria", "role": "trainer",
                                                      "password": "sandy beach", "confirm": "sandy beach"})
    assert refused.status_code == 400 and "There is already an account called “Maria”." in text(refused)
    mismatch = admin_client.post(f"/admin/users/{maria.id}", data={"role": "trainer", "password": "new password",
                                                                   "confirm": "other password"})
    assert mismatch.status_code == 400 and "The two passwords are not the same." in text(mismatch)
    admin_client.post(f"/admin/users/{maria.id}", data={"role": "admin", "password": "new password",
                                                        "confirm": "new password"})
    assert maria.is_admin
    assert admin_client.post(f"/admin/users/{maria.id}/delete").status_code == 302
    assert count(User, User.username == "maria") == 0
    me = db.session.scalar(select(User).where(User.username == "admin"))
    refused = admin_client.post(f"/admin/users/{me.id}/delete")
    assert refused.status_code == 409 and "You can&#39;t delete the account you are signed in with." in text(refused)


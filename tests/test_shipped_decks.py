"""The shipped decks: a native starter deck in each language, each complete."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from trainer import paths
from trainer.decks.files import read_file
from trainer.decks.rules import COACH_NOTE_MAX, COMPLAINT_MAX, THEMES, complaint_key
from trainer.extensions import db
from trainer.models import Deck

THEMES_DEALT = [theme for theme in THEMES if theme != "other"]
# The four classics, found by words each language would use for them.
CLASSICS = {
    "en": [("sand",), ("fish",), ("soup", "spicy"), ("Jamaica",)],
    "ru": [("песк",), ("рыб",), ("суп", "остр"), ("Ямайк",)],
    "uk": [("піск",), ("риб",), ("суп", "гостр"), ("Ямайк",)],
    "el": [("άμμο",), ("ψάρια",), ("σούπα", "καυτερή"), ("Τζαμάικα",)],
}


@pytest.mark.parametrize("language", ["en", "ru", "uk", "el"])
def test_each_language_ships_a_complete_starter_deck(language):
    path = paths.DECKS / f"starter-{language}.json"
    deck = json.loads(path.read_text(encoding="utf-8"))
    cards = deck["cards"]
    assert deck["language"] == language and deck["format"] == "too-sandy-deck/1"
    assert len(cards) >= 48
    assert Counter(card["theme"] for card in cards) == {theme: 6 for theme in THEMES_DEALT}
    for card in cards:
        assert 0 < len(card["complaint"]) <= COMPLAINT_MAX
        assert 40 <= len(card["coach_note"]) <= COACH_NOTE_MAX, card["complaint"]
        assert card["difficulty"] in (1, 2, 3)
    keys = [complaint_key(card["complaint"]) for card in cards]
    assert len(set(keys)) == len(keys), "a complaint appears twice"
    for words in CLASSICS[language]:
        assert any(all(w.casefold() in card["complaint"].casefold() for w in words) for card in cards), words
    # Every card passes the same checks an import uses, and the language sticks.
    parsed = read_file(path.name, path.read_bytes())
    assert len(parsed.good) == len(cards) and not parsed.bad
    assert parsed.meta.language == language


def test_the_decks_are_not_one_deck_translated_four_times():
    """Beyond the four classics, no complaint of one deck reappears in another."""
    decks = {lang: json.loads((paths.DECKS / f"starter-{lang}.json").read_text(encoding="utf-8"))["cards"]
             for lang in ("ru", "uk", "el")}
    firsts = {lang: {card["complaint"].split()[0].casefold() for card in cards} for lang, cards in decks.items()}
    # A crude but telling check: Russian and Ukrainian share an alphabet, so
    # a line-by-line translation would share most opening words.
    shared = firsts["ru"] & firsts["uk"]
    assert len(shared) < 12, sorted(shared)


def test_every_shipped_deck_is_in_the_database_after_start(app):
    languages = {deck.slug: deck.language for deck in db.session.query(Deck)}
    assert {"starter-en": "en", "starter-ru": "ru", "starter-uk": "uk", "starter-el": "el"}.items() <= languages.items()

"""Every page, rendered in every language, speaks only that language: no
English interface sentence is left in the Russian, Ukrainian or Greek pages."""

from __future__ import annotations

import html
import re

import pytest
from babel.support import Translations
from conftest import make_user, sign_in
from live import ROOT

from trainer.accounts import users as accounts
from trainer.extensions import db
from trainer.models import Card, Deck

CATALOGS = ROOT / "trainer" / "translations"
LANGUAGES = ("ru", "uk", "el")
TAG = re.compile(r"<[^>]+>")


def english_sentences(language: str) -> set[str]:
    """Interface sentences whose translation differs from the English."""
    translations = Translations.load(str(CATALOGS), [language])
    found = set()
    for message in translations._catalog:  # msgid (or (msgid, n)) → msgstr
        msgid = message[0] if isinstance(message, tuple) else message
        if not msgid or "%(" in msgid or len(msgid) < 12 or " " not in msgid:
            continue
        if translations.gettext(msgid) != msgid:
            found.add(msgid)
    return found


def page_text(body: str) -> str:
    body = re.sub(r"<script(?! type=\"application/json\").*?</script>", " ", body, flags=re.S)
    return html.unescape(TAG.sub(" ", body))


def pages(app, seed, language: str) -> list[tuple[str, str]]:
    """(who, path) for every kind of page a person reads."""
    setup = accounts.first_run_link(app, "")  # before any admin exists
    seeded = seed(players=2, language=language)
    deck = db.session.query(Deck).filter_by(slug="starter-en").one()
    card = db.session.query(Card).filter_by(deck_id=deck.id).first()
    listed = [
        ("anyone", "/"), ("anyone", "/join"), ("anyone", f"/join/{seeded.game.code}"), ("anyone", "/login"),
        ("anyone", "/no-such-page"),
        ("trainer", "/host/"), ("trainer", "/host/new"), ("trainer", f"/host/{seeded.game.code}"),
        ("admin", "/admin/decks"), ("admin", f"/admin/decks/{deck.id}"), ("admin", f"/admin/decks/{deck.id}/edit"),
        ("admin", "/admin/decks/new"), ("admin", f"/admin/cards/{card.id}/edit"), ("admin", "/admin/imports/new"),
        ("admin", "/admin/users"), ("trainer", "/admin/decks"),  # a trainer is refused, politely
    ]
    if setup:
        listed.append(("anyone", setup))
    return listed


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_english_is_left_on_any_page(app, seed, language):
    english = english_sentences(language)
    assert len(english) > 100, "the catalog is nearly empty"
    seeded_pages = pages(app, seed, language)
    admin, trainer = make_user("ada", "admin"), make_user("trainer")
    leftovers = {}
    for who, path in seeded_pages:
        client = app.test_client()
        client.set_cookie("lang", language)
        if who != "anyone":
            sign_in(client, admin if who == "admin" else trainer)
            client.get(f"/language/{language}")
        answer = client.get(path)
        assert answer.status_code in (200, 403, 404), (path, answer.status_code)
        text = page_text(answer.get_data(as_text=True))
        assert f'<html lang="{language}"' in answer.get_data(as_text=True), path
        left = sorted(sentence for sentence in english if sentence in text)
        if left:
            leftovers[path] = left[:5]
    assert not leftovers, f"English left in {language}: {leftovers}"

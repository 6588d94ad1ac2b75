"""The deck studio's files in the web: upload, preview every row, confirm or
cancel; refused files; downloads that import back card for card."""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select
from test_studio import add, count, text
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from trainer.decks import store as deckstore
from trainer.decks.files import read_file
from trainer.extensions import db
from trainer.models import Card, Deck, DeckUpload


@pytest.fixture
def deck(app):
    return deckstore.create_deck("Hotel desk", "en", "Front desk trouble")


def upload(client, content: bytes, name="cards.csv", deck=None, deck_name=""):
    url = "/admin/imports/new" + (f"?deck={deck.id}" if deck else "")
    # Encoded in memory: the test client spools bodies over 500 KB to a
    # temporary file that it never closes.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), name), "deck_name": deck_name})
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


CSV_WITH_A_BAD_ROW = (
    "\ufeffcomplaint;coach_note;theme;difficulty;enabled\r\n"
    "The fish looked at me;Be kind;tourism;1;yes\r\n"
    "Too many stars in the sky;;spa;2;yes\r\n"
    "The soup was wet;Offer bread;restaurant;3;no\r\n"
).encode()


def test_upload_preview_then_confirm(admin_client, deck):
    answer = upload(admin_client, CSV_WITH_A_BAD_ROW, deck=deck)
    assert answer.status_code == 302
    preview_url = answer.headers["Location"]
    assert count(Card, Card.deck_id == deck.id) == 0, "nothing written before the confirmation"
    preview = text(admin_client.get(preview_url))
    assert "2 cards to add" in preview and "1 row with a problem" in preview
    assert "The fish looked at me" in preview and "The soup was wet" in preview
    assert re.search(r'<td class="num">3</td><td class="complaint-cell">Too many stars in the sky</td>'
                     r'<td class="reason">“spa” is not a theme', preview)
    # Confirming without skipping refuses the whole file.
    refused = admin_client.post(preview_url, data={})
    assert refused.status_code == 400 and "Nothing was imported: 1 row has a problem" in text(refused)
    assert count(Card, Card.deck_id == deck.id) == 0
    done = admin_client.post(preview_url, data={"skip_invalid": "y"})
    assert done.headers["Location"] == f"/admin/decks/{deck.id}"
    added = [(c.complaint, c.enabled) for c in deck.cards]
    assert added == [("The fish looked at me", True), ("The soup was wet", False)]
    assert count(DeckUpload) == 0
    assert admin_client.get(preview_url).status_code == 404, "an upload is used once"


def test_an_upload_makes_a_new_deck_named_after_the_file(admin_client):
    answer = upload(admin_client, b"complaint\nThe moon was too bright\n", name="night_shift.csv")
    admin_client.post(answer.headers["Location"], data={})
    created = db.session.scalar(select(Deck).where(Deck.name == "night shift"))
    assert [c.complaint for c in created.cards] == ["The moon was too bright"]


def test_uploads_wait_in_the_database_not_the_cookie(admin_client, app, deck):
    from conftest import make_user, sign_in

    answer = upload(admin_client, CSV_WITH_A_BAD_ROW * 1, deck=deck)
    assert len(answer.headers.get("Set-Cookie", "")) < 1000
    assert count(DeckUpload) == 1
    other_admin = app.test_client()
    sign_in(other_admin, make_user("deputy", "admin"))
    assert other_admin.get(answer.headers["Location"]).status_code == 404, "each admin sees their own uploads"
    cancel = admin_client.post(answer.headers["Location"] + "/cancel")
    assert cancel.headers["Location"] == f"/admin/decks/{deck.id}" and count(DeckUpload) == 0


@pytest.mark.parametrize(("content", "name", "message"), [
    (b"complaint\n" + b"x" * (2 * 1024 * 1024), "big.csv", "The file is over 2 MB."),
    ("complaint\nCaf\u00e9\n".encode("cp1252"), "latin.csv", "The file is not UTF-8 text."),
    (b"PK\x03\x04", "deck.xlsx", "is not a CSV or JSON file"),
    (b"words,theme\nx,hotel\n", "deck.csv", "The file has no “complaint” column."),
])
def test_unreadable_uploads_are_refused_on_the_upload_page(admin_client, deck, content, name, message):
    answer = upload(admin_client, content, name=name, deck=deck)
    assert answer.status_code == 400 and message in text(answer)
    assert count(DeckUpload) == 0 and count(Card, Card.deck_id == deck.id) == 0


def test_an_upload_with_no_file_is_explained(admin_client):
    answer = admin_client.post("/admin/imports/new", data={}, content_type="multipart/form-data")
    assert answer.status_code == 400 and "Choose a file to upload." in text(answer)


def test_download_then_upload_gives_back_the_same_deck(admin_client, deck):
    add(admin_client, deck, complaint="=SUM(A1) looks like a formula", coach_note="Line one\nLine two")
    add(admin_client, deck, complaint="Ça sent le poisson; «vraiment»", theme="call_centre", enabled="")
    for kind in ("csv", "json"):
        download = admin_client.get(f"/admin/decks/{deck.id}/export.{kind}")
        assert download.headers["Content-Disposition"] == f'attachment; filename="hotel-desk.{kind}"'
        answer = upload(admin_client, download.data, name=f"copy.{kind}", deck_name=f"Copy {kind}")
        admin_client.post(answer.headers["Location"], data={})
        copy = db.session.scalar(select(Deck).where(Deck.name == f"Copy {kind}"))
        fields = ("complaint", "theme", "difficulty", "coach_note", "enabled", "position")
        assert [[getattr(c, f) for f in fields] for c in copy.cards] == [
            [getattr(c, f) for f in fields] for c in deck.cards]
    data = json.loads(admin_client.get(f"/admin/decks/{deck.id}/export.json").data)
    assert (data["format"], data["name"], data["language"]) == ("too-sandy-deck/1", "Hotel desk", "en")
    assert read_file("x.csv", admin_client.get(f"/admin/decks/{deck.id}/export.csv").data).bad == []


def test_markup_in_deck_text_is_shown_as_text(admin_client):
    admin_client.post("/admin/decks/new", data={"name": "<img src=x onerror=alert(1)>", "language": "en"})
    deck = db.session.scalar(select(Deck).where(Deck.name.like("<img%")))
    add(admin_client, deck, complaint="<script>alert(1)</script>")
    for url in ("/admin/decks", f"/admin/decks/{deck.id}"):
        html = text(admin_client.get(url))
        assert "<img src=x" not in html and "<script>alert" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_huge_upload_gets_a_plain_page_not_a_crash(admin_client):
    answer = upload(admin_client, b"x" * (9 * 1024 * 1024), name="huge.csv")
    assert answer.status_code == 413 and "Deck files can be at most 2 MB." in text(answer)

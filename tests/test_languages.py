"""Who sees which language: the guess, the switch, the account, the
session's projector and each phone's own."""

from __future__ import annotations

import re

import pytest
from conftest import make_user, sign_in
from flask_babel import force_locale
from socket_helpers import ack, start_round

from trainer.decks.rules import complaint_key
from trainer.extensions import db, socketio
from trainer.live.messages import message_for
from trainer.models import Deck, Player, User

LANG = re.compile(r'<html lang="([a-z]+)"')


def page_language(response) -> str:
    return LANG.search(response.get_data(as_text=True)).group(1)


def sentence(app, language: str, code: str) -> str:
    with app.test_request_context(), force_locale(language):
        return message_for(code)


@pytest.mark.parametrize("header, expected", [
    ("ru-RU,ru;q=0.9,en;q=0.5", "ru"),
    ("uk", "uk"),
    ("el-GR", "el"),
    ("de-DE,fr;q=0.8", "en"),  # nothing we speak: English
    ("!!!;;q=zz,,", "en"),  # malformed: English, no error
    ("", "en"),
])
def test_the_first_guess_is_the_browsers_accept_language(client, header, expected):
    page = client.get("/join", headers={"Accept-Language": header})
    assert page.status_code == 200 and page_language(page) == expected


def test_the_switch_sticks_in_a_cookie_and_only_goes_back_to_this_site(client):
    answer = client.get("/language/uk?next=/join/ABCD")
    assert answer.status_code == 302 and answer.headers["Location"] == "/join/ABCD"
    assert page_language(client.get("/join", headers={"Accept-Language": "el"})) == "uk"
    for hostile in ("//evil.example/x", "https://evil.example/", "javascript:alert(1)"):
        assert client.get("/language/ru", query_string={"next": hostile}).headers["Location"] == "/"
    # An unknown language changes nothing.
    client.get("/language/xx?next=/join")
    assert page_language(client.get("/join")) == "ru"


def test_the_switch_shows_every_language_in_itself(client):
    html = client.get("/join").get_data(as_text=True)
    for name in ("English", "Русский", "Українська", "Ελληνικά"):
        assert name in html


def test_an_accounts_preference_follows_it_to_any_browser(app, client):
    trainer = make_user("olena")
    sign_in(client, trainer)
    client.post("/language", data={"code": "uk", "next": "/host/new"})
    db.session.expire_all()
    assert db.session.get(User, trainer.id).language == "uk"
    other_browser = app.test_client()
    sign_in(other_browser, trainer)
    page = other_browser.get("/host/new", headers={"Accept-Language": "el"})
    assert page_language(page) == "uk"


def test_the_projector_speaks_the_sessions_language(app, client, seed):
    seeded = seed(players=1, language="ru")
    sign_in(client, seeded.trainer)
    client.get("/language/el")  # the trainer's own pages are in Greek
    assert page_language(client.get("/host/new")) == "el"
    assert page_language(client.get(f"/host/{seeded.game.code}")) == "ru"


def test_a_new_session_speaks_its_trainers_language_and_offers_its_decks_first(app, client):
    db.session.add(Deck(slug="greek-test", name="Ελληνική τράπουλα", language="el"))
    db.session.commit()
    sign_in(client, make_user("nikos"))
    html = client.get("/host/new", headers={"Accept-Language": "el"}).get_data(as_text=True)
    boxes = re.findall(r'<input type="checkbox" name="deck" value="\d+" data-language="(\w+)"\s*(checked)?', html)
    languages = [language for language, _checked in boxes]
    greek = languages.count("el")
    assert greek == 2 and languages[:greek] == ["el"] * greek, languages  # Greek decks first
    assert all(bool(checked) == (language == "el") for language, checked in boxes)  # and only they ticked
    assert re.search(r'<option value="el" lang="el" selected>', html)


def test_each_phone_speaks_its_owners_language_in_a_russian_session(app, client, seed):
    seeded = seed(players=0, language="ru")
    greek_phone = app.test_client()
    greek_phone.get("/language/el")
    joined = greek_phone.post("/api/join", json={"code": seeded.game.code, "name": "Νίκος"})
    assert joined.status_code == 201
    assert db.session.query(Player).filter_by(name="Νίκος").one().language == "el"
    sign_in(client, seeded.trainer)
    host = socketio.test_client(app, namespace="/host", flask_test_client=client, auth={"code": seeded.game.code})
    phone = socketio.test_client(app, namespace="/play", flask_test_client=greek_phone,
                                 auth={"token": joined.get_json()["token"], "lang": "el"})
    try:
        start_round(host)
        refused = ack(phone, "/play", "submit", {"text": "   ", "round": 1})
        assert refused["ok"] is False and refused["error"] == sentence(app, "el", "reply_blank")
        assert refused["error"] != sentence(app, "en", "reply_blank")
        # The projector's own refusals speak Russian.
        wrong = ack(host, "/host", "vote", {})
        assert wrong["error"] == sentence(app, "ru", "unknown_event")
    finally:
        phone.disconnect(namespace="/play")
        host.disconnect(namespace="/host")


def test_a_reconnecting_phone_keeps_its_new_language(app, seed):
    seeded = seed(players=1)
    player, token = seeded.players[0]
    phone = socketio.test_client(app, namespace="/play", flask_test_client=app.test_client(),
                                 auth={"token": token, "lang": "uk"})
    phone.disconnect(namespace="/play")
    again = socketio.test_client(app, namespace="/play", flask_test_client=app.test_client(),
                                 auth={"token": token, "lang": "tlh"})  # unknown: kept as it was
    again.disconnect(namespace="/play")
    db.session.expire_all()
    assert db.session.get(Player, player.id).language == "uk"


@pytest.mark.parametrize("one, other", [
    ("Ο καφές ήταν κρύος!", "ο ΚΑΦΕΣ ΗΤΑΝ ΚΡΥΟΣ"),
    ("Η θάλασσα είχε ψάρια", "η θαλασσα ειχε ψαρια."),
    ("Суп слишком густой", "СУП  слишком ГУСТОЙ…"),
])
def test_duplicates_are_found_across_case_and_accents(one, other):
    assert complaint_key(one) == complaint_key(other)


@pytest.mark.parametrize("one, other", [("Мій чай", "Мии чаи"), ("Її дім", "Іі дім")])
def test_cyrillic_letters_with_marks_stay_letters_of_their_own(one, other):
    assert complaint_key(one) != complaint_key(other)


@pytest.mark.parametrize("language", ["ru", "uk", "el"])
def test_dates_on_admin_pages_follow_the_readers_language(app, client, language):
    from babel.dates import format_datetime

    admin = make_user("ada", "admin")
    sign_in(client, admin)
    client.get(f"/language/{language}")
    page = client.get("/admin/users").get_data(as_text=True)
    # Times are shown in the configured zone (UTC by default), months in the reader's words.
    expected = format_datetime(admin.created_at, "d MMM y", tzinfo="UTC", locale=language)
    assert expected in page
    assert format_datetime(admin.created_at, "d MMM y", tzinfo="UTC", locale="en") not in page


@pytest.mark.parametrize("terminal, expected", [
    ("uk_UA.UTF-8", "Облікового запису «nobody» немає."),
    ("el_GR.UTF-8", "Δεν υπάρχει λογαριασμός με το όνομα «nobody»."),
    ("ru_RU.UTF-8", "Учётной записи «nobody» нет."),
    ("C.UTF-8", "There is no account called “nobody”."),
])
def test_the_command_line_speaks_the_terminals_language(app, terminal, expected):
    result = app.test_cli_runner().invoke(args=["users", "delete", "nobody"], env={"LANG": terminal})
    assert result.exit_code == 1 and expected in result.output

"""Service cues in the app (issue 26): found when a reply is sent, stored on it, shown where the brief says.

Matching itself is tested in test_cues.py; here the cues travel through the real
Socket.IO server, the database and the pages.
"""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
from socket_helpers import ack, last, start_round
from sqlalchemy import select

from trainer.coaching import phrases
from trainer.extensions import db
from trainer.models import Preset, Reply, Setting

SORRY = "I'm so sorry about the sand. We'll move you to a room by the pool within an hour, with drinks on us."
NOT_MINE = "That's not my job, you should have read the brochure."


def replies_of(seeded) -> list[Reply]:
    db.session.expire_all()
    ids = [player.id for player, _ in seeded.players]
    found = {r.player_id: r for r in db.session.scalars(select(Reply).where(Reply.player_id.in_(ids)))}
    return [found[i] for i in ids]


def test_cues_are_stored_when_a_reply_is_sent(seed, sockets):
    seeded = seed(players=2)
    host, phones = sockets.room(seeded)
    start_round(host)
    assert ack(phones[0], "/play", "submit", {"round": 1, "text": SORRY})["ok"]
    first, second = replies_of(seeded)
    assert "apology" in first.cues["cues"] and "next_step" in first.cues["cues"] and first.cues["flags"] == []
    assert second.cues is None, "nothing looked for before it is sent"
    assert ack(phones[1], "/play", "submit", {"round": 1, "text": NOT_MINE})["ok"]
    assert set(replies_of(seeded)[1].cues["flags"]) >= {"refusal", "blame"}


def test_a_draft_that_counts_gets_its_cues_when_writing_closes(seed, sockets):
    seeded = seed(players=2)
    host, phones = sockets.room(seeded)
    start_round(host)
    assert ack(phones[0], "/play", "draft", {"round": 1, "text": NOT_MINE})["ok"]
    assert replies_of(seeded)[0].cues is None
    assert ack(host, "/host", "end_phase")["ok"]
    drafted, blank = replies_of(seeded)
    assert drafted.text == NOT_MINE and "refusal" in drafted.cues["flags"]
    assert blank.text is None and blank.cues is None


def test_a_session_with_cues_off_finds_none(seed, sockets):
    seeded = seed(players=2, cues_enabled=False)
    host, phones = sockets.room(seeded)
    start_round(host)
    assert ack(phones[0], "/play", "submit", {"round": 1, "text": SORRY})["ok"]
    assert ack(phones[1], "/play", "draft", {"round": 1, "text": NOT_MINE})["ok"]
    assert ack(host, "/host", "end_phase")["ok"]
    assert [r.cues for r in replies_of(seeded)] == [None, None]
    assert [r.text for r in replies_of(seeded)] == [SORRY, NOT_MINE]


def test_an_admins_phrase_applies_to_the_next_reply_not_earlier_ones(seed, sockets):
    seeded = seed(players=2)
    host, phones = sockets.room(seeded)
    start_round(host)
    text = "Let me fetch a rake for you."
    assert ack(phones[0], "/play", "submit", {"round": 1, "text": text})["ok"]
    assert "beyond" not in replies_of(seeded)[0].cues["cues"]
    phrases.add_phrase("en", "beyond", "fetch a rake")
    assert ack(phones[1], "/play", "submit", {"round": 1, "text": text})["ok"]
    earlier, later = replies_of(seeded)
    assert "beyond" in later.cues["cues"] and "beyond" not in earlier.cues["cues"]


def test_a_submits_ack_time_with_and_without_cues(seed, sockets):
    """Printed, not asserted: the machine is shared."""
    phrases.cues_of(SORRY, "en")  # the dictionary loaded, as create_session does for its language
    timings = {}
    for enabled in (False, True):
        seeded = seed(players=6, cues_enabled=enabled)
        host, phones = sockets.room(seeded)
        start_round(host)
        started = time.perf_counter()
        for phone in phones:
            assert ack(phone, "/play", "submit", {"round": 1, "text": SORRY * 2})["ok"]
        timings[enabled] = (time.perf_counter() - started) / len(phones) * 1000
    print(f"\nsubmit ack: cues off {timings[False]:.1f} ms, cues on {timings[True]:.1f} ms a reply")


# --- the report and its CSV -----------------------------------------------------------

REPORT_WORDS = {
    "en": ("Service cues:", "Of 2 replies:", "1 offered a next step", "1 deflected", "never scores", "Next step",
           "Deflects"),
    "ru": ("Сервисные подсказки:", "Из 2 ответов:", "в 1 — конкретный следующий шаг", "в 1 — отказ помочь",
           "не оценки", "Следующий шаг", "Отказ помочь"),
    "uk": ("Сервісні підказки:", "З 2 відповідей:", "у 1 — конкретний наступний крок", "у 1 — відмова допомогти",
           "не оцінки", "Наступний крок", "Відмова допомогти"),
    "el": ("Ενδείξεις εξυπηρέτησης:", "Από 2 απαντήσεις:", "1 πρότεινε επόμενο βήμα", "1 απέφυγε την ευθύνη",
           "όχι βαθμοί", "Επόμενο βήμα", "Αποφυγή ευθύνης"),
}


def written_round(seed, sockets, **settings):
    seeded = seed(players=2, rounds_total=1, **settings)
    host, phones = sockets.room(seeded)
    start_round(host)
    assert ack(phones[0], "/play", "submit", {"round": 1, "text": SORRY})["ok"]
    assert ack(phones[1], "/play", "submit", {"round": 1, "text": NOT_MINE})["ok"]
    return seeded, host, phones


@pytest.mark.parametrize("language", ["en", "ru", "uk", "el"])
def test_the_report_shows_each_replys_cues_and_a_line_per_round(seed, sockets, client, language):
    seeded, _host, _phones = written_round(seed, sockets)
    client.set_cookie("lang", language)
    html = client.get(f"/host/{seeded.game.code}/report").get_data(as_text=True)
    for words in REPORT_WORDS[language]:
        assert words in html, (language, words)
    assert html.count('class="cue-chip flag"') >= 2 and "⚠" in html


def test_the_csv_carries_a_column_per_cue(seed, sockets, client):
    seeded, _host, _phones = written_round(seed, sockets)
    answer = client.get(f"/host/{seeded.game.code}/report.csv")
    rows = list(csv.DictReader(io.StringIO(answer.data.decode("utf-8-sig"))))
    by_text = {row["reply"]: row for row in rows}
    assert by_text[SORRY]["cue: next_step"] == "yes" and by_text[SORRY]["cue: refusal"] == "no"
    assert by_text[NOT_MINE]["cue: refusal"] == "yes" and by_text[NOT_MINE]["cue: blame"] == "yes"


def test_with_cues_off_the_report_and_csv_say_nothing_of_them(seed, sockets, client):
    seeded, _host, _phones = written_round(seed, sockets, cues_enabled=False)
    html = client.get(f"/host/{seeded.game.code}/report").get_data(as_text=True)
    assert "cue-chip" not in html and "Service cues:" not in html and "never scores" not in html
    header = client.get(f"/host/{seeded.game.code}/report.csv").data.decode("utf-8-sig").splitlines()[0]
    assert "cue:" not in header


# --- each phone, after the results ----------------------------------------------------


def to_results(host):
    """Ends phases until the results; the projector's results snapshot."""
    while (snap := last(host, "/host", "snapshot"))["phase"] != "results":
        assert ack(host, "/host", "end_phase")["ok"]
    return snap


def test_each_phone_sees_only_its_own_replys_cues_after_the_results(seed, sockets):
    seeded, host, phones = written_round(seed, sockets)
    for phone in phones:
        assert "my_cues" not in last(phone, "/play", "snapshot"), "nothing before the results"
    for phone in phones:
        phone.get_received("/play")
    projector = to_results(host)
    mine, theirs = (last(phone, "/play", "snapshot") for phone in phones)
    assert mine["phase"] == "results"
    assert "apology" in mine["my_cues"]["cues"] and mine["my_cues"]["flags"] == []
    assert mine["my_cues"]["advice"] in phrases.ADVICE
    assert "refusal" in theirs["my_cues"]["flags"] and theirs["my_cues"]["advice"] == "refusal"
    assert "my_cues" not in projector, "the projector gets no phone's cues"
    for snap, other in ((mine, NOT_MINE), (theirs, SORRY)):
        assert other not in str(snap), "another phone's reply never reaches this one"
    # A phone that reconnects gets the same, its own only.
    again = sockets.phone(seeded.tokens[1])
    assert last(again, "/play", "snapshot")["my_cues"] == theirs["my_cues"]


def test_a_phone_with_cues_off_gets_none(seed, sockets):
    seeded, host, phones = written_round(seed, sockets, cues_enabled=False)
    to_results(host)
    assert all("my_cues" not in last(phone, "/play", "snapshot") for phone in phones)


@pytest.mark.parametrize("language", ["en", "ru", "uk", "el"])
def test_the_phones_cue_words_come_in_its_language(client, language, seed):
    seeded = seed(players=1)
    client.set_cookie("lang", language)
    html = client.get(f"/join/{seeded.game.code}").get_data(as_text=True)
    words = {"en": "Deflects", "ru": "Отказ помочь", "uk": "Відмова допомогти", "el": "Αποφυγή ευθύνης"}[language]
    assert json.dumps(words)[1:-1] in html or words in html


# --- the new-session form and presets -------------------------------------------------


def test_the_new_session_form_turns_cues_on_or_off_and_presets_keep_it(trainer_client):
    from test_coaching_http import checked, create, created

    assert checked(trainer_client.get("/host/new").get_data(as_text=True), "cues") == {"on"}, "on by default"
    assert checked(trainer_client.get("/host/new?preset=drill").get_data(as_text=True), "cues") == {"on"}
    assert created(create(trainer_client, cues="on")).cues_enabled is True
    off = created(create(trainer_client, save_as="No cues"))  # an unticked box is not posted
    assert off.cues_enabled is False
    preset = db.session.scalar(select(Preset).where(Preset.name == "No cues"))
    assert preset.settings["cues"] is False
    assert checked(trainer_client.get(f"/host/new?preset=mine-{preset.id}").get_data(as_text=True), "cues") == set()


# --- the admin's phrases ----------------------------------------------------------------


def test_an_admin_adds_and_removes_phrases_and_a_bad_one_is_refused(admin_client):
    page = admin_client.get("/admin/criteria").get_data(as_text=True)
    assert "/admin/criteria/cues" in page
    rake = "Сейчас принесём грабли."
    assert "beyond" not in phrases.cues_of(rake, "ru")["cues"]
    page = admin_client.get("/admin/criteria/cues?language=ru").get_data(as_text=True)
    assert "A change applies to new replies" in page and "never scores" in page
    answer = admin_client.post("/admin/criteria/cues", data={
        "language": "ru", "kind": "beyond", "phrase": "  принесём   грабли ", "action": "add"})
    assert answer.status_code == 302
    assert phrases.changes("ru")[0] == {"beyond": ["принесём грабли"]}
    assert "beyond" in phrases.cues_of(rake, "ru")["cues"]

    shipped = phrases.shown_phrases("en")["refusal"][0]
    assert admin_client.post("/admin/criteria/cues", data={
        "language": "en", "kind": "refusal", "phrase": shipped, "action": "remove"}).status_code == 302
    assert shipped not in phrases.shown_phrases("en")["refusal"]
    assert phrases.changes("en")[1] == {"refusal": [shipped]}
    page = admin_client.get("/admin/criteria/cues?language=en").get_data(as_text=True)
    assert "Put back" in page
    # Putting it back is adding it again: the removal is forgotten.
    assert admin_client.post("/admin/criteria/cues", data={
        "language": "en", "kind": "refusal", "phrase": shipped, "action": "add"}).status_code == 302
    assert phrases.changes("en") == ({}, {})


@pytest.mark.parametrize(("language", "phrase", "sentence"), [
    ("en", "   ", "Type a phrase to add."),
    ("ru", "x" * 201, "Фраза может быть не длиннее 200 символов."),
    ("uk", "но*", "Цю фразу неможливо знайти"),  # a prefix too short to mean anything
    ("el", "συγγνώμη αλλά θα το φτιάξουμε", "Μια φράση δεν μπορεί"),
])
def test_a_bad_phrase_is_refused_with_a_sentence_and_nothing_is_saved(admin_client, language, phrase, sentence):
    admin_client.set_cookie("lang", language)
    answer = admin_client.post("/admin/criteria/cues", data={
        "language": language, "kind": "apology", "phrase": phrase, "action": "add"})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert sentence in html, html[html.find('role="alert"') - 40:][:300]
    if phrase.strip():
        assert html.count(f'value="{phrase}"') >= 1, "what was typed is still in the box"
    assert db.session.get(Setting, phrases.KEY) is None


# --- a member's page ------------------------------------------------------------------

MEMBER_WORDS = {
    "en": ("Service cues in their replies", "2 replies were read for cues", "never scores", "Next step", "Deflects"),
    "ru": ("Сервисные подсказки в ответах", "Подсказки искали в 2 ответах", "не оценки", "Следующий шаг",
           "Отказ помочь"),
    "uk": ("Сервісні підказки у відповідях", "Підказки шукали у 2 відповідях", "не оцінки", "Наступний крок",
           "Відмова допомогти"),
    "el": ("Ενδείξεις εξυπηρέτησης στις απαντήσεις", "Ενδείξεις αναζητήθηκαν σε 2 απαντήσεις", "όχι βαθμοί",
           "Επόμενο βήμα", "Αποφυγή ευθύνης"),
}


@pytest.mark.parametrize("language", ["en", "ru", "uk", "el"])
def test_a_members_page_counts_each_cue_over_their_sessions(seed, sockets, client, language):
    from trainer.records import teams

    counted = []
    for texts, enabled in (((SORRY, NOT_MINE), True), ((NOT_MINE, SORRY), True), ((SORRY, SORRY), False)):
        seeded = seed(players=2, rounds_total=1, cues_enabled=enabled)
        if not counted:
            team = teams.create_team(seeded.trainer.id, "Front desk")
            ana = teams.add_member(team, "Ana")
        seeded.game.team_id = team.id
        seeded.players[0][0].member_id = ana.id
        db.session.commit()
        host, phones = sockets.room(seeded)
        start_round(host)
        for phone, text in zip(phones, texts, strict=True):
            assert ack(phone, "/play", "submit", {"round": 1, "text": text})["ok"]
        counted.append(seeded)
    progress = teams.member_progress(ana)
    assert progress.cues_read == 2, "a session with cues off counts for nothing"
    rows = {chip.kind: (count, percent) for chip, count, percent in progress.cue_rows}
    assert rows["next_step"] == (1, 50) and rows["refusal"] == (1, 50) and rows["thanks"][0] == 0
    sign_in_as = counted[0].trainer
    from conftest import sign_in

    sign_in(client, sign_in_as)
    client.set_cookie("lang", language)
    html = client.get(f"/members/{ana.id}").get_data(as_text=True)
    for words in MEMBER_WORDS[language]:
        assert words in html, (language, words)
    assert '<tr data-cue="next_step"><th scope="row">' in html and "50%" in html


def test_the_cues_command_reads_with_the_admins_phrases(runner):
    text = "Let me fetch a rake for you.\n"
    assert "beyond" not in runner.invoke(args=["cues"], input=text).output
    phrases.add_phrase("en", "beyond", "fetch a rake")
    assert "beyond" in json.loads(runner.invoke(args=["cues"], input=text).output)["cues"]


# --- a drill of the week ----------------------------------------------------------------


def test_a_drills_sealed_reply_keeps_the_cues_of_its_last_edit_and_a_draft_gets_them_at_the_close(
        app, trainer_client, fake_clock):
    from datetime import datetime

    from conftest import make_user
    from test_drill_live import MONDAY, make_drill, phone, sweep

    from trainer.live.sessions import join

    fake_clock.now = MONDAY
    fake_clock.advance(seconds=0)
    drill = make_drill(make_user("trainer"))
    ana, cy = join(drill.code, "Ana"), join(drill.code, "Cy")
    ana_phone, cy_phone = phone(app, ana.token), phone(app, cy.token)
    assert ack(ana_phone, "/play", "submit", {"round": 1, "text": NOT_MINE})["ok"]
    assert ack(ana_phone, "/play", "submit", {"round": 1, "text": SORRY})["ok"]  # her edit
    assert ack(cy_phone, "/play", "draft", {"round": 1, "text": NOT_MINE})["ok"]
    db.session.expire_all()
    sealed = db.session.scalar(select(Reply).where(Reply.player_id == ana.player_id))
    assert sealed.text is None and sealed.cues["flags"] == [] and "apology" in sealed.cues["cues"]
    fake_clock.now = datetime(2026, 11, 26, 10, 0, 3)  # Thursday noon in Kyiv: writing closes
    fake_clock.advance(seconds=0)
    assert sweep() == 1
    db.session.expire_all()
    opened, drafted = (db.session.scalar(select(Reply).where(Reply.player_id == p.player_id)) for p in (ana, cy))
    assert opened.text == SORRY and "apology" in opened.cues["cues"]
    assert drafted.text == NOT_MINE and "refusal" in drafted.cues["flags"]
    for sock in (ana_phone, cy_phone):
        sock.disconnect(namespace="/play")


@pytest.mark.parametrize("language", ["en", "ru", "uk", "el"])
def test_the_projectors_debrief_carries_the_winners_cues_and_the_rounds_line(seed, sockets, language):
    seeded, host, phones = written_round(seed, sockets, language=language)
    for phone in phones:
        snap = last(phone, "/play", "snapshot")
        assert ack(phone, "/play", "vote", {"reply_id": snap["ballot"][0]["id"]})["ok"]
    projector = to_results(host)
    debrief = projector["debrief"]
    assert debrief["highlights"], "both replies won a vote"
    for reply in debrief["highlights"]:
        assert set(reply["cues"]) == {"cues", "flags"}
    head = REPORT_WORDS[language][1]
    # The round's line in the session's language, whatever language the last phone spoke.
    assert debrief["cue_line"].startswith(head), debrief["cue_line"]


def test_with_cues_off_the_debrief_says_nothing_of_them(seed, sockets):
    seeded, host, phones = written_round(seed, sockets, cues_enabled=False)
    debrief = to_results(host)["debrief"]
    assert debrief["cue_line"] == ""
    assert all("cues" not in reply for reply in debrief["highlights"])

"""The new-session form's presets, modes and filters, and the admin's service criteria page."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from trainer.coaching import criteria as criteria_store
from trainer.extensions import db
from trainer.models import Card, GameSession, Preset, ServiceCriterion


def create(client, **form):
    data = {"deck": "1", "writing_minutes": "7", "voting_seconds": "90", "rounds_total": "3"}
    data.update(form)
    return client.post("/host/new", data=data)


def created(answer) -> GameSession:
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    code = answer.headers["Location"].rsplit("/", 1)[1]
    return db.session.scalar(select(GameSession).where(GameSession.code == code))


def checked(html: str, name: str) -> set[str]:
    """The values of the ticked inputs called ``name``."""
    found = set()
    for tag in re.findall(r"<input[^>]*>", html):
        if f'name="{name}"' in tag and re.search(r"\schecked(\s|>|$)", tag):
            found.add(re.search(r'value="([^"]*)"', tag).group(1))
    return found


def value_of(html: str, name: str) -> str:
    tag = next(t for t in re.findall(r"<input[^>]*>", html) if f'name="{name}"' in t)
    return re.search(r'value="([^"]*)"', tag).group(1)


def sessions() -> int:
    return db.session.scalar(select(func.count(GameSession.id)))


def test_the_monday_and_friday_presets_fill_the_form(trainer_client):
    monday = trainer_client.get("/host/new?preset=monday").get_data(as_text=True)
    assert checked(monday, "mode") == {"same_card"} and checked(monday, "voting") == {"awards"}
    assert value_of(monday, "writing_minutes") == "5" and value_of(monday, "rounds_total") == "2"
    assert checked(monday, "difficulty") == {"1"}, "easier cards"
    assert 'aria-current="true"' in monday and "Monday warm-up" in monday

    friday = trainer_client.get("/host/new?preset=friday").get_data(as_text=True)
    assert checked(friday, "mode") == {"duels"} and value_of(friday, "rounds_total") == "3"
    assert checked(friday, "difficulty") == {"3"}, "the most absurd cards"

    unknown = trainer_client.get("/host/new?preset=mine-999").get_data(as_text=True)
    assert checked(unknown, "mode") == {"own_card"}, "an unknown preset starts from Custom"


def test_a_session_is_created_with_its_mode_voting_and_filters(trainer_client):
    game = created(create(trainer_client, mode="duels", voting="awards", theme=["hotel", "airline", "nonsense"],
                          difficulty=["2", "9"]))
    assert (game.mode, game.voting) == ("duels", "awards")
    assert sorted(game.themes) == ["airline", "hotel"] and game.difficulties == [2]
    assert [c["en"]["name"] for c in game.criteria] == ["Heard them", "Fixed it", "Won them back"]


def test_refused_settings_say_why_and_create_nothing(trainer_client):
    before = sessions()
    for form, sentence in [
        ({"mode": "chaos"}, "That game mode does not exist."),
        ({"voting": "applause"}, "That voting style does not exist."),
        ({"theme": ["b2b"], "difficulty": ["3"], "deck": "99"}, None),
    ]:
        answer = create(trainer_client, **form)
        assert answer.status_code == 400
        if sentence:
            assert sentence in answer.get_data(as_text=True)
    assert sessions() == before


def test_a_filter_no_card_matches_is_refused_in_the_readers_language(trainer_client):
    db.session.execute(db.update(Card).where(Card.theme == "b2b").values(enabled=False))
    db.session.commit()
    before = sessions()
    answer = create(trainer_client, theme=["b2b"])
    assert answer.status_code == 400
    assert "No enabled card in the chosen decks matches" in answer.get_data(as_text=True)
    trainer_client.get("/language/ru")
    russian = create(trainer_client, theme=["b2b"]).get_data(as_text=True)
    assert "В выбранных колодах нет включённых карточек" in russian, "the refusal speaks Russian"
    assert sessions() == before


def test_save_the_settings_as_a_preset_and_start_from_it_next_time(trainer_client):
    game = created(create(trainer_client, mode="same_card", voting="awards", writing_minutes="4",
                          difficulty=["1", "2"], save_as="  Front   desk "))
    assert game.mode == "same_card"
    preset = db.session.scalar(select(Preset))
    assert preset.name == "Front desk"
    assert preset.settings["writing_minutes"] == 4 and preset.settings["difficulties"] == [1, 2]

    page = trainer_client.get("/host/new").get_data(as_text=True)
    assert f"preset=mine-{preset.id}" in page and "Front desk" in page
    mine = trainer_client.get(f"/host/new?preset=mine-{preset.id}").get_data(as_text=True)
    assert checked(mine, "mode") == {"same_card"} and value_of(mine, "writing_minutes") == "4"
    assert checked(mine, "difficulty") == {"1", "2"}

    # The same name replaces it rather than making a second one.
    created(create(trainer_client, mode="duels", save_as="Front desk"))
    assert db.session.scalar(select(func.count(Preset.id))) == 1
    db.session.expire_all()
    assert db.session.get(Preset, preset.id).settings["mode"] == "duels"


def test_a_refused_preset_name_keeps_everything_typed_and_saves_nothing(trainer_client):
    before = sessions()
    answer = create(trainer_client, mode="duels", writing_minutes="6", save_as="x" * 61)
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "Preset names can be at most 60 characters." in html
    assert checked(html, "mode") == {"duels"} and value_of(html, "writing_minutes") == "6"
    assert value_of(html, "save_as") == "x" * 61, "nothing the trainer typed is lost"
    assert sessions() == before and db.session.scalar(select(func.count(Preset.id))) == 0


def test_the_admin_edits_the_criteria_new_sessions_vote_on(admin_client):
    page = admin_client.get("/admin/criteria").get_data(as_text=True)
    assert 'value="Heard them"' in page and 'value="Услышать клиента"' in page
    form = {
        "c0-en-name": "Quick", "c0-en-definition": "Answers within the hour.",
        "c0-el-name": "Γρήγορα", "c0-el-definition": "Απαντά μέσα στην ώρα.",
        "c2-en-name": "Kind", "c2-en-definition": "Warm, never stiff.",
    }
    answer = admin_client.post("/admin/criteria", data=form)
    assert answer.status_code == 302
    assert criteria_store.current_set() == [
        {"en": {"name": "Quick", "definition": "Answers within the hour."},
         "el": {"name": "Γρήγορα", "definition": "Απαντά μέσα στην ώρα."}},
        {"en": {"name": "Kind", "definition": "Warm, never stiff."}},
    ]
    game = created(create(admin_client, voting="awards"))
    assert [c["en"]["name"] for c in game.criteria] == ["Quick", "Kind"]


def test_refused_criteria_change_nothing_and_keep_what_was_typed(admin_client):
    rows = db.session.scalar(select(func.count(ServiceCriterion.position)))
    half = admin_client.post("/admin/criteria", data={"c0-ru-name": "Быстро", "c0-ru-definition": ""})
    assert half.status_code == 400
    html = half.get_data(as_text=True)
    assert "Criterion 1 needs both a name and a definition in Русский." in html
    assert 'value="Быстро"' in html, "the half-typed criterion is still on the page"
    empty = admin_client.post("/admin/criteria", data={})
    assert "Keep between 1 and 4 criteria." in empty.get_data(as_text=True)
    long = admin_client.post("/admin/criteria", data={"c0-en-name": "n" * 41, "c0-en-definition": "d"})
    assert "Criterion names can be at most 40 characters." in long.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ServiceCriterion.position))) == rows
    assert criteria_store.current_set()[0]["en"]["name"] == "Heard them"


def test_reset_brings_the_shipped_criteria_back(admin_client, trainer_client):
    admin_client.post("/admin/criteria", data={"c0-en-name": "Quick", "c0-en-definition": "Fast."})
    assert admin_client.post("/admin/criteria/reset").status_code == 302
    assert [c["en"]["name"] for c in criteria_store.current_set()] == ["Heard them", "Fixed it", "Won them back"]
    assert trainer_client.get("/admin/criteria").status_code == 403, "trainers don't edit the criteria"

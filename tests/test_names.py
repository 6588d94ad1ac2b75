"""Homoglyph and invisible-character names cannot impersonate another player."""

from __future__ import annotations

import pytest

from trainer.game import RuleError
from trainer.live.names import NAME_MAX, clean_name, name_key

RLO, ZWSP, ZWJ = "\u202e", "\u200b", "\u200d"


@pytest.mark.parametrize("typed, shown", [
    (f"A{ZWSP}na", "Ana"),
    (f"{RLO}anA", "anA"),  # the override would have shown it reversed
    ("  Ana \t Maria ", "Ana Maria"),
    ("Ａｎａ", "Ana"),  # fullwidth letters fold to plain ones
    ("Νίκος", "Νίκος"),
    ("Анна", "Анна"),
    (f"👩{ZWJ}💻 Dev", f"👩{ZWJ}💻 Dev"),  # joiners that emoji need are kept
])
def test_a_name_is_shown_without_what_hides_or_reorders_text(typed, shown):
    assert clean_name(typed) == shown


@pytest.mark.parametrize("typed, code", [
    (f"{ZWSP}{RLO} \u2060", "name_blank"), ("x" * (NAME_MAX + 1), "name_too_long"),
])
def test_names_made_of_nothing_or_too_long_are_refused(typed, code):
    with pytest.raises(RuleError) as refused:
        clean_name(typed)
    assert refused.value.code == code


@pytest.mark.parametrize("one, other", [
    ("Ana", "Аna"),  # Cyrillic А
    ("Ana", "ANA"),
    ("Ivan", "Ivаn"),  # Cyrillic а inside
    ("Pavel", "Раvеl"),  # Cyrillic Р, а, е
    ("Mila", "Mi1a"),
    ("Bob", f"B{ZWSP}ob"),
    ("Nikos", "Νikos"),  # Greek capital nu
])
def test_look_alikes_share_a_key(one, other):
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize("one, other", [("Анна", "Anna"), ("Олег", "Oleg"), ("Νίκος", "Nikos"), ("Ana", "Ann")])
def test_different_names_in_different_scripts_stay_different(one, other):
    assert name_key(one) != name_key(other)


def test_a_look_alike_cannot_join_beside_the_real_one(app, client, seed):
    seeded = seed(players=0)
    code = seeded.game.code
    assert client.post("/api/join", json={"code": code, "name": "Ana"}).status_code == 201
    for impostor in ("Аna", f"A{ZWSP}na", f"{RLO}Ana", "ＡＮＡ"):
        refused = client.post("/api/join", json={"code": code, "name": impostor})
        assert refused.status_code == 409 and refused.get_json()["code"] == "name_taken", impostor
    # Someone really called Анна, in Cyrillic, is welcome beside an Anna.
    assert client.post("/api/join", json={"code": code, "name": "Anna"}).status_code == 201
    assert client.post("/api/join", json={"code": code, "name": "Анна"}).status_code == 201

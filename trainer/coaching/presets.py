"""Session presets: Monday warm-up, Friday unwind and Drill of the week ship; trainers save their own.

A preset is a plain dict of the new-session form's settings. The shipped
ones live here (their names are translated); a trainer's own are rows.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ..database.ids import row_id
from ..extensions import db
from ..game.modes import Mode, Voting
from ..models import Preset
from .messages import CoachingError

NAME_MAX = 60
SETTING_KEYS = ("mode", "voting", "writing_minutes", "voting_seconds", "rounds_total", "themes", "difficulties",
                "polite", "pace", "cues")

CUSTOM: dict[str, Any] = {
    "mode": Mode.OWN_CARD.value, "voting": Voting.VOTES.value, "writing_minutes": 7, "voting_seconds": 90,
    "rounds_total": 3, "themes": [], "difficulties": [], "polite": False, "pace": "live",
    # Service cues on each reply (coaching/phrases.py): on unless a trainer turns them off.
    "cues": True,
}

SHIPPED: dict[str, dict[str, Any]] = {
    # Short, to wake a room up: one complaint for everyone, easy cards, awards for service.
    "monday": {
        **CUSTOM, "mode": Mode.SAME_CARD.value, "voting": Voting.AWARDS.value, "writing_minutes": 5,
        "voting_seconds": 90, "rounds_total": 2, "difficulties": [1],
    },
    # Longer and sillier: head-to-head duels over the most absurd cards.
    "friday": {
        **CUSTOM, "mode": Mode.DUELS.value, "voting": Voting.VOTES.value, "writing_minutes": 7,
        "voting_seconds": 120, "rounds_total": 3, "difficulties": [3],
    },
    # Over the week, for teams that never meet at once: one card for everyone, so
    # Friday's debrief compares like with like; its windows default to Thursday and Friday noon.
    "drill": {
        **CUSTOM, "pace": "drill", "mode": Mode.SAME_CARD.value, "voting": Voting.VOTES.value, "rounds_total": 1,
        "difficulties": [1, 2],
    },
    "custom": CUSTOM,
}

SHIPPED_NAMES = {
    "monday": _l("Monday warm-up"),
    "friday": _l("Friday unwind"),
    "drill": _l("Drill of the week"),
    "custom": _l("Custom"),
}
SHIPPED_HINTS = {
    "monday": _l("Short: one card for the whole room, two rounds, five minutes, easier cards, service awards."),
    "friday": _l("Longer and sillier: duels, three rounds, the most absurd cards."),
    "drill": _l("Over several days: everyone answers one card on their phone by Thursday noon, "
                "votes by Friday noon, and you show the results at the team meeting."),
    "custom": _l("Start from the usual settings and choose everything yourself."),
}


def own_presets(owner_id: int) -> list[Preset]:
    return list(db.session.scalars(select(Preset).where(Preset.owner_id == owner_id).order_by(Preset.name)))


def find(key: str | None, owner_id: int) -> dict[str, Any] | None:
    """The settings of a shipped preset ("monday") or one of the trainer's own ("mine-7")."""
    if key in SHIPPED:
        return dict(SHIPPED[key])
    if key and key.startswith("mine-") and row_id(key[5:]):
        preset = db.session.get(Preset, row_id(key[5:]))
        if preset is not None and preset.owner_id == owner_id:
            return {**CUSTOM, **{k: v for k, v in preset.settings.items() if k in SETTING_KEYS}}
    return None


def checked_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise CoachingError("preset_name_blank")
    if len(name) > NAME_MAX:
        raise CoachingError("preset_name_long", limit=NAME_MAX)
    return name


def save(owner_id: int, name: str, settings: dict[str, Any]) -> Preset:
    """Keep these settings under ``name``; the same name again replaces them."""
    name = checked_name(name)
    kept = {k: settings[k] for k in SETTING_KEYS if k in settings}
    preset = db.session.scalar(select(Preset).where(Preset.owner_id == owner_id, Preset.name == name))
    if preset is None:
        preset = Preset(owner_id=owner_id, name=name)
        db.session.add(preset)
    preset.settings = kept
    db.session.commit()
    return preset


def delete(owner_id: int, preset_id: int) -> bool:
    preset = db.session.get(Preset, preset_id)
    if preset is None or preset.owner_id != owner_id:
        return False
    db.session.delete(preset)
    db.session.commit()
    return True

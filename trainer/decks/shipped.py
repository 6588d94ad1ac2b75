"""Shipped decks: JSON files in ``decks/`` loaded into the database once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import Card, Deck
from .files import DECK_FORMAT
from .rules import THEMES


class DeckFileError(ValueError):
    pass


def read_deck_file(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("format") != DECK_FORMAT:
        raise DeckFileError(f"{path.name}: not a {DECK_FORMAT} file")
    for i, card in enumerate(data.get("cards", []), start=1):
        if not str(card.get("complaint", "")).strip():
            raise DeckFileError(f"{path.name}: card {i} has no complaint")
        if card.get("theme", "other") not in THEMES:
            raise DeckFileError(f"{path.name}: card {i} has an unknown theme")
    return data


def deck_from_data(data: dict[str, Any]) -> Deck:
    return Deck(
        slug=data["slug"],
        name=data["name"],
        language=data.get("language", "en"),
        description=data.get("description", ""),
        cards=[
            Card(
                position=i,
                complaint=c["complaint"].strip(),
                theme=c.get("theme", "other"),
                difficulty=int(c.get("difficulty", 1)),
                coach_note=c.get("coach_note", "").strip(),
                enabled=bool(c.get("enabled", True)),
            )
            for i, c in enumerate(data["cards"])
        ],
    )


def load_shipped_decks(directory: Path) -> list[str]:
    """Add each shipped deck whose slug is not in the database yet.

    Idempotent: a deck already loaded (and perhaps edited since) is left
    alone. Returns the slugs added.
    """
    added = []
    for path in sorted(directory.glob("*.json")):
        data = read_deck_file(path)
        exists = db.session.scalar(select(Deck.id).where(Deck.slug == data["slug"]))
        if exists is None:
            db.session.add(deck_from_data(data))
            added.append(data["slug"])
    db.session.commit()
    return added

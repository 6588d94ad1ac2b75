"""Decks and cards in the database. Every check runs before any write, so a
refused change (StudioError) leaves the database as it was."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select

from ..clock import utcnow
from ..extensions import db
from ..models import Card, Deck, Reply, SessionDeck
from .files import CardData, DeckMeta, Row, parse_lines
from .messages import StudioError, problem_text
from .rules import Problem, check_card, check_meta, complaint_key, slugify, with_duplicates_marked


class CardRefused(StudioError):
    """A card with one or more problems; ``problems`` says which."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("card_refused")
        self.problems = problems

    @property
    def message(self) -> str:
        return problem_text(self.problems)


# Decks trainers see, deal from and print: switched on and not archived.
# Admins see every deck; nothing else shows a hidden deck's cards to anyone.
IN_PLAY = Deck.enabled.is_(True) & Deck.archived_at.is_(None)


def in_play(deck: Deck) -> bool:
    return bool(deck.enabled) and deck.archived_at is None


@dataclass(frozen=True)
class DeckRow:
    deck: Deck
    cards: int
    enabled_cards: int


def deck_rows(archived: bool = False) -> list[DeckRow]:
    """The deck list: each deck with its card counts, by name."""
    enabled = func.count(Card.id).filter(Card.enabled)
    query = (
        select(Deck, func.count(Card.id), enabled)
        .outerjoin(Card)
        .where(Deck.archived_at.is_not(None) if archived else Deck.archived_at.is_(None))
        .group_by(Deck.id)
        .order_by(func.lower(Deck.name))
    )
    return [DeckRow(*row) for row in db.session.execute(query).all()]


def find_deck(name_or_slug: str) -> Deck | None:
    wanted = " ".join(name_or_slug.split())
    for deck in db.session.scalars(select(Deck)):
        if deck.slug == wanted or deck.name.casefold() == wanted.casefold():
            return deck
    return None


def _checked_meta(name: str, language: str, description: str, slug: str = "") -> dict:
    meta, problem = check_meta({"name": name, "language": language, "description": description, "slug": slug})
    if problem:
        raise StudioError(problem.code, **problem.details)
    return meta


def _refuse_taken_name(name: str, deck_id: int | None = None) -> None:
    # casefold in Python: SQLite's lower() knows only ASCII.
    others = db.session.scalars(select(Deck.name).where(Deck.id != (deck_id or -1)))
    if any(other.casefold() == name.casefold() for other in others):
        raise StudioError("deck_name_taken", name=name)


def _free_slug(wanted: str) -> str:
    slug, n = wanted, 1
    while db.session.scalar(select(Deck.id).where(Deck.slug == slug)) is not None:
        n += 1
        slug = f"{wanted[:70]}-{n}"
    return slug


def create_deck(name: str, language: str = "en", description: str = "", enabled: bool = True,
                slug: str = "", commit: bool = True) -> Deck:
    meta = _checked_meta(name, language, description, slug)
    _refuse_taken_name(meta["name"])
    deck = Deck(
        name=meta["name"], slug=_free_slug(meta["slug"] or slugify(meta["name"])),
        language=meta["language"], description=meta["description"], enabled=enabled,
    )
    db.session.add(deck)
    if commit:
        db.session.commit()
    return deck


def update_deck(deck: Deck, name: str, language: str, description: str, enabled: bool) -> None:
    meta = _checked_meta(name, language, description)
    _refuse_taken_name(meta["name"], deck.id)
    deck.name, deck.language, deck.description = meta["name"], meta["language"], meta["description"]
    deck.enabled = enabled
    _touch(deck)
    db.session.commit()


def archive_deck(deck: Deck, archived: bool = True) -> None:
    deck.archived_at = utcnow() if archived else None
    _touch(deck)
    db.session.commit()


def deck_in_use(deck: Deck) -> bool:
    return bool(db.session.scalar(select(exists().where(SessionDeck.deck_id == deck.id))))


def delete_deck(deck: Deck) -> None:
    """Only a deck no session was dealt from; others are archived instead."""
    if deck_in_use(deck):
        raise StudioError("deck_in_use")
    db.session.delete(deck)
    db.session.commit()


def _touch(deck: Deck) -> None:
    """Card edits change the deck's "last edited" too."""
    deck.updated_at = utcnow()


# --- cards -------------------------------------------------------------------

def card_number(card: Card) -> int:
    """A card's number as the editor shows it: its place in the deck."""
    return 1 + (db.session.scalar(
        select(func.count(Card.id)).where(Card.deck_id == card.deck_id, Card.position < card.position)
    ) or 0)


def existing_complaints(deck: Deck, except_card: Card | None = None) -> dict[str, tuple[int, str]]:
    """complaint_key → (card number, complaint) for the deck's cards."""
    return {
        complaint_key(card.complaint): (number, card.complaint)
        for number, card in enumerate(deck.cards, start=1)
        if card is not except_card
    }


def _checked_card(deck: Deck, fields: dict, except_card: Card | None = None) -> dict:
    values, problems = check_card(**fields)
    if not problems:
        existing = existing_complaints(deck, except_card).get(complaint_key(values["complaint"]))
        if existing:
            problems = [Problem("duplicate_in_deck", number=existing[0], complaint=existing[1])]
    if problems:
        raise CardRefused(problems)
    return values


def add_card(deck: Deck, **fields) -> Card:
    """fields: complaint, theme, difficulty, coach_note, enabled (raw, as typed)."""
    values = _checked_card(deck, fields)
    card = Card(deck=deck, position=_next_position(deck), **values)
    db.session.add(card)
    _touch(deck)
    db.session.commit()
    return card


def update_card(card: Card, **fields) -> None:
    values = _checked_card(card.deck, fields, except_card=card)
    for name, value in values.items():
        setattr(card, name, value)
    _touch(card.deck)
    db.session.commit()


def set_card_enabled(card: Card, enabled: bool) -> None:
    card.enabled = enabled
    _touch(card.deck)
    db.session.commit()


def card_in_use(card: Card) -> bool:
    return bool(db.session.scalar(select(exists().where(Reply.card_id == card.id))))


def delete_card(card: Card) -> None:
    """Only a card never dealt; a dealt card is disabled instead, for history."""
    if card_in_use(card):
        raise StudioError("card_in_use")
    deck = card.deck
    deck.cards.remove(card)
    _touch(deck)
    db.session.commit()


def _next_position(deck: Deck) -> int:
    return 1 + max((card.position for card in deck.cards), default=-1)


def add_rows(deck: Deck, rows: list[Row]) -> int:
    """Append the good rows' cards (already checked); the caller commits."""
    position = _next_position(deck)
    added = 0
    for row in rows:
        if row.card is not None:
            deck.cards.append(Card(position=position + added, **row.card.__dict__))
            added += 1
    _touch(deck)
    return added


def plan_paste(deck: Deck, text: str, theme: str, difficulty: str) -> list[Row]:
    """Pasted lines as rows, repeats of the deck's cards marked; writes nothing."""
    return with_duplicates_marked(parse_lines(text, theme, difficulty), existing_complaints(deck))


def filtered_cards(deck: Deck, theme: str = "", query: str = "", state: str = "") -> list[tuple[int, Card]]:
    """(number, card) pairs matching the editor's filters, in deck order."""
    select_cards = select(Card).where(Card.deck_id == deck.id).order_by(Card.position, Card.id)
    if theme:
        select_cards = select_cards.where(Card.theme == theme)
    if state in ("enabled", "disabled"):
        select_cards = select_cards.where(Card.enabled.is_(state == "enabled"))
    for word in query.split():
        pattern = f"%{word.replace('%', '').replace('_', '')}%"
        select_cards = select_cards.where(or_(Card.complaint.ilike(pattern), Card.coach_note.ilike(pattern)))
    numbers = {card.id: n for n, card in enumerate(deck.cards, start=1)}
    return [(numbers[card.id], card) for card in db.session.scalars(select_cards)]


def deck_export(deck: Deck) -> tuple[DeckMeta, list[CardData]]:
    meta = DeckMeta(name=deck.name, slug=deck.slug, language=deck.language, description=deck.description)
    cards = [
        CardData(c.complaint, c.theme, c.difficulty, c.coach_note, c.enabled) for c in deck.cards
    ]
    return meta, cards

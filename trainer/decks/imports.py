"""Importing a deck file: plan (what would be added, what is refused), then
import all or nothing, unless the admin chose to skip the bad rows.

The web keeps an uploaded file in the database between its preview and the
admin's confirmation (never in the cookie: it can be 2 MB), keyed by a random
id and tied to the admin who uploaded it.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from dataclasses import dataclass
from datetime import timedelta
from pathlib import PurePath

from sqlalchemy import delete, select

from ..clock import utcnow
from ..extensions import db, socketio
from ..models import Deck, DeckUpload, User
from . import store
from .files import ParsedFile, Row, SplitRows, read_file
from .messages import StudioError
from .rules import with_duplicates_marked

UPLOAD_LIFETIME = timedelta(hours=24)


@dataclass
class ImportPlan(SplitRows):
    parsed: ParsedFile
    deck: Deck | None  # the deck the cards go into; None: a new deck
    deck_name: str
    rows: list[Row]  # every row, duplicates of the deck's cards marked bad


class ImportRefused(StudioError):
    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("has_bad_rows", count=len(plan.bad))
        self.plan = plan


def default_deck_name(parsed: ParsedFile, filename: str) -> str:
    if parsed.meta is not None:
        return parsed.meta.name
    return " ".join(PurePath(filename).stem.replace("_", " ").split()) or "Imported deck"


def plan_import(parsed: ParsedFile, filename: str, deck: Deck | None = None, deck_name: str = "") -> ImportPlan:
    """Where the cards would go and which rows are refused; writes nothing.

    Without a deck, the cards go into the deck called ``deck_name`` (or the
    file's deck name): added to it when it exists, a new deck otherwise.
    """
    name = " ".join((deck_name or default_deck_name(parsed, filename)).split())
    if deck is None and name:
        deck = store.find_deck(name)
    existing = store.existing_complaints(deck) if deck is not None else {}
    rows = with_duplicates_marked(list(parsed.rows), existing)
    return ImportPlan(parsed, deck, deck.name if deck else name, rows)


def run_import(plan: ImportPlan, skip_invalid: bool = False) -> tuple[Deck, int]:
    """Write the plan: all rows, or only the good ones when ``skip_invalid``."""
    if plan.bad and not skip_invalid:
        raise ImportRefused(plan)
    if not plan.good:
        raise StudioError("nothing_to_import")
    deck = plan.deck
    if deck is None:
        meta = plan.parsed.meta
        deck = store.create_deck(
            plan.deck_name,
            language=meta.language if meta else "en",
            description=meta.description if meta else "",
            slug=meta.slug if meta else "",
            commit=False,
        )
    added = store.add_rows(deck, plan.good)
    db.session.commit()
    return deck, added


def import_path(path, deck_name: str = "", skip_invalid: bool = False) -> tuple[ImportPlan, Deck, int]:
    """The CLI's import: raises DeckFileRefused, ImportRefused or StudioError."""
    parsed = read_file(path.name, path.read_bytes())
    plan = plan_import(parsed, path.name, deck_name=deck_name)
    deck, added = run_import(plan, skip_invalid)
    return plan, deck, added


# --- uploads kept between preview and confirmation -----------------------------

# Each worker keeps the files it read for the previews it showed: paging
# through a preview, or looking at it again, never reads the file again.
_READ: OrderedDict[str, ParsedFile] = OrderedDict()
_READ_KEPT = 8


def _cooperate() -> None:
    """Between rows of a long file: every live game on this worker gets its turn."""
    socketio.sleep(0)


def _remember(upload_id: str, parsed: ParsedFile) -> ParsedFile:
    _READ[upload_id] = parsed
    _READ.move_to_end(upload_id)
    while len(_READ) > _READ_KEPT:
        _READ.popitem(last=False)
    return parsed


def _read(upload: DeckUpload) -> ParsedFile:
    parsed = _READ.get(upload.id)
    if parsed is None:  # read by another worker, or long ago
        parsed = _remember(upload.id, read_file(upload.filename, upload.content, _cooperate))
    return parsed


def stage_upload(user: User, filename: str, data: bytes, deck: Deck | None = None, deck_name: str = "") -> DeckUpload:
    """Keep a readable file for its preview; unreadable files raise DeckFileRefused."""
    parsed = read_file(filename, data, _cooperate)
    db.session.execute(delete(DeckUpload).where(DeckUpload.created_at < utcnow() - UPLOAD_LIFETIME))
    upload = DeckUpload(
        id=secrets.token_urlsafe(16), user_id=user.id, filename=PurePath(filename).name[:200],
        content=data, deck_id=deck.id if deck else None, deck_name=" ".join(deck_name.split())[:120],
    )
    db.session.add(upload)
    db.session.commit()
    _remember(upload.id, parsed)
    return upload


def find_upload(upload_id: str, user: User) -> DeckUpload | None:
    upload = db.session.scalar(select(DeckUpload).where(DeckUpload.id == upload_id))
    if upload is None or upload.user_id != user.id or upload.created_at < utcnow() - UPLOAD_LIFETIME:
        return None
    return upload


def plan_upload(upload: DeckUpload) -> ImportPlan:
    """What the upload would add to its deck as the deck is now (its file read once)."""
    deck = db.session.get(Deck, upload.deck_id) if upload.deck_id else None
    return plan_import(_read(upload), upload.filename, deck=deck, deck_name=upload.deck_name)


def discard_upload(upload: DeckUpload) -> None:
    _READ.pop(upload.id, None)
    db.session.delete(upload)
    db.session.commit()


def confirm_upload(upload: DeckUpload, skip_invalid: bool) -> tuple[Deck, int]:
    """Re-plan against the deck as it is now, import, and forget the upload."""
    deck, added = run_import(plan_upload(upload), skip_invalid)
    discard_upload(upload)
    return deck, added

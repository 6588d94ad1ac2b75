"""What makes a card and a deck valid, as plain Python.

The web editor, the paste box, file imports and the CLI all check cards
here, so a card refused in one place is refused in every place, with the
same reason.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

THEMES = (
    "tourism", "hotel", "restaurant", "airline", "retail",
    "delivery", "call_centre", "b2b", "other",
)
# How people write a theme in a spreadsheet → the stored slug.
_THEME_ALIASES = {"call_center": "call_centre", "callcentre": "call_centre", "callcenter": "call_centre",
                  "hotels": "hotel", "restaurants": "restaurant", "airlines": "airline", "shop": "retail"}
DIFFICULTIES = (1, 2, 3)
COMPLAINT_MAX = 280
COACH_NOTE_MAX = 500
DECK_NAME_MAX = 120
DESCRIPTION_MAX = 1000
_TRUE = {"", "yes", "y", "true", "1", "on", "enabled", "x", "✓"}
_FALSE = {"no", "n", "false", "0", "off", "disabled"}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")


@dataclass(frozen=True)
class Problem:
    """Why a row or a file is refused: a code and the details its sentence needs."""

    code: str
    details: dict[str, Any]

    def __init__(self, code: str, **details: Any) -> None:
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "details", details)


def _printable(text: str, keep: str = "") -> str:
    """Drop control characters (a stray NUL or escape from a copy-paste)."""
    return "".join(ch for ch in text if ch in keep or unicodedata.category(ch) != "Cc")


def clean_complaint(text: str) -> str:
    return " ".join(_printable(text, keep="\n\t\r\x0b\x0c").split())


def clean_note(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _printable(text, keep="\n\t").strip()


def _without_accents(text: str) -> str:
    """Greek and Latin letters lose their accents ("καφές" → "καφεσ" once casefolded).

    A Greek reader sees "Ο καφές" and "ο ΚΑΦΕΣ" as the same words: capitals
    drop the tonos. Cyrillic keeps its marks: й and и, ї and і are letters
    of their own, not accented ones.
    """
    kept: list[str] = []
    base_script = ""
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            if base_script in ("GREEK", "LATIN"):
                continue
        else:
            base_script = unicodedata.name(ch, "").split(" ", 1)[0]
        kept.append(ch)
    return unicodedata.normalize("NFC", "".join(kept))


def complaint_key(text: str) -> str:
    """Two complaints are the same card ignoring case, accents, spacing and end punctuation."""
    key = _without_accents(clean_complaint(text)).casefold()
    while key and (unicodedata.category(key[-1]).startswith("P") or key[-1].isspace()):
        key = key[:-1]
    return key


def parse_theme(raw: Any) -> tuple[str | None, Problem | None]:
    if raw is None:
        return "other", None
    if not isinstance(raw, str):
        return None, Problem("bad_field_type", field="theme")
    slug = re.sub(r"[\s\-]+", "_", raw.strip().casefold())
    slug = _THEME_ALIASES.get(slug, slug) or "other"
    if slug not in THEMES:
        return None, Problem("unknown_theme", theme=raw.strip(), themes=", ".join(THEMES))
    return slug, None


def parse_difficulty(raw: Any) -> tuple[int | None, Problem | None]:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return 1, None
    value: Any = raw
    if isinstance(raw, str):
        text = raw.strip()
        value = int(float(text)) if re.fullmatch(r"\d+(\.0+)?", text) else None
    if isinstance(value, bool) or not isinstance(value, int) or value not in DIFFICULTIES:
        return None, Problem("bad_difficulty", value=str(raw).strip())
    return value, None


def parse_enabled(raw: Any) -> tuple[bool | None, Problem | None]:
    if raw is None or isinstance(raw, bool):
        return raw is not False, None
    if isinstance(raw, str):
        word = raw.strip().casefold()
        if word in _TRUE:
            return True, None
        if word in _FALSE:
            return False, None
    return None, Problem("bad_enabled", value=str(raw).strip())


def check_card(
    complaint: Any, theme: Any = None, difficulty: Any = None, coach_note: Any = None, enabled: Any = None
) -> tuple[dict[str, Any], list[Problem]]:
    """Clean one card's fields; returns the clean values and every problem."""
    problems: list[Problem] = []
    values: dict[str, Any] = {}
    if not isinstance(complaint, str):
        problems.append(Problem("complaint_blank" if complaint is None else "bad_field_type", field="complaint"))
    else:
        values["complaint"] = clean_complaint(complaint)
        if not values["complaint"]:
            problems.append(Problem("complaint_blank"))
        elif len(values["complaint"]) > COMPLAINT_MAX:
            problems.append(Problem("complaint_too_long", length=len(values["complaint"]), limit=COMPLAINT_MAX))
    if coach_note is not None and not isinstance(coach_note, str):
        problems.append(Problem("bad_field_type", field="coach_note"))
    else:
        values["coach_note"] = clean_note(coach_note or "")
        if len(values["coach_note"]) > COACH_NOTE_MAX:
            problems.append(Problem("coach_note_too_long", length=len(values["coach_note"]), limit=COACH_NOTE_MAX))
    for name, parse in (("theme", parse_theme), ("difficulty", parse_difficulty), ("enabled", parse_enabled)):
        value, problem = parse({"theme": theme, "difficulty": difficulty, "enabled": enabled}[name])
        if problem:
            problems.append(problem)
        values[name] = value
    return values, problems


def check_meta(data: dict[str, Any]) -> tuple[dict[str, Any], Problem | None]:
    """A JSON deck's name, slug, language and description."""
    name, slug = data.get("name"), data.get("slug", "")
    language, description = data.get("language", "en"), data.get("description", "")
    if not isinstance(name, str) or not " ".join(name.split()):
        return {}, Problem("deck_name_blank")
    name = " ".join(name.split())
    if len(name) > DECK_NAME_MAX:
        return {}, Problem("deck_name_too_long", limit=DECK_NAME_MAX)
    if not isinstance(slug, str) or (slug and not _SLUG.match(slug)):
        return {}, Problem("bad_slug", slug=str(slug))
    if not isinstance(language, str) or not _LANGUAGE.match(language):
        return {}, Problem("bad_language", language=str(language))
    if not isinstance(description, str) or len(description.strip()) > DESCRIPTION_MAX:
        return {}, Problem("description_too_long", limit=DESCRIPTION_MAX)
    return {"name": name, "slug": slug, "language": language, "description": description.strip()}, None


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].strip("-")
    return slug or "deck"


def with_duplicates_marked(rows: list, existing: dict[str, tuple[int, str]] | None = None) -> list:
    """Refuse a row whose complaint repeats an earlier row or a card already in the deck.

    ``existing`` maps complaint_key → (card number, complaint) for the deck's
    cards. Works on trainer.deckio.Row (anything with line, card, problems).
    """
    from dataclasses import replace

    seen: dict[str, int] = {}
    marked = []
    for row in rows:
        if row.card is None:
            marked.append(row)
            continue
        key = complaint_key(row.card.complaint)
        if existing and key in existing:
            number, text = existing[key]
            row = replace(row, card=None, problems=(Problem("duplicate_in_deck", number=number, complaint=text),))
        elif key in seen:
            row = replace(row, card=None, problems=(Problem("duplicate_in_file", line=seen[key]),))
        else:
            seen[key] = row.line
        marked.append(row)
    return marked

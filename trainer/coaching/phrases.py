"""Service cues in the app: an admin's phrase changes, and the cues of a reply.

The shipped phrases live in ``coaching/cues/data``; an admin's additions and
removals are one ``Setting`` row, {language: {"added": {cue: [...]},
"removed": {cue: [...]}}}, merged by ``cues.phrase_book``. A reply's cues are
found once, when it is sent, with the phrases in force then, and stored on
it: a change here reaches new replies only, and no page finds them again.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from ..extensions import db
from ..models import Setting
from . import cues
from .cues.book import normalise
from .messages import CoachingError

KEY = "cue_phrases"

# What each cue is called on a chip, and the one line a phone shows for next time.
LABELS = {
    "empathy": _l("Empathy"),
    "apology": _l("Apology"),
    "next_step": _l("Next step"),
    "beyond": _l("A little extra"),
    "thanks": _l("Thanks"),
    "refusal": _l("Deflects"),
    "blame": _l("Blames the customer"),
    "policy": _l("Hides behind a rule"),
}
# The one line a phone shows under its own reply's cues: the first that fits, in this order
# (a flag it carries, else a cue it lacks), else "all_done".
ADVICE_ORDER = (
    ("refusal", True), ("blame", True), ("policy", True), ("empathy", False), ("next_step", False),
    ("apology", False), ("beyond", False), ("thanks", False),
)
ADVICE = {
    "refusal": _l("Next time, say what you can do instead of what you can't."),
    "blame": _l("Next time, leave out whose fault it was and start with the fix."),
    "policy": _l("Next time, if a rule stands, offer a way forward beside it."),
    "empathy": _l("Next time, start by naming how the customer feels."),
    "next_step": _l("Next time, offer one concrete step, with a time."),
    "apology": _l("Next time, take ownership: a short “I’m sorry, I’ll sort it out”."),
    "beyond": _l("Next time, add one small extra they didn’t ask for."),
    "thanks": _l("Next time, thank them for telling you."),
    "all_done": _l("Keep it up: your reply did everything the cues look for."),
}


def _stored() -> dict[str, Any]:
    """The admins' changes, read once per request (a batch of submits finds cues for many replies)."""
    cached = db.session.info.get(KEY)
    if cached is None:
        found = db.session.get(Setting, KEY)
        cached = db.session.info[KEY] = dict(found.value or {}) if found else {}
    return dict(cached)


def changes(language: str) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """(added, removed) phrases for the language, {cue: [phrase, ...]}."""
    entry = _stored().get(language) or {}
    return dict(entry.get("added") or {}), dict(entry.get("removed") or {})


def book(language: str) -> cues.PhraseBook:
    added, removed = changes(language)
    return cues.phrase_book(language, added, removed)


def reply_language(player_language: str | None, session_language: str) -> str:
    """The language a reply is read in: its phone's, else the session's, else English."""
    for language in (player_language, session_language):
        if language in cues.LANGUAGES:
            return language
    return "en"


def cues_of(text: str, language: str) -> dict[str, list[str]]:
    """A reply's cues as stored on it."""
    return cues.find_cues(text, language, book(language)).as_dict()


def _save(language: str, added: dict[str, list[str]], removed: dict[str, list[str]]) -> None:
    value = _stored()
    value[language] = {
        "added": {k: v for k, v in added.items() if v},
        "removed": {k: v for k, v in removed.items() if v},
    }
    found = db.session.get(Setting, KEY)
    if found is None:
        found = Setting(key=KEY, value={})
        db.session.add(found)
    found.value = value
    db.session.info.pop(KEY, None)
    db.session.commit()


def add_phrase(language: str, kind: str, text: str) -> str:
    """Add an admin's phrase; CoachingError with a sentence if it can't be used. Returns it as stored."""
    try:
        phrase = cues.check_phrase(kind, text, language)
    except cues.PhraseError as refused:
        raise CoachingError(refused.code) from None
    added, removed = changes(language)
    key = normalise(phrase)
    if key in {normalise(t) for t in removed.get(kind, [])}:
        removed[kind] = [t for t in removed[kind] if normalise(t) != key]
    elif key in {normalise(t) for t in shown_phrases(language)[kind]}:
        raise CoachingError("phrase_there")
    else:
        added[kind] = [*added.get(kind, []), phrase]
    _save(language, added, removed)
    return phrase


def remove_phrase(language: str, kind: str, text: str) -> None:
    """Take a phrase out: an admin's own is dropped, a shipped one is listed as removed."""
    if language not in cues.LANGUAGES:
        raise CoachingError("unknown_language")
    if kind not in cues.KINDS:
        raise CoachingError("unknown_cue")
    added, removed = changes(language)
    key = normalise(text)
    shown = {normalise(t): t for t in shown_phrases(language)[kind]}
    if key not in shown:
        raise CoachingError("phrase_missing")
    own = added.get(kind, [])
    if key in {normalise(t) for t in own}:
        added[kind] = [t for t in own if normalise(t) != key]
    else:
        removed[kind] = [*removed.get(kind, []), shown[key]]
    _save(language, added, removed)


def shown_phrases(language: str) -> dict[str, list[str]]:
    """Each cue's phrases in force now, shipped and added, less removed."""
    return {kind: list(texts) for kind, texts in book(language).phrases.items()}


def advice(found: dict[str, list[str]] | None) -> str:
    """Which of ``ADVICE`` a phone shows under its own reply's cues."""
    present = set((found or {}).get("cues", [])) | set((found or {}).get("flags", []))
    for kind, is_flag in ADVICE_ORDER:
        if (kind in present) == is_flag:
            return kind
    return "all_done"

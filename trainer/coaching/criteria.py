"""The service criteria a room awards: shipped ones, and an admin's own set.

A set is a list of 1–4 criteria; each has a name and a one-line definition
per language ({"en": {"name": ..., "definition": ...}, "ru": ...}). A
criterion needs at least one language; a phone reads its own language,
else the session's, else English, else whichever was written.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select

from ..extensions import db
from ..game.modes import MAX_CRITERIA
from ..models import ServiceCriterion
from .messages import CoachingError

# Each language by its own name, as the editor's columns head them.
LANGUAGES = {"en": "English", "ru": "Русский", "uk": "Українська", "el": "Ελληνικά"}
NAME_MAX = 40
DEFINITION_MAX = 160

def _criterion(**texts: tuple[str, str]) -> dict[str, dict[str, str]]:
    return {lang: {"name": name, "definition": definition} for lang, (name, definition) in texts.items()}


# Written in each language as its trainers would say it, not translated word for word.
SHIPPED: list[dict[str, dict[str, str]]] = [
    _criterion(
        en=("Heard them", "Names the customer's feeling and shows it was understood."),
        ru=("Услышать клиента", "Называет чувство клиента и показывает, что его поняли."),
        uk=("Почути клієнта", "Називає почуття клієнта й показує, що його зрозуміли."),
        el=("Τον άκουσε", "Ονομάζει το συναίσθημα του πελάτη και δείχνει ότι τον κατάλαβε."),
    ),
    _criterion(
        en=("Fixed it", "Takes ownership and offers a concrete next step."),
        ru=("Решить проблему", "Берёт ответственность на себя и предлагает конкретный следующий шаг."),
        uk=("Розв’язати проблему", "Бере відповідальність на себе й пропонує конкретний наступний крок."),
        el=("Το έλυσε", "Αναλαμβάνει την ευθύνη και προτείνει ένα συγκεκριμένο επόμενο βήμα."),
    ),
    _criterion(
        en=("Won them back", "The customer leaves happier than before; memorable."),
        ru=("Вернуть клиента", "Клиент уходит довольнее, чем пришёл, и запомнит этот разговор."),
        uk=("Повернути клієнта", "Клієнт іде задоволенішим, ніж прийшов, і запам’ятає цю розмову."),
        el=("Τον κέρδισε ξανά", "Ο πελάτης φεύγει πιο ευχαριστημένος απ’ ό,τι ήρθε και θα το θυμάται."),
    ),
]


def current_set() -> list[dict[str, dict[str, str]]]:
    """The set new sessions are played with: the admin's, or the shipped one."""
    rows = db.session.scalars(select(ServiceCriterion).order_by(ServiceCriterion.position)).all()
    return [dict(row.texts) for row in rows] or [dict(c) for c in SHIPPED]


def checked(raw: Sequence[dict[str, dict[str, str]]]) -> list[dict[str, dict[str, str]]]:
    """The set with blank languages dropped and text trimmed; CoachingError if it can't stand."""
    cleaned = []
    for number, criterion in enumerate(raw, start=1):
        texts = {}
        for language in LANGUAGES:
            entry = criterion.get(language) or {}
            name, definition = (str(entry.get(k) or "").strip() for k in ("name", "definition"))
            if not name and not definition:
                continue
            if not (name and definition):
                raise CoachingError("criterion_half", number=number, language=LANGUAGES[language])
            if len(name) > NAME_MAX:
                raise CoachingError("criterion_name_long", limit=NAME_MAX)
            if len(definition) > DEFINITION_MAX:
                raise CoachingError("criterion_definition_long", limit=DEFINITION_MAX)
            texts[language] = {"name": name, "definition": definition}
        if texts:
            cleaned.append(texts)
        elif any(any((v or "").strip() for v in (criterion.get(lang) or {}).values()) for lang in criterion):
            raise CoachingError("criterion_blank", number=number)
    if not 1 <= len(cleaned) <= MAX_CRITERIA:
        raise CoachingError("criteria_count")
    return cleaned


def save_set(raw: Sequence[dict[str, dict[str, str]]]) -> list[dict[str, dict[str, str]]]:
    """Replace the admin's set (sessions already created keep theirs)."""
    cleaned = checked(raw)
    db.session.execute(delete(ServiceCriterion))
    db.session.add_all(ServiceCriterion(position=i, texts=texts) for i, texts in enumerate(cleaned))
    db.session.commit()
    return cleaned


def reset_set() -> None:
    """Back to the shipped criteria."""
    db.session.execute(delete(ServiceCriterion))
    db.session.commit()


def in_language(criteria: Sequence[dict[str, Any]], *languages: str | None) -> list[dict[str, str]]:
    """Each criterion's name and definition in the first language it has."""
    wanted = [lang for lang in (*languages, "en") if lang]
    shown = []
    for texts in criteria:
        language = next((lang for lang in wanted if lang in texts), None) or next(iter(texts))
        shown.append({"name": texts[language]["name"], "definition": texts[language]["definition"],
                      "lang": language})
    return shown

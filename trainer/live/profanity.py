"""The optional rude-word filter: word lists per language, kept as data files."""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path

LISTS = Path(__file__).resolve().parent / "wordlists"
LANGUAGES = ("en", "ru", "uk", "el")
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """Lower case without accents, so "ΓΑΜΏ" and "γαμω" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@cache
def word_list(language: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """(whole words, stems) for one language."""
    words, stems = set(), []
    for line in (LISTS / f"{language}.txt").read_text(encoding="utf-8").splitlines():
        entry = fold(line.split("#", 1)[0].strip())
        if not entry:
            continue
        if entry.endswith("*"):
            stems.append(entry[:-1])
        else:
            words.add(entry)
    return frozenset(words), tuple(stems)


def is_rude(text: str, languages: tuple[str, ...] = LANGUAGES) -> bool:
    """True if any word of ``text`` is on a list. Offices mix languages, so
    every list is checked whatever the session's language."""
    tokens = _WORD.findall(fold(text))
    for language in languages:
        words, stems = word_list(language)
        if any(token in words or token.startswith(stems) for token in tokens):
            return True
    return False

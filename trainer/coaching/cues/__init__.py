"""Service cues: rule-based hints about what a reply does, in four languages.

Positive cues (``CUES``): empathy, apology, next_step, beyond, thanks. Flags
(``FLAGS``): refusal, blame, policy. Hints for a debrief, never scores.

Pure text rules: no Flask, no database. Each language's phrases ship as
``data/<language>.json``; an admin's additions and removals are passed in
(see ``phrase_book``), and where the changes are kept is the caller's
business. ``find_cues`` takes well under a millisecond a reply once
simplemma's dictionary for the language is loaded (``warm``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from .book import CUES, FLAGS, KINDS, LANGUAGES, PhraseBook, PhraseError, compile_phrase, phrase_book
from .match import kinds_found
from .text import warm, words

__all__ = [
    "CUES", "FLAGS", "KINDS", "LANGUAGES", "CueResult", "PhraseBook", "PhraseError", "check_phrase",
    "cue_lines", "find_cues", "phrase_book", "warm",
]


@dataclass(frozen=True, slots=True)
class CueResult:
    cues: tuple[str, ...]
    flags: tuple[str, ...]
    # (cue or flag, the phrase that found it), in reading order: why each cue is there.
    evidence: tuple[tuple[str, str], ...] = ()

    def as_dict(self) -> dict[str, list[str]]:
        return {"cues": list(self.cues), "flags": list(self.flags)}


def find_cues(text: str, language: str, phrases: PhraseBook | None = None) -> CueResult:
    """The cues and flags a reply carries, each listed once in the order of ``CUES``/``FLAGS``."""
    book = phrases if phrases is not None else phrase_book(language)
    hits = kinds_found(book, words(text, book.language, book.breaks))
    present = {hit.kind for hit in hits}
    return CueResult(
        cues=tuple(c for c in CUES if c in present),
        flags=tuple(f for f in FLAGS if f in present),
        evidence=tuple((hit.kind, hit.phrase) for hit in hits),
    )


def check_phrase(kind: str, text: str, language: str) -> str:
    """An admin's phrase as it will be stored (single-spaced), or PhraseError saying why not."""
    if kind not in KINDS:
        raise PhraseError("unknown_cue", kind)
    if language not in LANGUAGES:
        raise PhraseError("unknown_language", language)
    return compile_phrase(text, language, kind, phrase_book(language).breaks).text


def cue_lines(lines: Iterable[str], language: str, added: Mapping[str, Iterable[str]] | None = None,
              removed: Mapping[str, Iterable[str]] | None = None, explain: bool = False) -> Iterator[str]:
    """One JSON object a line for each reply line read (the ``cues`` command); an empty line gets empty lists."""
    book = phrase_book(language, added, removed)
    for line in lines:
        result = find_cues(line.rstrip("\r\n"), language, book)
        out: dict = result.as_dict()
        if explain:
            out["evidence"] = [list(pair) for pair in result.evidence]
        yield json.dumps(out, ensure_ascii=False)

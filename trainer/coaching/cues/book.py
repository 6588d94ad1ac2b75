"""Phrase books: each language's shipped phrases, an admin's additions and
removals merged in, compiled once for matching.

A language's file (data/<language>.json) holds, per cue, ``phrases`` and the
``unless`` phrases that cancel one they overlap; and for the language, its
``negators``, the words after a negator that undo it (``not_negating``:
"not only"), ``negation_after`` ("не можем" after its verb), ``breaks``
(words that start a new thought: "but") and ``irony`` markers.

A phrase is written the way a reply would say it. Each word matches a reply's
word by its folded form or by its lemma, so "переселим" in a phrase finds
"переселили" in a reply; a few marks widen a word:

    sorr*         any word starting "sorr" (folded)
    sorry|apologise   either word
    #             any number ("within # hours")
    =word         this spelling only, not its lemma ("=φταίμε" is not "φταίτε")
    ...           up to three words of anything ("sorry ... trouble")
    ^             (first) only at the start of a clause ("^ you chose")
    !             (first) counts even after a negator: "! terms and conditions"
                  in "you didn't read the terms and conditions"

A phrase may span a comma or a dash, never the end of a sentence or a word
such as "but"; a negator reaches only within its clause.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources

from .text import LANGUAGES, fold, word_forms, words

CUES = ("empathy", "apology", "next_step", "beyond", "thanks")
FLAGS = ("refusal", "blame", "policy")
KINDS = CUES + FLAGS
PHRASE_MAX = 200
GAP_WORDS = 3
# Prefixes shorter than this would match half the dictionary.
PREFIX_MIN = 3


class PhraseError(ValueError):
    """A phrase or cue name that cannot be used; ``code`` says why, for the caller's sentence."""

    def __init__(self, code: str, phrase: str = "") -> None:
        super().__init__(f"{code}: {phrase!r}")
        self.code = code
        self.phrase = phrase


@dataclass(frozen=True, slots=True)
class Element:
    """One position of a phrase: exact keys, prefixes, any number, or a gap."""

    keys: frozenset[str] = frozenset()
    spellings: frozenset[str] = frozenset()  # compared with the reply's spelling only
    prefixes: tuple[str, ...] = ()
    number: bool = False
    gap: bool = False

    @property
    def exact(self) -> frozenset[str]:
        """The words that alone can match it, if nothing else can (no prefix, no number)."""
        return frozenset() if self.prefixes or self.number or self.gap else self.keys | self.spellings

    def accepts(self, surface: str, lemma: str) -> bool:
        if surface in self.keys or lemma in self.keys or surface in self.spellings:
            return True
        if self.number and surface.isdigit():
            return True
        return any(surface.startswith(p) or lemma.startswith(p) for p in self.prefixes)


@dataclass(frozen=True, slots=True)
class Phrase:
    kind: str  # a cue, a flag, "unless:<kind>" or "irony"
    text: str
    elements: tuple[Element, ...]
    anchored: bool = False  # only at the start of a clause
    negatable: bool = True
    # Irony and exceptions span sentences ("oh. sure."); a cue's phrase stays in its sentence.
    crosses: bool = False

    @property
    def required(self) -> tuple[frozenset[str], ...]:
        """For each element only exact words can match, those words: a reply lacking one can't match."""
        return tuple(e.exact for e in self.elements if e.exact)


@dataclass(slots=True)
class PhraseBook:
    """One language's compiled phrases, indexed by the word a reply must hold for each to match.

    A phrase is filed under its rarest-looking exact word (the longest), so
    "we will send|bring|call" is tried only in replies with one of those
    verbs, not in every reply with "we"; phrases without an exact word are
    filed by their first word's prefix or as numbers.
    """

    language: str
    negators: frozenset[str]
    not_negating: frozenset[str]
    breaks: frozenset[str]
    negation_window: int
    phrases: dict[str, list[str]]  # kind → phrase texts, as merged (for editors and tests)
    by_key: dict[str, list[Phrase]] = field(default_factory=dict)
    by_prefix: dict[str, list[Phrase]] = field(default_factory=dict)
    by_number: list[Phrase] = field(default_factory=list)
    required: dict[int, tuple[frozenset[str], ...]] = field(default_factory=dict)

    def add(self, phrase: Phrase) -> None:
        self.required[id(phrase)] = phrase.required
        exact = [e.exact for e in phrase.elements if e.exact]
        if exact:
            for key in max(exact, key=lambda keys: min(map(len, keys))):
                self.by_key.setdefault(key, []).append(phrase)
            return
        first = phrase.elements[0]
        for prefix in first.prefixes:
            self.by_prefix.setdefault(prefix[:PREFIX_MIN], []).append(phrase)
        if first.number:
            self.by_number.append(phrase)


def normalise(phrase: str) -> str:
    """The form two spellings of one phrase share: folded, single-spaced."""
    return " ".join(fold(phrase).split())


def compile_phrase(text: str, language: str, kind: str, breaks: frozenset[str] = frozenset()) -> Phrase:
    text = " ".join(text.split())
    if not text:
        raise PhraseError("phrase_blank", text)
    if len(text) > PHRASE_MAX:
        raise PhraseError("phrase_long", text)
    elements: list[Element] = []
    pieces = text.split(" ")
    marks = {"^": False, "!": False}
    while pieces and pieces[0] in marks:
        marks[pieces.pop(0)] = True
    for piece in pieces:
        elements.extend(_elements(piece, language, text))
    if not elements or elements[0].gap or elements[-1].gap:
        raise PhraseError("phrase_syntax", text)
    if any(e.keys and not e.prefixes and not e.spellings and e.keys <= breaks for e in elements):
        # A reply is split at "but"; a phrase that needs the word could never match.
        raise PhraseError("phrase_break", text)
    return Phrase(kind, text, tuple(elements), anchored=marks["^"], negatable=not marks["!"],
                  crosses=kind == "irony" or kind.startswith("unless:"))


def _elements(piece: str, language: str, phrase: str) -> list[Element]:
    if piece in ("...", "…"):
        return [Element(gap=True)]
    if not any(mark in piece for mark in "*|=#"):
        found = words(piece, language)
        return [Element(keys=frozenset({s, lemma})) for s, lemma in zip(found.surface, found.lemma, strict=True)]
    keys: set[str] = set()
    spellings: set[str] = set()
    prefixes: list[str] = []
    number = False
    for option in piece.split("|"):
        if option == "#":
            number = True
        elif option.startswith("=") and len(option) > 1:
            found = words(option[1:], language)
            if len(found.surface) != 1:
                raise PhraseError("phrase_syntax", phrase)
            spellings.add(found.surface[0])
        elif option.endswith("*"):
            stem = fold(option[:-1])
            if len(stem) < PREFIX_MIN or not stem.replace("'", "").isalnum():
                raise PhraseError("phrase_syntax", phrase)
            prefixes.append(stem)
        else:
            found = words(option, language)
            if len(found.surface) != 1:
                raise PhraseError("phrase_syntax", phrase)
            keys.update(word_forms(option.lower(), language))
    return [Element(keys=frozenset(keys), spellings=frozenset(spellings), prefixes=tuple(prefixes), number=number)]


def _shipped(language: str) -> dict:
    if language not in LANGUAGES:
        raise PhraseError("unknown_language", language)
    source = resources.files(__package__).joinpath("data", f"{language}.json")
    return json.loads(source.read_text(encoding="utf-8"))


def _frozen(changes: Mapping[str, Iterable[str]] | None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if not changes:
        return ()
    for kind in changes:
        if kind not in KINDS:
            raise PhraseError("unknown_cue", kind)
    return tuple(sorted((kind, tuple(texts)) for kind, texts in changes.items()))


def phrase_book(language: str, added: Mapping[str, Iterable[str]] | None = None,
                removed: Mapping[str, Iterable[str]] | None = None) -> PhraseBook:
    """The language's shipped phrases, plus ``added`` and less ``removed`` ({cue: [phrase, ...]}).

    Removing matches a phrase by its folded text; removing one that is not
    there is no error (the shipped list may have dropped it since).
    """
    return _compiled(language, _frozen(added), _frozen(removed))


@lru_cache(maxsize=64)
def _compiled(language: str, added: tuple, removed: tuple) -> PhraseBook:
    data = _shipped(language)
    gone = {(kind, normalise(text)) for kind, texts in removed for text in texts}
    extra = dict(added)
    merged: dict[str, list[str]] = {}
    for kind in KINDS:
        texts = data["cues"].get(kind, {}).get("phrases", []) + list(extra.get(kind, ()))
        seen: set[str] = set()
        merged[kind] = []
        for text in texts:
            key = normalise(text)
            if (kind, key) not in gone and key not in seen:
                seen.add(key)
                merged[kind].append(" ".join(text.split()))
    book = PhraseBook(
        language=language,
        negators=frozenset(normalise(w) for w in data["negators"]),
        not_negating=frozenset(normalise(w) for w in data.get("not_negating", [])),
        breaks=frozenset(normalise(w) for w in data.get("breaks", [])),
        negation_window=data.get("negation_window", 4),
        phrases=merged,
    )
    for kind, texts in merged.items():
        for text in texts:
            phrase = compile_phrase(text, language, kind, book.breaks)
            if phrase.elements[0].keys & book.negators:
                # It carries its own negation; one before it is agreement, not a flip ("ничем не могу помочь").
                phrase = replace(phrase, negatable=False)
            book.add(phrase)
        for text in data["cues"].get(kind, {}).get("unless", []):
            book.add(compile_phrase(text, language, "unless:" + kind))
    for text in data.get("irony", []):
        book.add(compile_phrase(text, language, "irony"))
    for text in data.get("negation_after", []):
        book.add(compile_phrase(text, language, "after"))
    return book

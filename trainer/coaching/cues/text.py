"""Words as the matcher sees them: folded surface forms and folded lemmas.

Folding is case-folding plus dropping accents (Greek tonos, ё → е), applied
alike to replies and to phrases, so "ΣΥΓΓΝΩΜΗ" and "συγγνώμη" meet. Lemmas
come from simplemma, looked up on the lower-cased but unfolded word: its
dictionaries need the accents (it lemmatizes "ευχαριστούμε", not
"ευχαριστουμε"), which is why a phrase matches a word by either form.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from simplemma import Lemmatizer
from simplemma.strategies import DefaultStrategy

LANGUAGES = ("en", "ru", "uk", "el")

# simplemma's default dictionaries take about 260 MB for these four languages in
# every process that loads them; low-memory mode reads them from the compressed
# stream (about 40 MB, the same lemmas) at 20-80 µs a new word instead of ~3.
# word_forms caches each word, so a debrief pays that once per distinct word.
_LEMMATIZER = Lemmatizer(lemmatization_strategy=DefaultStrategy(low_memory=True))

# Replies are typed on phones: straight, curly and modifier apostrophes all occur.
_APOSTROPHES = re.compile(r"[’‘ʼ`´]")
# A word, with apostrophes or hyphens inside it ("пам'ятаю", "из-за"), or one punctuation mark.
_TOKENS = re.compile(r"\w+(?:['‐-]\w+)*|[.,;:!?…()\[\]{}«»\"“”„\-–—/·\u0387]")
# A sentence ends at these, and a phrase never reaches across one.
_SENTENCE_ENDS = frozenset(".;:!?…()[]{}/·\u0387")
# A comma or a dash only ends a clause: a phrase may span it ("жаль, что вы так"), a negation may not.
_CLAUSE_ENDS = frozenset(",«»\"“”„-–—")

# English contractions become words, so "can't help" and "cannot help" are one phrase.
_EN_WHOLE = {"can't": "can not", "cannot": "can not", "won't": "will not", "shan't": "shall not",
             "ain't": "is not", "let's": "let us"}
_EN_ENDINGS = {"n't": " not", "'m": " am", "'re": " are", "'ll": " will", "'ve": " have", "'d": " would"}
_EN_CONTRACTIONS = re.compile(
    r"\b(?:can't|cannot|won't|shan't|ain't|let's)\b|\b(?:it|that|there|here|what|who|he|she|this)'s\b"
    r"|n't\b|'(?:m|re|ll|ve|d)\b", re.I)


def _expand(match: re.Match) -> str:
    found = match.group(0)
    lower = found.lower()
    if lower in _EN_WHOLE:
        return _EN_WHOLE[lower]
    if lower.endswith("'s"):
        return found[:-2] + " is"
    return _EN_ENDINGS[lower]


def fold(text: str) -> str:
    """Case- and accent-folded: what two spellings of one word have in common."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


@lru_cache(maxsize=65536)
def word_forms(word: str, language: str) -> tuple[str, str]:
    """(folded surface, folded lemma) of one lower-cased word."""
    return fold(word), fold(_LEMMATIZER.lemmatize(word, lang=language))


@dataclass(frozen=True, slots=True)
class Words:
    """A text's words in order; ``clause[i]`` and ``sentence[i]`` number the clause and sentence word i is in."""

    surface: tuple[str, ...]
    lemma: tuple[str, ...]
    clause: tuple[int, ...]
    sentence: tuple[int, ...]


def _prepare(text: str, language: str) -> str:
    text = _APOSTROPHES.sub("'", text)
    if language == "en":
        text = _EN_CONTRACTIONS.sub(_expand, text)
    if language != "uk":
        # Only Ukrainian keeps an apostrophe inside a word; elsewhere it elides ("σ' αυτό", "customer's").
        text = text.replace("'", " ")
    return text


def words(text: str, language: str, breaks: frozenset[str] = frozenset()) -> Words:
    """Split a reply into words; punctuation and the ``breaks`` words ("but") end a clause or a sentence."""
    surface: list[str] = []
    lemma: list[str] = []
    clause: list[int] = []
    sentence: list[int] = []
    clauses = sentences = 0
    for token in _TOKENS.findall(_prepare(text, language)):
        if token in _CLAUSE_ENDS:
            clauses += 1
            continue
        if token in _SENTENCE_ENDS:
            clauses += 1
            sentences += 1
            continue
        folded, lemmatized = word_forms(token.lower(), language)
        if folded in breaks:
            # "but" turns a reply around: what comes after it is a new thought.
            clauses += 1
            sentences += 1
            continue
        surface.append(folded)
        lemma.append(lemmatized)
        clause.append(clauses)
        sentence.append(sentences)
    return Words(tuple(surface), tuple(lemma), tuple(clause), tuple(sentence))


def warm(language: str) -> None:
    """Load simplemma's dictionary now (about a second for Russian), not on the first reply."""
    _LEMMATIZER.lemmatize("warm", lang=language)

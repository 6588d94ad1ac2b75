"""Finding a book's phrases in a reply, with negation and exceptions.

A match counts unless
- a negator ("not", "не", "δεν") stands a few words before it in its clause
  ("I'm not sorry"), or a negation written after the verb follows it
  ("вернуть деньги не можем"); "not only", "no worries" negate nothing;
- an ``unless`` phrase of its cue overlaps it ("sorry you feel that way");
- for a positive cue, irony ("oh sure", "ну конечно") came just before it.
A phrase that starts with its own negator ("can't help", "не моя проблема",
"ничем не могу помочь") is matched as written, and so is one marked "!".
A flag a way forward answers (policy, once there is a next step) is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from .book import CUES, FLAGS, GAP_WORDS, PREFIX_MIN, Element, Phrase, PhraseBook
from .text import Words

# A flag that a way forward answers: "that's our policy" alone hides behind a rule,
# "that's our policy, so here is what I can do" does not.
SILENCED_BY = {"policy": ("next_step",)}
# Irony ("oh sure, let me just switch off the sun") cancels positive cues this many words on.
IRONY_REACH = 12
# A negation written after its verb ("вернуть деньги не можем") reaches back this far.
AFTER_REACH = 2


@dataclass(frozen=True, slots=True)
class Hit:
    kind: str
    phrase: str
    start: int  # word index
    end: int  # exclusive
    negatable: bool = True


def _walk(elements: tuple, e: int, i: int, found: Words, sentence: int, negators: frozenset[str]) -> int:
    """Where elements[e:] end if they match from word i (exclusive), else -1."""
    if e == len(elements):
        return i
    element = elements[e]
    count = len(found.surface)
    if element.gap:
        for skip in range(GAP_WORDS + 1):
            at = i + skip
            if at > count or (at < count and sentence >= 0 and found.sentence[at] != sentence):
                break
            # A gap never swallows a negator: "we will not ... send" is no promise.
            if skip and (found.surface[at - 1] in negators or found.lemma[at - 1] in negators):
                break
            end = _walk(elements, e + 1, at, found, sentence, negators)
            if end >= 0:
                return end
        return -1
    if i < count and (sentence < 0 or found.sentence[i] == sentence) \
            and element.accepts(found.surface[i], found.lemma[i]):
        return _walk(elements, e + 1, i + 1, found, sentence, negators)
    return -1


def _candidates(book: PhraseBook, found: Words) -> tuple[dict[str, list[int]], list[Phrase]]:
    """Where each word (and, after "^", each word's first letters; "#" for numbers) stands, and the
    phrases worth trying: filed under a word the reply holds, and with every exact word there."""
    where: dict[str, list[int]] = {}
    for i, (surface, lemma) in enumerate(zip(found.surface, found.lemma, strict=True)):
        where.setdefault(surface, []).append(i)
        if lemma != surface:
            where.setdefault(lemma, []).append(i)
        start = surface[:PREFIX_MIN]
        where.setdefault("^" + start, []).append(i)
        if lemma[:PREFIX_MIN] != start:
            where.setdefault("^" + lemma[:PREFIX_MIN], []).append(i)
        if surface.isdigit():
            where.setdefault("#", []).append(i)
    chosen: dict[int, Phrase] = {}
    for key in where:
        for phrase in book.by_prefix.get(key[1:], ()) if key[0] == "^" else book.by_key.get(key, ()):
            chosen[id(phrase)] = phrase
    if "#" in where:
        for phrase in book.by_number:
            chosen[id(phrase)] = phrase
    held = where.keys()
    return where, [p for p in chosen.values() if all(not held.isdisjoint(words) for words in book.required[id(p)])]


def _starts(first: Element, where: dict[str, list[int]]) -> list[int]:
    """The words a phrase's first element may match, from the reply's word index."""
    keys = first.exact or {"^" + prefix[:PREFIX_MIN] for prefix in first.prefixes} | ({"#"} if first.number else set())
    if len(keys) == 1:
        return where.get(next(iter(keys)), [])
    return sorted({i for key in keys for i in where.get(key, ())})


def hits(book: PhraseBook, found: Words) -> list[Hit]:
    """Every phrase of the book that matches somewhere, before negation."""
    result: list[Hit] = []
    where, candidates = _candidates(book, found)
    for phrase in candidates:
        for i in _starts(phrase.elements[0], where):
            if phrase.anchored and i > 0 and found.clause[i - 1] == found.clause[i]:
                continue
            end = _walk(phrase.elements, 0, i, found, -1 if phrase.crosses else found.sentence[i], book.negators)
            if end >= 0:
                result.append(Hit(phrase.kind, phrase.text, i, end, phrase.negatable))
    return result


def negated(book: PhraseBook, found: Words, start: int) -> bool:
    clause = found.clause[start]
    for k in range(max(0, start - book.negation_window), start):
        if found.clause[k] != clause:
            continue
        if found.surface[k] in book.negators or found.lemma[k] in book.negators:
            following = found.surface[k + 1]
            if following not in book.not_negating and found.lemma[k + 1] not in book.not_negating:
                return True
    return False


def kinds_found(book: PhraseBook, found: Words) -> list[Hit]:
    """The hits that count, at most the first of each kind, in reading order."""
    every = hits(book, found)
    unless = [h for h in every if h.kind.startswith("unless:")]
    after = [h for h in every if h.kind == "after"]
    ironic = [(h.start, h.end + IRONY_REACH) for h in every if h.kind == "irony"]
    kept: dict[str, Hit] = {}
    for hit in sorted(every, key=lambda h: (h.start, -h.end)):
        if hit.kind not in CUES and hit.kind not in FLAGS or hit.kind in kept:
            continue
        if hit.kind in CUES and any(start <= hit.start < end for start, end in ironic):
            continue
        if any(u.kind == "unless:" + hit.kind and u.start < hit.end and hit.start < u.end for u in unless):
            continue
        if hit.negatable and (negated(book, found, hit.start) or any(
                hit.end <= a.start <= hit.end + AFTER_REACH and found.clause[a.start] == found.clause[hit.start]
                for a in after)):
            continue
        kept[hit.kind] = hit
    for flag, answers in SILENCED_BY.items():
        if flag in kept and any(a in kept for a in answers):
            del kept[flag]
    return sorted(kept.values(), key=lambda h: h.start)

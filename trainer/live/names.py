"""Player names: what is shown, and what makes two names the same person.

A name is shown as typed, less what can hide or reorder text: control and
format characters (zero-width spaces, right-to-left overrides) go, and
NFKC folds look-alike forms (fullwidth letters, ligatures) into plain ones.

Two names are the same in a room when their *skeletons* match: case
folded, and every character replaced by the representative of the
characters it can be mistaken for (Unicode's confusables, UTS #39, from
the confusable_homoglyphs package). So "Аna" with a Cyrillic А, or "Ana"
with a zero-width space inside, is refused while an "Ana" is playing, and
all-Cyrillic "Анна" stays a name of its own.
"""

from __future__ import annotations

import unicodedata
from functools import cache

from confusable_homoglyphs import utils as confusable_data

from .. import game

NAME_MAX = 24
# Kept inside a name: joiners some scripts and emoji need to render right.
_KEPT_FORMAT = {"\u200c", "\u200d"}


def clean_name(raw: str) -> str:
    """The name to show, or RuleError name_blank / name_too_long."""
    visible = "".join(
        ch for ch in unicodedata.normalize("NFKC", raw)
        if ch in _KEPT_FORMAT or unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs")
    )
    name = " ".join(visible.split())
    if not name:
        raise game.RuleError("name_blank")
    if len(name) > NAME_MAX:
        raise game.RuleError("name_too_long", limit=NAME_MAX)
    return name


@cache
def _representatives() -> dict[str, str]:
    """Character → the one that stands for everything it can be confused with.

    Read once from the package's data; only the single characters are kept
    (a few megabytes less than the package's own tables).
    """
    table: dict[str, str] = {}
    for char, homoglyphs in confusable_data.load("confusables.json").items():
        if len(char) != 1:
            continue
        alike = [char, *(h["c"] for h in homoglyphs if len(h["c"]) == 1)]
        table[char] = min(alike)
    return table


def name_key(name: str) -> str:
    """The skeleton two names share when a reader could take one for the other."""
    table = _representatives()
    visible = [ch for ch in unicodedata.normalize("NFKC", name) if unicodedata.category(ch) != "Cf"]
    # Capitals first (Greek Ν reads as N), then again once folded (Cyrillic а reads as a).
    skeleton = "".join(table.get(ch, ch) for ch in visible).casefold()
    return "".join(table.get(ch, ch) for ch in skeleton)

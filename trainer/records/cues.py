"""Service cues as records show them: chips, a line per round, CSV columns, a member's rates.

A reply's cues were found when it was sent and are stored on it
(``coaching.phrases``); nothing here finds them again. Cues are hints for
a debrief, never scores: no count here changes a point.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..coaching import cues as rules
from ..coaching.phrases import LABELS
from ..coaching.summary import counts, round_line  # noqa: F401  (records' names for them)


@dataclass(frozen=True)
class Chip:
    kind: str
    label: str
    flag: bool


def chips(found: dict | None) -> list[Chip]:
    """A reply's cues, then its flags, each with its label in the reader's language."""
    if not found:
        return []
    return [Chip(k, str(LABELS[k]), False) for k in found.get("cues", []) if k in LABELS] + [
        Chip(k, str(LABELS[k]), True) for k in found.get("flags", []) if k in LABELS
    ]


CSV_HEADER = [f"cue: {kind}" for kind in rules.KINDS]


def csv_cells(found: dict | None) -> list[str]:
    """One cell per cue and flag: yes, no, or blank when none were looked for."""
    if found is None:
        return ["" for _ in rules.KINDS]
    present = set(found.get("cues", [])) | set(found.get("flags", []))
    return ["yes" if kind in present else "no" for kind in rules.KINDS]

"""A round's service cues summed in one sentence, and the counts behind it.

Shared by the projector's debrief (trainer/live) and the records (reports,
a member's page): both read the cues stored on each reply.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from flask_babel import ngettext

from . import cues as rules


def _part(kind: str, count: int) -> str:
    # One sentence part per cue: its form follows the number of replies that carried it.
    parts = {
        "empathy": ngettext("%(num)s named the customer’s feeling", "%(num)s named the customer’s feeling", count),
        "apology": ngettext("%(num)s apologised or took ownership", "%(num)s apologised or took ownership", count),
        "next_step": ngettext("%(num)s offered a next step", "%(num)s offered a next step", count),
        "beyond": ngettext("%(num)s offered a little extra", "%(num)s offered a little extra", count),
        "thanks": ngettext("%(num)s thanked the customer", "%(num)s thanked the customer", count),
        "refusal": ngettext("%(num)s deflected", "%(num)s deflected", count),
        "blame": ngettext("%(num)s blamed the customer", "%(num)s blamed the customer", count),
        "policy": ngettext("%(num)s hid behind a rule", "%(num)s hid behind a rule", count),
    }
    return parts[kind]


def counts(found: Iterable[dict | None]) -> tuple[int, Counter[str]]:
    """(replies looked at, how many carried each cue or flag)."""
    total, carried = 0, Counter()
    for entry in found:
        if entry is None:
            continue
        total += 1
        carried.update(entry.get("cues", []))
        carried.update(entry.get("flags", []))
    return total, carried


def round_line(found: Iterable[dict | None]) -> str:
    """"Of 12 replies: 7 offered a next step, 2 deflected." — empty if no reply was looked at."""
    total, carried = counts(found)
    if not total:
        return ""
    parts = [_part(kind, carried[kind]) for kind in rules.KINDS if carried[kind]]
    head = ngettext("Of %(num)s reply:", "Of %(num)s replies:", total)
    if not parts:
        return head + " " + ngettext("it carried no cue.", "none carried a cue.", total)
    return head + " " + ", ".join(parts) + "."

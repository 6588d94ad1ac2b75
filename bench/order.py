"""What each phone saw of the session: phase changes it missed, versions that came late.

Every ``snapshot`` and ``timer`` carries the session's clock ``version``,
bumped by each phase or timer change. With several workers two changes can
cross in Redis; a phone draws only a version at least as new as the last one
it drew. Here we count, per phone, each phase change the session went through
(as its projector saw it) after the phone's first snapshot that the phone
never received, and each payload whose version was lower than one it had
already received. Both should be zero.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

SHOWN = 10  # examples kept in the results


def went_through(host_phases: list[tuple[int, str, int]]) -> dict[tuple[int, str], int]:
    """The projector's (round, phase) → the version it first arrived with."""
    first: dict[tuple[int, str], int] = {}
    for round_no, phase, version in host_phases:
        first.setdefault((round_no, phase), version)
    return first


def check(phones: list[dict[str, Any]], sessions: dict[str, dict[tuple[int, str], int]]) -> dict[str, Any]:
    """Per phone: changes it never saw, and payloads older than one it had."""
    lost = phones_lost = late = phones_late = checked = 0
    examples: list[str] = []
    for phone in phones:
        if not phone["seen"]:
            continue  # never connected: counted as a failed join
        checked += 1
        start = phone["seen"][0][2]
        saw = {(round_no, phase) for round_no, phase, _ in phone["seen"]}
        missed = [f"{phase} {round_no}" for (round_no, phase), version in sessions.get(phone["code"], {}).items()
                  if version > start and (round_no, phase) not in saw]
        lost += len(missed)
        phones_lost += bool(missed)
        late += phone["backwards"]
        phones_late += bool(phone["backwards"])
        if (missed or phone["backwards"]) and len(examples) < SHOWN:
            examples.append(f"{phone['name']} ({phone['code']}, {phone['worker'] or 'direct'}): "
                            f"missed {missed}, {phone['backwards']} older version(s) after newer")
    return {"phones_checked": checked, "lost": lost, "phones_lost": phones_lost,
            "out_of_order": late, "phones_out_of_order": phones_late, "examples": examples}


def spread(phones: list[dict[str, Any]]) -> dict[str, int]:
    """Phones per worker, as nginx named it on each phone's join answer."""
    return dict(sorted(Counter(phone["worker"] for phone in phones if phone["worker"]).items()))


def rows(figures: dict[str, Any], indent: str = "") -> list[tuple[str, str, str]]:
    """Table rows: lost and late phase changes, each target 0."""
    found = figures["phase_order"]
    return [
        (f"{indent}phase changes lost (phones with any)", f"{found['lost']} ({found['phones_lost']} of "
         f"{found['phones_checked']:,})", "0"),
        (f"{indent}versions out of order (phones with any)", f"{found['out_of_order']} "
         f"({found['phones_out_of_order']})", "0"),
    ]

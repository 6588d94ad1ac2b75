"""Row ids typed into URLs and forms, read without trusting them."""

from __future__ import annotations

# The largest id any database here stores (a signed 64-bit integer).
MAX_ID = 2**63 - 1


def row_id(raw: object) -> int | None:
    """A positive id from text, or None: plain ASCII digits that fit a database integer.

    ``"²".isdigit()`` is true and ``int("²")`` fails; twenty nines overflow SQLite.
    """
    if not isinstance(raw, str) or not raw.isascii() or not raw.isdigit() or len(raw) > 19:
        return None
    number = int(raw)
    return number if 0 < number <= MAX_ID else None

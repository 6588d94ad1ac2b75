"""Small typed schemas for every Socket.IO payload, checked at the edge.

A payload is a JSON object; each schema is a frozen dataclass whose fields
say the expected type. Anything else (a list, a string, a bool where a number
belongs, a missing field, a string the size of a novel) is refused before it
reaches the game.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, TypeVar, get_type_hints

# Longer than any legitimate field (a reply is at most 600 characters) but
# small enough that nobody can make the server chew on megabytes.
MAX_STRING = 2000
MAX_INT = 2**31 - 1

T = TypeVar("T")


class PayloadError(ValueError):
    def __init__(self, field: str | None = None) -> None:
        super().__init__(field or "payload")
        self.field = field


def parse(schema: type[T], payload: Any) -> T:
    if payload is None:
        payload = {}
    if not isinstance(payload, dict):
        raise PayloadError()
    hints, fields = _shape(schema)
    values: dict[str, Any] = {}
    for field in fields:
        if field.name not in payload:
            if field.default is not dataclasses.MISSING:
                continue
            raise PayloadError(field.name)
        values[field.name] = _check(field.name, hints[field.name], payload[field.name])
    return schema(**values)


@functools.cache
def _shape(schema: type) -> tuple[dict[str, Any], tuple[dataclasses.Field, ...]]:
    """Resolved once per schema: every socket event is parsed, hundreds a second."""
    return get_type_hints(schema), dataclasses.fields(schema)  # type: ignore[arg-type]


def _check(name: str, expected: type, value: Any) -> Any:
    if expected is int:
        # bool is an int in Python, never in a payload.
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_INT:
            raise PayloadError(name)
    elif expected is str:
        if not isinstance(value, str) or len(value) > MAX_STRING:
            raise PayloadError(name)
    return value


@dataclass(frozen=True)
class Empty:
    pass


@dataclass(frozen=True)
class Text:
    round: int
    text: str


@dataclass(frozen=True)
class ReplyRef:
    reply_id: int


@dataclass(frozen=True)
class PlayerRef:
    player_id: int


@dataclass(frozen=True)
class Extend:
    seconds: int = 60


@dataclass(frozen=True)
class HostAuth:
    code: str
    host_token: str


@dataclass(frozen=True)
class PlayerAuth:
    token: str

"""Small typed schemas for every Socket.IO payload, checked at the edge.

A payload is a JSON object; each schema is a frozen dataclass whose fields
say the expected type. Anything else (a list, a string, a bool where a number
belongs, a missing field, a string the size of a novel) is refused before it
reaches the game.
"""

from __future__ import annotations

import dataclasses
import functools
import types
from dataclasses import dataclass, field
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

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
    for spec in fields:
        if spec.name not in payload:
            if spec.default is not dataclasses.MISSING:
                continue
            raise PayloadError(spec.name)
        value = _check(spec.name, hints[spec.name], payload[spec.name])
        if isinstance(value, str) and len(value) > spec.metadata.get("max", MAX_STRING):
            raise PayloadError(spec.name)
        values[spec.name] = value
    return schema(**values)


@functools.cache
def _shape(schema: type) -> tuple[dict[str, Any], tuple[dataclasses.Field, ...]]:
    """Resolved once per schema: every socket event is parsed, hundreds a second."""
    return get_type_hints(schema), dataclasses.fields(schema)  # type: ignore[arg-type]


def _check(name: str, expected: Any, value: Any) -> Any:
    if get_origin(expected) in (Union, types.UnionType):
        # Optional fields: ``str | None`` accepts null or a valid str.
        if value is None and type(None) in get_args(expected):
            return None
        expected = next(arg for arg in get_args(expected) if arg is not type(None))
    if expected is bool:
        if not isinstance(value, bool):
            raise PayloadError(name)
    elif expected is int:
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


# Client-made request ids make retries after a lost ack harmless.
REQUEST_ID_MAX = 64


@dataclass(frozen=True)
class ReplyRef:
    reply_id: int
    request_id: str | None = field(default=None, metadata={"max": REQUEST_ID_MAX})
    # Which service criterion an award is for (awards sessions only).
    criterion: int | None = None


@dataclass(frozen=True)
class SetMode:
    mode: str = field(metadata={"max": 16})
    # Same card: the trainer's pick; None lets it be dealt.
    card_id: int | None = None


@dataclass(frozen=True)
class Pin:
    reply_id: int
    pinned: bool = True


@dataclass(frozen=True)
class StarRef:
    reply_id: int
    starred: bool = True


@dataclass(frozen=True)
class Takeaway:
    text: str = field(metadata={"max": 400})


@dataclass(frozen=True)
class HideReply:
    reply_id: int
    hidden: bool = True


@dataclass(frozen=True)
class Lock:
    locked: bool


@dataclass(frozen=True)
class PlayerRef:
    player_id: int


@dataclass(frozen=True)
class Extend:
    seconds: int = 60


@dataclass(frozen=True)
class PlayerAuth:
    token: str
    # The phone page's language; unknown codes are ignored, not refused.
    lang: str = field(default="", metadata={"max": 8})

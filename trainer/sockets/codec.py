"""How Socket.IO packets are written: orjson, UTF-8 as it is.

python-socketio writes every packet with the standard library's ``json``,
which spells each letter outside ASCII as ``\\uXXXX``: a ballot of Russian,
Ukrainian or Greek replies went out two to three times its size, to every
phone of the room, on office Wi-Fi. orjson writes the letters as they are
and encodes a phone's snapshot about ten times quicker, which at a phase
change is a thousand snapshots.

Incoming packets are still read by the standard library: they are small,
and its reading of odd input (huge integers, NaN) is what the event
validation was written and tested against.

``Packet`` is the packet class the server builds every outgoing packet
with: python-socketio's own, without its search for bytes to send as
binary attachments, which walked every value of every snapshot, and
which refuses client events named as the library's own (``connect``).
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from socketio import packet

_OPTIONS = orjson.OPT_NON_STR_KEYS  # {player id: …} as the standard library writes it: keys become strings


def _default(value: Any) -> Any:
    # The standard library writes any tuple as a list, named ones included; orjson only plain ones.
    if isinstance(value, tuple):
        return list(value)
    raise TypeError  # orjson names the type in its own message


def dumps(value: Any, **_options: Any) -> str:
    """python-socketio asks for compact separators; orjson writes nothing else."""
    try:
        return orjson.dumps(value, default=_default, option=_OPTIONS).decode()
    except orjson.JSONEncodeError:
        # What orjson refuses and the standard library writes (an integer past
        # 64 bits that someone typed, echoed in an answer): written as before.
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


loads = json.loads


# python-socketio hands a client's event called "connect" or "disconnect" to
# the same handlers as a real (dis)connection: a phone could re-run the
# connect handler or pass itself off as gone, and both slipped the event
# limit. Such events, and events with no name at all, reach the namespace
# under this name instead, which no handler has: they are counted and refused.
REFUSED_EVENT = "refused-event"
RESERVED_EVENTS = frozenset({"connect", "connect_error", "disconnect", "newListener", "removeListener"})


def _named_safely(data: Any) -> Any:
    if isinstance(data, list) and data and isinstance(data[0], str) and data[0] not in RESERVED_EVENTS:
        return data
    return [REFUSED_EVENT]


class Packet(packet.Packet):
    """python-socketio's packet, for a server that only ever sends JSON.

    Before writing a packet, python-socketio looks through all of its data
    for ``bytes`` to send as binary attachments: at a phase change that is
    every value of a thousand snapshots, 28 µs for a phone's ballot against
    2 µs to encode it, a quarter of the voting phase change. Too Sandy never
    sends bytes (``dumps`` refuses them with the standard library's
    TypeError), so the search is skipped. Binary packets *from* a client
    are still read as before: reading never used the search.
    """

    uses_binary_events = False

    def decode(self, encoded_packet: Any) -> int:
        attachments = super().decode(encoded_packet)
        if self.packet_type == packet.EVENT:
            self.data = _named_safely(self.data)
        return attachments

    def add_attachment(self, attachment: Any) -> bool:
        # A binary event's name may itself be an attachment: checked once it is whole.
        whole = super().add_attachment(attachment)
        if whole and self.packet_type == packet.BINARY_EVENT:
            self.data = _named_safely(self.data)
        return whole

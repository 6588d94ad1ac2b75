"""The trainer's side of a bench session: create it, then drive the projector.

``open_session`` is the one place that knows how a host gets its credential
(today: POST /host/new, whose redirect lands on the projector page that
carries the host token). If host sign-in changes, adapt it here.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

import aiohttp
import socketio

DECK = re.compile(r'name="deck" value="(\d+)"')
TOKEN = re.compile(r'data-code="([A-Z0-9]+)" data-host-token="([^"]+)"')


async def open_session(
    url: str, *, rounds: int = 1, writing_minutes: int = 2, voting_seconds: int = 90
) -> tuple[str, str]:
    """Create a session as the set-up page does; returns (room code, host token)."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async with http.get(f"{url}/host/new") as page:
            deck = DECK.search(await page.text())
        if deck is None:
            raise RuntimeError("no deck offered on /host/new")
        form = {
            "deck": deck.group(1), "writing_minutes": str(writing_minutes),
            "voting_seconds": str(voting_seconds), "rounds_total": str(rounds),
        }
        async with http.post(f"{url}/host/new", data=form) as projector:
            found = TOKEN.search(await projector.text())
    if found is None:
        raise RuntimeError("the projector page carried no host token")
    return found.group(1), found.group(2)


class Host:
    """A projector socket that remembers the phases it has seen."""

    def __init__(self, url: str, code: str, token: str) -> None:
        self.url, self.code, self.token = url, code, token
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.seen: dict[str, asyncio.Event] = {}
        self.joined = 0
        self.sio.on("snapshot", self._snapshot, namespace="/host")
        self.sio.on("player_joined", self._joined, namespace="/host")

    def _event(self, phase: str) -> asyncio.Event:
        return self.seen.setdefault(phase, asyncio.Event())

    async def _snapshot(self, snap: dict[str, Any]) -> None:
        self._event(snap["phase"]).set()

    async def _joined(self, _data) -> None:
        self.joined += 1

    async def connect(self) -> Host:
        await self.sio.connect(
            self.url, auth={"code": self.code, "host_token": self.token},
            namespaces=["/host"], transports=["websocket"], wait_timeout=30,
        )
        return self

    async def command(self, event: str) -> dict[str, Any]:
        answer = await self.sio.call(event, {}, namespace="/host", timeout=120)
        if not answer.get("ok"):
            raise RuntimeError(f"host {event}: {answer}")
        return answer

    async def until(self, phase: str, timeout: float) -> None:
        await asyncio.wait_for(self._event(phase).wait(), timeout)

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()

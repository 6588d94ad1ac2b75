"""The trainer's side of a bench session: create it, then drive the projector.

``open_session`` is the one place that knows how a host gets its credential:
the trainer signs in (the bench server is given the account ``BENCH_TRAINER``
before it starts), creates the session with the set-up form, and the
projector's socket is authenticated by that sign-in cookie.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

import aiohttp
import socketio

DECK = re.compile(r'name="deck" value="(\d+)"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CODE = re.compile(r'data-code="([A-Z0-9]+)"')
BENCH_TRAINER = ("bench", "bench password, loopback only")


async def _form(http: aiohttp.ClientSession, url: str, data: dict[str, str]) -> str:
    """GET a form for its CSRF token, then POST it; returns the page it lands on."""
    async with http.get(url) as page:
        token = CSRF.search(await page.text())
    if token is None:
        raise RuntimeError(f"no CSRF token on {url}")
    async with http.post(url, data={**data, "csrf_token": token.group(1)}) as answer:
        return await answer.text()


async def open_session(
    url: str, *, rounds: int = 1, writing_minutes: int = 2, voting_seconds: int = 90,
    mode: str = "own_card", voting: str = "votes",
) -> tuple[str, str]:
    """Sign in and create a session as a trainer does; returns (room code, cookie header)."""
    jar = aiohttp.CookieJar(unsafe=True)
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        await _form(http, f"{url}/login", {"username": BENCH_TRAINER[0], "password": BENCH_TRAINER[1]})
        async with http.get(f"{url}/host/new") as page:
            deck = DECK.search(await page.text())
        if deck is None:
            raise RuntimeError("no deck offered on /host/new (is the bench trainer signed in?)")
        projector = await _form(http, f"{url}/host/new", {
            "deck": deck.group(1), "writing_minutes": str(writing_minutes),
            "voting_seconds": str(voting_seconds), "rounds_total": str(rounds),
            "mode": mode, "voting": voting,
        })
        cookie = "; ".join(f"{c.key}={c.value}" for c in jar)
    found = CODE.search(projector)
    if found is None:
        raise RuntimeError("creating the session did not reach the projector page")
    return found.group(1), cookie


class Host:
    """A projector socket that remembers the phases it has seen."""

    def __init__(self, url: str, code: str, cookie: str) -> None:
        self.url, self.code, self.cookie = url, code, cookie
        self.sio = socketio.AsyncClient(reconnection=False, handle_sigint=False)
        self.seen: dict[str, asyncio.Event] = {}
        # (round, phase, version) of every snapshot: what the session went through.
        self.phases: list[tuple[int, str, int]] = []
        self.joined = 0
        # When the trainer clicked for each phase (ms since the epoch), to time it to each phone.
        self.clicked: dict[str, float] = {}
        self._everyone: tuple[int, asyncio.Event] | None = None
        self.sio.on("snapshot", self._snapshot, namespace="/host")
        self.sio.on("player_joined", self._joined, namespace="/host")

    def _event(self, phase: str) -> asyncio.Event:
        return self.seen.setdefault(phase, asyncio.Event())

    async def _snapshot(self, snap: dict[str, Any]) -> None:
        self.phases.append((snap["round"], snap["phase"], snap["version"]))
        self._event(snap["phase"]).set()

    async def _joined(self, _data) -> None:
        self.joined += 1
        if self._everyone is not None and self.joined >= self._everyone[0]:
            self._everyone[1].set()

    async def until_joined(self, count: int, timeout: float) -> bool:
        """Until the projector has shown ``count`` players join, as a trainer waits for a full lobby;
        False when it has not within ``timeout`` (a phone that failed to join is counted elsewhere)."""
        self._everyone = (count, asyncio.Event())
        if self.joined >= count:
            return True
        try:
            await asyncio.wait_for(self._everyone[1].wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def connect(self) -> Host:
        await self.sio.connect(
            self.url, auth={"code": self.code}, headers={"Cookie": self.cookie},
            namespaces=["/host"], transports=["websocket"], wait_timeout=30,
        )
        return self

    async def command(self, event: str) -> dict[str, Any]:
        answer = await self.sio.call(event, {}, namespace="/host", timeout=120)
        if not answer.get("ok"):
            raise RuntimeError(f"host {event}: {answer}")
        return answer

    async def click(self, event: str, phase: str) -> dict[str, Any]:
        """``event`` as the trainer's click that moves the room to ``phase``, timed."""
        self.clicked[phase] = time.time() * 1000
        return await self.command(event)

    async def until(self, phase: str, timeout: float) -> None:
        await asyncio.wait_for(self._event(phase).wait(), timeout)

    async def close(self) -> None:
        if self.sio.connected:
            await self.sio.disconnect()

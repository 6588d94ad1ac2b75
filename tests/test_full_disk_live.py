"""A disk that really fills up under the live server, with a real phone.

The server's database lives on a small tmpfs volume of its own; the test
fills the volume to the last byte while a player is writing, the player
keeps typing and presses Send, then the space comes back. The phone must
have said, in its own language, that the reply is kept and will be resent;
the projector must have shown one line; the log must say what to free; and
once space returns the reply must reach the database with nothing missing,
without the player touching anything.
"""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from browser import Watched
from live import TRAINER, LiveServer, sign_in

pytestmark = [pytest.mark.live, pytest.mark.browser]

KEPT = {
    "en": "Your reply is kept on this phone",
    "ru": "Ваш ответ остаётся на этом телефоне",
    "uk": "Ваша відповідь залишається на цьому телефоні",
    "el": "Η απάντησή σας μένει σε αυτό το κινητό",
}
BEFORE = "We are sorry the sand got everywhere."
DURING = " A beach towel and a free drink are on their way to you."


@pytest.fixture
def small_volume(tmp_path):
    """A 24 MB tmpfs volume, unmounted afterwards."""
    volume = tmp_path / "volume"
    volume.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(volume)],
                             capture_output=True, text=True)
    if mounted.returncode:
        pytest.fail(f"this test mounts a small tmpfs volume and needs root: {mounted.stderr.strip()}")
    try:
        yield volume
    finally:
        subprocess.run(["umount", "-l", str(volume)], check=False)


def fill(volume: Path) -> Path:
    """Write a file until the volume has no byte left."""
    filler = volume / "filler"
    chunk = b"\0" * (1 << 16)
    with filler.open("wb", buffering=0) as out:
        try:
            while True:
                out.write(chunk)
        except OSError:
            pass
    with filler.open("ab", buffering=0) as out:  # the last partial chunk
        try:
            while True:
                out.write(b"\0" * 512)
        except OSError:
            pass
    return filler


def reply_in_database(database: Path) -> tuple[str | None, str | None]:
    with sqlite3.connect(database) as conn:
        return conn.execute("SELECT draft, text FROM reply").fetchone() or (None, None)


def wait_for(check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"still not true after {timeout} s: {check}")


@pytest.mark.parametrize("language", ["en", "ru", "uk", "el"])
def test_a_full_disk_keeps_the_reply_on_the_phone_until_space_returns(small_volume, tmp_path, browser, language):
    database = small_volume / "live.sqlite3"
    server = LiveServer(tmp_path, {
        "TRAINER_DATABASE_URL": f"sqlite:///{database}",
        # Resends land well within the grace before time may be called.
        "TRAINER_STORAGE_SETTLE_SECONDS": "3",
    })
    server.add_user(TRAINER[0], "trainer", TRAINER[1])
    server.start()
    try:
        projector = Watched(browser, "projector", {"width": 1280, "height": 720}, "full-disk")
        host = projector.page
        sign_in(host, server.url, *TRAINER, then=f"/host/new?language={language}")
        host.locator("input[name=writing_minutes]").fill("5")
        host.locator("form button[type=submit]").last.click()
        code = host.locator("#room-code").inner_text().strip()

        phone = Watched(browser, "phone", {"width": 360, "height": 640}, "full-disk")
        phone.page.goto(f"{server.url}/language/{language}?next=/join/{code}")
        phone.page.locator("#join-name").fill("Dana")
        phone.page.locator("#join-form button[type=submit]").click()
        phone.page.locator("#wait-title").wait_for()
        host.locator("#btn-next").click()
        box = phone.page.locator("#reply")
        box.wait_for()
        box.fill(BEFORE)
        wait_for(lambda: reply_in_database(database)[0] == BEFORE)

        # The disk fills up. Empty the write-ahead log first, so the very
        # next write needs space the volume no longer has.
        with sqlite3.connect(database) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        filler = fill(small_volume)
        box.press("End")
        box.type(DURING, delay=5)
        phone.page.locator("#send").click()

        error = phone.page.locator("#writing-error")
        error.wait_for()
        assert KEPT[language] in error.inner_text()
        alert = host.locator("#storage-alert")
        alert.wait_for()
        assert alert.inner_text().strip()
        phone.shot(f"{language}-disk-full")
        projector.shot(f"{language}-disk-full")
        phone.no_sideways_scroll()
        projector.no_scroll_at_all()
        assert reply_in_database(database) == (BEFORE, None)
        log = server.log()
        assert "cannot write: free space on the disk that holds" in log and str(small_volume) in log

        # Space comes back; nobody touches the phone.
        filler.unlink()
        wait_for(lambda: reply_in_database(database)[1] == BEFORE + DURING)
        alert.wait_for(state="hidden")
        error.wait_for(state="hidden")
        # The only player has sent: the round moves on, as on any other day.
        host.locator("#voting-clock").wait_for()
        phone.shot(f"{language}-disk-back")
        assert phone.problems == [] and projector.problems == []
    finally:
        server.stop()
    assert "Traceback" not in server.log(), server.log()

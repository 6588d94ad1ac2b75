"""Player and deck text is inert everywhere: nothing runs, nothing is injected."""

from __future__ import annotations

import pytest
from browser import Watched
from live import TRAINER, LiveServer, sign_in

pytestmark = [pytest.mark.live, pytest.mark.browser]

# Names are at most 24 characters, so theirs are the short classics.
NAMES = ['<svg onload=__xss=1>', '"><img src=x onerror=a>', "<script>__xss=1</script>"]
REPLY = "</p><script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\"> ' onmouseover='__xss=3"
CARDS = [
    "<img src=x onerror=\"window.__xss=4\">The beach is <b>too</b> sandy",
    "\"><svg/onload=window.__xss=5>Fish in the sea",
    "<iframe src=javascript:window.__xss=6></iframe>Soup too thick",
    "<a href=\"javascript:window.__xss=7\">click</a> Jamaica is far",
]
NOTE = "<script>window.__xss=8</script>Acknowledge first."
INJECTED = "#app img:not(.qr), #app svg, #app script, #app iframe, #app a[href^='javascript']"
ADMIN = ("boss", "admin", "another long password")
# On the admin pages nothing comes from players, so any of these is injected.
ADMIN_INJECTED = "main img, main svg, main script, main iframe, main a[href^='javascript']"


def add_hostile_deck(db_url: str) -> None:
    from trainer import create_app
    from trainer.extensions import db
    from trainer.models import Card, Deck

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "SECRET_KEY": "x", "ASYNC_MODE": "threading"})
    with app.app_context():
        db.session.add(Deck(slug="hostile", name="A hostile deck", language="en", description="<b>bold?</b>",
                            cards=[Card(complaint=c, coach_note=NOTE, position=i) for i, c in enumerate(CARDS)]))
        db.session.commit()
        db.engine.dispose()


def assert_inert(watched: Watched) -> None:
    page = watched.page
    assert page.evaluate("window.__xss") is None, f"{watched.name}: script ran"
    assert page.locator(INJECTED).count() == 0, f"{watched.name}: element injected"


def test_hostile_text_stays_text(tmp_path, browser):
    server = LiveServer(tmp_path)
    server.add_user(TRAINER[0], "trainer", TRAINER[1])
    server.add_user(*ADMIN)
    add_hostile_deck(server.env["TRAINER_DATABASE_URL"])
    server.start()
    try:
        projector = Watched(browser, "projector", {"width": 1280, "height": 720}, "xss")
        host = projector.page
        sign_in(host, server.url, *TRAINER, then="/host/new")
        assert host.get_by_text("<b>bold?</b>").count() == 1
        host.get_by_label("Too Sandy starter deck").uncheck()
        host.get_by_label("A hostile deck").check()
        host.get_by_role("button", name="Create session").click()
        code = host.locator("#room-code").inner_text().strip()

        phones = []
        for i, name in enumerate(NAMES):
            phone = Watched(browser, f"phone{i}", {"width": 360, "height": 640}, "xss")
            phone.page.goto(f"{server.url}/join/{code}")
            phone.page.get_by_label("Your name").fill(name)
            phone.page.get_by_role("button", name="Join").click()
            phone.page.get_by_role("heading", name="You're in!").wait_for()
            phones.append(phone)
        for name in NAMES:
            host.locator("#lobby-players").get_by_text(name, exact=True).wait_for()
        everyone = [projector, *phones]
        for watched in everyone:
            assert_inert(watched)

        host.get_by_role("button", name="Start round 1").click()
        for phone in phones:
            card = phone.page.locator("#card-text")
            card.wait_for()
            assert card.inner_text() in CARDS
            phone.page.get_by_label("Your reply").fill(REPLY)
            phone.page.get_by_role("button", name="Send reply").click()
        host.locator("#showcase-reply", has_text="</p><script>").wait_for()
        for phone in phones:
            phone.page.locator(".reply-text").first.wait_for()
            assert phone.page.locator(".reply-text").first.inner_text() == REPLY
        projector.shot("voting")
        phones[0].shot("voting")
        for phone in phones:
            phone.no_sideways_scroll()
        for watched in everyone:
            assert_inert(watched)

        host.get_by_role("button", name="End voting now").click()
        host.get_by_role("heading", name="Leaderboard").wait_for()
        assert host.locator("#result-note").inner_text() == NOTE
        assert host.locator("#result-reply").inner_text() == REPLY
        for name in NAMES:
            assert host.locator("#leaderboard").get_by_text(name, exact=True).count() == 1
        for phone in phones:
            phone.page.locator("#my-note").wait_for()
            assert phone.page.locator("#my-note").inner_text() == NOTE
        projector.shot("results")
        for watched in everyone:
            assert_inert(watched)
            assert watched.problems == []

        # The admin's deck pages show the same hostile text, inert too.
        desk = Watched(browser, "admin", {"width": 1280, "height": 800}, "xss")
        sign_in(desk.page, server.url, ADMIN[0], ADMIN[2], then="/admin/decks")
        desk.page.get_by_role("link", name="A hostile deck").click()
        for card in CARDS:
            assert desk.page.get_by_text(card, exact=True).count() >= 1
        desk.page.get_by_text(NOTE).first.wait_for()
        desk.shot("deck")
        assert desk.page.evaluate("window.__xss") is None
        assert desk.page.locator(ADMIN_INJECTED).count() == 0
        assert desk.problems == []
    finally:
        server.stop()

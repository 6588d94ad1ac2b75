"""A trainer and three phones play a whole three-round session in real Chromium
against the real eventlet server. Screenshots of each phase land in
test-artifacts/session/ for a person to look at."""

from __future__ import annotations

import re

import pytest
from browser import Watched
from live import TRAINER, sign_in

pytestmark = [pytest.mark.live, pytest.mark.browser]

SHOTS = "session"


def join(phone: Watched, base: str, code: str, name: str, *, via_qr_link: bool) -> None:
    page = phone.page
    if via_qr_link:
        page.goto(f"{base}/join/{code}")
        assert page.get_by_label("Room code").input_value() == code
    else:
        page.goto(f"{base}/join")
        page.get_by_label("Room code").fill(code.lower())
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    page.get_by_role("heading", name="You're in!").wait_for()


def vote_for_two(phone: Watched, *, last_voter: bool) -> None:
    page = phone.page
    page.get_by_role("heading", name="Vote for the best replies").wait_for()
    buttons = page.get_by_role("button", name="Vote", exact=True)
    assert buttons.count() == 2, "three players: two replies on every ballot"
    buttons.first.click()
    page.get_by_text("1 of 2 votes left").wait_for()
    page.get_by_role("button", name="Vote", exact=True).first.click()
    # The last vote of the room ends voting at once.
    page.get_by_text("points this round" if last_voter else "0 of 2 votes left").wait_for()


@pytest.mark.parametrize(
    "projector_size", [{"width": 1280, "height": 720}, {"width": 1920, "height": 1080}], ids=["720p", "1080p"]
)
def test_three_round_session_in_real_browsers(live_server, browser, projector_size):
    server = live_server
    projector = Watched(browser, f"projector-{projector_size['height']}p", projector_size, SHOTS)
    names = ["Ana", "Bohdan", "<img src=x onerror=f()>"]
    phones = [Watched(browser, f"phone{i + 1}", {"width": 360, "height": 640}, SHOTS) for i in range(3)]
    host = projector.page

    sign_in(host, server.url, *TRAINER, then="/host/new")
    host.get_by_label("Writing time (minutes)").fill("1")
    host.get_by_role("button", name="Create session").click()
    code = host.locator("#room-code").inner_text().strip()
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{6}", code)
    assert host.locator("#join-url").inner_text() == f"{server.url}/join"
    assert host.locator("img.qr").get_attribute("alt") == f"QR code that opens {server.url}/join/{code}"
    qr = host.get_by_role("img", name=re.compile("QR code"))
    qr.wait_for()
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")

    for i, (phone, name) in enumerate(zip(phones, names, strict=True)):
        join(phone, server.url, code, name, via_qr_link=i != 1)
    # Someone joins by mistake; the trainer removes them (two clicks, no dialog).
    spare = Watched(browser, "spare", {"width": 360, "height": 640}, SHOTS)
    join(spare, server.url, code, "Spare", via_qr_link=True)
    host.get_by_text("4 players").wait_for()
    remove = host.get_by_role("button", name="Remove Spare?")
    remove.click()
    remove.click()
    spare.page.get_by_text("The trainer removed you from this session.").wait_for()
    assert spare.page.get_by_label("Your name").is_visible()
    spare.context.close()
    host.get_by_text("3 players").wait_for()
    # A name full of markup is shown as text: no image element was injected.
    assert host.locator("#lobby-players img").count() == 0
    assert host.locator("#lobby-players").get_by_text(names[2], exact=True).count() == 1
    projector.shot("1-lobby")
    phones[0].shot("1-lobby")
    projector.no_scroll_at_all()

    for round_no in (1, 2, 3):
        button = "Start round 1" if round_no == 1 else "Next round"
        host.get_by_role("button", name=button).click()
        host.get_by_text(f"Round {round_no} of 3").wait_for()
        host.get_by_text("0 of 3 submitted").wait_for()
        if round_no == 2:
            # The trainer's laptop reloads the projector mid-round: it carries on.
            host.reload()
            host.get_by_text("Round 2 of 3").wait_for()
            host.get_by_text("0 of 3 submitted").wait_for()
        cards = []
        for phone in phones:
            phone.page.get_by_label("Your reply").wait_for()
            cards.append(phone.page.locator("#card-text").inner_text())
        assert len(set(cards)) == 3, "everyone gets a different card"

        for i, phone in enumerate(phones):
            box = phone.page.get_by_label("Your reply")
            box.fill(f"Round {round_no}: dear guest, reply {i + 1}. We hear you.")
        first = phones[0].page
        first.get_by_text("Draft saved").wait_for()
        if round_no == 1:
            phones[0].shot("2-writing")
            projector.no_scroll_at_all()
            phones[0].no_sideways_scroll()
            # A reload (or a phone that slept) comes back to the same card and text.
            first.reload()
            first.get_by_label("Your reply").wait_for()
            assert first.locator("#card-text").inner_text() == cards[0]
            assert first.get_by_label("Your reply").input_value().startswith("Round 1: dear guest, reply 1")
        for i, phone in enumerate(phones):
            phone.page.get_by_role("button", name="Send reply").click()
            if i == 1 and round_no == 1:
                host.get_by_text("2 of 3 submitted").wait_for()
                projector.shot("2-writing")
                phone.page.get_by_text("Sent.").wait_for()
                phone.shot("2-sent")

        host.locator("#showcase-counter", has_text="Reply 1 of 3").wait_for()
        if round_no == 1:
            projector.shot("3-voting")
            projector.no_scroll_at_all()
        for i, phone in enumerate(phones):
            vote_for_two(phone, last_voter=i == 2)
            if i == 0 and round_no == 1:
                phone.shot("3-voting")
                phone.no_sideways_scroll()

        host.get_by_role("heading", name="Leaderboard").wait_for()
        assert host.locator("#leaderboard li").count() == 3
        for phone in phones:
            phone.page.get_by_text("points this round").wait_for()
        if round_no == 1:
            projector.shot("4-results")
            projector.no_scroll_at_all()
            phones[2].shot("4-results")

    host.get_by_role("button", name="Final podium").click()
    host.get_by_role("heading", name="Final podium").wait_for()
    assert host.locator("#podium li").count() == 3
    for phone in phones:
        phone.page.get_by_role("heading", name="That's the end!").wait_for()
    # Six votes a round, 100 points each, three rounds.
    total = sum(int(s) for s in host.locator("#leaderboard .score").all_inner_texts())
    assert total == 3 * 6 * 100
    projector.shot("5-podium")
    phones[0].shot("5-podium")

    everyone = [projector, *phones]
    assert [p for w in everyone for p in w.problems] == []
    for watched in everyone:
        assert watched.page.evaluate("window.__xss === undefined")
        watched.context.close()

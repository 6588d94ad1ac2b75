"""One round in each game mode with service awards, in real Chromium against the
real eventlet server: a projector at 1280×720 and phones at 360×640. The
Monday preset starts it; round 1 is one card for the room, round 2 duels,
round 3 everyone's own card, left to run out so the time's-up chime plays and
the drafts nobody sent still count. Screenshots of every new screen land in
test-artifacts/modes/ for a person to look at."""

from __future__ import annotations

import pytest
from browser import Watched
from live import TRAINER, sign_in
from playwright.sync_api import expect

pytestmark = [pytest.mark.live, pytest.mark.browser]

SHOTS = "modes"
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 360, "height": 640}


def join(phone: Watched, base: str, code: str, name: str) -> None:
    page = phone.page
    page.goto(f"{base}/join/{code}")
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join").click()
    page.locator("#who", has_text=name).wait_for()


def write(phones: list[Watched], round_no: int, *, send: bool = True) -> None:
    for i, phone in enumerate(phones):
        phone.page.get_by_label("Your reply").wait_for()
        phone.page.get_by_label("Your reply").fill(
            f"Round {round_no}, reply {i + 1}: I'm so sorry the sand got everywhere. "
            "A free beach mat is waiting at the desk."
        )
    for phone in phones:
        phone.page.get_by_text("Draft saved").wait_for()
        if send:
            phone.page.get_by_role("button", name="Send reply").click()


def award(page, reply_index: int, criterion: str) -> None:
    """Tap an award button on the reply at ``reply_index`` of the ballot."""
    item = page.locator(".ballot-item").nth(reply_index)
    item.get_by_role("button", name=criterion, exact=True).click()
    item.get_by_role("button", name=f"✓ {criterion}").wait_for()


def test_one_round_in_each_mode_with_service_awards(live_server, browser):
    server = live_server
    projector = Watched(browser, "projector", PROJECTOR, SHOTS)
    host = projector.page
    phones = [Watched(browser, f"phone{i + 1}", PHONE, SHOTS) for i in range(3)]

    # --- the Monday preset fills the form --------------------------------------------
    sign_in(host, server.url, *TRAINER, then="/host/new")
    host.get_by_role("link", name="Monday warm-up").click()
    assert host.get_by_role("radio", name="Same card").is_checked() and host.get_by_label("Service awards").is_checked()
    assert host.get_by_label("Writing time (minutes)").input_value() == "5"
    projector.shot("1-new-session")
    host.get_by_label("Writing time (minutes)").fill("1")
    host.get_by_label("Rounds").fill("3")
    host.get_by_label("Save these settings as a preset (optional)").fill("Front desk")
    host.get_by_role("button", name="Create session").click()
    code = host.locator("#room-code").inner_text().strip()
    host.locator("#mode-label", has_text="Same card · Service awards").wait_for()
    assert host.locator("#lobby-criteria li").count() == 3

    for phone, name in zip(phones, ["Ana", "Bohdan", "Eleni"], strict=True):
        join(phone, server.url, code, name)
    host.get_by_text("3 players").wait_for()
    # The trainer picks the card the room answers.
    picker = host.locator("#card-select")
    picker.wait_for()
    chosen = picker.locator("option").nth(2)
    complaint = chosen.inner_text()
    picker.select_option(chosen.get_attribute("value"))
    # The projector redraws from the server's answer: the pick stays chosen.
    host.locator("#mode-label").click()  # give the select its focus back to nobody
    expect(picker).to_have_value(chosen.get_attribute("value"))
    projector.shot("2-lobby-same-card")
    projector.no_scroll_at_all()

    # --- round 1: the same card, service awards -----------------------------------------
    host.get_by_role("button", name="Start round 1").click()
    host.get_by_text("0 of 3 submitted").wait_for()
    for phone in phones:
        phone.page.get_by_label("Your reply").wait_for()
        assert phone.page.locator("#card-text").inner_text() == complaint, "the trainer's card, for everyone"
    write(phones, 1)
    host.locator("#showcase-counter", has_text="Reply 1 of 3").wait_for()
    projector.shot("3-voting-same-card")

    for i, phone in enumerate(phones):
        page = phone.page
        page.get_by_role("heading", name="Give your service awards").wait_for()
        assert page.locator("#ballot-complaint").inner_text() == complaint, "the card once, above the replies"
        assert page.locator(".ballot-item .complaint").count() == 0
        assert page.locator("#criteria-legend dt").all_inner_texts() == ["Heard them", "Fixed it", "Won them back"]
        page.get_by_text("2 of 2 awards left").wait_for()
        award(page, 0, "Heard them")
        if i == 0:
            # Giving the same award to the other reply moves it there.
            award(page, 1, "Heard them")
            assert page.locator(".ballot-item").nth(0).get_by_role("button", name="Heard them", exact=True).count()
            page.get_by_text("1 of 2 awards left").wait_for()
            phone.shot("4-awards-ballot")
            phone.no_sideways_scroll()
            award(page, 0, "Fixed it")
        elif i == 1:
            award(page, 1, "Won them back")
        else:
            # The room's last award ends voting at once.
            page.locator(".ballot-item").nth(1).get_by_role("button", name="Won them back", exact=True).click()
    host.locator("#winners-counter", has_text="This round's awards").wait_for()
    assert host.locator(".winner h3").all_inner_texts() == ["Heard them", "Fixed it", "Won them back"]
    host.get_by_role("heading", name="Awards this round").wait_for()
    projector.shot("5-results-awards")
    projector.no_scroll_at_all()
    phones[1].page.get_by_text("Your awards this round").wait_for()
    phones[1].shot("5-results-awards")

    # The debrief: the card, the coach note, the winning replies side by side.
    host.get_by_role("button", name="Debrief").click()
    host.get_by_role("heading", name="What made these replies work?").wait_for()
    assert host.locator(".debrief-card .complaint").inner_text() == complaint
    highlights = host.locator(".highlight")
    assert highlights.count() >= 2
    highlights.first.get_by_role("button", name="Pin as a model answer").click()
    host.locator(".highlight").first.get_by_role("button", name="✓ Model answer").wait_for()
    host.get_by_label("The round's takeaway, in one line").fill("Name the feeling, then hand over the fix.")
    host.get_by_role("button", name="Keep it").click()
    host.get_by_text("Takeaway kept with the session.").wait_for()
    projector.shot("6-debrief")
    projector.no_scroll_at_all()
    host.get_by_role("button", name="Back to results").click()

    # --- round 2: duels (a fourth player joins for them) -------------------------------
    late = Watched(browser, "phone4", PHONE, SHOTS)
    join(late, server.url, code, "Dmytro")
    phones.append(late)
    host.locator("#mode-select").select_option("duels")
    host.locator("#mode-label", has_text="Same card").wait_for()  # this round's mode until the next starts
    host.locator("#card-select").wait_for(state="hidden")
    host.get_by_role("button", name="Next round").click()
    host.locator("#mode-label", has_text="Duels · Service awards").wait_for()
    host.get_by_text("0 of 4 submitted").wait_for()
    write(phones, 2)
    host.locator("#showcase-counter", has_text="Duel 1 of 2").wait_for()
    assert host.locator("#showcase-duel .side").count() == 2
    projector.shot("7-voting-duel")
    projector.no_scroll_at_all()
    for i, phone in enumerate(phones):
        page = phone.page
        page.get_by_role("heading", name="Pick the winner of each duel").wait_for()
        assert page.locator(".duel").count() == 1, "four players: two duels, each phone judges the other one"
        page.get_by_text("3 of 3 awards left").wait_for()
        award(page, 0, "Heard them")
        award(page, 1, "Fixed it")
        if i == 0:
            # In a duel each award goes to one side: giving it to the other side moves it.
            award(page, 0, "Fixed it")
            assert page.locator(".ballot-item").nth(1).get_by_role("button", name="Fixed it", exact=True).count()
            phone.shot("8-duel-ballot")
            phone.no_sideways_scroll()
        page.locator(".ballot-item").nth(0).get_by_role("button", name="Won them back", exact=True).click()
        if i < 3:
            page.get_by_text("0 of 3 awards left").wait_for()
    host.locator("#winners-counter", has_text="This round's awards").wait_for()
    host.get_by_role("button", name="Next reply ▶").click()
    host.locator("#result-badge", has_text="Won the duel").wait_for()
    projector.shot("9-results-duel")
    outcomes = []
    for phone in phones:
        line = phone.page.locator("#duel-line")
        line.wait_for()
        outcomes.append(line.inner_text())
    assert "You won your duel!" in outcomes
    phones[outcomes.index("You won your duel!")].shot("9-results-duel")

    # --- round 3: everyone's own card; time runs out ------------------------------------
    host.locator("#mode-select").select_option("own_card")
    host.get_by_role("button", name="Next round").click()
    host.locator("#mode-label", has_text="Own card · Service awards").wait_for()
    # Nobody presses send: at time's up the projector chimes and the drafts count.
    write(phones, 3, send=False)
    assert host.evaluate("import(document.querySelector('script[src$=\"host.js\"]').src.replace('host.js', 'sound.js'))"
                         ".then((m) => [m.chimeFor(61000, 59000), m.chimeFor(1000, 0), m.chimeFor(30000, 29000)])"
                         ) == ["minute", "end", None]
    host.locator("#showcase-counter", has_text="Reply 1 of 4").wait_for(timeout=75_000)
    assert host.evaluate("document.documentElement.dataset.lastChime") == "end"
    for phone in phones:
        phone.page.get_by_role("heading", name="Give your service awards").wait_for()
        count = phone.page.locator(".ballot-item").count()
        assert count == 3
        award(phone.page, 0, "Heard them")
        award(phone.page, 1, "Fixed it")
        phone.page.locator(".ballot-item").nth(2).get_by_role("button", name="Won them back", exact=True).click()
    host.get_by_role("heading", name="Awards this round").wait_for()
    host.get_by_role("button", name="Final podium").click()
    host.get_by_role("heading", name="Final podium").wait_for()
    assert host.locator("#criterion-best li").count() == 3
    projector.shot("10-podium")
    projector.no_scroll_at_all()
    phones[0].page.get_by_role("heading", name="Best at each award").wait_for()
    phones[0].shot("10-podium")

    # The mute toggle is remembered by the projector.
    host.get_by_role("button", name="Sound on").click()
    host.reload()
    host.get_by_role("button", name="Sound off").wait_for()

    # The saved preset is offered next time.
    host.goto(f"{server.url}/host/new")
    host.get_by_role("link", name="Front desk").click()
    assert host.get_by_label("Writing time (minutes)").input_value() == "1"

    everyone = [projector, *phones]
    assert [p for w in everyone for p in w.problems] == []
    for watched in everyone:
        watched.context.close()

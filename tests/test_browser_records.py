"""A session for a team, in real Chromium against the real eventlet server: the
trainer keeps a team, phones pick their names from its roster, two replies are
starred from the projector, then the report, a member's page with its chart,
the library's search, the handout and the printable cards. Screenshots land in
test-artifacts/records/ for a person to look at."""

from __future__ import annotations

import re

import pytest
from browser import Watched
from live import TRAINER, sign_in
from playwright.sync_api import expect

pytestmark = [pytest.mark.live, pytest.mark.browser]

SHOTS = "records"
DESK = {"width": 1280, "height": 720}
PHONE = {"width": 360, "height": 640}


def join_from_roster(phone: Watched, base: str, code: str, *, member: str | None = None, name: str = "",
                     shot: str = "") -> None:
    page = phone.page
    page.goto(f"{base}/join/{code}")
    roster = page.get_by_label("Who are you in Front desk?")
    roster.wait_for()
    if member:
        roster.select_option(label=member)
        expect(page.get_by_label("Your name")).to_be_hidden()
    else:
        roster.select_option(label="I'm not on the list")
        page.get_by_label("Your name").fill(name)
    if shot:
        phone.shot(shot)
        phone.no_sideways_scroll()
    page.get_by_role("button", name="Join").click()
    page.get_by_role("heading", name="You're in!").wait_for()


def test_a_team_session_becomes_a_record(live_server, browser):
    server = live_server
    desk = Watched(browser, "desk", DESK, SHOTS)
    host = desk.page
    phones = [Watched(browser, f"phone{i + 1}", PHONE, SHOTS) for i in range(3)]

    sign_in(host, server.url, *TRAINER, then="/teams")
    host.get_by_label("Name").fill("Front desk")
    host.get_by_role("button", name="Create team").click()
    host.get_by_role("heading", name="Front desk").wait_for()
    host.get_by_label("Add a member").fill("Ana")
    host.get_by_role("button", name="Add", exact=True).click()
    host.get_by_role("link", name="Ana").first.wait_for()
    host.get_by_role("link", name="Host a session for this team").click()
    assert host.locator("select[name=team] option:checked").inner_text() == "Front desk"
    host.get_by_label("Writing time (minutes)").fill("1")
    host.get_by_label("Rounds").fill("1")
    host.get_by_role("button", name="Create session").click()
    code = host.locator("#room-code").inner_text().strip()

    join_from_roster(phones[0], server.url, code, member="Ana", shot="1-join-roster")
    join_from_roster(phones[1], server.url, code, name="Bohdan", shot="1-join-new-name")
    join_from_roster(phones[2], server.url, code, name="Ελένη")
    host.get_by_text("3 players").wait_for()

    host.get_by_role("button", name="Start round 1").click()
    texts = ["I'm so sorry about the sand: a towel is on its way.",
             "Мы уберём песок и принесём полотенце.",
             "Θα σας φέρουμε πετσέτα αμέσως."]
    for phone, text in zip(phones, texts, strict=True):
        phone.page.get_by_label("Your reply").fill(text)
        phone.page.get_by_text("Draft saved").wait_for()
        phone.page.get_by_role("button", name="Send reply").click()
    for i, phone in enumerate(phones):
        page = phone.page
        page.get_by_role("heading", name="Vote for the best replies").wait_for()
        page.get_by_role("button", name="Vote", exact=True).first.click()
        page.get_by_text("1 of 2 votes left").wait_for()
        page.get_by_role("button", name="Vote", exact=True).first.click()
        if i < 2:
            page.get_by_text("0 of 2 votes left").wait_for()
    host.get_by_role("heading", name="Leaderboard").wait_for()

    # Two replies starred from the projector, at the results.
    starred = []
    for _ in range(2):
        host.get_by_role("button", name="☆ Star").click()
        host.get_by_role("button", name="★ In the library").wait_for()
        starred.append(host.locator("#result-reply").inner_text())
        host.get_by_role("button", name="Next reply ▶").click()
    assert len(set(starred)) == 2
    desk.shot("2-results-starred")
    host.get_by_role("button", name="Final podium").click()
    host.get_by_role("heading", name="Final podium").wait_for()

    # The report: every reply with its author, two in the library.
    host.goto(f"{server.url}/host/{code}/report")
    host.get_by_role("heading", name=f"Session {code}").wait_for()
    for text in texts:
        expect(host.get_by_text(text)).to_be_visible()
    assert host.get_by_role("button", name="★ In the library").count() == 2
    assert host.locator("td.who-cell .strong").all_inner_texts().count("Ana") == 1
    desk.shot("3-report")
    desk.no_sideways_scroll()

    # Ana's page: the trend as a chart, the numbers beside it.
    host.goto(f"{server.url}/teams")
    host.get_by_role("link", name="Front desk").click()
    host.get_by_role("heading", name="Roster").wait_for()
    assert host.locator("svg.chart").count() == 1
    desk.shot("4-team")
    host.get_by_role("link", name="Ana").first.click()
    host.get_by_role("heading", name="Ana").wait_for()
    chart = host.locator("svg.chart")
    expect(chart).to_be_visible()
    assert chart.locator("polyline").count() >= 1
    assert host.locator(".progress table tbody tr").count() == 1
    desk.shot("5-member")

    # The library finds a starred reply by a word in it.
    host.goto(f"{server.url}/library")
    word = re.findall(r"\w{5,}", starred[0])[0]
    host.get_by_label("Search").fill(word)
    host.get_by_role("button", name="Search").click()
    expect(host.locator(".entry .reply", has_text=starred[0])).to_be_visible()
    desk.shot("6-library")

    host.goto(f"{server.url}/host/{code}/handout")
    host.get_by_role("heading", name=f"Session {code}").wait_for()
    desk.shot("7-handout")
    host.goto(f"{server.url}/host/new")
    host.get_by_role("link", name="Printable cards").first.click()
    host.locator(".sheet").first.wait_for()
    assert host.locator(".sheet").first.locator(".cut").count() == 8
    desk.shot("8-printable-cards")
    host.emulate_media(media="print")
    desk.shot("8-printable-cards-print")
    host.emulate_media(media="screen")

    # The same pages in Greek and Russian: longer words, other scripts, nothing spills over.
    for language in ("el", "ru"):
        host.goto(f"{server.url}/language/{language}?next=/host/{code}/report")
        host.locator("table.replies").first.wait_for()
        desk.shot(f"10-report-{language}")
        desk.no_sideways_scroll()
        host.goto(f"{server.url}/language/{language}?next=/teams/1")
        host.locator("svg.chart").wait_for()
        desk.shot(f"10-team-{language}")
        desk.no_sideways_scroll()
    host.goto(f"{server.url}/language/en?next=/")

    # Next week: Ana's phone remembers who she is on this team.
    host.goto(f"{server.url}/host/new?team=1")
    host.get_by_role("button", name="Create session").click()
    second = host.locator("#room-code").inner_text().strip()
    phones[0].page.evaluate("localStorage.removeItem('too-sandy:player')")
    phones[0].page.goto(f"{server.url}/join/{second}")
    roster = phones[0].page.get_by_label("Who are you in Front desk?")
    roster.wait_for()
    expect(roster.locator("option:checked")).to_have_text("Ana")
    phones[0].shot("9-join-remembered")

    everyone = [desk, *phones]
    assert [p for w in everyone for p in w.problems] == []
    for watched in everyone:
        watched.context.close()

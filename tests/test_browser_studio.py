"""The deck studio end to end, in real Chromium against the real eventlet
server: the first admin comes from the setup link the server prints, makes
a trainer account and a deck, adds a card by hand and more from a CSV file
(whose bad row the preview shows), then the trainer hosts a session with
that deck and a phone is dealt one of its cards. Screenshots land in
test-artifacts/studio/ for a person to look at."""

from __future__ import annotations

import re

import pytest
from browser import Watched
from live import LiveServer, sign_in

pytestmark = [pytest.mark.live, pytest.mark.browser]

DESK = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 640}
ADMIN = ("anna", "sand in everything")
TRAINER = ("coach", "a long password")
BY_HAND = "The lounge chairs were so comfortable that I missed my flight."
SPREADSHEET = (
    "\ufeffcomplaint;coach_note;theme;difficulty;enabled\r\n"
    "The departure board was in too many languages;Thank them, then help them find their gate;airline;1;yes\r\n"
    "My suitcase came out last although I checked in first;Explain the belt order without blame;airline;2;yes\r\n"
    "The duty-free perfume smelled of perfume;Smile with them, then offer the unscented range;retail;1;yes\r\n"
    "The massage chair was far too relaxing;;spa;1;yes\r\n"
)
GOOD_ROWS = [line.split(";")[0] for line in SPREADSHEET.splitlines()[1:4]]


class Desk(Watched):
    """The admin's screen: whole pages, since desks scroll."""

    def __init__(self, browser, name, viewport):
        super().__init__(browser, name, viewport, "studio")

    def shot(self, label):
        self.shots.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(self.shots / f"{label}.png"), full_page=True)


@pytest.fixture
def server(tmp_path):
    """No accounts at all: the first admin comes from the printed setup link."""
    live = LiveServer(tmp_path).start()
    yield live
    live.stop()
    problems = [line for line in live.log().splitlines() if "Traceback" in line or " ERROR " in line]
    assert not problems, live.log()


def expect_refusal(watched, status: str) -> None:
    """A refused page answers with its status; the browser logs that, as it should."""
    watched.problems.remove(f"{watched.name}: Failed to load resource: the server responded with a status of {status}")


def nav(page, name):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name)


def setup_link(server: LiveServer) -> str:
    found = re.search(r"http://localhost:(\d+)(/setup/\S+)", server.log())
    assert found, f"no setup link printed:\n{server.log()}"
    return server.url + found.group(2)


def test_admin_builds_a_deck_and_a_phone_is_dealt_from_it(server, browser, tmp_path):
    admin = Desk(browser, "admin", DESK)
    page = admin.page

    # First run: the printed link creates the first admin, once.
    link = setup_link(server)
    page.goto(link)
    page.get_by_label("User name").fill(ADMIN[0])
    page.get_by_label("Password (at least 8 characters)").fill(ADMIN[1])
    page.get_by_label("Password again").fill(ADMIN[1])
    page.get_by_role("button", name="Create admin account").click()
    page.get_by_role("heading", name="Decks").wait_for()
    page.get_by_role("button", name="Sign out").click()
    page.goto(link)
    page.get_by_role("heading", name="Not found").wait_for()
    expect_refusal(admin, "404 (NOT FOUND)")

    # The admin signs in and makes the trainer's account.
    page.goto(server.url + "/admin/decks")
    page.get_by_role("heading", name="Sign in").wait_for()
    admin.shot("0-sign-in")
    sign_in(page, server.url, *ADMIN, then="/admin/decks")
    admin.shot("1-decks")
    nav(page, "Accounts").click()
    page.get_by_label("User name").fill(TRAINER[0])
    page.get_by_label("Password (at least 8 characters)").fill(TRAINER[1])
    page.get_by_label("Password again").fill(TRAINER[1])
    page.get_by_role("button", name="Create account").click()
    page.get_by_text(f"Account “{TRAINER[0]}” created.").wait_for()
    admin.shot("2-accounts")

    # A new deck, with one card typed in.
    nav(page, "Decks").click()
    page.get_by_role("link", name="New deck").click()
    page.get_by_label("Name").fill("Airport lounge")
    page.get_by_label("Description (shown when a trainer picks decks)").fill("Travellers between flights.")
    page.get_by_role("button", name="Create deck").click()
    page.get_by_text("Deck “Airport lounge” created. Now add its cards.").wait_for()
    by_hand = page.locator("#add-card")
    by_hand.get_by_label("Complaint (up to 280 characters)").fill(BY_HAND)
    by_hand.get_by_label("Theme").select_option(label="Airline")
    by_hand.get_by_label("Difficulty").select_option("2")
    by_hand.get_by_label("Coach note (up to 500 characters)").fill("Own the comfort, then rebook them kindly.")
    by_hand.get_by_role("button", name="Add card").click()
    page.get_by_text("Card 1 added.").wait_for()

    # More cards from a spreadsheet: the preview shows the bad row first.
    csv_file = tmp_path / "lounge.csv"
    csv_file.write_bytes(SPREADSHEET.encode("utf-8"))
    page.get_by_text("Add cards from a spreadsheet (CSV) or JSON file").click()
    page.get_by_label("CSV or JSON file (up to 2 MB)").set_input_files(str(csv_file))
    page.get_by_role("button", name="Upload and preview").click()
    page.get_by_role("heading", name="Preview of lounge.csv").wait_for()
    page.get_by_text("3 cards to add").wait_for()
    bad = page.locator(".bad-rows tbody tr")
    assert bad.count() == 1
    assert bad.locator("td").all_inner_texts()[:2] == ["5", "The massage chair was far too relaxing"]
    assert "“spa” is not a theme" in bad.locator("td.reason").inner_text()
    assert page.locator(".good-rows tbody tr").count() == 3
    admin.shot("3-import-preview")
    page.get_by_label("Skip the rows with problems and import the rest").check()
    page.get_by_role("button", name="Import 3 cards").click()
    page.get_by_text("3 cards imported into “Airport lounge”.").wait_for()
    complaints = page.locator(".cards-table .complaint-cell").all_inner_texts()
    assert complaints == [BY_HAND, *GOOD_ROWS]
    admin.shot("4-deck")
    # The same complaint again, typed a little differently, is refused by name.
    page.get_by_text("Add a card").click()
    by_hand.get_by_label("Complaint (up to 280 characters)").fill(BY_HAND.upper().replace(".", "!"))
    by_hand.get_by_role("button", name="Add card").click()
    page.get_by_text("This deck already has that complaint, as card 1").wait_for()
    expect_refusal(admin, "400 (BAD REQUEST)")
    assert page.locator("#add-card").get_attribute("open") is not None
    page.locator("#add-card").scroll_into_view_if_needed()
    admin.shot("4b-duplicate-refused")
    page.locator("#cards").get_by_label("Theme").select_option(label="Retail")
    page.get_by_role("button", name="Filter").click()
    assert page.locator(".cards-table .complaint-cell").all_inner_texts() == [GOOD_ROWS[2]]
    nav(page, "Decks").click()
    row = page.locator("table.data tr", has_text="Airport lounge")
    assert "4" in row.locator("td.num").inner_text()
    admin.shot("5-deck-list")

    # The trainer hosts a session dealt from that deck only.
    trainer = Desk(browser, "trainer", DESK)
    host = trainer.page
    sign_in(host, server.url, *TRAINER, then="/host/new")
    host.get_by_role("heading", name="New session").wait_for()
    host.get_by_role("checkbox", name=re.compile("Too Sandy starter deck")).uncheck()
    host.get_by_role("checkbox", name=re.compile("Airport lounge")).check()
    assert nav(host, "Decks").count() == 0, "trainers don't see the studio"
    trainer.shot("6-new-session")
    host.get_by_role("button", name="Create session").click()
    code = host.locator("#room-code").inner_text().strip()

    phone = Watched(browser, "phone", PHONE, "studio")
    phone.page.goto(f"{server.url}/join/{code}")
    phone.page.get_by_label("Your name").fill("Olena")
    phone.page.get_by_role("button", name="Join").click()
    phone.page.get_by_role("heading", name="You're in!").wait_for()
    host.get_by_text("1 player").wait_for()
    host.get_by_role("button", name="Start round 1").click()
    phone.page.get_by_label("Your reply").wait_for()
    dealt = phone.page.locator("#card-text").inner_text()
    assert dealt in [BY_HAND, *GOOD_ROWS]
    phone.shot("7-dealt")

    everyone = [admin, trainer, phone]
    assert [problem for watched in everyone for problem in watched.problems] == []
    for watched in everyone:
        watched.context.close()

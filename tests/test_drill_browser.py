"""A Ukrainian drill of the week in real Chromium against the real eventlet server.

The trainer (a browser in Kyiv) creates the drill from its preset, prints the
poster, two Ukrainian phones answer on "different days" (the drill's stored
times are moved a day back, as if the clock had moved on), one edits its reply
the next day, writing and then voting close by themselves (the server's
sweeper, once the stored window ends have passed), both phones vote, and the
results are on the phones and on the projector. Screenshots land in
test-artifacts/drill/ for a person to look at.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from browser import TIMEOUT_MS, Watched
from live import ARTIFACTS, TRAINER, sign_in
from playwright.sync_api import expect

pytestmark = [pytest.mark.live, pytest.mark.browser]

SHOTS = "drill"
DESK = {"width": 1280, "height": 800}
PHONE = {"width": 360, "height": 640}
TIME_COLUMNS = ("writing_opens_at", "writing_closes_at", "voting_closes_at", "deadline")
STAMP = "%Y-%m-%d %H:%M:%S.%f"


class Placed(Watched):
    """A Watched page in a given time zone and language, like a real phone in Kyiv."""

    def __init__(self, browser, name: str, viewport: dict, *, zone: str, locale: str) -> None:
        super().__init__(browser, name, viewport, SHOTS)
        self.context.close()
        self.context = browser.new_context(viewport=viewport, device_scale_factor=1, timezone_id=zone, locale=locale)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT_MS)
        self.page.on("pageerror", lambda exc: self.problems.append(f"{name}: {exc}"))
        self.page.on("console", self._console)


def move_drill(db_path, code: str, **change: timedelta) -> None:
    """As if the clock had moved: every stored time of the drill ``back`` by a delta,
    or one window's end ``writing``/``voting`` set to a second ago (its deadline too)."""
    with sqlite3.connect(db_path) as conn:
        row = conn.execute(f"SELECT {', '.join(TIME_COLUMNS)}, phase FROM game_session WHERE code = ?",
                           (code,)).fetchone()
        times = {c: datetime.fromisoformat(v) if v else None for c, v in zip(TIME_COLUMNS, row, strict=False)}
        if "back" in change:
            times = {c: v - change["back"] if v else None for c, v in times.items()}
        now = datetime.now(UTC).replace(tzinfo=None) - timedelta(seconds=1)
        if "writing" in change:
            times["writing_closes_at"] = times["deadline"] = now
        if "voting" in change:
            times["voting_closes_at"] = times["deadline"] = now
        conn.execute(
            f"UPDATE game_session SET {', '.join(f'{c} = ?' for c in TIME_COLUMNS)} WHERE code = ?",
            [v.strftime(STAMP) if v else None for v in times.values()] + [code],
        )


def join(phone: Watched, base: str, code: str, name: str) -> None:
    page = phone.page
    page.goto(f"{base}/join/{code}")
    page.locator("#join-name").fill(name)
    page.locator("#join-form button[type=submit]").click()
    page.locator("#card-text").wait_for()


def test_a_ukrainian_drill_from_poster_to_results(live_server, browser, tmp_path):
    server = live_server
    db_path = server.env["TRAINER_DATABASE_URL"].removeprefix("sqlite:///")
    desk = Placed(browser, "desk", DESK, zone="Europe/Kyiv", locale="en-GB")
    host = desk.page

    # The preset in Ukrainian; the page fetches Thursday/Friday noon in the browser's zone.
    sign_in(host, server.url, *TRAINER, then="/host/new?preset=drill&language=uk")
    host.locator("select[name=time_zone]").wait_for()
    # Chromium names Kyiv by its old IANA alias; both are the same zone.
    expect(host.locator("select[name=time_zone]")).to_have_value(re.compile(r"^Europe/(Kyiv|Kiev)$"))
    closes = host.locator("input[name=writing_closes]").input_value()
    assert closes.endswith("T12:00") and datetime.fromisoformat(closes).weekday() == 3
    assert host.get_by_label("Writing time (minutes)").is_hidden(), "a drill shows its windows, not live timings"
    desk.shot("1-new-drill")
    host.get_by_role("button", name="Create session").click()
    host.get_by_role("heading", name=re.compile("Drill of the week")).wait_for()
    code = host.locator("h1 .code").inner_text().strip()
    assert "Writing until" in host.locator(".lead").inner_text()

    # The poster, printed: one page on A4 and one on Letter, in Ukrainian.
    host.get_by_role("link", name="Poster (A4)").click()
    poster = host.locator(".poster")
    poster.get_by_text("Дайте відповідь до").wait_for()
    complaint = host.locator(".complaint").inner_text()
    assert complaint and host.locator("img.qr").evaluate("img => img.complete && img.naturalWidth > 0")
    poster.screenshot(path=str(ARTIFACTS / SHOTS / "2-poster-a4.png"))
    for paper in ("a4", "letter"):
        host.goto(f"{server.url}/host/{code}/poster?paper={paper}")
        pdf = host.pdf(prefer_css_page_size=True)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 1, f"the {paper} poster prints on {pages} pages"

    # Day 1: Oksana's phone joins, sees her card and days left, writes and sends.
    oksana = Placed(browser, "phone-oksana", PHONE, zone="Europe/Kyiv", locale="uk-UA")
    join(oksana, server.url, code, "Оксана")
    assert oksana.page.locator("#card-text").inner_text() == complaint, "same card as the poster"
    clock = oksana.page.locator("#phone-clock")
    expect(clock).to_contain_text("дн")
    assert "лишилося" in clock.inner_text()
    oksana.page.locator("#reply").fill("Перепрошуємо! Зараз принесемо рушник і парасолю.")
    oksana.page.locator("#send").click()
    oksana.page.locator("#sent-note").wait_for()
    oksana.page.evaluate("window.scrollTo(0, 0)")
    oksana.shot("3-phone-day1")
    oksana.no_sideways_scroll()

    # Day 2: Bohdan joins and sends; Oksana comes back and edits hers.
    move_drill(db_path, code, back=timedelta(days=1))
    bohdan = Placed(browser, "phone-bohdan", PHONE, zone="Europe/Kyiv", locale="uk-UA")
    join(bohdan, server.url, code, "Богдан")
    bohdan.page.locator("#reply").fill("Пісок — частина пляжу, але ми приберемо ваш шезлонг.")
    bohdan.page.locator("#send").click()
    bohdan.page.locator("#sent-note").wait_for()
    oksana.page.reload()
    box = oksana.page.locator("#reply")
    box.wait_for()
    assert box.input_value().startswith("Перепрошуємо!")
    box.fill("Перепрошуємо! Рушник і парасоля вже в дорозі, а завтра — безкоштовна кава.")
    oksana.page.locator("#send").click()
    oksana.page.wait_for_timeout(500)
    host.goto(f"{server.url}/host/{code}/drill")
    assert "Перепрошуємо" not in host.content(), "the trainer sees names, not texts, while writing is open"
    assert "Оксана" in host.content() and "Богдан" in host.content()

    # Thursday noon passes: the server closes writing by itself; open phones move to their ballots.
    move_drill(db_path, code, writing=True)
    for phone, other in ((oksana, "Пісок"), (bohdan, "безкоштовна кава")):
        phone.page.locator(".ballot-item").first.wait_for(timeout=20_000)
        assert other in phone.page.locator("#ballot").inner_text()
        phone.page.locator(".ballot-item button").first.click()
        phone.page.locator(".ballot-item.chosen").wait_for()
    oksana.shot("4-phone-ballot")
    # The drill's page now shows the texts, to hide one if need be; who has voted, by name.
    host.goto(f"{server.url}/host/{code}/drill")
    host.get_by_role("button", name="Hide reply").first.wait_for()
    assert host.get_by_role("button", name="Close voting now").is_visible()
    desk.shot("4-drill-page-voting")

    # Friday noon: voting closes by itself; each phone shows its results.
    move_drill(db_path, code, voting=True)
    for phone in (oksana, bohdan):
        phone.page.locator("#round-points").wait_for(timeout=20_000)
        assert "нараді" in phone.page.locator("#results-hint").inner_text()
    oksana.shot("5-phone-results")

    # Friday's meeting: the results on the projector.
    host.goto(f"{server.url}/host/{code}/drill")
    host.get_by_role("link", name="Open the results on the projector").click()
    host.locator("#result-reply").wait_for()
    host.wait_for_timeout(800)
    desk.shot("6-projector-results")

    for watched in (desk, oksana, bohdan):
        assert not watched.problems, watched.problems


PROJECTOR = {"width": 1280, "height": 720}


def test_a_ukrainian_two_card_drill_on_phones_and_the_projector(live_server, browser):
    """Two cards for everyone: each phone answers both (on different days), votes on both, sees both results;
    the projector shows them card by card. Screenshots at a 360 px phone and a 1280×720 projector."""
    server = live_server
    db_path = server.env["TRAINER_DATABASE_URL"].removeprefix("sqlite:///")
    desk = Placed(browser, "desk", DESK, zone="Europe/Kyiv", locale="en-GB")
    host = desk.page
    sign_in(host, server.url, *TRAINER, then="/host/new?preset=drill&language=uk")
    host.locator("select[name=time_zone]").wait_for()
    host.get_by_label("Cards per person").select_option("2")
    host.get_by_role("button", name="Create session").click()
    host.get_by_role("heading", name=re.compile("Drill of the week")).wait_for()
    code = host.locator("h1 .code").inner_text().strip()

    # The poster lists both complaints, in Ukrainian, and still prints on one page.
    host.goto(f"{server.url}/host/{code}/poster")
    host.get_by_text("Дайте відповіді на всі картки до").wait_for()
    complaints = host.locator(".complaints .complaint").all_inner_texts()
    assert len(complaints) == 2 and complaints[0] != complaints[1]
    host.locator(".poster").screenshot(path=str(ARTIFACTS / SHOTS / "7-poster-two-cards.png"))
    pdf = host.pdf(prefer_css_page_size=True)
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1

    # Day 1: Oksana answers card 1 and drafts card 2.
    oksana = Placed(browser, "phone-oksana-2", PHONE, zone="Europe/Kyiv", locale="uk-UA")
    page = oksana.page
    join(oksana, server.url, code, "Оксана")
    tabs = page.locator("#card-tabs button")
    expect(tabs).to_have_count(2)
    expect(page.locator("#cards-line")).to_have_text("Надіслано відповідей: 0 з 2")
    assert page.locator("#card-text").inner_text() == complaints[0]
    page.locator("#reply").fill("Перепрошуємо! Зараз принесемо рушник.")
    page.locator("#send").click()
    expect(tabs.nth(0)).to_have_class(re.compile(r"\bdone\b"))
    expect(page.locator("#cards-line")).to_have_text("Надіслано відповідей: 1 з 2")
    tabs.nth(1).click()
    expect(page.locator("#card-text")).to_have_text(complaints[1])
    expect(page.locator("#reply")).to_have_value("")
    page.locator("#reply").fill("Чернетка другої картки")
    expect(page.locator("#save-state")).to_have_text("Чернетку збережено")
    page.evaluate("window.scrollTo(0, 0)")
    oksana.shot("8-phone-two-cards-day1")
    oksana.no_sideways_scroll()
    # Card 1 still holds what was sent.
    tabs.nth(0).click()
    expect(page.locator("#reply")).to_have_value("Перепрошуємо! Зараз принесемо рушник.")

    # Day 2: Bohdan answers both; Oksana comes back to her draft on card 2 and sends it.
    move_drill(db_path, code, back=timedelta(days=1))
    bohdan = Placed(browser, "phone-bohdan-2", PHONE, zone="Europe/Kyiv", locale="uk-UA")
    join(bohdan, server.url, code, "Богдан")
    b_tabs = bohdan.page.locator("#card-tabs button")
    for i, text in enumerate(("Пісок — частина пляжу.", "Ми все виправимо до вечора.")):
        b_tabs.nth(i).click()
        expect(bohdan.page.locator("#card-text")).to_have_text(complaints[i])
        bohdan.page.locator("#reply").fill(text)
        bohdan.page.locator("#send").click()
        expect(b_tabs.nth(i)).to_have_class(re.compile(r"\bdone\b"))
    expect(bohdan.page.locator("#cards-line")).to_have_text("Надіслано відповідей: 2 з 2")
    page.reload()
    expect(page.locator("#reply")).to_have_value("Чернетка другої картки")  # the card still to send comes first
    expect(tabs.nth(1)).to_have_attribute("aria-pressed", "true")
    page.locator("#reply").fill("Друга відповідь Оксани")
    page.locator("#send").click()
    expect(page.locator("#cards-line")).to_have_text("Надіслано відповідей: 2 з 2")
    host.goto(f"{server.url}/host/{code}/drill")
    assert host.get_by_text("2 of 2").count() == 2 and "Оксани" not in host.content()
    host.screenshot(path=str(ARTIFACTS / SHOTS / "8-drill-page-two-cards.png"), full_page=True)

    # Writing closes: each phone votes on both cards' ballots, never its own reply.
    move_drill(db_path, code, writing=True)
    for phone, mine in ((oksana, "Оксан"), (bohdan, "Пісок")):
        p = phone.page
        p.locator(".ballot-item").first.wait_for(timeout=20_000)
        expect(p.locator("#card-tabs button")).to_have_count(2)
        for i in range(2):
            p.locator("#card-tabs button").nth(i).click()
            expect(p.locator("#ballot-complaint")).to_have_text(complaints[i])
            assert mine not in p.locator("#ballot").inner_text()
            p.locator(".ballot-item button").first.click()
            expect(p.locator("#card-tabs button").nth(i)).to_have_class(re.compile(r"\bdone\b"))
        expect(p.locator("#cards-line")).to_have_text("Карток із вашими голосами: 2 з 2")
    page.evaluate("window.scrollTo(0, 0)")
    oksana.shot("9-phone-two-ballots")

    # Voting closes: each card's result on the phone.
    move_drill(db_path, code, voting=True)
    for phone in (oksana, bohdan):
        phone.page.locator("#round-points").wait_for(timeout=20_000)
        expect(phone.page.locator("#round-points")).to_contain_text("за цю картку")
    tabs.nth(1).click()
    expect(page.locator("#my-complaint")).to_have_text(complaints[1])
    page.evaluate("window.scrollTo(0, 0)")
    oksana.shot("10-phone-card-2-results")
    oksana.no_sideways_scroll()

    # The projector at 1280×720, card by card.
    projector = Placed(browser, "projector-2", PROJECTOR, zone="Europe/Kyiv", locale="en-GB")
    sign_in(projector.page, server.url, *TRAINER, then=f"/host/{code}")
    screen = projector.page
    screen.locator("#result-reply").wait_for()
    expect(screen.locator("#round-label")).to_contain_text("1")
    expect(screen.locator("#round-label")).to_contain_text("2")
    label_one = screen.locator("#round-label").inner_text()
    screen.wait_for_function("document.getElementById('app').dataset.layout === '1280x720'")
    projector.shot("11-projector-card-1")
    screen.locator("#btn-next").click()
    expect(screen.locator("#round-label")).not_to_have_text(label_one)
    screen.locator("#result-reply").wait_for()
    projector.shot("12-projector-card-2")
    projector.no_sideways_scroll()
    # The podium: the projector says in words that the drill has moved on.
    screen.locator("#btn-next").click()
    expect(screen.locator("#notice")).to_have_text("Тренування завершено: ось фінальний п’єдестал.")
    for watched in (desk, oksana, bohdan, projector):
        assert not watched.problems, watched.problems

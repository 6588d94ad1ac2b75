"""One round in three languages at once: a Russian session on the projector,
a Greek phone and a Ukrainian phone, in real Chromium against the real
eventlet server. Screenshots of every screen in every language land in
test-artifacts/languages/; longer Greek and Russian words must neither
overflow nor clip."""

from __future__ import annotations

import re

import pytest
from babel.support import Translations
from browser import Watched
from live import ROOT, TRAINER, sign_in

pytestmark = [pytest.mark.live, pytest.mark.browser]

SHOTS = "languages"
CATALOGS = ROOT / "trainer" / "translations"
PHONE = {"width": 360, "height": 640}
CYRILLIC = re.compile("[а-яё]", re.I)


def speaker(language: str):
    """gettext/ngettext in one language, from the catalogs the server uses."""
    translations = Translations.load(str(CATALOGS), [language])
    return translations.gettext, translations.ngettext


def nothing_clips(watched: Watched) -> None:
    """No sideways scroll, and no button whose text is wider than the button."""
    watched.no_sideways_scroll()
    clipped = watched.page.evaluate("""() => [...document.querySelectorAll('button, .button')]
        .filter(b => b.offsetParent !== null && (b.scrollWidth > b.clientWidth + 1))
        .map(b => b.textContent.trim())""")
    assert clipped == [], f"{watched.name}: clipped buttons {clipped}"


def join(phone: Watched, base: str, code: str, name: str, language: str) -> None:
    _, _n = speaker(language)
    page = phone.page
    page.goto(f"{base}/join/{code}")
    # The phone picks its own language with the switch, named in that language.
    page.get_by_role("button", name={"el": "Ελληνικά", "uk": "Українська"}[language]).click()
    page.wait_for_url(f"**/join/{code}")
    assert page.evaluate("document.documentElement.lang") == language
    phone.shot("1-join")
    nothing_clips(phone)
    page.locator("#join-name").fill(name)
    page.get_by_role("button", name=_("Join"), exact=True).click()
    page.get_by_role("heading", name=_("You're in!")).wait_for()


def test_a_russian_session_with_a_greek_and_a_ukrainian_phone(live_server, browser):
    server = live_server
    ru, ru_n = speaker("ru")
    projector = Watched(browser, "projector-ru", {"width": 1280, "height": 720}, SHOTS)
    greek = Watched(browser, "phone-el", PHONE, SHOTS)
    ukrainian = Watched(browser, "phone-uk", PHONE, SHOTS)
    host = projector.page

    sign_in(host, server.url, *TRAINER, then="/host/new")
    host.locator("select[name=language]").select_option("ru")
    # Choosing Russian ticks the Russian deck, and only it.
    ticked = host.locator("input[name=deck]:checked")
    assert ticked.count() == 1 and ticked.get_attribute("data-language") == "ru"
    host.locator("input[name=writing_minutes]").fill("1")
    host.locator("form.panel button[type=submit]").click()
    host.locator("#room-code").wait_for()
    assert host.evaluate("document.documentElement.lang") == "ru"
    code = host.locator("#room-code").inner_text().strip()

    join(greek, server.url, code, "Νικόλαος", "el")
    join(ukrainian, server.url, code, "Богдана", "uk")
    host.get_by_text(ru_n("%(n)s player", "%(n)s players", 2).replace("%(n)s", "2")).wait_for()
    projector.shot("1-lobby")
    projector.no_scroll_at_all()

    host.get_by_role("button", name=ru("Start round 1")).click()
    for phone, language, text in ((greek, "el", "Λυπάμαι πολύ, θα το φτιάξουμε αμέσως."),
                                  (ukrainian, "uk", "Перепрошуємо! Ось що ми зробимо просто зараз.")):
        _, _n = speaker(language)
        box = phone.page.locator("#reply")
        box.wait_for()
        # The card comes from the Russian deck, whatever the phone speaks.
        assert CYRILLIC.search(phone.page.locator("#card-text").inner_text())
        box.fill(text)
        phone.page.get_by_text(_("Draft saved")).wait_for()
        phone.shot("2-writing")
        nothing_clips(phone)
    projector.shot("2-writing")
    projector.no_scroll_at_all()
    for phone, language in ((greek, "el"), (ukrainian, "uk")):
        _, _n = speaker(language)
        phone.page.get_by_role("button", name=_("Send reply")).click()

    for phone, language in ((greek, "el"), (ukrainian, "uk")):
        _, _n = speaker(language)
        phone.page.get_by_role("heading", name=_("Vote for the best replies")).wait_for()
        phone.shot("3-voting")
        nothing_clips(phone)
    projector.shot("3-voting")
    projector.no_scroll_at_all()
    for phone, language in ((greek, "el"), (ukrainian, "uk")):
        _, _n = speaker(language)
        phone.page.get_by_role("button", name=_("Vote"), exact=True).first.click()

    host.get_by_role("heading", name=ru("Leaderboard")).wait_for()
    projector.shot("4-results")
    projector.no_scroll_at_all()
    for phone, language in ((greek, "el"), (ukrainian, "uk")):
        _, _n = speaker(language)
        # One vote each: "+100 points this round" in the phone's own plural form.
        phone.page.get_by_text(_n("+%(n)s point this round", "+%(n)s points this round", 100)
                               .replace("%(n)s", "100")).wait_for()
        phone.shot("4-results")
        nothing_clips(phone)

    everyone = [projector, greek, ukrainian]
    assert [p for w in everyone for p in w.problems] == []
    for watched in everyone:
        watched.context.close()


def give_awards(phone: Watched, language: str, *, last: bool) -> None:
    """Give every award this phone holds, one reply (or duel side) after another."""
    _, _n = speaker(language)
    page = phone.page
    items = page.locator(".ballot-item")
    criteria = page.locator("#criteria-legend dt").all_inner_texts()
    replies = items.count()
    # Off duels each award goes to a different reply; in a duel, the sides take turns.
    duels = page.locator(".duel").count()
    picks = [(i % replies, name) for i, name in enumerate(criteria)] if duels else list(
        zip(range(replies), criteria, strict=False))
    for n, (item, name) in enumerate(picks):
        items.nth(item).get_by_role("button", name=name, exact=True).click()
        if not (last and n == len(picks) - 1):
            items.nth(item).get_by_role("button", name=f"✓ {name}").wait_for()


@pytest.mark.parametrize("projector_language", ["el", "uk"])
def test_service_awards_and_duels_in_every_language(live_server, browser, projector_language):
    """The Monday preset in Greek or Ukrainian on the projector, phones in Russian,
    Ukrainian, Greek and English: one card for the room with awards, the debrief,
    then a round of duels and the podium."""
    server = live_server
    say, say_n = speaker(projector_language)
    shots = f"{SHOTS}/awards-{projector_language}"
    projector = Watched(browser, f"projector-{projector_language}", {"width": 1280, "height": 720}, shots)
    host = projector.page
    phones = [(Watched(browser, f"phone-{lang}", PHONE, shots), lang) for lang in ("ru", "uk", "el", "en")]

    sign_in(host, server.url, *TRAINER, then="/host/new")
    host.goto(f"{server.url}/language/{projector_language}?next=/host/new")
    host.get_by_role("link", name=say("Monday warm-up")).click()
    host.locator("input[name=writing_minutes]").fill("1")
    host.locator("input[name=rounds_total]").fill("2")
    projector.shot("0-new-session")
    projector.no_sideways_scroll()
    host.locator("form#new-session button[type=submit]").click()
    code = host.locator("#room-code").inner_text().strip()
    host.locator("#mode-label", has_text=say("Same card")).wait_for()

    for i, (phone, language) in enumerate(phones):
        page = phone.page
        page.goto(f"{server.url}/language/{language}?next=/join/{code}")
        page.locator("#join-name").fill(["Мирон", "Оксана", "Ελένη", "Sam"][i])
        page.locator("#join-form button[type=submit]").click()
        page.locator("#wait-title").wait_for()
    host.get_by_text(say_n("%(n)s player", "%(n)s players", 4).replace("%(n)s", "4")).wait_for()
    projector.shot("1-lobby")
    projector.no_scroll_at_all()
    nothing_clips(projector)

    host.get_by_role("button", name=say("Start round 1")).click()
    for i, (phone, language) in enumerate(phones):
        _, _n = speaker(language)
        phone.page.locator("#reply").fill(f"{i + 1}: Sorry — let me fix this for you right now.")
        phone.page.get_by_text(_("Draft saved")).wait_for()
        phone.page.get_by_role("button", name=_("Send reply")).click()
    for n, (phone, language) in enumerate(phones):
        _, _n = speaker(language)
        phone.page.get_by_role("heading", name=_("Give your service awards")).wait_for()
        phone.shot("2-awards-ballot")
        nothing_clips(phone)
        give_awards(phone, language, last=n == len(phones) - 1)
    host.locator("#winners-counter", has_text=say("This round's awards")).wait_for()
    projector.shot("3-results-awards")
    projector.no_scroll_at_all()
    nothing_clips(projector)
    for phone, language in phones:
        _, _n = speaker(language)
        phone.page.get_by_text(_("Your awards this round")).wait_for()
        phone.shot("3-results")
        nothing_clips(phone)

    host.get_by_role("button", name=say("Debrief")).click()
    host.get_by_role("heading", name=say("What made these replies work?")).wait_for()
    host.locator(".highlight").first.get_by_role("button", name=say("Pin as a model answer")).click()
    host.locator(".highlight").first.get_by_role("button", name=say("✓ Model answer")).wait_for()
    projector.shot("4-debrief")
    projector.no_scroll_at_all()
    nothing_clips(projector)
    host.get_by_role("button", name=say("Back to results")).click()

    host.locator("#mode-select").select_option("duels")
    host.get_by_role("button", name=say("Next round")).click()
    host.locator("#mode-label", has_text=say("Duels")).wait_for()
    for i, (phone, language) in enumerate(phones):
        _, _n = speaker(language)
        phone.page.locator("#reply").fill(f"{i + 1}: We hear you, and here is what happens next.")
        phone.page.get_by_text(_("Draft saved")).wait_for()
        phone.page.get_by_role("button", name=_("Send reply")).click()
    host.locator("#showcase-counter", has_text=say("Duel %(n)s of %(total)s") % {"n": 1, "total": 2}).wait_for()
    projector.shot("5-voting-duel")
    projector.no_scroll_at_all()
    for n, (phone, language) in enumerate(phones):
        _, _n = speaker(language)
        phone.page.get_by_role("heading", name=_("Pick the winner of each duel")).wait_for()
        phone.shot("5-duel-ballot")
        nothing_clips(phone)
        give_awards(phone, language, last=n == len(phones) - 1)
    host.get_by_role("heading", name=say("Awards this round")).wait_for()
    projector.shot("6-results-duel")
    for phone, _language in phones:
        phone.page.locator("#duel-line").wait_for()
        phone.shot("6-results-duel")
        nothing_clips(phone)
    host.get_by_role("button", name=say("Final podium")).click()
    host.locator("#criterion-best li").first.wait_for()
    projector.shot("7-podium")
    projector.no_scroll_at_all()
    for phone, language in phones:
        _, _n = speaker(language)
        phone.page.get_by_role("heading", name=_("Best at each award")).wait_for()
        phone.shot("7-podium")
        nothing_clips(phone)

    everyone = [projector, *(phone for phone, _lang in phones)]
    assert [p for w in everyone for p in w.problems] == []
    for watched in everyone:
        watched.context.close()

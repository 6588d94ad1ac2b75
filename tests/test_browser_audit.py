"""Every page for every reader: axe-core's WCAG 2.1 A and AA rules over every
desk page, the join page, and the projector and a phone at each phase of a
round, in real Chromium against the real eventlet server (issue 28).

axe-core ships inside the ``axe-playwright-python`` package (no download at
run time). A violation fails the test with the rule, the element and axe's
own sentence, so a page added without labels or with low contrast is caught.
"""

from __future__ import annotations

import pytest
from browser import Watched
from live import TRAINER, SimPhone, http_host, sign_in

pytestmark = [pytest.mark.live, pytest.mark.browser]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
DESK = {"width": 1280, "height": 720}
PHONE = {"width": 360, "height": 640}
ADMIN = ("boss", "another long password")


def violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}}).response["violations"]
    return [
        f"{page.url} · {rule['id']} ({rule['impact']}): {rule['help']} — "
        + "; ".join(" ".join(node["target"]) for node in rule["nodes"][:4])
        for rule in found
    ]


def audit(watched: Watched, paths: list[str], base: str) -> list[str]:
    found = []
    for path in paths:
        answer = watched.page.goto(base + path)
        assert answer.status == 200, f"{path}: {answer.status}"
        watched.page.wait_for_load_state("networkidle")
        found += violations(watched.page)
    return found


@pytest.fixture
def server(live_server):
    live_server.add_user(ADMIN[0], "admin", ADMIN[1])
    return live_server


def test_every_desk_and_phone_page_passes_wcag_21_aa(server, browser):
    base = server.url
    code = http_host(base, *TRAINER)
    anonymous = Watched(browser, "anonymous", DESK, "audit")
    found = audit(anonymous, ["/", "/login", "/join", f"/join/{code}"], base)

    admin = Watched(browser, "admin", DESK, "audit")
    sign_in(admin.page, base, *ADMIN)
    admin.page.goto(base + "/teams")
    admin.page.get_by_label("Name").fill("Front desk")
    admin.page.get_by_role("button", name="Create team").click()
    admin.page.get_by_label("Add a member").fill("Ana")
    admin.page.get_by_role("button", name="Add", exact=True).click()
    team = admin.page.url.rsplit("/", 1)[1]
    admin.page.get_by_role("link", name="Ana").first.click()
    member = admin.page.url.rsplit("/", 1)[1]
    found += audit(admin, [
        "/", "/host/", "/host/new", "/teams", f"/teams/{team}", f"/members/{member}", "/library",
        f"/host/{code}/report", f"/host/{code}/handout", "/admin/decks", "/admin/decks/1", "/admin/cards/1/edit",
        "/admin/decks/1/edit", "/admin/decks/new", "/admin/imports/new", "/admin/users", "/admin/users/1",
        "/admin/criteria", "/admin/criteria/cues",
        "/admin/backups", "/decks/1/print",
    ], base)
    for language in ("ru", "el"):
        admin.page.goto(f"{base}/language/{language}?next=/host/new")
        found += violations(admin.page)
    assert not found, "\n".join(found)
    assert not anonymous.problems + admin.problems


@pytest.mark.parametrize("language", ["uk", "el"])
def test_the_projector_and_a_phone_pass_wcag_21_aa_at_every_phase(server, browser, language):
    base = server.url
    code = http_host(base, *TRAINER, language=language, rounds_total="1", cues="on")
    desk = Watched(browser, "projector", DESK, "audit")
    sign_in(desk.page, base, *TRAINER)
    projector = desk.page
    projector.goto(f"{base}/host/{code}")
    phone = Watched(browser, "phone", PHONE, "audit")
    phone.page.goto(f"{base}/language/{language}?next=/join/{code}")
    phone.page.locator("#join-name").fill("Ελένη" if language == "el" else "Олена")
    phone.page.locator("#join-form button[type=submit]").click()
    phone.page.locator("#wait-title").wait_for()
    others = [SimPhone(base, code, name) for name in ("Ana", "Bohdan")]
    found = []
    try:
        projector.locator("#lobby-players li").nth(2).wait_for()
        found += violations(projector) + violations(phone.page)  # the lobby
        projector.locator("#btn-next").click()
        phone.page.locator("#reply").wait_for()
        projector.locator("#writing-clock").wait_for()
        found += violations(projector) + violations(phone.page)  # writing
        phone.page.locator("#reply").fill("Λυπάμαι πολύ· σας φέρνω αμέσως μια πετσέτα." if language == "el"
                                          else "Мені дуже шкода, зараз принесу вам рушник.")
        phone.page.locator("#send").click()
        for sim in others:
            sim.wait_for(lambda snap: snap.get("phase") == "writing")
            sim.call("submit", {"round": 1, "text": f"{sim.name} is sorry about the sand."})
        for sim in others:
            sim.wait_for(lambda snap: snap.get("phase") == "voting")
        phone.page.locator("#ballot li").first.wait_for()
        projector.locator("#showcase-reply").wait_for()
        found += violations(projector) + violations(phone.page)  # voting
        for sim in others:
            sim.call("vote", {"reply_id": sim.snapshot["ballot"][0]["id"]})
        projector.locator("#btn-end").click()
        phone.page.locator("#round-points").wait_for()
        projector.locator("#leaderboard li").first.wait_for()
        found += violations(projector) + violations(phone.page)  # results
        projector.locator("#btn-debrief").click()
        projector.locator("#debrief-highlights .cue-chip").first.wait_for()  # the winners' service cues
        found += violations(projector)  # the debrief
        desk.shot(f"debrief-{language}")
    finally:
        for sim in others:
            sim.close()
    desk.shot(f"results-{language}")
    phone.shot(f"results-{language}")
    assert not found, "\n".join(found)

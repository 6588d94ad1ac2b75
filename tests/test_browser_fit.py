"""Every projector screen shows every word it means to show, at 1280×720,
1920×1080 and 1024×768, in each language, in real Chromium against the real
eventlet server.

Per language: a lobby of 60 long names, the writing screen over them; then
five phones (python-socketio clients, not browsers) write long Greek and
Russian replies (one of 600 characters) to the same card and give the same
awards, so all five tie on every award; voting, results and the debrief of
that round; a round of duels (one of three sides); the podium. At each size
the test pages through each screen with its own controls (the name pages'
button, Next) and fails when a text element that holds a reply, card, coach
note or name is clipped (its box hides the overflow, it is cut with an
ellipsis or faded out, or it lies off the screen), is smaller than the floor,
or never appears whole on any page. The floor is 24 px at 1280×720, scaled
with the picture: 36 px at 1920×1080, 19.2 px at 1024×768 (the same share of
a projector's width). Screenshots land in test-artifacts/fit/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from browser import Watched
from live import ARTIFACTS, TRAINER, LiveServer, SimPhone, sign_in

pytestmark = [pytest.mark.live, pytest.mark.browser]

SHOTS = "fit"
SIZES = {"720p": (1280, 720), "1080p": (1920, 1080), "xga": (1024, 768)}
FLOOR_PX = 24  # at 1280×720

REPLIES = [
    # 600 characters of Greek.
    ("Λυπάμαι πραγματικά που η άμμος σας χάλασε τη μέρα στην παραλία μας· καταλαβαίνω πόσο εκνευριστικό "
     "είναι να βρίσκετε άμμο παντού, στις πετσέτες, στα παπούτσια και στο φαγητό σας. Θα σας φέρω αμέσως "
     "δύο καθαρές πετσέτες και ένα ψάθινο στρωσίδι από τη ρεσεψιόν, και θα ζητήσω από τον ναυαγοσώστη να "
     "σας δείξει το πιο προστατευμένο σημείο της ακτής, πίσω από τους αμμόλοφους, όπου ο αέρας σηκώνει "
     "λιγότερη άμμο. Αν θέλετε, μπορούμε επίσης να σας κρατήσουμε μια ξαπλώστρα με ομπρέλα στη βεράντα "
     "της πισίνας για το απόγευμα, με δική μας ευθύνη. Πείτε μου τι προτιμάτε και το κανονίζω τώρα.")[:600],
    ("Понимаю, как неприятно, когда песок везде: в полотенцах, в обуви, даже в еде. Прошу прощения за "
     "испорченное утро. Сейчас принесу вам два чистых полотенца и плетёный коврик, а спасатель покажет "
     "место за дюнами, где ветер почти не поднимает песок. Если хотите, забронирую для вас шезлонг с "
     "зонтом у бассейна на весь вечер — за наш счёт. Скажите, что вам удобнее, и я всё устрою прямо сейчас."),
    ("Λυπάμαι πολύ για την ταλαιπωρία. Η άμμος είναι μέρος της παραλίας, αλλά δεν πρέπει να σας χαλάει "
     "τη διάθεση: σας φέρνω τώρα καθαρές πετσέτες, ένα στρωσίδι και ένα μπουκάλι νερό για να ξεπλύνετε "
     "τα πόδια σας, και σας κρατώ θέση στη σκιά, πίσω από τους αμμόλοφους, όπου φυσάει λιγότερο."),
    ("Вибачте, будь ласка, за незручності. Я розумію, що пісок у речах псує весь відпочинок. Зараз "
     "принесу чисті рушники й килимок, а ще покажу затишне місце за дюнами, де вітер майже не здіймає "
     "піску. Якщо бажаєте, забронюю для вас лежак біля басейну до вечора — це за наш рахунок."),
    ("Мне очень жаль, что песок испортил вам отдых. Давайте я прямо сейчас принесу свежие полотенца и "
     "покажу защищённое от ветра место у дюн; а вечером — бесплатный лежак у бассейна, если захотите."),
]
# Names at the length limit (24), in four alphabets.
FIRST = ["Αικατερίνη", "Κωνσταντίνος", "Александра", "Святослав", "Олександра", "Maximilian",
         "Παναγιώτης", "Екатерина", "Ярослава", "Bartholomew"]
LAST = ["Παπαδοπούλου", "Константинова", "Χατζηγεωργίου", "Шевченко-Коваль", "Montgomery", "Иванова-Петрова"]
CROWD = [f"{first} {last}"[:24] for last in LAST for first in FIRST]

# The elements that hold a reply, a card, a coach note or a name.
CONTENT = (".chip > span, .reply, .complaint, .note, .author, .who, .names, .winner h3, .criterion-best span, "
           ".criterion-best strong, .round-awards strong, .join-url, .room-code, .model-answer")

# Run in the page: what the visible screen shows whole, and what it clips.
INSPECT = (Path(__file__).parent / "fit_inspect.js").read_text()


class Trainer:
    """The trainer over plain HTTP: signs in, reads deck ids, creates sessions."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.http = requests.Session()
        self.post("/login", {"username": TRAINER[0], "password": TRAINER[1]})

    def post(self, path: str, data: dict) -> requests.Response:
        page = self.http.get(self.base + path, timeout=10)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        answer = self.http.post(self.base + path, data={**data, "csrf_token": token}, timeout=10)
        answer.raise_for_status()
        return answer

    def create(self, language: str, **form: str) -> str:
        page = self.http.get(self.base + "/host/new", timeout=10).text
        decks = dict((lang, deck) for deck, lang in re.findall(r'value="(\d+)" data-language="(\w+)"', page))
        settings = {"language": language, "deck": decks[language], "writing_minutes": "10", "voting_seconds": "600",
                    "rounds_total": "2", "mode": "same_card", "voting": "awards", "cues": "on", **form}
        return self.post("/host/new", settings).url.rstrip("/").rsplit("/", 1)[1]


def join_http(base: str, code: str, name: str) -> None:
    requests.post(f"{base}/api/join", json={"code": code, "name": name}, timeout=10).raise_for_status()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("fit"))
    live.add_user(TRAINER[0], "trainer", TRAINER[1])
    live.start()
    yield live
    live.stop()
    problems = [line for line in live.log().splitlines() if "Traceback" in line or " ERROR " in line]
    assert not problems, live.log()


@pytest.fixture(scope="module")
def chromium():
    from live import CHROMIUM, CHROMIUM_ARGS
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/ensure-chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Projector:
    """The projector page, resized to each screen, paged through and inspected."""

    def __init__(self, browser, language: str) -> None:
        self.language = language
        self.watched = Watched(browser, f"projector-{language}", {"width": 1280, "height": 720}, SHOTS)
        self.page = self.watched.page

    def resize(self, size: str) -> float:
        width, height = SIZES[size]
        self.page.set_viewport_size({"width": width, "height": height})
        # The page lays itself out again and says for which size.
        self.page.locator(f'#app[data-layout="{width}x{height}"]').wait_for(state="attached")
        return FLOOR_PX * min(width / 1280, height / 720)

    def inspect(self, floor: float) -> dict:
        return self.page.evaluate(INSPECT, [floor, CONTENT])

    def walk(self, screen: str, turn: str | None, wanted=(), need: int | None = None, most: int = 60) -> list[str]:
        """Every page of a screen at every size, turned with its own control: what went
        wrong, and which of ``wanted`` (at least ``need`` of them) never appeared whole."""
        problems: list[str] = []
        for size in SIZES:
            floor = self.resize(size)
            seen: set[str] = set()
            first = None
            for n in range(most):
                found = self.inspect(floor)
                if first is not None and found["signature"] == first:
                    break
                first = first or found["signature"]
                seen.update(found["shown"])
                problems += [f"{screen} {size} page {n + 1}: {p}" for p in found["problems"]]
                if n < 3 or size == "720p":
                    self.watched.shot(f"{screen}-{size}-{n + 1}")
                if turn is None or self.page.locator(turn).is_hidden():
                    break
                self.page.locator(turn).click()
            else:
                problems.append(f"{screen} {size}: more than {most} pages")
            unseen = [w for w in wanted if not any(w in text for text in seen)]
            if len(wanted) - len(unseen) < (len(wanted) if need is None else need):
                problems += [f"{screen} {size}: never shown whole: {w[:50]}" for w in unseen]
        self.resize("720p")
        return problems

    def click(self, selector: str) -> None:
        self.page.locator(selector).click()


@pytest.mark.parametrize("language", ["en", "ru", "uk", "el"])
def test_every_projector_screen_fits(server, chromium, language):
    base = server.url
    trainer = Trainer(base)
    projector = Projector(chromium, language)
    page = projector.page
    sign_in(page, base, *TRAINER)
    problems: list[str] = []

    # --- 60 names: the lobby, then the writing screen over them -----------------------
    crowd = trainer.create(language)
    watcher = SimPhone(base, crowd, CROWD[0])  # someone connected, so the round can start
    for name in CROWD[1:]:
        join_http(base, crowd, name)
    page.goto(f"{base}/host/{crowd}")
    page.locator("#lobby-players .chip").first.wait_for()
    page.wait_for_function("document.querySelector('#player-count').textContent.includes('60')")
    problems += projector.walk("lobby", "#lobby-page", CROWD)
    projector.click("#btn-next")
    page.locator("#writing-clock").wait_for()
    page.locator("#writing-players .chip").first.wait_for()
    problems += projector.walk("writing", "#writing-page", CROWD)
    watcher.close()

    # --- five phones, long replies, every award tied ------------------------------------
    names = [CROWD[i] for i in (0, 13, 26, 39, 52)]
    code = trainer.create(language)
    phones = [SimPhone(base, code, name) for name in names]
    page.goto(f"{base}/host/{code}")
    projector.resize("720p")
    page.wait_for_function("document.querySelectorAll('#lobby-players .chip').length === 5")
    # The card with the longest complaint, for everyone.
    options = page.locator("#card-select option")
    texts = options.all_inner_texts()
    longest = max(range(1, len(texts)), key=lambda i: len(texts[i]))
    card = options.nth(longest).get_attribute("value")
    page.locator("#card-select").select_option(card)
    page.wait_for_function(f"document.querySelector('#card-select').value === '{card}'")
    projector.click("#btn-next")
    for phone, text in zip(phones, REPLIES, strict=True):
        snap = phone.wait_for(lambda s: s["phase"] == "writing")
        assert phone.call("submit", {"round": snap["round"], "text": text})["ok"]
    page.locator("#showcase-reply").wait_for()
    complaint = phones[0].snapshot["card"]["complaint"]
    problems += projector.walk("voting", "#btn-fwd", [*REPLIES, complaint])

    author = {text: i for i, text in enumerate(REPLIES)}
    for i, phone in enumerate(phones):
        ballot = phone.wait_for(lambda s: s["phase"] == "voting")["ballot"]
        by_author = {author[item["text"]]: item["id"] for item in ballot}
        for criterion in range(3):
            # Phone i gives award c to reply i+c+1: every reply gets each award once.
            answer = phone.call("vote", {"reply_id": by_author[(i + criterion + 1) % 5], "criterion": criterion})
            assert answer["ok"], answer
    page.locator("#winners-card:not([hidden])").wait_for()
    note = phones[0].wait_for(lambda s: s["phase"] == "results")["card"]["coach_note"]
    assert note, "the card has a coach note to show"
    problems += projector.walk("results", "#btn-fwd", [*REPLIES, *names, complaint, note])

    projector.click("#btn-debrief")
    page.locator(".highlight").first.wait_for()
    # The server sends four of the five tied replies to the debrief.
    problems += projector.walk("debrief", "#btn-fwd", REPLIES, need=4)
    problems += projector.walk("debrief", "#btn-fwd", [complaint, note])
    projector.click("#btn-debrief")

    # --- duels (five players: one duel of three) ----------------------------------------
    page.locator("#mode-select").select_option("duels")
    page.wait_for_function("document.querySelector('#mode-select').value === 'duels'")
    projector.click("#btn-next")
    for phone, text in zip(phones, reversed(REPLIES), strict=True):
        snap = phone.wait_for(lambda s: s["phase"] == "writing" and s["round"] == 2)
        assert phone.call("submit", {"round": 2, "text": text})["ok"]
    page.locator("#showcase-duel:not([hidden])").wait_for()
    problems += projector.walk("duels", "#btn-fwd", REPLIES)
    projector.click("#btn-end")
    page.locator("#result-card:not([hidden]), #winners-card:not([hidden])").first.wait_for()
    problems += projector.walk("duel-results", "#btn-fwd", REPLIES)

    projector.click("#btn-next")
    page.locator("#podium li").first.wait_for()
    problems += projector.walk("podium", None, names, need=3)

    for phone in phones:
        phone.close()
    (ARTIFACTS / SHOTS / f"problems-{language}.txt").write_text("\n".join(problems) + "\n")
    assert problems == [], "\n".join(problems[:40])
    assert projector.watched.problems == []
    projector.watched.context.close()

#!/usr/bin/env python3
"""The docs' pictures, taken from a real session so they never go stale.

    make screenshots                       # every language into docs/pictures/
    .venv/bin/python scripts/screenshots.py --languages el --out /tmp/pictures

Starts the real server (``python wsgi.py``, eventlet, a throwaway SQLite
database), and per language plays one round in Debian's Chromium: a
projector at 1280×720 signed in as a trainer, one phone 360 px wide in a
browser and three more as python-socketio clients, on the same card with
service awards and service cues. It saves the projector's lobby, writing,
voting, results and debrief, the browser phone's writing, voting and
results, and the drill's poster, as lossless WebP, in ``OUT/<language>/``;
and, from the first language, ``OUT/overview.webp``: the projector's results
beside a phone's writing screen, for the README. One browser at a time; a few seconds a language.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from live import CHROMIUM, CHROMIUM_ARGS, TRAINER, LiveServer, SimPhone  # noqa: E402

LANGUAGES = ("en", "ru", "uk", "el")
PROJECTOR = {"width": 1280, "height": 720}
PHONE = {"width": 360, "height": 720}
TIMEOUT_MS = 20_000
SHOWN_ADDRESS = "http://192.168.1.20:5000"

PROJECTOR_SHOTS = ("lobby", "writing", "voting", "results", "debrief")
PHONE_SHOTS = ("writing", "voting", "results")
# Every picture a language gets: name → (width, height or None where it is the page's own).
PICTURES = {
    **{f"projector-{shot}": (PROJECTOR["width"], PROJECTOR["height"]) for shot in PROJECTOR_SHOTS},
    **{f"phone-{shot}": (PHONE["width"], None) for shot in PHONE_SHOTS},
    "poster": (None, None),
}

# Per language: the browser phone's name and reply first, then three more.
# Each deck's first card is the sandy beach, and these answer it.
PLAYERS = {
    "en": [
        ("Maya", "I'm so sorry the sand spoiled your day. I'll bring you fresh towels and a beach mat right now, "
                 "and show you the sheltered spot behind the dunes where the wind is much calmer."),
        ("Ben", "I hear you: sand everywhere is miserable. Let me book you a free sunbed by the pool this "
                "afternoon, on us, and a cold drink while you wait."),
        ("Chloe", "Sand is part of a beach, I'm afraid, but I can lend you a mat for the afternoon."),
        ("Dev", "Thank you for telling us, and sorry! Our lifeguard will show you a calm corner of the beach, "
                "and I'll have the shower by the steps cleaned for you."),
    ],
    "ru": [
        ("Ольга", "Мне очень жаль, что песок испортил вам день. Сейчас принесу свежие полотенца и коврик "
                  "и покажу место за дюнами, где ветер намного тише."),
        ("Дмитрий", "Понимаю, песок повсюду — это неприятно. Давайте я забронирую для вас бесплатный шезлонг "
                    "у бассейна на вечер и холодный напиток за наш счёт."),
        ("Ирина", "Песок — часть пляжа, но я могу дать вам коврик до вечера."),
        ("Павел", "Спасибо, что сказали нам, и простите! Спасатель покажет тихое место на пляже, "
                  "а душ у лестницы мы сейчас для вас почистим."),
    ],
    "uk": [
        ("Оксана", "Мені дуже шкода, що пісок зіпсував вам день. Зараз принесу чисті рушники й килимок "
                   "і покажу місце за дюнами, де вітер значно тихіший."),
        ("Богдан", "Розумію, пісок усюди — це неприємно. Дозвольте забронювати для вас безкоштовний лежак "
                   "біля басейну на вечір і холодний напій за наш рахунок."),
        ("Марія", "Пісок — частина пляжу, але я можу дати вам килимок до вечора."),
        ("Тарас", "Дякуємо, що сказали нам, і вибачте! Рятувальник покаже затишне місце на пляжі, "
                  "а душ біля сходів ми зараз для вас почистимо."),
    ],
    "el": [
        ("Ελένη", "Λυπάμαι πολύ που η άμμος σας χάλασε τη μέρα. Σας φέρνω τώρα καθαρές πετσέτες και ένα "
                  "στρωσίδι και σας δείχνω ένα σημείο πίσω από τους αμμόλοφους, όπου φυσάει λιγότερο."),
        ("Νίκος", "Καταλαβαίνω, η άμμος παντού είναι ενοχλητική. Να σας κρατήσω μια δωρεάν ξαπλώστρα δίπλα "
                  "στην πισίνα για το απόγευμα, μαζί με ένα δροσερό ποτό;"),
        ("Μαρία", "Η άμμος είναι μέρος της παραλίας, αλλά μπορώ να σας δώσω ένα στρωσίδι για το απόγευμα."),
        ("Γιώργος", "Ευχαριστούμε που μας το είπατε, και συγγνώμη! Ο ναυαγοσώστης θα σας δείξει ένα ήσυχο "
                    "σημείο, και θα καθαρίσουμε τώρα το ντους δίπλα στα σκαλιά."),
    ],
}
# Who gives which award, by the index of the writer in PLAYERS: AWARDS[voter][criterion] is the
# reply it goes to. With four players each voter's three awards go to all three others, so
# the weak reply gets one of each, and each of the others wins one award three to one.
AWARDS = ((2, 1, 3), (0, 2, 3), (0, 1, 3), (0, 1, 2))


def save(png: bytes, path: Path) -> Path:
    """A screenshot as lossless WebP: for flat screens of text it is smaller than lossy (and sharp)."""
    from PIL import Image

    picture = Image.open(io.BytesIO(png)).convert("RGB")
    path.parent.mkdir(parents=True, exist_ok=True)
    picture.save(path, "WEBP", lossless=True, method=6)
    return path


def side_by_side(projector: Path, phone: Path, path: Path) -> Path:
    """The README's picture: the projector and a phone, on one light background."""
    from PIL import Image

    left, right = Image.open(projector), Image.open(phone)
    gap = 32
    right = right.crop((0, 0, right.width, min(right.height, left.height)))
    canvas = Image.new("RGB", (left.width + gap + right.width, left.height), "#f1f3f5")
    canvas.paste(left, (0, 0))
    canvas.paste(right, (left.width + gap, 0))
    buffer = io.BytesIO()
    canvas.save(buffer, "PNG")
    return save(buffer.getvalue(), path)


def first_card(language: str) -> str:
    import json

    deck = json.loads((ROOT / "decks" / f"starter-{language}.json").read_text(encoding="utf-8"))
    return deck["cards"][0]["complaint"]


class Desk:
    """The trainer over plain HTTP: signs in and creates sessions."""

    def __init__(self, base: str) -> None:
        import requests

        self.base = base
        self.http = requests.Session()
        self.post("/login", {"username": TRAINER[0], "password": TRAINER[1]})

    def post(self, path: str, data: dict):
        page = self.http.get(self.base + path, timeout=10)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1)
        answer = self.http.post(self.base + path, data={**data, "csrf_token": token}, timeout=10)
        answer.raise_for_status()
        return answer

    def create(self, language: str) -> str:
        """The Monday warm-up's settings: one card for the room, service awards, cues on."""
        page = self.http.get(self.base + "/host/new", timeout=10).text
        decks = {lang: deck for deck, lang in re.findall(r'value="(\d+)" data-language="(\w+)"', page)}
        settings = {"language": language, "deck": decks[language], "writing_minutes": "5", "voting_seconds": "180",
                    "rounds_total": "2", "mode": "same_card", "voting": "awards", "cues": "on"}
        return self.post("/host/new", settings).url.rstrip("/").rsplit("/", 1)[1]


def sign_in(page, base: str, then: str) -> None:
    """The trainer signs in through the form, whatever language the browser asked it in."""
    from urllib.parse import quote

    page.goto(f"{base}/login?next={quote(then, safe='/')}")
    page.locator("input[name=username]").fill(TRAINER[0])
    page.locator("input[name=password]").fill(TRAINER[1])
    page.locator("form button.primary[type=submit]").click()
    page.wait_for_url(re.compile(re.escape(base + then)))


class Screens:
    """One browser; a page per screen, each in its own context (its own storage, like a device)."""

    def __init__(self, browser, base: str) -> None:
        self.browser = browser
        self.base = base
        self.contexts = []

    def open(self, viewport: dict, language: str):
        context = self.browser.new_context(viewport=viewport, device_scale_factor=1, locale=language)
        self.contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()


def play(screens: Screens, desk: Desk, language: str, out: Path) -> list[Path]:
    """One round in ``language``; returns the pictures saved."""
    from playwright.sync_api import TimeoutError, expect

    base = screens.base
    saved: list[Path] = []

    def shot(page, name: str, **options) -> None:
        page.evaluate("document.activeElement && document.activeElement.blur()")
        page.evaluate("window.scrollTo(0, 0)")
        saved.append(save(page.screenshot(**options), out / f"{name}.webp"))

    code = desk.create(language)
    projector = screens.open(PROJECTOR, language)
    sign_in(projector, base, f"/host/{code}")
    (phone_name, phone_reply), *others = PLAYERS[language]

    phone = screens.open(PHONE, language)
    phone.goto(f"{base}/language/{language}?next=/join/{code}")
    phone.locator("#join-name").fill(phone_name)
    phone.locator("#join-form button[type=submit]").click()
    phone.locator("#wait-title").wait_for()
    sims = [SimPhone(base, code, name) for name, _ in others]
    try:
        expect(projector.locator("#lobby-players .chip")).to_have_count(4)
        # The sandy beach, the first card of each language's deck, for the whole room.
        options = projector.locator("#card-select option")
        sandy = [i for i, text in enumerate(options.all_inner_texts()) if text.startswith(first_card(language)[:12])]
        card = options.nth(sandy[0]).get_attribute("value")
        projector.locator("#card-select").select_option(card)
        expect(projector.locator("#card-select")).to_have_value(card)
        shot(projector, "projector-lobby")

        projector.locator("#btn-next").click()
        phone.locator("#reply").fill(phone_reply)
        phone.locator("#save-state:not(:empty)").wait_for()
        for sim, (_, reply) in zip(sims[:2], others[:2], strict=True):
            round_no = sim.wait_for(lambda s: s["phase"] == "writing")["round"]
            assert sim.call("submit", {"round": round_no, "text": reply})["ok"]
        expect(projector.locator("#writing-progress")).to_contain_text("2")
        projector.wait_for_timeout(1200)  # the clock ticks past its first second
        shot(phone, "phone-writing", full_page=True)
        shot(projector, "projector-writing")
        phone.locator("#send").click()
        phone.locator("#sent-note:not([hidden])").wait_for()
        last = sims[2]
        round_no = last.wait_for(lambda s: s["phase"] == "writing")["round"]
        assert last.call("submit", {"round": round_no, "text": others[2][1]})["ok"]

        projector.locator("#showcase-reply").wait_for()
        projector.wait_for_timeout(600)
        shot(projector, "projector-voting")
        phone.locator("#ballot .award").first.wait_for()
        replies = [reply for _, reply in PLAYERS[language]]
        for criterion, writer in enumerate(AWARDS[0]):
            if criterion == 2:
                shot(phone, "phone-voting", full_page=True)
            item = phone.locator("#ballot .ballot-item", has_text=replies[writer][:40])
            item.locator(".award").nth(criterion).click()
            expect(phone.locator("#ballot .award.on")).to_have_count(criterion + 1)

        for voter, sim in enumerate(sims, start=1):
            ballot = sim.wait_for(lambda s: s["phase"] == "voting")["ballot"]
            by_writer = {replies.index(item["text"]): item["id"] for item in ballot}
            for criterion, writer in enumerate(AWARDS[voter]):
                assert sim.call("vote", {"reply_id": by_writer[writer], "criterion": criterion})["ok"]
        phone.locator("#round-points:not(:empty)").wait_for()
        # The room's last award ends voting by itself; the trainer's button is the fallback.
        results = projector.locator("#winners-card:not([hidden]), #result-card:not([hidden])").first
        try:
            results.wait_for(timeout=5000)
        except TimeoutError:
            projector.locator("#btn-end").click()
            results.wait_for()
        projector.wait_for_timeout(1000)
        shot(projector, "projector-results")
        phone.locator("#my-cues-box:not([hidden])").wait_for()
        shot(phone, "phone-results", full_page=True)

        projector.locator("#btn-debrief").click()
        projector.locator("#debrief-highlights .highlight").first.wait_for()
        projector.wait_for_timeout(600)
        shot(projector, "projector-debrief")
    finally:
        for sim in sims:
            sim.close()
    saved.append(poster(screens, language, out))
    screens.close()
    return saved


def poster(screens: Screens, language: str, out: Path) -> Path:
    """A drill of the week from its preset, and its printable poster in ``language``."""
    from playwright.sync_api import expect

    base = screens.base
    page = screens.open({"width": 1280, "height": 800}, language)
    sign_in(page, base, f"/host/new?preset=drill&language={language}")
    page.locator("select[name=time_zone]").wait_for()
    page.locator("form button.primary[type=submit]").click()
    page.locator("h1 .code").wait_for()
    code = page.locator("h1 .code").inner_text().strip()
    page.goto(f"{base}/host/{code}/poster?paper=a4")
    page.locator(".poster img.qr").wait_for()
    expect(page.locator(".poster img.qr")).to_have_js_property("complete", True)
    return save(page.locator(".poster").screenshot(), out / "poster.webp")


def take(out: Path, languages: list[str], workdir: Path) -> list[Path]:
    """Start the server, play each language, write the pictures under ``out``."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: run scripts/ensure-chromium")
    workdir.mkdir(parents=True, exist_ok=True)
    # The address a projector on an office LAN would show (the pictures' QR codes lead there).
    server = LiveServer(workdir, {"TRAINER_PUBLIC_URL": SHOWN_ADDRESS})
    server.add_user(TRAINER[0], "trainer", TRAINER[1])
    server.start()
    saved: list[Path] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            desk = Desk(server.url)
            for language in languages:
                saved += play(Screens(browser, server.url), desk, language, out / language)
            browser.close()
    except Exception:
        print(server.log()[-4000:], file=sys.stderr)
        raise
    finally:
        server.stop()
    first = out / languages[0]
    saved.append(side_by_side(first / "projector-results.webp", first / "phone-writing.webp", out / "overview.webp"))
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "pictures", help="folder for the pictures")
    parser.add_argument("--languages", nargs="+", choices=LANGUAGES, default=list(LANGUAGES))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="too-sandy-shots-") as workdir:
        saved = take(args.out, args.languages, Path(workdir))
    for path in saved:
        print(f"{path.stat().st_size / 1024:6.1f} KB  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Hostile forms and files: every form on the site, found by walking it.

An admin (who may also run sessions) walks every page reachable from the
front page and collects each ``<form method="post">`` with its fields, so a
form added later is fuzzed without anyone listing it; the test also checks
that every POST route of the app was found. Hypothesis then posts to each
form: wrong types, huge fields, bytes that are not UTF-8, NULs and
direction overrides, fields missing, repeated or unknown, a missing or
forged CSRF token, the same post twice, and uploads that are not what
they claim. For every answer: no 500, a refused post (4xx) changes nothing
in the database, and it says why, in the language the browser asked for.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import defaultdict
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote_from_bytes, urljoin, urlsplit

import pytest
from conftest import PASSWORD, database_url, forget_logins_after_requests, make_user, sign_in
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from trainer import create_app
from trainer.accounts import users as accounts
from trainer.clock import utcnow
from trainer.coaching import presets
from trainer.decks import imports as deckimport
from trainer.decks import store as deckstore
from trainer.extensions import db
from trainer.game.windows import Window, Windows
from trainer.live import drills, rounds
from trainer.live.sessions import SessionSettings, create_session, join
from trainer.models import Attempt, Deck, LoginAttempt, Player, Presence, Reply, User
from trainer.records import library, teams

LANGUAGES = ["en", "ru", "uk", "el"]
# Refusals may count themselves (sign-in and join throttles) and phones come
# and go; everything else must be exactly as it was after a refused post.
UNCOUNTED = {LoginAttempt.__tablename__, Attempt.__tablename__, Presence.__tablename__}
NEVER_POSTED = {"/logout"}  # signing out mid-walk would end the walk; test_csrf.py covers it


class Forms(HTMLParser):
    """The post forms of a page: action, field names with their values, file inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.links: list[str] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": defaultdict(list), "files": [],
                          "multipart": "multipart" in (attrs.get("enctype") or "")}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "button") and attrs.get("formaction"):
            # A second button posting the same fields elsewhere (an import's Cancel).
            self.forms.append({**self._form, "action": attrs["formaction"]})
        elif self._form is not None and tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            if attrs.get("type") == "file":
                self._form["files"].append(attrs["name"])
            else:
                self._form["fields"][attrs["name"]].append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def fingerprint() -> str:
    """Every row of every table that a refusal must leave alone."""
    digest = hashlib.sha256()
    db.session.expire_all()
    for table in db.metadata.sorted_tables:
        if table.name in UNCOUNTED:
            continue
        for row in db.session.execute(select(table).order_by(*table.primary_key.columns)):
            digest.update(repr(tuple(row)).encode())
    db.session.rollback()
    return digest.hexdigest()


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A CSRF-protected app with something behind every form, and the forms found on it."""
    tmp_path = tmp_path_factory.mktemp("forms")
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-only", "ASYNC_MODE": "threading", "SCHEMA": "create_all",
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "BACKUP_FOLDER": str(tmp_path / "backups"),
    })
    forget_logins_after_requests(app)
    with app.app_context():
        boss = make_user("boss", "admin")
        make_user("other-trainer")
        deck = db.session.scalars(select(Deck).where(Deck.slug == "starter-en")).one()
        team = teams.create_team(boss.id, "Front desk")
        teams.add_member(team, "Ana")
        teams.add_member(team, "Bo")
        game = create_session(SessionSettings((deck.id,), writing_minutes=5, voting_seconds=60, rounds_total=1,
                                              seed=7, team_id=team.id), owner_id=boss.id)
        players = [db.session.get(Player, join(game.code, name).player_id) for name in ("Ana", "Bo", "Cy")]
        rounds.advance(game, utcnow())
        for player in players:
            rounds.submit(player, game, 1, f"{player.name} is sorry about the sand", utcnow())
        rounds.close_phase(game, utcnow())
        rounds.close_phase(game, utcnow())
        reply_id = db.session.scalars(select(Reply.id).where(Reply.session_id == game.id)).first()
        library.star(reply_id, boss.id, game.id)
        # A drill in its voting window: its page has every drill form (extend, close, hide, remove).
        now = utcnow()
        drill = drills.create_drill(SessionSettings(
            (deck.id,), seed=7, windows=Windows(now, now + timedelta(days=2), now + timedelta(days=3)),
            time_zone="Europe/Athens"), boss.id, now)
        for name in ("Dee", "Eli"):
            drill_player = db.session.get(Player, join(drill.code, name).player_id)
            rounds.submit(drill_player, drill, 1, f"{name} would bring a rake", now)
        drills.close_early(drill, Window.WRITING, now)
        # A same-card drill nobody has opened yet: its page lets the trainer pick its cards.
        picking = drills.create_drill(SessionSettings(
            (deck.id,), seed=8, mode="same_card",
            windows=Windows(now + timedelta(days=1), now + timedelta(days=2), now + timedelta(days=3)),
            time_zone="Europe/Athens"), boss.id, now, cards=2)
        presets.save(boss.id, "Quick one", {"writing_minutes": 4, "rounds_total": 2})
        staged = deckimport.stage_upload(boss, "more.csv", "complaint\nThe waves are too loud\n".encode(), deck)
        # An archived deck, for its restore button.
        old = db.session.scalars(select(Deck).where(Deck.slug == "starter-ru")).one()
        deckstore.archive_deck(old)
        db.session.commit()

        client = app.test_client()
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))[1]
        signed_in = client.post("/login", data={"username": "boss", "password": PASSWORD, "csrf_token": token})
        assert signed_in.status_code == 302
        # The upload's preview is reached by uploading, not by a link.
        forms = walk(app, client, ["/", "/login", "/admin/", "/admin/decks?archived=1", "/host/",
                                   f"/host/{game.code}/report", f"/host/{drill.code}/drill",
                                   f"/host/{picking.code}/drill", "/library", "/teams",
                                   f"/admin/imports/{staged.id}"])
        yield app, client, token, forms
        db.session.remove()
        db.engine.dispose()


def walk(app, client, start: list[str]) -> dict[str, dict]:
    """Every post form on every page reachable from ``start``, by route."""
    adapter = app.url_map.bind("localhost")
    seen, queue, forms = set(), list(start), {}
    while queue and len(seen) < 400:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        answer = client.get(path)
        if answer.status_code != 200 or "text/html" not in answer.content_type:
            continue
        parser = Forms()
        parser.feed(answer.get_data(as_text=True))
        for form in parser.forms:
            action = urlsplit(urljoin(path, form["action"] or path)).path
            try:
                endpoint, _ = adapter.match(action, method="POST")
            except Exception:
                continue
            forms.setdefault(action, {**form, "endpoint": endpoint, "page": path})
        for link in parser.links:
            target = urlsplit(urljoin(path, link))
            # Stay on the site's pages; the language switch and exports are no forms.
            if target.netloc or target.path.startswith(("/language/", "/static/", "/assets/")):
                continue
            if target.path.endswith((".csv", ".json", ".svg")) or target.path in seen:
                continue
            queue.append(target.path)
    return forms


def test_the_walk_finds_every_post_route(site):
    app, _client, _token, forms = site
    found = {form["endpoint"] for form in forms.values()}
    posts = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    # The phones' join is JSON, fuzzed below; the first admin's setup page has its own test.
    assert posts - found - {"play.join", "auth.setup"} == set()


# --- what hypothesis sends -----------------------------------------------------

odd_text = st.sampled_from([
    "", " ", "\x00", "x" * 20_000, "\u202eevil", "A\u200bna", "Аna", "😀" * 3000, "<script>alert(1)</script>",
    "-1", "0", "1e309", "NaN", "3.5", "99999999999999999999", "true", "[]", "{}", "%00", "../../etc/passwd",
])
odd_bytes = st.sampled_from([b"\xff\xfe\x00", b"\xc3\x28", b"\xed\xa0\x80", "Ελληνικά".encode("utf-16")])
field_value = (
    odd_text.map(str.encode) | odd_bytes | st.text(max_size=40).map(str.encode)
    | st.binary(max_size=40) | st.integers(min_value=-(2**70), max_value=2**70).map(lambda n: str(n).encode())
)
upload = st.sampled_from([
    b"", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, b"{", b'{"cards": "many"}', b'{"cards": [{"complaint": 42}]}',
    b"complaint\n" + b"x" * 400_000, "complaint,theme\nСлишком много песка,море\n".encode("cp1251"),
    "\ufeffcomplaint\nToo sandy\n".encode("utf-16"), b"PK\x03\x04" + b"\x00" * 60, b"\x00" * 1000,
])


@st.composite
def post(draw, form: dict, token: str) -> tuple[bytes, str | None, list]:
    """The body of one hostile post, its content type, and the files it carries."""
    pairs: list[tuple[bytes, bytes]] = []
    for name, values in form["fields"].items():
        if name == "csrf_token":
            continue
        choice = draw(st.sampled_from(["keep", "keep", "odd", "missing", "twice"]))
        real = (draw(st.sampled_from(values)) if values else "").encode()
        if choice == "keep":
            pairs.append((name.encode(), real))
        elif choice == "odd":
            pairs.append((name.encode(), draw(field_value)))
        elif choice == "twice":
            pairs += [(name.encode(), real), (name.encode(), draw(field_value))]
    pairs += [(k.encode(), v) for k, v in draw(st.lists(st.tuples(st.text(max_size=8), field_value), max_size=2))]
    csrf = draw(st.sampled_from(["valid"] * 6 + ["missing", "forged", "twice"]))
    if csrf != "missing":
        pairs.append((b"csrf_token", token.encode() if csrf != "forged" else b"forged-token"))
        if csrf == "twice":
            pairs.append((b"csrf_token", b"another"))
    files = [(name, draw(upload), draw(st.sampled_from(["deck.csv", "deck.json", "deck.exe", "", "../x.csv"])))
             for name in form["files"]]
    body = b"&".join(quote_from_bytes(k) .encode() + b"=" + quote_from_bytes(v).encode() for k, v in pairs)
    return body, None, files


def refused_says_why(answer, language: str) -> None:
    page = answer.get_data(as_text=True)
    assert f'<html lang="{language}"' in page, f"{answer.request.path}: not in {language}: {page[:200]}"
    assert re.search(r'class="field-error"|role="alert"|id="error-message"', page), page[-2000:]


def send(client, path: str, body: bytes, files: list, language: str):
    headers = {"Accept-Language": language}
    if not files:
        return client.post(path, data=body, content_type="application/x-www-form-urlencoded", headers=headers)
    # A multipart form: the fields decoded as the browser would, and the files.
    fields = {}
    for part in body.split(b"&") if body else []:
        key, _, value = part.partition(b"=")
        fields.setdefault(_unquote(key), _unquote(value))
    fields.update({name: (io.BytesIO(content), filename) for name, content, filename in files})
    return client.post(path, data=fields, content_type="multipart/form-data", headers=headers)


def _unquote(raw: bytes) -> str:
    from urllib.parse import unquote_to_bytes

    return unquote_to_bytes(raw).decode("utf-8", "replace")


FORM_EXAMPLES = 8


def reader_language(client) -> str | None:
    """The language the reader chose: their account's (fuzzed forms may rename or switch them), then the cookie's."""
    with client.session_transaction() as cookie:
        user_id = cookie.get("_user_id")
    language = None
    if user_id is not None:
        language = db.session.scalar(select(User.language).where(User.id == int(user_id.split(":")[0])))
        db.session.rollback()
    chosen = client.get_cookie("lang")  # the language switch's cookie, next in line
    return language or (chosen.value if chosen else None)


def check_form(client, token: str, path: str, form: dict) -> None:
    @settings(max_examples=FORM_EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(sent=post(form, token), language=st.sampled_from(LANGUAGES), again=st.booleans())
    def one_form(sent, language, again):
        body, _type, files = sent
        # Still the admin, whatever an earlier post did to the account (a new password signs it out).
        sign_in(client, db.session.scalars(select(User).where(User.role == "admin").order_by(User.id)).first())
        db.session.rollback()
        for _ in range(2 if again else 1):  # the same post twice: a double click, a retry
            before = fingerprint()
            # A signed-in reader's own language choice comes before the browser's.
            reader = reader_language(client) or language
            answer = send(client, path, body, files, language)
            assert answer.status_code < 500, f"{path}: {answer.status_code}"
            if answer.status_code >= 400 and answer.status_code != 404:
                assert fingerprint() == before, f"{path}: a refused post ({answer.status_code}) changed data"
                refused_says_why(answer, reader)

    one_form()


def test_every_form_refuses_hostile_posts_cleanly(site):
    app, client, token, forms = site
    problems: list[str] = []
    for path, form in sorted(forms.items()):
        if path in NEVER_POSTED:
            continue
        try:
            check_form(client, token, path, form)
        except AssertionError as failed:
            problems.append(str(failed).splitlines()[0])
    assert not problems, "\n".join(problems)


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(
    st.binary(max_size=200),
    st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
                 lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
                 max_leaves=10).map(lambda value: __import__("json").dumps(value).encode()),
    st.fixed_dictionaries({"code": st.text(max_size=12) | st.integers(), "name": odd_text | st.integers()})
    .map(lambda value: __import__("json").dumps(value).encode()),
), language=st.sampled_from(LANGUAGES))
def test_the_join_api_answers_every_body_with_a_sentence(app, seed, body, language):
    seed(players=0)
    before = fingerprint()
    answer = app.test_client().post("/api/join", data=body, content_type="application/json",
                                    headers={"Accept-Language": language})
    assert answer.status_code < 500
    payload = answer.get_json(silent=True)
    assert isinstance(payload, dict) and isinstance(payload.get("ok"), bool), answer.get_data()[:200]
    if not payload["ok"]:
        assert payload["error"].strip()
        assert fingerprint() == before


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=field_value, password=field_value, confirm=field_value, language=st.sampled_from(LANGUAGES))
def test_the_first_admins_setup_page_refuses_cleanly(tmp_path_factory, username, password, confirm, language):
    tmp_path = tmp_path_factory.mktemp("setup")
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-only", "ASYNC_MODE": "threading", "SCHEMA": "create_all",
        "SQLALCHEMY_DATABASE_URI": database_url(tmp_path), "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "LOAD_SHIPPED_DECKS": False, "WTF_CSRF_ENABLED": False,
    })
    with app.app_context():
        token = accounts.issue_setup_token()
        before = fingerprint()
        body = b"&".join(k + b"=" + quote_from_bytes(v).encode()
                         for k, v in ((b"username", username), (b"password", password), (b"confirm", confirm)))
        answer = app.test_client().post(f"/setup/{token}", data=body, headers={"Accept-Language": language},
                                        content_type="application/x-www-form-urlencoded")
        assert answer.status_code in (302, 400), answer.status_code
        if answer.status_code == 400:
            assert fingerprint() == before
            refused_says_why(answer, language)
        db.session.remove()
        db.engine.dispose()

"""The command line: accounts and decks for automation. Exit code 0 when
done, 1 when refused (every reason on stderr), 2 for bad usage."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import SHIPPED_DECKS
from live import ROOT
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from trainer.accounts import users as accounts
from trainer.extensions import db
from trainer.models import Card, Deck, User


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def run(*args, input=None):
        return runner.invoke(args=list(args), input=input)

    return run


def cards_in(name: str) -> list[str]:
    deck = db.session.scalar(select(Deck).where(Deck.name == name))
    return [card.complaint for card in deck.cards] if deck else []


# --- users ------------------------------------------------------------------------

def test_users_create_reads_the_password_from_stdin(cli):
    result = cli("users", "create", "boss", "--role", "admin", input="a long password\n")
    assert result.exit_code == 0, result.output
    assert "Created admin account “boss”." in result.output
    boss = accounts.find_user("boss")
    assert boss.is_admin and check_password_hash(boss.password_hash, "a long password")
    assert cli("users", "create", "maria", input="sandy beach\n").exit_code == 0
    assert accounts.find_user("maria").role == "trainer"


@pytest.mark.parametrize(("args", "stdin", "code", "message"), [
    (["users", "create", "boss"], "short\n", 1, "at least 8 characters"),
    (["users", "create", "boss"], "", 1, "at least 8 characters"),
    (["users", "create", "two words"], "long enough\n", 1, "User names are 2 to 40"),
    (["users", "create", "boss", "--role", "owner"], "long enough\n", 2, "owner"),
    (["users", "set-password", "nobody"], "long enough\n", 1, "There is no account called “nobody”."),
    (["users", "delete", "nobody"], None, 1, "There is no account called “nobody”."),
])
def test_users_commands_refuse_with_a_reason(cli, args, stdin, code, message):
    result = cli(*args, input=stdin)
    assert result.exit_code == code and message in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


def test_users_list_set_password_and_delete(cli):
    cli("users", "create", "boss", "--role", "admin", input="a long password\n")
    cli("users", "create", "maria", input="sandy beach\n")
    listing = cli("users", "list")
    assert listing.exit_code == 0
    assert [line.split()[:2] for line in listing.output.splitlines()] == [["boss", "admin"], ["maria", "trainer"]]
    assert cli("users", "set-password", "maria", input="another password\n").exit_code == 0
    assert check_password_hash(accounts.find_user("maria").password_hash, "another password")
    assert cli("users", "delete", "maria").exit_code == 0 and accounts.find_user("maria") is None
    refused = cli("users", "delete", "boss")
    assert refused.exit_code == 1 and "last admin" in refused.output


# --- decks ------------------------------------------------------------------------

def test_decks_list(cli):
    result = cli("decks", "list")
    assert result.exit_code == 0
    assert "Too Sandy starter deck" in result.output and "starter-en" in result.output and "enabled" in result.output


def test_import_a_csv_into_a_new_deck(cli, tmp_path):
    path = tmp_path / "spa_day.csv"
    path.write_text("complaint;theme;difficulty\nThe sauna was hot;hotel;2\nThe pool was wet;;\n", encoding="utf-8")
    result = cli("decks", "import", str(path))
    assert result.exit_code == 0, result.output
    assert "Added 2 cards to “spa day”" in result.output
    assert cards_in("spa day") == ["The sauna was hot", "The pool was wet"]


def test_import_refuses_a_file_with_bad_rows_and_lists_every_one(cli, tmp_path):
    path = tmp_path / "cards.csv"
    path.write_text("complaint,theme,difficulty\nGood one,hotel,1\nBad theme,spa,1\nBad level,hotel,5\n"
                    + "x" * 281 + ",hotel,1\n", encoding="utf-8")
    result = cli("decks", "import", str(path), "--deck", "Spa")
    assert result.exit_code == 1
    assert "line 3: “spa” is not a theme" in result.output
    assert "line 4: Difficulty must be 1, 2 or 3, not “5”." in result.output
    assert "line 5: The complaint is 281 characters long" in result.output
    assert "Nothing was imported: 3 rows have problems" in result.output
    assert cards_in("Spa") == [] and db.session.scalar(select(func.count(Deck.id))) == SHIPPED_DECKS
    skipped = cli("decks", "import", str(path), "--deck", "Spa", "--skip-invalid")
    assert skipped.exit_code == 0 and "Added 1 card to “Spa”; skipped 3." in skipped.output
    assert cards_in("Spa") == ["Good one"]
    # Importing the same file again: its one good card is now a duplicate.
    again = cli("decks", "import", str(path), "--deck", "Spa")
    assert again.exit_code == 1 and "line 2: This deck already has that complaint, as card 1" in again.output


@pytest.mark.parametrize(("content", "name", "message"), [
    ("complaint\nCafé\n".encode("cp1252"), "latin.csv", "not UTF-8"),
    (b"PK\x03\x04", "deck.xlsx", "is not a CSV or JSON file"),
    (b"name,theme\nx,hotel\n", "deck.csv", "no “complaint” column"),
    (b'{"format": "other"}', "deck.json", "not a Too Sandy deck"),
])
def test_import_refuses_unreadable_files(cli, tmp_path, content, name, message):
    path = tmp_path / name
    path.write_bytes(content)
    result = cli("decks", "import", str(path))
    assert result.exit_code == 1 and message in result.output
    assert db.session.scalar(select(func.count(Deck.id))) == SHIPPED_DECKS


def test_import_of_a_missing_file_is_a_usage_error(cli, tmp_path):
    assert cli("decks", "import", str(tmp_path / "nope.csv")).exit_code == 2


@pytest.mark.parametrize("kind", ["csv", "json"])
def test_export_then_import_gives_back_the_same_deck(cli, tmp_path, kind):
    out = tmp_path / f"starter.{kind}"
    result = cli("decks", "export", "Too Sandy starter deck", "--format", kind, "-o", str(out))
    assert result.exit_code == 0 and out.exists()
    assert cli("decks", "import", str(out), "--deck", "Copy").exit_code == 0
    fields = ("complaint", "theme", "difficulty", "coach_note", "enabled")
    original = db.session.scalar(select(Deck).where(Deck.slug == "starter-en"))
    copy = db.session.scalar(select(Deck).where(Deck.name == "Copy"))
    assert [[getattr(c, f) for f in fields] for c in copy.cards] == [
        [getattr(c, f) for f in fields] for c in original.cards]


def test_export_to_stdout_and_by_slug(cli):
    result = cli("decks", "export", "starter-en", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout_bytes)
    in_deck = select(func.count(Card.id)).join(Deck).where(Deck.slug == "starter-en")
    assert data["slug"] == "starter-en" and len(data["cards"]) == db.session.scalar(in_deck)
    csv = cli("decks", "export", "starter-en", "--format", "csv")
    assert csv.stdout_bytes.startswith("\ufeffcomplaint,coach_note,theme,difficulty,enabled".encode())


def test_export_refusals(cli):
    unknown = cli("decks", "export", "No such deck", "--format", "csv")
    assert unknown.exit_code == 1 and "There is no deck called “No such deck”" in unknown.output
    assert cli("decks", "export", "starter-en", "--format", "xlsx").exit_code == 2
    assert cli("decks", "export", "starter-en").exit_code == 2


def test_a_json_file_brings_its_deck_details(cli, tmp_path):
    path = tmp_path / "deck.json"
    path.write_text(json.dumps({"format": "too-sandy-deck/1", "slug": "greek-hotels", "name": "Ξενοδοχεία",
                                "language": "el", "description": "Greek hotel complaints",
                                "cards": [{"complaint": "Η θάλασσα είναι πολύ υγρή", "theme": "hotel"}]}),
                    encoding="utf-8")
    assert cli("decks", "import", str(path)).exit_code == 0
    deck = db.session.scalar(select(Deck).where(Deck.slug == "greek-hotels"))
    assert (deck.name, deck.language, deck.description) == ("Ξενοδοχεία", "el", "Greek hotel complaints")


# --- too-sandy: the group around the app -------------------------------------------------

@pytest.fixture
def too_sandy(app):
    """The `too-sandy` group, on the test's app (the real command makes its own)."""
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from trainer.cli import main

    def run(*args, env=None):
        return CliRunner().invoke(main, list(args), obj=ScriptInfo(create_app=lambda: app), env=env)

    return run


def test_too_sandy_has_every_flask_command_and_serve(too_sandy):
    listing = too_sandy("--help")
    assert listing.exit_code == 0, listing.output
    commands = listing.output.split("Commands:")[1]
    listed = {line.split()[0] for line in commands.splitlines() if line.startswith("  ") and line[2] != " "}
    assert {"serve", "users", "decks", "backup", "restore", "load-decks", "db", "shell", "routes"} <= listed
    # Flask's development server is not a second way to serve; neither is --app (there is one app).
    assert "run" not in listed and "--app" not in listing.output
    created = too_sandy("users", "create", "anna", "--role", "admin")
    assert created.exit_code == 1 and "at least 8 characters" in created.output  # stdin was empty
    assert too_sandy("decks", "list").output == too_sandy("decks", "list").output != ""


def test_too_sandy_version_is_the_projects():
    import tomllib

    from click.testing import CliRunner

    from trainer.cli import main

    with (ROOT / "pyproject.toml").open("rb") as project:
        expected = tomllib.load(project)["project"]["version"]
    shown = CliRunner().invoke(main, ["--version"])
    assert shown.exit_code == 0 and shown.output == f"too-sandy {expected}\n"


@pytest.mark.parametrize(("terminal", "root", "command"), [
    ("el_GR.UTF-8", "Ξεκινήστε το με `too-sandy serve`.", "Λογαριασμοί διαχειριστών και εκπαιδευτών."),
    ("ru_RU.UTF-8", "Запуск: `too-sandy serve`.", "Учётные записи администраторов и тренеров."),
    ("uk_UA.UTF-8", "Запуск: `too-sandy serve`.", "Облікові записи адміністраторів і тренерів."),
    ("C.UTF-8", "Start it with `too-sandy serve`.", "Admin and trainer accounts."),
])
def test_too_sandy_help_speaks_the_terminals_language(too_sandy, terminal, root, command):
    listing = too_sandy("--help", env={"LANG": terminal})
    flat = " ".join(listing.output.split())
    assert root in flat and command in flat
    # Click's own words too: Usage, Options, Commands.
    words = {"el_GR.UTF-8": ("Χρήση:", "Επιλογές:", "Εντολές:"), "ru_RU.UTF-8": ("Использование:", "Параметры:",
             "Команды:"), "uk_UA.UTF-8": ("Використання:", "Параметри:", "Команди:"),
             "C.UTF-8": ("Usage:", "Options:", "Commands:")}[terminal]
    assert all(word in listing.output for word in words), listing.output
    options = " ".join(too_sandy("decks", "import", "--help", env={"LC_ALL": terminal}).output.split())
    assert {"el_GR.UTF-8": "Εισαγωγή των σωστών γραμμών", "ru_RU.UTF-8": "Импортировать хорошие строки",
            "uk_UA.UTF-8": "Імпортувати правильні рядки",
            "C.UTF-8": "Import the good rows"}[terminal] in options


def test_serve_hands_its_address_to_the_server(too_sandy, monkeypatch):
    from trainer import serve

    asked = []
    monkeypatch.setattr(serve, "run_server", lambda host, port: asked.append((host, port)))
    assert too_sandy("serve", "--host", "127.0.0.1", "--port", "5999").exit_code == 0
    monkeypatch.setenv("PORT", "6001")
    assert too_sandy("serve").exit_code == 0
    assert too_sandy("serve", "--port", "0").exit_code == 2
    assert asked == [("127.0.0.1", 5999), ("0.0.0.0", 6001)]


def test_data_dir_chooses_where_the_app_keeps_its_data(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from trainer import create_app
    from trainer.cli import main

    monkeypatch.setenv("TRAINER_DATA_DIR", "placeholder")  # restored after the test
    data = tmp_path / "data"
    made = []

    def make_app():
        made.append(create_app({"TESTING": True, "ASYNC_MODE": "threading", "SCHEMA": "create_all"}))
        return made[-1]

    from flask.cli import ScriptInfo

    listed = CliRunner().invoke(main, ["--data-dir", str(data), "users", "list"], obj=ScriptInfo(create_app=make_app))
    assert listed.exit_code == 0, listed.output
    assert made[0].instance_path == str(data.resolve())
    assert {"too-sandy.sqlite3", "secret_key"} <= {path.name for path in data.iterdir()}


def test_the_data_folder_a_checkout_an_installed_copy_and_the_variable_choose(tmp_path, monkeypatch):
    from trainer import config, paths

    monkeypatch.delenv("TRAINER_DATA_DIR", raising=False)
    assert config.data_dir() == ROOT / "instance"
    monkeypatch.setattr(paths, "CHECKOUT", None)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert config.data_dir() == tmp_path / "xdg" / "too-sandy"
    assert "site-packages" not in str(config.data_dir())
    monkeypatch.setenv("TRAINER_DATA_DIR", str(tmp_path / "chosen"))
    assert config.data_dir() == tmp_path / "chosen"


def test_serve_starts_the_patched_entry_in_a_fresh_interpreter(monkeypatch):
    from trainer import serve

    started = []

    def exec_instead(path, args, env):
        started.append((path, args, env))
        raise SystemExit(0)

    monkeypatch.setattr(serve.os, "execve", exec_instead)
    monkeypatch.setattr(serve.subprocess, "call", lambda args, env: exec_instead(args[0], args, env) or 0)
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")  # what Flask's CLI leaves behind
    with pytest.raises(SystemExit):
        serve.run_server("127.0.0.1", 5999)
    (path, args, env), = started
    assert path == sys.executable and args == [sys.executable, "-P", str(ROOT / "trainer" / "serve" / "wsgi.py")]
    assert (env["HOST"], env["PORT"]) == ("127.0.0.1", "5999") and "FLASK_RUN_FROM_CLI" not in env

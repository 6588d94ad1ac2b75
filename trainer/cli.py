"""The ``too-sandy`` command (and ``python -m trainer``): Flask's CLI around
create_app, so every ``flask --app trainer ...`` command is here under a name
a user can guess, plus ``serve``. Commands are thin wrappers over tested
functions; their help speaks the terminal's language (i18n/terminal.py), as their
messages do.

Exit codes: 0 done, 1 refused (with the reason on stderr), 2 bad usage.
"""

from __future__ import annotations

import copy
import os
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, routes_command, shell_command, with_appcontext
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import SQLAlchemyError

from . import paths
from .accounts import users as accounts
from .accounts.messages import AccountError
from .clock import utcnow
from .coaching import phrases as cue_phrases
from .coaching.cues import LANGUAGES as CUE_LANGUAGES
from .coaching.cues import cue_lines
from .config import DATA_DIR_VARIABLE
from .database.backup import BackupError, backup_sqlite, restore_sqlite
from .database.schema import known_revisions
from .decks import imports as deckimport
from .decks import store as deckstore
from .decks.files import DeckFileRefused, export_csv, export_json
from .decks.messages import problem_text, studio_message
from .decks.shipped import load_shipped_decks
from .extensions import db
from .i18n.terminal import HelpOption, option, speak_clicks_words
from .i18n.terminal import help_text as _l
from .refusals import Refusal


def _password() -> str:
    """Typed twice at a terminal; one line from a pipe, for automation."""
    if sys.stdin.isatty():
        return click.prompt(_("Password"), hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def _user(name: str):
    user = accounts.find_user(name)
    if user is None:
        raise click.ClickException(AccountError("unknown_user", name=name).message)
    return user


def register(app: Flask) -> None:
    @app.cli.command("load-decks", help=_l("Load shipped decks that are not in the database yet."))
    def load_decks_command() -> None:
        added = load_shipped_decks(paths.DECKS)
        if added:
            click.echo(ngettext("Added %(num)s deck: %(names)s.", "Added %(num)s decks: %(names)s.", len(added),
                                names=", ".join(added)))
        else:
            click.echo(_("Every shipped deck is already here; nothing to add."))

    @app.cli.command("backup", help=_l("Copy the live SQLite database to PATH, safely, while games run."))
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path: Path) -> None:
        try:
            pages = backup_sqlite(db.engine, path)
        except BackupError as problem:
            raise click.ClickException(str(problem)) from None
        click.echo(ngettext("Backed up %(num)s page to %(path)s.", "Backed up %(num)s pages to %(path)s.", pages,
                            path=path))

    @app.cli.command("restore", help=_l("Put a backup in place of the SQLite database. Stop the server first."))
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def restore_command(path: Path) -> None:
        if db.engine.dialect.name != "sqlite" or not db.engine.url.database:
            raise click.ClickException(_("restore puts back SQLite backups; for PostgreSQL use pg_restore "
                                         "(see docs/deploy.md)."))
        live = Path(db.engine.url.database)
        db.engine.dispose()
        try:
            aside = restore_sqlite(live, path, known_revisions(), utcnow())
        except BackupError as problem:
            raise click.ClickException(str(problem)) from None
        click.echo(_("Restored %(file)s. The database it replaced is kept as %(aside)s. Start the server: "
                     "it upgrades the restored database if it is older.", file=path.name, aside=aside.name))

    app.cli.add_command(users)
    app.cli.add_command(decks)
    app.cli.add_command(cues_command)


@click.group(help=_l("Admin and trainer accounts."))
def users() -> None:
    pass


@users.command("create", help=_l("Create an account; the password is read from stdin."))
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), default="trainer", show_default=True)
def create_user_command(name: str, role: str) -> None:
    try:
        user = accounts.create_user(name, _password(), role)
    except Refusal as refused:
        raise click.ClickException(refused.message) from None
    click.echo(_("Created %(role)s account “%(name)s”.", role=user.role, name=user.username))


@users.command("list", help=_l("Every account, admins first."))
def list_users_command() -> None:
    for user in accounts.all_users():
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "-"
        click.echo(f"{user.username:<24} {user.role:<8} {user.created_at:%Y-%m-%d}  {last}")


@users.command("set-password", help=_l("Give an account a new password (from stdin); it is signed out everywhere."))
@click.argument("name")
def set_password_command(name: str) -> None:
    user = _user(name)
    try:
        accounts.set_password(user, _password())
    except Refusal as refused:
        raise click.ClickException(refused.message) from None
    click.echo(_("Password changed for “%(name)s”.", name=user.username))


@users.command("delete", help=_l("Delete an account; its sessions are kept without an owner."))
@click.argument("name")
def delete_user_command(name: str) -> None:
    user = _user(name)
    try:
        accounts.delete_user(user)
    except Refusal as refused:
        raise click.ClickException(refused.message) from None
    click.echo(_("Deleted “%(name)s”.", name=name))


@click.group(help=_l("Complaint decks: list, import, export."))
def decks() -> None:
    pass


@decks.command("list", help=_l("Every deck with its card count; archived decks last."))
def list_decks_command() -> None:
    for archived in (False, True):
        for row in deckstore.deck_rows(archived=archived):
            state = "archived" if archived else ("enabled" if row.deck.enabled else "disabled")
            click.echo(f"{row.deck.name:<40} {row.deck.slug:<28} {row.deck.language:<5} "
                       f"{row.cards:>5} cards  {state}")


@decks.command("import", help=_l("Import a CSV or JSON deck file: all rows, or nothing (unless --skip-invalid)."))
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@option("--deck", "deck_name", default="", help=_l("The deck to add to (made if missing). "
                                                  "Default: the name in a JSON file, or the file's name."))
@option("--skip-invalid", is_flag=True, help=_l("Import the good rows even if some rows are bad."))
def import_deck_command(path: Path, deck_name: str, skip_invalid: bool) -> None:
    try:
        plan, deck, added = deckimport.import_path(path, deck_name, skip_invalid)
    except DeckFileRefused as refused:
        raise click.ClickException(f"{path.name}: {studio_message(refused.code, refused.details)}") from None
    except deckimport.ImportRefused as refused:
        _list_bad_rows(refused.plan)
        raise click.ClickException(refused.message + " " + _("Or use --skip-invalid.")) from None
    except Refusal as refused:
        raise click.ClickException(refused.message) from None
    if plan.bad:
        _list_bad_rows(plan)
    click.echo(ngettext("Added %(num)s card to “%(name)s”; skipped %(skipped)s.",
                        "Added %(num)s cards to “%(name)s”; skipped %(skipped)s.",
                        added, name=deck.name, skipped=len(plan.bad)))


def _list_bad_rows(plan) -> None:
    for row in plan.bad:
        click.echo(_("line %(line)s: %(reason)s", line=row.line, reason=problem_text(row.problems)), err=True)


@decks.command("export", help=_l("Export a deck (by name or slug) as CSV or JSON."))
@click.argument("name")
@click.option("--format", "kind", type=click.Choice(["csv", "json"]), required=True)
@option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
        help=_l("Write here instead of to stdout."))
def export_deck_command(name: str, kind: str, output: Path | None) -> None:
    deck = deckstore.find_deck(name)
    if deck is None:
        raise click.ClickException(_("There is no deck called “%(name)s”. See: decks list", name=name))
    meta, cards = deckstore.deck_export(deck)
    data = export_csv(cards) if kind == "csv" else export_json(meta, cards)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        output.write_bytes(data)
        click.echo(ngettext("Wrote %(num)s card to %(path)s.", "Wrote %(num)s cards to %(path)s.", len(cards),
                            path=output), err=True)


# --- too-sandy: the group around the app --------------------------------------------

def version() -> str:
    """pyproject.toml's version: read there in a checkout, from the installed metadata otherwise."""
    if paths.CHECKOUT is not None:
        with (paths.CHECKOUT / "pyproject.toml").open("rb") as project:
            return tomllib.load(project)["project"]["version"]
    return metadata.version("too-sandy")


# Commands that come from Flask and Flask-Migrate, with help a Too Sandy user can read.
BORROWED_HELP = {
    "db": _l("Database migrations (Flask-Migrate): the server upgrades on start; see docs/deploy.md."),
    "shell": _l("A Python shell inside the app, for an administrator who knows Python."),
    "routes": _l("Every URL the server answers."),
}


class TooSandy(FlaskGroup):
    """Flask's group around create_app (app.cli's commands join it), without Flask's own
    --app, --env-file and --debug (there is one app) or `run` (serve runs the real server)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(create_app=_create_app, add_default_commands=False, add_version_option=False,
                         load_dotenv=False, set_debug_flag=False, **kwargs)
        self.params = [param for param in self.params if param.name not in ("env_file", "app", "debug")]
        for borrowed in (shell_command, routes_command):
            self.add_command(borrowed)

    def make_context(self, info_name, args, parent=None, **extra) -> click.Context:
        speak_clicks_words()
        return super().make_context(info_name, args, parent=parent, **extra)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None and name in BORROWED_HELP:
            command = copy.copy(command)
            command.help = command.short_help = BORROWED_HELP[name]
        return command


def _create_app() -> Flask:
    from . import create_app

    return create_app()


def _use_data_dir(_ctx: click.Context, _param: click.Parameter, value: str | None) -> None:
    if value:
        # Through the environment: the app reads it, and so does the server serve starts.
        os.environ[DATA_DIR_VARIABLE] = str(Path(value).expanduser().resolve())


@click.group("too-sandy", cls=TooSandy, help=_l(
    "Too Sandy: a realtime training game for customer-facing teams. Start it with `too-sandy serve`."))
@click.version_option(version(), "--version", cls=HelpOption, prog_name="too-sandy", message="%(prog)s %(version)s",
                      help=_l("Show the version and exit."))
@option("--data-dir", type=click.Path(file_okay=False), envvar=DATA_DIR_VARIABLE, is_eager=True,
        expose_value=False, callback=_use_data_dir,
        help=_l("Where the database, the secret key and backups live (default: a checkout's instance/ "
                "folder, else your user's data folder)."))
def main() -> None:
    pass


@main.command("serve", help=_l("Run the server: it prints the projector's address, the phones' address "
                               "and, while there is no admin, the first-run link."))
@option("--host", default="0.0.0.0", envvar="HOST", show_default=True,
        help=_l("The address to listen on (127.0.0.1: this computer only)."))
@option("--port", default=5000, type=click.IntRange(1, 65535), envvar="PORT", show_default=True,
        help=_l("The port to listen on."))
def serve_command(host: str, port: int) -> None:
    from .serve import run_server

    run_server(host, port)


# --- cues: try the service-cue phrase lists ----------------------------------------

@click.command("cues", help=_l("Service cues of replies read from standard input, one reply a line: "
                               "prints a JSON object a line with its cues and flags."))
@option("--language", type=click.Choice(CUE_LANGUAGES), default="en", show_default=True,
        help=_l("The language the replies are written in."))
@option("--explain", is_flag=True, help=_l("Also show which phrase found each cue."))
@with_appcontext
def cues_command(language: str, explain: bool) -> None:
    # With the admin's added and removed phrases, as replies sent now are read
    # (the shipped ones alone where there is no database yet).
    try:
        added, removed = cue_phrases.changes(language)
    except SQLAlchemyError:
        db.session.rollback()
        added, removed = {}, {}
    for line in cue_lines(sys.stdin, language, added, removed, explain=explain):
        click.echo(line)

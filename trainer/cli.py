"""``flask --app trainer ...`` commands: thin wrappers over tested functions.

Exit codes: 0 done, 1 refused (with the reason on stderr), 2 bad usage.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask_babel import gettext as _
from flask_babel import ngettext

from . import paths
from .accounts import users as accounts
from .accounts.messages import AccountError
from .clock import utcnow
from .database.backup import BackupError, backup_sqlite, restore_sqlite
from .database.schema import known_revisions
from .decks import imports as deckimport
from .decks import store as deckstore
from .decks.files import DeckFileRefused, export_csv, export_json
from .decks.messages import problem_text, studio_message
from .decks.shipped import load_shipped_decks
from .extensions import db
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
    @app.cli.command("load-decks")
    def load_decks_command() -> None:
        """Load shipped decks that are not in the database yet."""
        added = load_shipped_decks(paths.DECKS)
        if added:
            click.echo(ngettext("Added %(num)s deck: %(names)s.", "Added %(num)s decks: %(names)s.", len(added),
                                names=", ".join(added)))
        else:
            click.echo(_("Every shipped deck is already here; nothing to add."))

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path: Path) -> None:
        """Copy the live SQLite database to PATH, safely, while games run."""
        try:
            pages = backup_sqlite(db.engine, path)
        except BackupError as problem:
            raise click.ClickException(str(problem)) from None
        click.echo(ngettext("Backed up %(num)s page to %(path)s.", "Backed up %(num)s pages to %(path)s.", pages,
                            path=path))

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def restore_command(path: Path) -> None:
        """Put a backup in place of the SQLite database. Stop the server first."""
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


@click.group(help="Admin and trainer accounts.")
def users() -> None:
    pass


@users.command("create")
@click.argument("name")
@click.option("--role", type=click.Choice(accounts.ROLES), default="trainer", show_default=True)
def create_user_command(name: str, role: str) -> None:
    """Create an account; the password is read from stdin."""
    try:
        user = accounts.create_user(name, _password(), role)
    except Refusal as refused:
        raise click.ClickException(refused.message) from None
    click.echo(_("Created %(role)s account “%(name)s”.", role=user.role, name=user.username))


@users.command("list")
def list_users_command() -> None:
    """Every account, admins first."""
    for user in accounts.all_users():
        last = user.last_login_at.strftime("%Y-%m-%d %H:%M") if user.last_login_at else "-"
        click.echo(f"{user.username:<24} {user.role:<8} {user.created_at:%Y-%m-%d}  {last}")


@users.command("set-password")
@click.argument("name")
def set_password_command(name: str) -> None:
    """Give an account a new password (from stdin); it is signed out everywhere."""
    user = _user(name)
    try:
        accounts.set_password(user, _password())
    except Refusal as refused:
        raise click.ClickException(refused.message) from None
    click.echo(_("Password changed for “%(name)s”.", name=user.username))


@users.command("delete")
@click.argument("name")
def delete_user_command(name: str) -> None:
    """Delete an account; its sessions are kept without an owner."""
    user = _user(name)
    try:
        accounts.delete_user(user)
    except Refusal as refused:
        raise click.ClickException(refused.message) from None
    click.echo(_("Deleted “%(name)s”.", name=name))


@click.group(help="Complaint decks: list, import, export.")
def decks() -> None:
    pass


@decks.command("list")
def list_decks_command() -> None:
    """Every deck with its card count; archived decks last."""
    for archived in (False, True):
        for row in deckstore.deck_rows(archived=archived):
            state = "archived" if archived else ("enabled" if row.deck.enabled else "disabled")
            click.echo(f"{row.deck.name:<40} {row.deck.slug:<28} {row.deck.language:<5} "
                       f"{row.cards:>5} cards  {state}")


@decks.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--deck", "deck_name", default="", help="The deck to add to (made if missing). "
              "Default: the name in a JSON file, or the file's name.")
@click.option("--skip-invalid", is_flag=True, help="Import the good rows even if some rows are bad.")
def import_deck_command(path: Path, deck_name: str, skip_invalid: bool) -> None:
    """Import a CSV or JSON deck file: all rows, or nothing (unless --skip-invalid)."""
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


@decks.command("export")
@click.argument("name")
@click.option("--format", "kind", type=click.Choice(["csv", "json"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write here instead of to stdout.")
def export_deck_command(name: str, kind: str, output: Path | None) -> None:
    """Export a deck (by name or slug) as CSV or JSON."""
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

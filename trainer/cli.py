"""``flask --app trainer ...`` commands: thin wrappers over tested functions."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from . import paths
from .backup import BackupError, backup_sqlite
from .decks import load_shipped_decks
from .extensions import db


def register(app: Flask) -> None:
    @app.cli.command("load-decks")
    def load_decks_command() -> None:
        """Load shipped decks that are not in the database yet."""
        added = load_shipped_decks(paths.DECKS)
        click.echo(f"Added {len(added)} deck(s): {', '.join(added) or 'none'}")

    @app.cli.command("backup")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    def backup_command(path: Path) -> None:
        """Copy the live SQLite database to PATH, safely, while games run."""
        try:
            pages = backup_sqlite(db.engine, path)
        except BackupError as problem:
            raise click.ClickException(str(problem)) from None
        click.echo(f"Backed up {pages} pages to {path}")

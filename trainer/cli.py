"""``flask --app trainer ...`` commands: thin wrappers over tested functions."""

from __future__ import annotations

import click
from flask import Flask

from . import paths
from .decks import load_shipped_decks


def register(app: Flask) -> None:
    @app.cli.command("load-decks")
    def load_decks_command() -> None:
        """Load shipped decks that are not in the database yet."""
        added = load_shipped_decks(paths.DECKS)
        click.echo(f"Added {len(added)} deck(s): {', '.join(added) or 'none'}")

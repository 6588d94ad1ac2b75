"""Small helpers the admin pages share."""

from __future__ import annotations

from flask import abort, flash

from ...extensions import db


def get_or_404(model, ident: int):
    found = db.session.get(model, ident)
    if found is None:
        abort(404)
    return found


def done(message: str) -> None:
    """A one-line confirmation shown on the next page."""
    flash(message, "ok")

"""/admin: the deck studio and accounts. Every page needs an admin."""

from flask import Blueprint, redirect, url_for

from ...accounts.access import require_admin

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_admin)


@bp.get("/")
def index():
    return redirect(url_for("admin.decks"))


# The routes, one module per part of the studio.
from . import backups, cards, criteria, decks, imports, retention, users  # noqa: E402, F401

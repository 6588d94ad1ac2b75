"""The front door: host a session or join one; signed in, the desk's start."""

from flask import Blueprint, render_template
from flask_login import current_user

from .host import session_rows

bp = Blueprint("home", __name__)

# The front page's "last few": a week of Monday and Friday sessions.
RECENT_SESSIONS = 5


@bp.get("/")
def index():
    if current_user.is_authenticated:
        # A trainer's (or an admin's) own latest sessions, to reopen last week's at once.
        return render_template("home_desk.html", rows=session_rows(current_user, RECENT_SESSIONS, everyone=False),
                               owners={})
    return render_template("index.html")


@bp.get("/healthz")
def healthz():
    return {"ok": True}

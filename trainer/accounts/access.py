"""Who may do what: admins everything, trainers their own sessions, players
(who never have an account) neither."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from ..database.ids import row_id
from ..extensions import db, login_manager
from ..live.sessions import find_session
from ..models import GameSession, User


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The cookie keeps "<id>:<password stamp>"; a changed password no longer matches."""
    number, _, _stamp = user_id.partition(":")
    user = db.session.get(User, row_id(number)) if row_id(number) else None
    return user if user is not None and user.get_id() == user_id else None


def may_host(user, game_session: GameSession) -> bool:
    """The session's owner, or any admin (sessions from before accounts: admins only)."""
    if not user.is_authenticated:
        return False
    return user.is_admin or (game_session.owner_id is not None and game_session.owner_id == user.id)


def require_admin() -> None:
    """For before_request: anonymous → the sign-in page, a trainer → 403."""
    if not current_user.is_authenticated:
        abort(login_manager.unauthorized())
    if not current_user.is_admin:
        abort(403)


def hostable_session(auth) -> GameSession | None:
    """The session a /host socket may run: signed in, and allowed to host it."""
    code = auth.get("code") if isinstance(auth, dict) else None
    if not isinstance(code, str) or len(code) > 40 or not current_user.is_authenticated:
        return None
    game_session = find_session(code)
    if game_session is None or not may_host(current_user, game_session):
        return None
    return game_session

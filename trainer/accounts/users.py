"""Accounts: admins and trainers, their passwords, signing in (with failed
attempts counted in the database, so every worker sees them) and the
one-time link that creates the first admin."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, or_, select, update
from werkzeug.security import check_password_hash, generate_password_hash

from ..clock import utcnow
from ..extensions import db
from ..live.tokens import new_token, token_hash
from ..models import GameSession, LoginAttempt, SetupToken, User
from .messages import AccountError

ROLES = ("admin", "trainer")
USERNAME = re.compile(r"^[A-Za-z0-9._-]{2,40}$")
PASSWORD_MIN, PASSWORD_MAX = 8, 200


@dataclass(frozen=True)
class Limit:
    """Failed sign-ins within WINDOW: from the ``slow_after``-th on, each try
    must wait twice as long as the last (at most LOCKOUT); at ``lock_after``
    (if any) tries are refused for LOCKOUT."""

    slow_after: int
    lock_after: int | None


WINDOW = timedelta(minutes=15)
LOCKOUT = timedelta(minutes=15)
# Counted three ways, none cleared by another account's success:
# one account from one address (someone mistyping, or guessing),
PAIR = Limit(slow_after=3, lock_after=10)
# one account from anywhere (guessing from many addresses: slowed, never
# locked, so nobody can lock an admin out from elsewhere),
ACCOUNT = Limit(slow_after=10, lock_after=None)
# and one address for any account (guessing many accounts; an office's
# NAT or a proxy puts many people behind one address, hence the room).
ADDRESS = Limit(slow_after=30, lock_after=100)


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.strip().lower()))


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(User.role, func.lower(User.username))))


def admin_exists() -> bool:
    return db.session.scalar(select(User.id).where(User.role == "admin").limit(1)) is not None


def check_password(password: str, confirm: str | None = None) -> None:
    if len(password) < PASSWORD_MIN:
        raise AccountError("password_short", limit=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        raise AccountError("password_long", limit=PASSWORD_MAX)
    if confirm is not None and confirm != password:
        raise AccountError("passwords_differ")


def create_user(username: str, password: str, role: str = "trainer", confirm: str | None = None) -> User:
    username = username.strip()
    if not username:
        raise AccountError("username_blank")
    if not USERNAME.match(username):
        raise AccountError("username_bad")
    if find_user(username) is not None:
        raise AccountError("username_taken", name=username)
    if role not in ROLES:
        raise AccountError("bad_role")
    check_password(password, confirm)
    user = User(username=username, password_hash=hash_password(password), role=role)
    db.session.add(user)
    db.session.commit()
    return user


def set_password(user: User, password: str, confirm: str | None = None) -> None:
    """A new password also signs the account out everywhere (see User.get_id)."""
    check_password(password, confirm)
    user.password_hash = hash_password(password)
    db.session.commit()


def end_sign_ins(user: User) -> None:
    """Signing out: every copy of the account's session cookie stops opening pages."""
    user.session_version = (user.session_version or 0) + 1
    db.session.commit()


def _other_admins(user: User) -> int:
    return db.session.scalar(
        select(func.count(User.id)).where(User.role == "admin", User.id != user.id)
    ) or 0


def set_role(user: User, role: str) -> None:
    if role not in ROLES:
        raise AccountError("bad_role")
    if user.role == "admin" and role != "admin" and not _other_admins(user):
        raise AccountError("last_admin")
    user.role = role
    db.session.commit()


def delete_user(user: User, acting: User | None = None) -> None:
    """Their sessions stay, without an owner (admins can still open them)."""
    if acting is not None and acting.id == user.id:
        raise AccountError("self_delete")
    if user.role == "admin" and not _other_admins(user):
        raise AccountError("last_admin")
    db.session.execute(update(GameSession).where(GameSession.owner_id == user.id).values(owner_id=None))
    db.session.delete(user)
    db.session.commit()


# --- signing in -------------------------------------------------------------------

def _refusal(failures: list[datetime], limit: Limit, now: datetime) -> AccountError | None:
    if limit.lock_after is not None and len(failures) >= limit.lock_after:
        until = failures[-1] + LOCKOUT
        if now < until:
            return AccountError("locked_out", minutes=max(1, round((until - now).total_seconds() / 60)))
    elif len(failures) >= limit.slow_after:
        wait = min(LOCKOUT, timedelta(seconds=2 ** min(len(failures) - limit.slow_after + 1, 20)))
        until = failures[-1] + wait
        if now < until:
            return AccountError("slow_down", seconds=max(1, round((until - now).total_seconds())))
    return None


def _account_key(username: str) -> str:
    return username.strip().lower()[:40]


def throttled(address: str, username: str) -> AccountError | None:
    """Why this sign-in may not be tried now, or None."""
    now = utcnow()
    account = _account_key(username)
    rows = db.session.execute(
        select(LoginAttempt.at, LoginAttempt.address, LoginAttempt.username)
        .where(or_(LoginAttempt.address == address, LoginAttempt.username == account), LoginAttempt.at > now - WINDOW)
        .order_by(LoginAttempt.at)
    ).all()
    counted = (
        (PAIR, [at for at, a, u in rows if a == address and u == account]),
        (ACCOUNT, [at for at, _a, u in rows if u == account]),
        (ADDRESS, [at for at, a, _u in rows if a == address]),
    )
    refusals = [r for limit, failures in counted if (r := _refusal(failures, limit, now)) is not None]
    # The longest wait is the one to tell: locked out before slowed down.
    return max(refusals, default=None,
               key=lambda r: (r.code == "locked_out", r.details.get("minutes", 0), r.details.get("seconds", 0)))


# Checked when the name is unknown, so a wrong name takes as long as a wrong password.
_DUMMY_HASH = None


def authenticate(username: str, password: str, address: str) -> User:
    """The user, or AccountError: bad_login, slow_down or locked_out."""
    global _DUMMY_HASH
    refusal = throttled(address, username)
    if refusal is not None:
        raise refusal
    user = find_user(username)
    if user is None:
        _DUMMY_HASH = _DUMMY_HASH or hash_password("not a password")
        check_password_hash(_DUMMY_HASH, password)
    if user is None or not check_password_hash(user.password_hash, password):
        now = utcnow()
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - WINDOW - LOCKOUT))
        db.session.add(LoginAttempt(address=address, username=_account_key(username), at=now))
        db.session.commit()
        raise AccountError("bad_login")
    # Only this account's failures from this address: another account's, or
    # this one's from elsewhere, still count.
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.address == address,
                                                  LoginAttempt.username == _account_key(username)))
    user.last_login_at = utcnow()
    db.session.commit()
    return user


# --- the first admin ------------------------------------------------------------

def issue_setup_token() -> str:
    """A fresh one-time link token (any earlier one stops working); only its hash is kept."""
    token = new_token()
    db.session.execute(delete(SetupToken))
    db.session.add(SetupToken(token_hash=token_hash(token)))
    db.session.commit()
    return token


def setup_token_valid(token: str) -> bool:
    if admin_exists():
        return False
    return db.session.scalar(select(SetupToken.id).where(SetupToken.token_hash == token_hash(token))) is not None


def create_first_admin(token: str, username: str, password: str, confirm: str) -> User:
    if not setup_token_valid(token):
        raise AccountError("setup_used")
    user = create_user(username, password, "admin", confirm)
    db.session.execute(delete(SetupToken))
    db.session.commit()
    return user


def first_run_link(app, root: str) -> str | None:
    """The setup link to print on start while no admin exists, else None."""
    with app.app_context():
        if admin_exists():
            return None
        return f"{root}/setup/{issue_setup_token()}"

"""Signing in and out, and the one-time page that creates the first admin."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..accounts import users as accounts
from ..refusals import Refusal
from .forms import LoginForm, SetupForm, show_error
from .redirects import safe_path

bp = Blueprint("auth", __name__)


def home_for(user) -> str:
    return url_for("admin.decks") if user.is_admin else url_for("host.sessions")


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if request.method == "GET":
        form.next.data = request.args.get("next", "")
    error, status = None, 200
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.username.data or "", form.password.data or "", request.remote_addr or "")
        except Refusal as refused:
            error = refused.message
            status = 429 if refused.code in ("slow_down", "locked_out") else 400
        else:
            _signed_in(user)
            return redirect(safe_path(form.next.data, home_for(user)))
    return render_template("auth/login.html", form=form, error=error), status


def _signed_in(user) -> None:
    """A sign-in that lasts while it is used: the cookie is renewed on every
    page and refused after PERMANENT_SESSION_LIFETIME without one."""
    session.permanent = True
    login_user(user)


@bp.post("/logout")
@login_required
def logout():
    # Every copy of the cookie, not only this browser's, stops working.
    accounts.end_sign_ins(current_user)
    logout_user()
    return redirect(url_for("home.index"))


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    if not accounts.setup_token_valid(token):
        abort(404)
    form = SetupForm()
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.create_first_admin(token, form.username.data or "", form.password.data or "",
                                               form.confirm.data or "")
        except Refusal as refused:
            error = show_error(form, refused)
        else:
            _signed_in(user)
            return redirect(url_for("admin.decks"))
    return render_template("auth/setup.html", form=form, error=error), 400 if form.errors or error else 200


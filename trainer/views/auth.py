"""Signing in and out, and the one-time page that creates the first admin."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import login_required, login_user, logout_user

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
            login_user(user)
            return redirect(safe_path(form.next.data, home_for(user)))
    return render_template("auth/login.html", form=form, error=error), status


@bp.post("/logout")
@login_required
def logout():
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
            login_user(user)
            return redirect(url_for("admin.decks"))
    return render_template("auth/setup.html", form=form, error=error), 400 if form.errors or error else 200


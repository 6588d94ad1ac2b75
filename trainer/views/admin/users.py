"""Accounts in the web: admins add trainers (and other admins), reset
passwords, change roles and delete accounts."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from ...accounts import users as accounts
from ...accounts.messages import ROLE_LABELS
from ...models import User
from ...refusals import Refusal
from ..forms import EditUserForm, NewUserForm, show_error
from . import bp
from .common import done, get_or_404


@bp.route("/users", methods=["GET", "POST"])
def users():
    form = NewUserForm()
    error = None
    if form.validate_on_submit():
        try:
            user = accounts.create_user(form.username.data or "", form.password.data or "", form.role.data,
                                        form.confirm.data or "")
        except Refusal as refused:
            error = show_error(form, refused)
        else:
            done(_("Account “%(name)s” created. Give them their password in person.", name=user.username))
            return redirect(url_for("admin.users"))
    status = 400 if form.errors or error else 200
    return render_template("admin/users.html", users=accounts.all_users(), form=form, error=error,
                           role_labels=ROLE_LABELS), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = get_or_404(User, user_id)
    form = EditUserForm(obj=user)
    error = None
    if form.validate_on_submit():
        try:
            if form.password.data:
                accounts.check_password(form.password.data, form.confirm.data or "")
            accounts.set_role(user, form.role.data)
            if form.password.data:
                accounts.set_password(user, form.password.data, form.confirm.data or "")
        except Refusal as refused:
            error = show_error(form, refused)
        else:
            done(_("Account “%(name)s” saved.", name=user.username))
            if user.id == current_user.id:
                # A new password ends every sign-in of the account; keep this one.
                login_user(user)
                if not user.is_admin:
                    return redirect(url_for("host.sessions"))
            return redirect(url_for("admin.users"))
    status = 400 if form.errors or error else 200
    return render_template("admin/user_form.html", user=user, form=form, error=error,
                           is_me=user.id == current_user.id), status


@bp.post("/users/<int:user_id>/delete")
def delete_user(user_id: int):
    user = get_or_404(User, user_id)
    try:
        accounts.delete_user(user, acting=current_user)
    except Refusal as refused:
        form = EditUserForm(obj=user, formdata=None)
        return render_template("admin/user_form.html", user=user, form=form, error=refused.message,
                               is_me=user.id == current_user.id), 409
    done(_("Account “%(name)s” deleted; their sessions are kept.", name=user.username))
    return redirect(url_for("admin.users"))


@bp.post("/users/<int:user_id>/sign-out")
def sign_out_user(user_id: int):
    """Every copy of the account's session cookie stops working (a lost laptop, a shared computer)."""
    user = get_or_404(User, user_id)
    accounts.end_sign_ins(user)
    if user.id == current_user.id:
        return redirect(url_for("auth.login"))
    done(_("Every sign-in of “%(name)s” has ended.", name=user.username))
    return redirect(url_for("admin.edit_user", user_id=user.id))

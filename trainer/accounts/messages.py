"""Plain sentences for accounts: names, passwords, roles, signing in."""

from __future__ import annotations

from flask_babel import lazy_gettext

from ..refusals import Refusal

ROLE_LABELS = {"admin": lazy_gettext("Admin"), "trainer": lazy_gettext("Trainer")}

_MESSAGES = {
    "username_blank": lazy_gettext("Please enter a user name."),
    "username_bad": lazy_gettext(
        "User names are 2 to 40 letters, digits, dots, dashes or underscores, with no spaces."),
    "username_taken": lazy_gettext("There is already an account called “%(name)s”."),
    "password_short": lazy_gettext("Passwords must be at least %(limit)s characters long."),
    "password_long": lazy_gettext("Passwords can be at most %(limit)s characters long."),
    "passwords_differ": lazy_gettext("The two passwords are not the same."),
    "bad_role": lazy_gettext("The role must be admin or trainer."),
    "last_admin": lazy_gettext("This is the last admin account; make another admin first."),
    "unknown_user": lazy_gettext("There is no account called “%(name)s”."),
    "self_delete": lazy_gettext("You can't delete the account you are signed in with."),
    "setup_used": lazy_gettext(
        "This setup link has already been used or is no longer valid. Sign in, or ask an admin for an account."),
    "bad_login": lazy_gettext("That user name and password don't match. Check them and try again."),
    "slow_down": lazy_gettext(
        "Too many failed sign-ins for this account or from this computer. Wait %(seconds)s seconds, then try again."),
    "locked_out": lazy_gettext(
        "Too many failed sign-ins from this computer. Signing in from here is blocked for "
        "%(minutes)s minutes; ask an admin if you forgot your password."),
}


class AccountError(Refusal):
    """A refused change to an account, or a refused sign-in; nothing was written."""

    sentences = _MESSAGES

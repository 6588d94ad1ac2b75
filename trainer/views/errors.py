"""Plain pages for the errors a person can meet: what happened, what to do."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from ..extensions import db
from ..live import storage
from ..live.messages import error_answer


def _page(status: int, title: str, message: str):
    return render_template("error.html", title=title, message=message, status=status), status


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        return _page(400, _("This form has expired"), _(
            "Nothing was saved. Go back, reload the page and send the form again; "
            "what you typed is usually still there after going back."))

    @app.errorhandler(403)
    def forbidden(_error):
        return _page(403, _("Not for this account"), _(
            "Your account can't open this page. Admins keep the decks and accounts; "
            "a session's projector is for the trainer who created it."))

    @app.errorhandler(404)
    def not_found(error: HTTPException):
        default = error.description == type(error).description
        return _page(404, _("Not found"), _("There is nothing at this address.") if default else error.description)

    @app.errorhandler(413)
    def too_large(_error):
        return _page(413, _("That upload is too big"),
                     _("Deck files can be at most 2 MB. Split it into smaller files."))

    @app.errorhandler(DBAPIError)
    def cannot_write(error: DBAPIError):
        full = storage.cannot_write(error)
        if not full and not storage.connection_lost(error):
            raise error
        db.session.rollback()
        if full:
            storage.failed(error)
        if request.path.startswith("/api/"):
            return error_answer("storage_full_retry"), 503
        if not full:
            return _page(503, _("The server can't save right now"), _(
                "Nothing was changed: the server lost its database for a moment. Go back and send the form "
                "again; what you typed is usually still there after going back."))
        return _page(503, _("The server can't save right now"), _(
            "Nothing was changed: the server's disk is full or its database is read-only, and whoever runs it "
            "has been told in its log. Go back and send the form again in a few minutes; what you typed is "
            "usually still there after going back."))

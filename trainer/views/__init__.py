"""HTTP pages, one blueprint per audience."""

from flask import Flask

from ..extensions import csrf
from . import admin, auth, home, host, language, play, records


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(home.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(host.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(play.bp)
    app.register_blueprint(language.bp)
    app.register_blueprint(records.bp)
    # Phones post JSON with no cookie to ride on: there is nothing to forge.
    csrf.exempt(play.join)
    csrf.exempt(play.room)

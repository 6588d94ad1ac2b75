"""HTTP pages, one blueprint per audience."""

from flask import Flask

from . import home, host, play


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(home.bp)
    app.register_blueprint(host.bp)
    app.register_blueprint(play.bp)

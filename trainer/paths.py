"""Where static files, templates and shipped decks are.

In a checkout they sit beside the package (the brief's layout); in an
installed wheel they travel inside it (see pyproject.toml).
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str, inside: str | None = None) -> Path:
    beside = _PACKAGE.parent / name
    if beside.is_dir() and (_PACKAGE.parent / "pyproject.toml").is_file():
        return beside
    return _PACKAGE / (inside or name)


STATIC = _find("static")
TEMPLATES = _find("templates")
# trainer/decks/ is the deck feature's code; a wheel carries the files beside it.
DECKS = _find("decks", inside="decks/shipped")
MIGRATIONS = _find("migrations")

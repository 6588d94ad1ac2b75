"""Where static files, templates and shipped decks are.

In a checkout they sit beside the package (the brief's layout); in an
installed wheel they travel inside it (see pyproject.toml).
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    beside = _PACKAGE.parent / name
    if beside.is_dir() and (_PACKAGE.parent / "pyproject.toml").is_file():
        return beside
    return _PACKAGE / name


STATIC = _find("static")
TEMPLATES = _find("templates")
DECKS = _find("decks")
MIGRATIONS = _find("migrations")

"""Where static files, templates, shipped decks and the catalogs are.

In a checkout they sit beside the package (the brief's layout); in an
installed wheel they travel inside it (build_hooks.py puts them there).
"""

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
# The checkout this package runs from (an editable install, `python wsgi.py`), or None when installed.
CHECKOUT: Path | None = _PACKAGE.parent if (_PACKAGE.parent / "pyproject.toml").is_file() else None


def _find(name: str, inside: str | None = None) -> Path:
    if CHECKOUT is not None and (CHECKOUT / name).is_dir():
        return CHECKOUT / name
    return _PACKAGE / (inside or name)


STATIC = _find("static")
TEMPLATES = _find("templates")
# trainer/decks/ is the deck feature's code; a wheel carries the files beside it.
DECKS = _find("decks", inside="decks/shipped")
MIGRATIONS = _find("migrations")
TRANSLATIONS = _PACKAGE / "translations"

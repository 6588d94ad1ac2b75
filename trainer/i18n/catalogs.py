"""Compiled catalogs (.mo) from their sources (.po), so no copy speaks English by accident.

The .po files are the source and are committed; the .mo files Flask-Babel
reads are made from them: by the wheel's build (build_hooks.py runs this
file by path, before any dependency but Babel is installed) and, in a
checkout, when the app starts and finds one missing or older than its .po.
Only the standard library and Babel are imported here, for that reason.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

HERE = Path(__file__).resolve().parent.parent / "translations"


class CatalogsNotWritable(SystemExit):
    """Raised at start when a catalog needs compiling where nobody may write:
    a SystemExit, so the server stops with this one line and no traceback."""


def sources(folder: Path = HERE) -> list[Path]:
    return sorted(folder.glob("*/LC_MESSAGES/*.po"))


def stale(folder: Path = HERE) -> list[Path]:
    """The .po files whose .mo is missing or older."""
    out_of_date = []
    for po in sources(folder):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            out_of_date.append(po)
    return out_of_date


def compile_catalog(po: Path, mo: Path) -> None:
    """What ``pybabel compile`` does (fuzzy entries left out), written atomically:
    several workers may start at once, and none must read half a file."""
    locale = po.parent.parent.name
    with po.open("rb") as source:
        catalog = read_po(source, locale=locale, domain=po.stem)
    mo.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=mo.parent, prefix=f".{mo.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            write_mo(out, catalog, use_fuzzy=False)
        os.replace(temporary, mo)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def ensure_compiled(folder: Path = HERE) -> list[Path]:
    """Compile every stale catalog in place; the .mo files made.

    Where the folder cannot be written, stop with one line saying what to run.
    """
    made = []
    for po in stale(folder):
        mo = po.with_suffix(".mo")
        try:
            compile_catalog(po, mo)
        except OSError as problem:  # read-only: permissions, a read-only mount, an install owned by root
            raise CatalogsNotWritable(
                f"Too Sandy cannot start: {mo} is missing or older than its .po and cannot be written "
                f"({problem.strerror or problem}); run `pybabel compile -d {folder}` (in a checkout: "
                f"`make catalogs`) as a user who may write there."
            ) from None
        made.append(mo)
    return made

"""A consistent copy of a live SQLite database (SQLite's online backup API)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine


class BackupError(RuntimeError):
    pass


def backup_sqlite(engine: Engine, target: Path) -> int:
    """Copy the database behind ``engine`` to ``target``; returns its page count.

    The backup API copies page by page under SQLite's own locking, so the
    game can keep writing while it runs and the copy is still consistent.
    """
    if engine.dialect.name != "sqlite":
        raise BackupError(
            f"backup copies SQLite databases; this one is {engine.dialect.name} "
            "(for PostgreSQL use pg_dump, see docs)"
        )
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        with sqlite3.connect(target) as copy:
            source.backup(copy)
            pages = copy.execute("PRAGMA page_count").fetchone()[0]
            copy.execute("PRAGMA journal_mode=DELETE")
        copy.close()
    finally:
        raw.close()
    return pages

"""A consistent copy of a live SQLite database (SQLite's online backup API),
taken every day on its own, and a restore that checks the file first."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from flask_babel import gettext
from sqlalchemy.engine import Engine

try:
    import fcntl
except ImportError:  # Windows: no fcntl; msvcrt locks a byte of the file instead
    fcntl = None
    import msvcrt


class BackupError(RuntimeError):
    pass


def _try_lock(handle) -> bool:
    """An exclusive lock on an open file, without waiting: False while another process holds it."""
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:  # BlockingIOError on POSIX, PermissionError on Windows
        return False
    return True


def backup_sqlite(engine: Engine, target: Path, pause: Callable[[], None] | None = None) -> int:
    """Copy the database behind ``engine`` to ``target``; returns its page count.

    The backup API copies page by page under SQLite's own locking, so the
    game can keep writing while it runs and the copy is still consistent.
    """
    if engine.dialect.name != "sqlite":
        raise BackupError(gettext("Backups here copy SQLite databases; this one is %(engine)s. For PostgreSQL "
                                  "use pg_dump (see docs/deploy.md).", engine=engine.dialect.name))
    if target.exists():
        raise BackupError(gettext("%(file)s already exists; choose a new file name.", file=target))
    target.parent.mkdir(parents=True, exist_ok=True)
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        with sqlite3.connect(target) as copy:
            # In slices, pausing between them, so a big copy never holds the server.
            source.backup(copy, pages=512, progress=(lambda *_: pause()) if pause else None)
            pages = copy.execute("PRAGMA page_count").fetchone()[0]
            copy.execute("PRAGMA journal_mode=DELETE")
        copy.close()
    finally:
        raw.close()
    return pages


# --- backups without thinking: a daily copy, the last N kept, a checked restore

PREFIX, SUFFIX = "too-sandy-", ".sqlite3"


def backups_in(folder: Path) -> list[Path]:
    """The folder's backups, newest first (their names sort by time)."""
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}"), reverse=True)


def is_due(folder: Path, now: datetime, every: timedelta) -> bool:
    """No backup yet, or the newest is at least ``every`` old."""
    newest = backups_in(folder)[:1]
    if not newest:
        return True
    taken = datetime.fromtimestamp(newest[0].stat().st_mtime, tz=timezone.utc).replace(tzinfo=None)
    return now - taken >= every


def take_backup(
    engine: Engine, folder: Path, now: datetime, keep: int, pause: Callable[[], None] | None = None
) -> Path:
    """A new backup named after ``now``, then only the newest ``keep`` remain."""
    target = folder / f"{PREFIX}{now:%Y%m%d-%H%M%S}{SUFFIX}"
    backup_sqlite(engine, target, pause)
    for old in backups_in(folder)[max(keep, 1):]:
        old.unlink(missing_ok=True)
    return target


def take_if_due(
    engine: Engine, folder: Path, now: datetime, every: timedelta, keep: int, pause: Callable[[], None] | None = None
) -> Path | None:
    """The scheduled backup. Every worker asks; a lock file lets one of them take it."""
    if engine.dialect.name != "sqlite" or not is_due(folder, now, every):
        return None
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / ".lock").open("w") as lock:
        if not _try_lock(lock):
            return None  # another worker is taking it right now
        if not is_due(folder, now, every):
            return None  # it just did
        return take_backup(engine, folder, now, keep, pause)


def check_backup(path: Path, revisions: set[str]) -> str:
    """A file fit to restore: readable SQLite, intact, made by a known schema. Returns its revision."""
    if not path.is_file():
        raise BackupError(gettext("%(file)s is not a file.", file=path))
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as copy:
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise BackupError(gettext("%(file)s is damaged (%(reason)s); nothing was changed.",
                                          file=path.name, reason=verdict))
            found = copy.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as problem:
        raise BackupError(gettext("%(file)s is not a Too Sandy database (%(reason)s); nothing was changed.",
                                  file=path.name, reason=problem)) from None
    if found is None or found[0] not in revisions:
        raise BackupError(gettext("%(file)s was made by a version of Too Sandy this one doesn't know; "
                                  "nothing was changed.", file=path.name))
    return found[0]


def restore_sqlite(live: Path, backup: Path, revisions: set[str], now: datetime) -> Path:
    """Put ``backup`` in place of the database file ``live`` (server stopped).

    Checks the backup first, so a bad file changes nothing; the current
    file (and its WAL) is kept aside, and its new name is returned.
    """
    check_backup(backup, revisions)
    aside = live.with_name(f"{live.name}.before-restore-{now:%Y%m%d-%H%M%S}")
    if live.exists():
        live.rename(aside)
    for extra in ("-wal", "-shm"):
        sidecar = live.with_name(live.name + extra)
        if sidecar.exists():
            sidecar.rename(aside.with_name(aside.name + extra))
    shutil.copyfile(backup, live)
    return aside

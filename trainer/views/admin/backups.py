"""The admin's backups page: the SQLite copies taken every day, and one now."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import format_decimal
from flask_babel import gettext as _

from ...clock import utcnow
from ...database.backup import BackupError, backups_in, take_backup
from ...extensions import db
from ...serve import backup_folder
from . import bp


def _listed(folder):
    """Name, time taken (UTC, shown in the reader's zone and words) and size of each backup."""
    rows = []
    for path in backups_in(folder) if folder.is_dir() else []:
        stat = path.stat()
        taken = datetime.fromtimestamp(stat.st_mtime, tz=timezone.utc).replace(tzinfo=None)
        rows.append({"name": path.name, "taken": taken, "size": format_decimal(round(stat.st_size / 1024, 1))})
    return rows


@bp.get("/backups")
def backups():
    folder = backup_folder(current_app)
    return render_template(
        "admin/backups.html", backups=_listed(folder), folder=folder,
        sqlite=db.engine.dialect.name == "sqlite", keep=current_app.config["BACKUP_KEEP"],
        every=current_app.config["BACKUP_EVERY_HOURS"],
    )


@bp.post("/backups")
def back_up_now():
    try:
        taken = take_backup(db.engine, backup_folder(current_app), utcnow(), int(current_app.config["BACKUP_KEEP"]))
    except (BackupError, OSError) as problem:
        flash(_("No backup was taken: %(reason)s", reason=problem), "error")
    else:
        flash(_("Backup %(file)s taken.", file=taken.name), "ok")
    return redirect(url_for("admin.backups"))

"""The database schema belongs to the migrations in ``migrations/``.

``upgrade_database`` brings any earlier database up to date. The first
release made its tables with ``create_all`` and kept no version, so a
database with tables but no ``alembic_version`` is stamped at the baseline
(the first release's schema, exactly) before upgrading.
"""

from __future__ import annotations

import flask_migrate
from sqlalchemy import inspect

from .. import paths
from ..extensions import db

BASELINE = "0001"
# A table the first release always made: its presence means "made by it".
_FIRST_RELEASE_TABLE = "game_session"


def upgrade_database() -> None:
    """Upgrade to the newest revision; call inside an app context."""
    tables = set(inspect(db.engine).get_table_names())
    directory = str(paths.MIGRATIONS)
    if "alembic_version" not in tables and _FIRST_RELEASE_TABLE in tables:
        flask_migrate.stamp(directory, revision=BASELINE)
    flask_migrate.upgrade(directory)


def current_revision() -> str | None:
    from alembic.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def known_revisions() -> set[str]:
    """Every revision in migrations/: a backup from any of them can be restored and upgraded."""
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory(str(paths.MIGRATIONS)).walk_revisions()}

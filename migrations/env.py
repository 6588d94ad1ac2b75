"""Alembic environment: the app's engine and metadata, via Flask-Migrate.

Unlike Flask-Migrate's template this does not call logging.fileConfig: the
server upgrades its database on start, and fileConfig would silence every
logger the app had already set up.
"""

import logging

from alembic import context
from flask import current_app
from sqlalchemy import text

from trainer.database import search

logger = logging.getLogger("alembic.env")
config = context.config
target_db = current_app.extensions["migrate"].db
# Serialises concurrent upgrades when several workers start at once on
# PostgreSQL: the second waits, then finds nothing left to do.
UPGRADE_LOCK_ID = 7_301_2026


def run_migrations_offline() -> None:
    context.configure(
        url=target_db.engine.url.render_as_string(hide_password=False),
        target_metadata=target_db.metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _skip_empty_autogenerate(ctx, revision, directives) -> None:
    if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
        directives[:] = []
        logger.info("No changes in schema detected.")


def run_migrations_online() -> None:
    conf_args = dict(current_app.extensions["migrate"].configure_args)
    conf_args.setdefault("process_revision_directives", _skip_empty_autogenerate)
    # The library's full-text index is made by trainer/database/search.py, not by models.
    conf_args.setdefault("include_object", search.not_the_index)
    with target_db.engine.connect() as connection:
        dialect = connection.dialect.name
        if dialect == "sqlite":
            # Batch mode rebuilds a table by copy, drop and rename; with
            # foreign keys on, dropping a parent table would fail (or
            # cascade). Off for the migration, checked before the commit.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        elif dialect == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:id)"), {"id": UPGRADE_LOCK_ID})
        connection.commit()
        try:
            context.configure(connection=connection, target_metadata=target_db.metadata, **conf_args)
            with context.begin_transaction():
                context.run_migrations()
                if dialect == "sqlite":
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            connection.rollback()
            if dialect == "sqlite":
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            elif dialect == "postgresql":
                connection.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": UPGRADE_LOCK_ID})
            connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

"""The best-replies library's full-text index, in each database's own kind.

SQLite: an FTS5 table (``library_fts``) whose rowid is the star's id.
PostgreSQL: a ``tsvector`` column on ``star`` with a GIN index, filled with
the dictionary of the reply's language where PostgreSQL has one (English,
Russian, Greek; Ukrainian has none, so it is indexed word for word).

The index lives beside the models rather than in them, so it is made the
same way by a migration and by ``create_all`` (the tests' schema).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

# PostgreSQL text search configurations per reply language.
CONFIGS = {"en": "english", "ru": "russian", "el": "greek", "uk": "simple"}
FTS_TABLE = "library_fts"


def install(connection: Connection) -> None:
    """Create the index if it is missing (safe to run again)."""
    if connection.dialect.name == "sqlite":
        connection.execute(text(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} "
            "USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')"
        ))
    elif connection.dialect.name == "postgresql":
        connection.execute(text("ALTER TABLE star ADD COLUMN IF NOT EXISTS search tsvector"))
        connection.execute(text("CREATE INDEX IF NOT EXISTS ix_star_search ON star USING gin (search)"))


def uninstall(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"DROP TABLE IF EXISTS {FTS_TABLE}"))
    elif connection.dialect.name == "postgresql":
        connection.execute(text("DROP INDEX IF EXISTS ix_star_search"))
        connection.execute(text("ALTER TABLE star DROP COLUMN IF EXISTS search"))


def index(connection: Connection, star_id: int, body: str, language: str) -> None:
    if connection.dialect.name == "sqlite":
        connection.execute(text(f"INSERT INTO {FTS_TABLE}(rowid, body) VALUES (:id, :body)"),
                           {"id": star_id, "body": body})
    elif connection.dialect.name == "postgresql":
        connection.execute(
            text("UPDATE star SET search = to_tsvector(CAST(:config AS regconfig), :body) WHERE id = :id"),
            {"config": CONFIGS.get(language, "simple"), "body": body, "id": star_id},
        )


def forget(connection: Connection, star_ids: list[int]) -> None:
    if connection.dialect.name == "sqlite" and star_ids:
        connection.execute(text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), [{"id": i} for i in star_ids])


def not_the_index(_object, name, type_, _reflected, _compare_to) -> bool:
    """For Alembic's autogenerate: the FTS5 table and its shadow tables are not models."""
    return not (type_ == "table" and name and name.startswith(FTS_TABLE))

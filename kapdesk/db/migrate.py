"""Bringing a database to the schema this kapdesk expects, safely.

The order matters: check the revision is one we know (a newer kapdesk's database is left alone), back up an
existing SQLite file, then upgrade inside a transaction.
"""

from __future__ import annotations

import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, exc, inspect, text

from kapdesk.db.engine import Database, translate
from kapdesk.domain.errors import DatabaseCorrupt, DatabaseTooNew, DataDirNotWritable, StorageError

MIGRATIONS = Path(__file__).with_name("migrations")
# The newest revision, so an up-to-date database opens without importing alembic (~0.5 s).
# tests/db/test_migrations.py fails if this falls behind the scripts: bump it with every migration.
SCHEMA_HEAD = "0008"


@dataclass(frozen=True)
class MigrationReport:
    before: str | None
    after: str
    backup: Path | None


def alembic_config(connection: Connection | None = None):  # type: ignore[no-untyped-def]
    from alembic.config import Config  # lazy: alembic costs ~0.5 s to import

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def script_directory():  # type: ignore[no-untyped-def]
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    return script_directory().get_current_head()


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_current(database: Database, backup_dir: Path) -> MigrationReport:
    """Upgrade to head if needed; refuse databases from a newer kapdesk."""
    try:
        return _ensure_current(database, backup_dir)
    except exc.DBAPIError as error:
        raise translate(error, database.engine.url) from error


def _ensure_current(database: Database, backup_dir: Path) -> MigrationReport:
    with database.reading() as connection:
        before = current_revision(connection)
        has_tables = bool(inspect(connection).get_table_names())
    if before == SCHEMA_HEAD:
        return MigrationReport(before, SCHEMA_HEAD, None)
    scripts = script_directory()
    head = scripts.get_current_head()
    if before is not None and before not in {s.revision for s in scripts.walk_revisions()}:
        raise DatabaseTooNew(
            f"This database was last used by a newer version of kapdesk (schema {before}).",
            "Install the newer kapdesk on this PC to open it. Nothing was changed.",
        )
    if before is None and has_tables:
        raise DatabaseCorrupt(
            "This database has tables but no kapdesk schema version, so it isn't a kapdesk database.",
            "Nothing was changed. Point kapdesk at a kapdesk database or an empty one.",
        )
    backup = None
    if before is not None and database.is_sqlite:
        backup = backup_sqlite(database, backup_dir, before)
    try:
        upgrade(database)
    except exc.DBAPIError:
        raise
    except Exception as error:  # a broken migration: the transaction rolled back, so say so plainly
        kept = f" A copy from before the attempt is at {backup}." if backup else ""
        raise StorageError(
            f"Upgrading the database from schema {before or 'none'} to {head} failed ({type(error).__name__}).",
            f"The upgrade was rolled back and nothing was changed.{kept} Please report this to kapdesk's developers.",
        ) from error
    return MigrationReport(before, head, backup)


def upgrade(database: Database, revision: str = "head") -> None:
    from alembic import command

    with database.engine.begin() as connection:
        command.upgrade(alembic_config(connection), revision)


def backup_sqlite(database: Database, backup_dir: Path, revision: str | None) -> Path:
    """A consistent copy via SQLite's online backup API (safe even with WAL and other readers)."""
    source_path = Path(database.engine.url.database or "")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    target = backup_dir / f"{source_path.stem}-{stamp}-before-upgrade-from-{revision}.sqlite3"
    partial = target.with_suffix(".partial")
    try:
        backup_dir.mkdir(parents=True, exist_ok=True)
        _copy_checked(source_path, partial)
        shutil.move(partial, target)
    except (OSError, sqlite3.Error) as error:
        raise DataDirNotWritable(
            f"kapdesk couldn't back up the database to {backup_dir} before upgrading it ({error}).",
            "Nothing was upgraded. Make that folder writable, or free some disk space, and start kapdesk again.",
        ) from error
    return target


def _copy_checked(source_path: Path, copy_path: Path) -> None:
    source = sqlite3.connect(source_path)
    try:
        check = source.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise DatabaseCorrupt(
                f"The database {source_path} failed its integrity check ({check}), so it was not upgraded.",
                "Nothing was changed. Restore the latest backup.",
            )
        copy = sqlite3.connect(copy_path)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()

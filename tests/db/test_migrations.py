"""The schema the models describe is the schema the migrations build, on both databases."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, text

from kapdesk.db.base import Base
from kapdesk.db.engine import Database, create_database_engine
from kapdesk.db.migrate import SCHEMA_HEAD, current_revision, head_revision, script_directory, upgrade
from kapdesk.domain.errors import DatabaseCorrupt, DatabaseTooNew
from tests.helpers import open_test_clinic, set_up


def test_there_is_exactly_one_head_and_the_fast_path_knows_it() -> None:
    assert script_directory().get_heads() == [SCHEMA_HEAD]


def test_models_and_migrations_agree(empty_db_url: str, tmp_path: Path) -> None:
    clinic = open_test_clinic(empty_db_url, tmp_path)
    try:
        with clinic.database.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
    finally:
        clinic.close()


def test_a_fresh_database_is_created_at_head(empty_db_url: str, tmp_path: Path) -> None:
    clinic = open_test_clinic(empty_db_url, tmp_path)
    try:
        assert clinic.migration.before is None
        assert clinic.migration.after == head_revision()
        assert clinic.migration.backup is None  # nothing to back up yet
    finally:
        clinic.close()


def test_an_older_database_upgrades_with_its_data_intact(empty_db_url: str, tmp_path: Path) -> None:
    database = Database(create_database_engine(empty_db_url))
    upgrade(database, "0001")
    with database.engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO users (username, full_name, credentials, active, created_at, version) "
            "VALUES ('mokafor', 'Miriam Okafor', 'MD', true, '2026-01-02 03:04:05+00:00', 1)"
        ))  # fmt: skip
        connection.execute(text("INSERT INTO rooms (name, kind, active) VALUES ('Dosing Suite 1', 'dosing', true)"))
    database.dispose()

    clinic = open_test_clinic(empty_db_url, tmp_path)
    try:
        assert (clinic.migration.before, clinic.migration.after) == ("0001", head_revision())
        with clinic.database.reading() as connection:
            assert connection.execute(text("SELECT full_name FROM users")).scalar_one() == "Miriam Okafor"
            assert connection.execute(text("SELECT kind FROM rooms")).scalar_one() == "dosing"
            assert current_revision(connection) == head_revision()
        if clinic.database.is_sqlite:
            # The file was copied before the upgrade, and the copy is the old schema with the same data.
            backup = clinic.migration.backup
            assert backup is not None and backup.exists()
            with sqlite3.connect(backup) as old:
                assert old.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
                assert old.execute("SELECT full_name FROM users").fetchone() == ("Miriam Okafor",)
                assert old.execute("SELECT name FROM sqlite_master WHERE name='patients'").fetchone() is None
    finally:
        clinic.close()


def test_a_database_from_a_newer_kapdesk_is_refused_and_left_alone(db_url: str, tmp_path: Path) -> None:
    engine = create_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    engine.dispose()
    with pytest.raises(DatabaseTooNew, match="newer version of kapdesk") as raised:
        open_test_clinic(db_url, tmp_path)
    assert "Nothing was changed" in raised.value.remedy
    engine = create_engine(db_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999_future"
    engine.dispose()
    assert not (tmp_path / "backups").exists()


def test_a_foreign_database_is_not_taken_over(empty_db_url: str, tmp_path: Path) -> None:
    engine = create_engine(empty_db_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE invoices (id integer primary key, total integer)"))
    engine.dispose()
    with pytest.raises(DatabaseCorrupt, match="isn't a kapdesk database"):
        open_test_clinic(empty_db_url, tmp_path)


def test_timestamps_come_back_as_utc(clinic) -> None:  # type: ignore[no-untyped-def]
    from kapdesk.domain.patients import PatientDraft

    saved = clinic.patients.create(PatientDraft(first_name="Ana", last_name="Ng", date_of_birth=date(1990, 1, 1))).value
    again = clinic.patients.get(saved.id)
    assert again.updated_at is not None and again.updated_at.utcoffset().total_seconds() == 0


FAILING_MIGRATION = """
import sqlalchemy as sa
from alembic import op

revision = "{next}"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("half_done", sa.Column("id", sa.Integer(), primary_key=True))
    with op.batch_alter_table("patients") as batch:
        batch.add_column(sa.Column("half_done_note", sa.String(20), nullable=True))
    raise RuntimeError("a bug in this migration")


def downgrade():
    pass
"""


def test_a_failing_upgrade_rolls_back_whole_and_keeps_the_data(db_url: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from sqlalchemy import inspect

    from kapdesk.db import migrate
    from kapdesk.domain.errors import StorageError
    from kapdesk.domain.patients import PatientDraft

    clinic = set_up(open_test_clinic(db_url, tmp_path))
    clinic.patients.create(PatientDraft(first_name="Ana", last_name="Ng", date_of_birth=date(1990, 1, 1)))
    clinic.close()

    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS, scripts)
    head = migrate.SCHEMA_HEAD
    following = f"{int(head) + 1:04d}"
    (scripts / "versions" / f"{following}_failing.py").write_text(
        FAILING_MIGRATION.replace("{next}", following).replace("{head}", head)
    )
    monkeypatch.setattr(migrate, "MIGRATIONS", scripts)
    monkeypatch.setattr(migrate, "SCHEMA_HEAD", following)

    with pytest.raises(StorageError, match="failed") as raised:
        open_test_clinic(db_url, tmp_path)
    assert "rolled back and nothing was changed" in raised.value.remedy

    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            schema = inspect(connection)
            assert "half_done" not in schema.get_table_names()
            assert "half_done_note" not in {c["name"] for c in schema.get_columns("patients")}
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == head
            assert connection.execute(text("SELECT last_name FROM patients")).scalar_one() == "Ng"
    finally:
        engine.dispose()

"""Opening the clinic: database, migrations, and the services every screen and command uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kapdesk.db.engine import Database, create_database_engine, use_wal
from kapdesk.db.migrate import MigrationReport, ensure_current
from kapdesk.paths import describe_database
from kapdesk.services.patients import PatientService


@dataclass
class Clinic:
    """Everything the UI and the CLI need, built once by the composition root."""

    database: Database
    description: str
    migration: MigrationReport
    patients: PatientService

    def close(self) -> None:
        self.database.dispose()


def open_clinic(url: str, backup_dir: Path, today: Callable[[], date] = date.today) -> Clinic:
    """Connect, back up and migrate if needed, and build the services. Raises StorageError on failure."""
    database = Database(create_database_engine(url))
    try:
        report = ensure_current(database, backup_dir)
        use_wal(database)
    except BaseException:
        database.dispose()
        raise
    return Clinic(
        database=database,
        description=describe_database(url),
        migration=report,
        patients=PatientService(database, today),
    )

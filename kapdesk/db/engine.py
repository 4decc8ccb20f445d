"""Opening a database: engine set-up, SQLite pragmas, and errors translated into words for users."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, exc, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session

from kapdesk.db.location import check_sqlite_location
from kapdesk.domain.errors import DatabaseCorrupt, DatabaseUnavailable, DataDirNotWritable, StorageError
from kapdesk.paths import describe_database

BUSY_TIMEOUT_MS = 10_000


class Database:
    """An open, usable database. Services take one of these; nothing else holds an engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One user action: everything inside commits together or not at all."""
        try:
            with (
                self.engine.connect().execution_options(kapdesk_write=True) as connection,
                Session(bind=connection, expire_on_commit=False) as session,
                session.begin(),
            ):
                yield session
        except exc.OperationalError as error:
            raise translate(error, self.engine.url) from error

    @contextmanager
    def writing(self) -> Iterator[Connection]:
        """A write transaction for Core statements only: lighter than a Session where no ORM object is needed."""
        try:
            with self.engine.connect().execution_options(kapdesk_write=True) as connection, connection.begin():
                yield connection
        except exc.OperationalError as error:
            raise translate(error, self.engine.url) from error

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """ORM reads (a chart) without taking SQLite's write lock."""
        with self.reading() as connection, Session(bind=connection, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A connection for list queries that read plain rows, not ORM objects."""
        try:
            with self.engine.connect().execution_options(kapdesk_read=True) as connection:
                yield connection
        except exc.OperationalError as error:
            raise translate(error, self.engine.url) from error

    def dispose(self) -> None:
        self.engine.dispose()


def create_database_engine(url: str | URL) -> Engine:
    """Make an engine for a SQLite file or a PostgreSQL server and prove it answers."""
    try:
        parsed = make_url(url)
    except exc.ArgumentError as error:
        raise StorageError(
            f"“{url}” isn't a database URL.",
            "Use postgresql+psycopg://USER@SERVER/DATABASE for a server, or leave it out for this PC's own file.",
        ) from error
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise StorageError("kapdesk keeps its records in a database file, not in memory.")
        path = Path(parsed.database)
        check_sqlite_location(path)
        engine = create_engine(
            parsed,
            hide_parameters=True,  # error messages must never carry patient data into logs
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    elif backend == "postgresql":
        if parsed.drivername != "postgresql+psycopg":  # the one driver kapdesk ships
            parsed = parsed.set(drivername="postgresql+psycopg")
        engine = create_engine(parsed, hide_parameters=True, pool_pre_ping=True, connect_args={"connect_timeout": 5})
    else:
        raise StorageError(
            f"kapdesk doesn't support {backend} databases.",
            "Use a SQLite file (the default) or a postgresql+psycopg:// URL.",
        )
    probe(engine)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # Take transaction control from the sqlite3 module, which would otherwise commit DDL (a migration) as it
    # goes; SQLAlchemy's "begin" event below issues BEGIN, so a failed upgrade rolls back whole.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    # A unit of work that writes takes the write lock at once: another PC's write waits (busy timeout) rather
    # than both reading the same snapshot and one failing at COMMIT.
    # Plain reads skip BEGIN: each SELECT is then its own snapshot, and a keystroke's search saves a round trip.
    options = connection.get_execution_options()
    if options.get("kapdesk_write"):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif not options.get("kapdesk_read"):
        connection.exec_driver_sql("BEGIN")


def use_wal(database: Database) -> None:
    """Switch a SQLite file to write-ahead logging (persistent). Done only once the file is known to be ours,
    because the switch rewrites the file header."""
    if database.is_sqlite:
        raw = database.engine.raw_connection()  # outside any transaction, where SQLite allows the switch
        try:
            raw.driver_connection.execute("PRAGMA journal_mode=WAL")  # type: ignore[union-attr]
        finally:
            raw.close()


def probe(engine: Engine) -> None:
    """Connect once and read the schema, turning low-level failures into StorageErrors."""
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar_one()
            else:
                connection.execute(text("SELECT 1")).scalar_one()
    except exc.DBAPIError as error:
        engine.dispose()
        raise translate(error, engine.url) from error


def translate(error: exc.DBAPIError, url: URL) -> StorageError:
    """Words for the person at the screen, for the failures people actually meet."""
    detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
    lowered = detail.lower()
    if url.get_backend_name() == "sqlite":
        where = url.database
        if "not a database" in lowered or "malformed" in lowered or "encrypted" in lowered:
            return DatabaseCorrupt(
                f"The file {where} is damaged or is not a kapdesk database ({detail}).",
                "Nothing was changed. Restore the latest backup, or start kapdesk with another --data-dir.",
            )
        if "readonly" in lowered or "read-only" in lowered or "unable to open" in lowered:
            return DataDirNotWritable(
                f"kapdesk can't open {where} for writing ({detail}).",
                "Check that the folder and file are writable by your account, or use --data-dir.",
            )
        return StorageError(f"kapdesk can't use the database file {where} ({detail}).")
    server = describe_database(url.render_as_string(hide_password=True))
    return DatabaseUnavailable(
        f"kapdesk can't reach the PostgreSQL server for {server} ({detail}).",
        "Check that the server is running and this PC can reach it over the network, "
        "then start kapdesk again. Nothing was changed.",
    )

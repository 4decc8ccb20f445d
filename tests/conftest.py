"""Shared fixtures: real SQLite files and a real, throwaway PostgreSQL server. Nothing is mocked."""

from __future__ import annotations

import os

# Qt aborts without a screen unless told otherwise; this must run before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kapdesk.ui.none_refs import keep_none_alive
from tests.helpers import TODAY, open_test_clinic, set_up
from tests.pg_server import PostgresServer

__all__ = ["TODAY"]

_names = itertools.count()
keep_none_alive()  # the suite makes millions of Qt calls in one process; see kapdesk/ui/none_refs.py


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    server = PostgresServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    open_test_clinic(f"sqlite:///{path}", path.parent).close()
    return path


@pytest.fixture(scope="session")
def postgres_template(postgres: PostgresServer) -> str:
    """A PostgreSQL database migrated to head once; each test gets a copy made by CREATE DATABASE … TEMPLATE."""
    postgres.create_database("kap_template")
    open_test_clinic(postgres.url("kap_template"), Path("/nonexistent")).close()
    return "kap_template"


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def empty_db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new, empty database of each kind (for migration tests)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'kapdesk.sqlite3'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = f"t{next(_names)}_{os.getpid()}"
    server.create_database(name)
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A new database of each kind, already at the current schema."""
    if backend == "sqlite":
        path = tmp_path / "kapdesk.sqlite3"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    template = request.getfixturevalue("postgres_template")
    name = f"t{next(_names)}_{os.getpid()}"
    server.create_database(name, template=template)
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


@pytest.fixture
def new_clinic(db_url: str, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A migrated clinic database nobody has set up yet."""
    opened = open_test_clinic(db_url, tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def clinic(new_clinic):  # type: ignore[no-untyped-def]
    """A set-up clinic with its admin signed in, on each database."""
    return set_up(new_clinic)


@pytest.fixture
def new_sqlite_clinic(sqlite_template: Path, tmp_path: Path):  # type: ignore[no-untyped-def]
    """For GUI tests: one real SQLite clinic (the services are proven on both databases elsewhere)."""
    path = tmp_path / "kapdesk.sqlite3"
    shutil.copyfile(sqlite_template, path)
    opened = open_test_clinic(f"sqlite:///{path}", tmp_path)
    yield opened
    opened.close()


@pytest.fixture
def sqlite_clinic(new_sqlite_clinic):  # type: ignore[no-untyped-def]
    return set_up(new_sqlite_clinic)

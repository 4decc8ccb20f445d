"""Opening a database: pragmas, and every failure a clinic meets explained without touching data."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from kapdesk.db.location import check_sqlite_location, filesystem_type
from kapdesk.domain.errors import (
    DatabaseCorrupt,
    DatabaseUnavailable,
    DataDirNotWritable,
    NetworkShareRefused,
)
from tests.helpers import open_test_clinic


def test_sqlite_runs_with_wal_full_sync_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    clinic = open_test_clinic(f"sqlite:///{tmp_path / 'k.sqlite3'}", tmp_path)
    engine = clinic.database.engine
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 10_000
    engine.dispose()


def test_a_damaged_file_is_refused_and_not_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "kapdesk.sqlite3"
    junk = b"this is a spreadsheet, not a database" * 200
    path.write_bytes(junk)
    with pytest.raises(DatabaseCorrupt, match="damaged or is not a kapdesk database") as raised:
        open_test_clinic(f"sqlite:///{path}", tmp_path)
    assert "Restore the latest backup" in raised.value.remedy
    assert path.read_bytes() == junk


def test_a_foreign_sqlite_file_is_refused_byte_for_byte_unchanged(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "invoices.sqlite3"
    with sqlite3.connect(path) as other_app:
        other_app.execute("CREATE TABLE invoices (id integer primary key, total integer)")
    before = path.read_bytes()
    with pytest.raises(DatabaseCorrupt, match="isn't a kapdesk database"):
        open_test_clinic(f"sqlite:///{path}", tmp_path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("url", ["kapserver/kapdesk", "postgresql+psycopg://kap@[bad"])
def test_a_malformed_database_url_is_explained(url: str, tmp_path: Path) -> None:
    from kapdesk.domain.errors import StorageError

    with pytest.raises(StorageError) as raised:
        open_test_clinic(url, tmp_path)
    assert "postgresql+psycopg://" in raised.value.remedy or "PostgreSQL" in raised.value.message


def test_an_unreachable_postgresql_server_is_named_with_what_to_check(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe closes
    with pytest.raises(DatabaseUnavailable, match="can't reach the PostgreSQL server") as raised:
        open_test_clinic(f"postgresql+psycopg://kap:secret@127.0.0.1:{port}/kap", tmp_path)
    assert "secret" not in str(raised.value)
    assert f"127.0.0.1:{port}" in raised.value.message


def _make_read_only(folder: Path) -> None:
    if os.geteuid() == 0:  # root ignores permission bits; an immutable folder refuses even root
        result = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
        if result.returncode != 0:
            pytest.skip(f"cannot make a folder read-only as root here: {result.stderr.decode().strip()}")
    else:
        folder.chmod(0o555)


def _undo_read_only(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=False)
    else:
        folder.chmod(0o755)


def test_a_read_only_data_folder_is_reported_and_nothing_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    _make_read_only(folder)
    try:
        with pytest.raises(DataDirNotWritable, match="can't write to its data folder") as raised:
            open_test_clinic(f"sqlite:///{folder / 'kapdesk.sqlite3'}", tmp_path)
        assert "--data-dir" in raised.value.remedy
        assert list(folder.iterdir()) == []
    finally:
        _undo_read_only(folder)


def test_network_filesystems_are_recognised_from_the_mount_table(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    share = tmp_path / "share"
    share.mkdir()
    mounts.write_text(f"/dev/vda / ext4 rw 0 0\n//fileserver/clinic {share} cifs rw,relatime 0 0\n")
    assert filesystem_type(share / "kapdesk.sqlite3", mounts) == "cifs"
    assert filesystem_type(tmp_path / "elsewhere.sqlite3", mounts) == "ext4"
    with pytest.raises(NetworkShareRefused, match=r"network filesystem \(cifs\)") as raised:
        check_sqlite_location(share / "kapdesk.sqlite3", mounts)
    assert "postgresql+psycopg://" in raised.value.remedy
    assert not (share / "kapdesk.sqlite3").exists()


@pytest.mark.parametrize("path", [r"\\fileserver\clinic\kapdesk.sqlite3", "//fileserver/clinic/kapdesk.sqlite3"])
def test_unc_paths_are_refused(path: str) -> None:
    with pytest.raises(NetworkShareRefused, match="network share"):
        check_sqlite_location(Path(path))

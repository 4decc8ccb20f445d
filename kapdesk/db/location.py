"""Where a SQLite file may live: a local, writable disk. Network shares corrupt SQLite under load."""

from __future__ import annotations

import os
from pathlib import Path

from kapdesk.domain.errors import DataDirNotWritable, NetworkShareRefused

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb",
        "smb2",
        "smb3",
        "smbfs",
        "ncpfs",
        "afs",
        "9p",
        "fuse.sshfs",
        "davfs",
        "fuse.rclone",
    }
)
SERVER_MODE_HINT = (
    "For several PCs, run kapdesk in server mode: start it with "
    "--database postgresql+psycopg://USER@SERVER/DBNAME (or set KAPDESK_DATABASE_URL)."
)


def check_sqlite_location(path: Path, mounts_file: Path = Path("/proc/mounts")) -> None:
    """Refuse network shares, and make sure the folder exists and accepts new files."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        raise NetworkShareRefused(
            f"The database {text} is on a network share, where SQLite can corrupt data.", SERVER_MODE_HINT
        )
    fstype = filesystem_type(path, mounts_file)
    if fstype in NETWORK_FILESYSTEMS:
        raise NetworkShareRefused(
            f"The database {text} is on a network filesystem ({fstype}), where SQLite can corrupt data.",
            SERVER_MODE_HINT,
        )
    ensure_writable_dir(path.parent)
    if path.exists() and not os.access(path, os.R_OK | os.W_OK):
        raise DataDirNotWritable(
            f"kapdesk can't read and write the database file {text}.",
            "Ask your administrator to give your account write access, or start kapdesk with --data-dir.",
        )


def ensure_writable_dir(folder: Path) -> None:
    """Create the folder if needed and prove a file can be written there."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".kapdesk-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise DataDirNotWritable(
            f"kapdesk can't write to its data folder {folder} ({exc.strerror or exc}).",
            "Choose a folder you can write to with --data-dir, or ask your administrator for access.",
        ) from exc


def filesystem_type(path: Path, mounts_file: Path = Path("/proc/mounts")) -> str | None:
    """The filesystem type of the mount holding `path`, from /proc/mounts (None where unknown)."""
    try:
        lines = mounts_file.read_text().splitlines()
    except OSError:
        return None
    target = _existing_ancestor(path.absolute())
    best, best_type = "", None
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        if _is_within(target, mount_point) and len(mount_point) >= len(best):
            best, best_type = mount_point, parts[2]
    return best_type


def _existing_ancestor(path: Path) -> str:
    while not path.exists() and path != path.parent:
        path = path.parent
    return str(path.resolve())


def _is_within(path: str, mount_point: str) -> bool:
    return mount_point == "/" or path == mount_point or path.startswith(mount_point.rstrip("/") + "/")

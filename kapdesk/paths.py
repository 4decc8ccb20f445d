"""Where kapdesk keeps its files, and which database it opens."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

APP_NAME = "kapdesk"
DATABASE_ENV = "KAPDESK_DATABASE_URL"
DATABASE_FILE = "kapdesk.sqlite3"
DEMO_DATABASE_FILE = "kapdesk-demo.sqlite3"


@dataclass(frozen=True)
class AppPaths:
    data_dir: Path
    config_dir: Path
    log_dir: Path
    backup_dir: Path

    @classmethod
    def resolve(cls, data_dir: Path | None = None) -> AppPaths:
        """Platform folders by default; with --data-dir everything lives under that one folder."""
        if data_dir is not None:
            root = data_dir.expanduser().absolute()
            return cls(root, root / "config", root / "logs", root / "backups")
        from platformdirs import PlatformDirs  # not needed (nor imported) when --data-dir is given

        dirs = PlatformDirs(APP_NAME, appauthor=False)
        data = Path(dirs.user_data_dir)
        return cls(data, Path(dirs.user_config_dir), Path(dirs.user_log_dir), data / "backups")

    @property
    def settings_file(self) -> Path:
        """Per-PC preferences (window geometry and the like); clinic settings live in the database."""
        return self.config_dir / "kapdesk.ini"

    @property
    def audit_key_file(self) -> Path:
        """The audit trail's HMAC key: outside the database, owner-only, the same file on every PC of a clinic."""
        return self.config_dir / "audit.key"


@dataclass(frozen=True)
class DatabaseChoice:
    url: str
    is_demo: bool


class ConflictingOptions(ValueError):
    pass


def choose_database(paths: AppPaths, url: str | None, demo: bool) -> DatabaseChoice:
    """--database beats KAPDESK_DATABASE_URL beats the default file; --demo always uses its own file.

    --demo never follows KAPDESK_DATABASE_URL, so demo patients can't land on a clinic's real server.
    """
    if demo:
        if url:
            raise ConflictingOptions("--demo uses its own database file; leave out --database.")
        path = paths.data_dir / "demo" / DEMO_DATABASE_FILE
        return DatabaseChoice(f"sqlite:///{path}", True)
    chosen = url or os.environ.get(DATABASE_ENV, "").strip()
    if chosen:
        return DatabaseChoice(chosen, False)
    path = paths.data_dir / DATABASE_FILE
    return DatabaseChoice(f"sqlite:///{path}", False)


def describe_database(url: str) -> str:
    """The database as the status bar and messages name it: never the password."""
    if url.startswith("sqlite"):
        return f"SQLite: {url.partition(':///')[2]}"
    try:
        parts = urlsplit(url)
        query = parse_qs(parts.query)
        host = parts.hostname or query.get("host", ["local socket"])[0]
        port = parts.port or query.get("port", [""])[0]
    except ValueError:
        return "Database: (not a valid URL)"
    user = f"{parts.username}@" if parts.username else ""
    return f"PostgreSQL: {user}{host}{f':{port}' if port else ''}{parts.path}"

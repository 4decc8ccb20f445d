"""A throwaway PostgreSQL cluster on a private socket and port, made with Debian's initdb/pg_ctl.

As root (CI), the cluster runs as the `postgres` user because initdb refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

USER = "kap"


def _bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if candidates:
        return Path(candidates[-1]).parent
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise RuntimeError(
        "PostgreSQL server binaries not found. Install Debian's `postgresql` package "
        "(scripts/run-tests does this for you)."
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    root: Path
    bin_dir: Path
    port: int
    as_postgres: bool

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{USER}@/{database}?host={self.socket_dir}&port={self.port}"

    @classmethod
    def start(cls) -> PostgresServer:
        bin_dir = _bin_dir()
        as_postgres = os.geteuid() == 0
        root = Path(tempfile.mkdtemp(prefix="kapdesk-pg-"))
        root.chmod(0o755)
        server = cls(root, bin_dir, _free_port(), as_postgres)
        server._make_dirs()
        server._run(
            str(bin_dir / "initdb"), "-D", str(server.data_dir), "-U", USER, "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        options = (
            f"-k {server.socket_dir} -p {server.port} -c listen_addresses='' -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        server._run(
            str(bin_dir / "pg_ctl"), "-D", str(server.data_dir), "-l", str(server.root / "server.log"),
            "-w", "-o", options, "start",
        )  # fmt: skip
        return server

    def _make_dirs(self) -> None:
        for folder, mode in ((self.data_dir, 0o700), (self.socket_dir, 0o775)):
            folder.mkdir(mode=mode)
            if self.as_postgres:
                shutil.chown(folder, "postgres", "postgres")
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *command: str) -> None:
        full = ["runuser", "-u", "postgres", "--", *command] if self.as_postgres else list(command)
        result = subprocess.run(full, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            log = (self.root / "server.log").read_text() if (self.root / "server.log").exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}\n{log}")

    def _admin(self):  # type: ignore[no-untyped-def]
        import psycopg

        return psycopg.connect(host=str(self.socket_dir), port=self.port, user=USER, dbname="postgres", autocommit=True)

    def create_database(self, name: str, template: str = "template0") -> None:
        with self._admin() as connection:
            connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')

    def drop_database(self, name: str) -> None:
        with self._admin() as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        try:
            self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

"""Build a synthetic clinic database for the benchmarks, through kapdesk's own services.

    .venv/bin/python benchmarks/generate_clinic.py                 # 100k patients -> benchmarks/data/
    .venv/bin/python benchmarks/generate_clinic.py --patients 5000 # quicker, its own file
    .venv/bin/python benchmarks/generate_clinic.py --force         # rebuild even if the file is fine

The file is opened with kapdesk.services.clinic.open_clinic (engine, pragmas, migrations) and filled by
clinic.demo.populate, exactly as `kapdesk demo --patients N` would, with the production password policy. The
audit trail's HMAC key is created next to it (clinic-100k.audit.key): without it the database can't be signed
into. An existing file that already holds N patients at the current schema, sealed with that key, is reused
unless --force is given.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / "data"
DEFAULT_PATIENTS = 100_000
DEFAULT_SEED = 1
CREATION_TARGET_S = 30.0  # for 100k patients


def size_label(count: int) -> str:
    return f"{count // 1000}k" if count % 1000 == 0 else str(count)


def default_path(patients: int) -> Path:
    """clinic-100k.sqlite3 for the standard size; other sizes get their own file so nothing is clobbered."""
    return DATA_DIR / f"clinic-{size_label(patients)}.sqlite3"


def key_path(database: Path) -> Path:
    """The audit key kept next to a benchmark database (clinic-100k.audit.key); a clinic keeps it in config/."""
    return database.with_name(f"{database.stem}.audit.key")


def key_matches(database: Path) -> bool:
    """True if the database's audit chain is sealed with the key file next to it (else nobody can sign in)."""
    from kapdesk.domain.audit import constant_time_equal, key_check

    try:
        key = bytes.fromhex(key_path(database).read_text(encoding="ascii").strip())
        connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
        try:
            stored = connection.execute("SELECT key_check FROM audit_head WHERE id = 1").fetchone()
        finally:
            connection.close()
    except (OSError, ValueError, sqlite3.Error):
        return False
    return stored is not None and stored[0] is not None and constant_time_equal(key_check(key), stored[0])


@dataclass
class Generated:
    path: str
    key_file: str
    patients: int
    created: bool  # False: an existing file was reused and nothing was timed
    open_s: float = 0.0  # open_clinic: connect + migrate a new file to head
    populate_s: float = 0.0  # demo.populate
    total_s: float = 0.0
    file_mib: float = 0.0
    reason: str = ""  # why the file was (re)built or reused

    @property
    def target_s(self) -> float:
        return CREATION_TARGET_S * self.patients / DEFAULT_PATIENTS

    @property
    def ratio(self) -> float:
        return self.total_s / self.target_s if self.target_s else 0.0

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "target_s": self.target_s, "ratio_to_target": round(self.ratio, 3)}


def existing_state(path: Path) -> tuple[int | None, str | None]:
    """(patient count, schema revision) of an existing file, read with plain sqlite3; Nones if unusable."""
    if not path.exists():
        return None, None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            count = connection.execute("SELECT count(*) FROM patients").fetchone()[0]
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:
        return None, None
    return count, revision


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    key_path(path).unlink(missing_ok=True)  # a new database is sealed with a new key


def ensure_clinic(
    patients: int = DEFAULT_PATIENTS,
    out: Path | None = None,
    seed: int = DEFAULT_SEED,
    force: bool = False,
    log=print,  # type: ignore[no-untyped-def]
) -> Generated:
    """Reuse `out` if it holds exactly `patients` patients at the current schema, else (re)build it."""
    from kapdesk.db.migrate import head_revision

    path = (out or default_path(patients)).resolve()
    count, revision = existing_state(path)
    head = head_revision()
    sealed = count is not None and key_matches(path)
    if not force and count == patients and revision == head and sealed:
        return Generated(
            str(path),
            str(key_path(path)),
            patients,
            created=False,
            file_mib=path.stat().st_size / 2**20,
            reason=f"reused: already holds {count} patients at schema {revision}",
        )
    if force:
        reason = "rebuilt: --force"
    elif count is None:
        reason = "built: no usable file"
    elif revision != head:
        reason = f"rebuilt: schema {revision} is not head {head}"
    elif not sealed:
        reason = f"rebuilt: no audit key {key_path(path).name} matching the database"
    else:
        reason = f"rebuilt: holds {count} patients, wanted {patients}"
    log(f"generate: {reason}; creating {patients} patients in {path} ...")
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_database(path)
    return _create(path, patients, seed, reason)


def _create(path: Path, patients: int, seed: int, reason: str) -> Generated:
    # Imported here so the import cost stays out of the timing, as it would be in a running app.
    from kapdesk.services.clinic import open_clinic
    from kapdesk.services.passwords import Passwords

    with tempfile.TemporaryDirectory(prefix="kapdesk-bench-backups-") as backups:
        started = time.perf_counter()
        # The production policy (argon2id t=3, 64 MiB), so the demo accounts sign in as a clinic's would.
        clinic = open_clinic(f"sqlite:///{path}", Path(backups), key_path(path), passwords=Passwords())
        opened = time.perf_counter()
        try:
            clinic.demo.populate(patients=patients, seed=seed)
        finally:
            clinic.close()
        finished = time.perf_counter()
    count, _revision = existing_state(path)
    if count != patients:
        raise RuntimeError(f"{path} holds {count} patients after populate, expected {patients}")
    return Generated(
        str(path),
        str(key_path(path)),
        patients,
        created=True,
        open_s=opened - started,
        populate_s=finished - opened,
        total_s=finished - started,
        file_mib=path.stat().st_size / 2**20,
        reason=reason,
    )


def describe(result: Generated) -> str:
    if not result.created:
        return f"{result.path}: {result.reason} ({result.file_mib:.1f} MiB); creation not timed (use --force)"
    verdict = "PASS" if result.ratio <= 1.0 else "FAIL"
    return (
        f"created {result.patients} patients in {result.total_s:.2f} s "
        f"(open+migrate {result.open_s:.2f} s, populate {result.populate_s:.2f} s), "
        f"{result.file_mib:.1f} MiB; target {result.target_s:.0f} s -> ratio {result.ratio:.2f}x {verdict}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=DEFAULT_PATIENTS, help="default %(default)s")
    parser.add_argument("--out", type=Path, help="SQLite file (default benchmarks/data/clinic-100k.sqlite3)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="default %(default)s")
    parser.add_argument("--force", action="store_true", help="rebuild even if the file already fits")
    args = parser.parse_args(argv)
    if args.patients < 1:
        parser.error("--patients must be at least 1")
    result = ensure_clinic(args.patients, args.out, args.seed, args.force)
    print(describe(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Build an audit trail of N events for the verify benchmark, through kapdesk's own append code.

    .venv/bin/python benchmarks/generate_audit.py                    # 1,000,000 events -> benchmarks/data/
    .venv/bin/python benchmarks/generate_audit.py --events 100000    # quicker, its own file
    .venv/bin/python benchmarks/generate_audit.py --force            # rebuild even if the file is fine

A small demo clinic (open_clinic + clinic.demo.populate, 1,000 patients, its one set-up event) is followed by
N - 1 events appended with kapdesk.services.audit_trail.AuditTrail.append: sessions of 1,000 events by one of
the demo staff at one of three workstations, 50 sessions per transaction, with the mix of actions a clinic's
trail holds (mostly searches and record views). So the MACs, column encodings and chain head are exactly what
kapdesk writes, and the result verifies with AuditService.verify(). The key sits next to the file
(audit-1000k.audit.key). A file whose chain head already holds N events, sealed with that key, is reused.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from generate_clinic import DATA_DIR, existing_state, key_matches, key_path, remove_database, size_label

DEFAULT_EVENTS = 1_000_000
PATIENTS = 1_000
SESSION = 1_000  # events per AuditTrail.append call: one user's stretch at one workstation
SESSIONS_PER_TRANSACTION = 50
WORKSTATIONS = ("front-desk-1", "front-desk-2", "dosing-suite")
STAFF = ((1, "admin"), (2, "prescriber"), (3, "nurse"), (4, "therapist"), (5, "frontdesk"))  # demo user ids


def default_path(events: int) -> Path:
    return DATA_DIR / f"audit-{size_label(events)}.sqlite3"


def chain_length(path: Path) -> int | None:
    """The chain head's last sequence number, read with plain sqlite3; None if the file is unusable."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = connection.execute("SELECT last_sequence FROM audit_head WHERE id = 1").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


@dataclass
class GeneratedTrail:
    path: str
    key_file: str
    events: int
    created: bool
    build_s: float = 0.0
    file_mib: float = 0.0
    reason: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def ensure_trail(
    events: int = DEFAULT_EVENTS,
    out: Path | None = None,
    seed: int = 1,
    force: bool = False,
    log=print,  # type: ignore[no-untyped-def]
) -> GeneratedTrail:
    from kapdesk.db.migrate import head_revision

    path = (out or default_path(events)).resolve()
    if not path.exists() or force:
        reason = "rebuilt: --force" if force else "built: no file"
    else:
        length = chain_length(path)
        _count, revision = existing_state(path)
        if length == events and revision == head_revision() and key_matches(path):
            mib = path.stat().st_size / 2**20
            return GeneratedTrail(str(path), str(key_path(path)), events, False, file_mib=mib, reason="reused")
        reason = f"rebuilt: chain holds {length} events at schema {revision}, or its key does not match"
    log(f"audit: {reason}; appending {events} events to {path} ...")
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_database(path)
    started = time.perf_counter()
    _build(path, events, seed, log)
    built = time.perf_counter() - started
    if chain_length(path) != events:
        raise RuntimeError(f"{path} holds {chain_length(path)} events, expected {events}")
    return GeneratedTrail(str(path), str(key_path(path)), events, True, built, path.stat().st_size / 2**20, reason)


def _build(path: Path, events: int, seed: int, log) -> None:  # type: ignore[no-untyped-def]
    from kapdesk.domain.access import Actor
    from kapdesk.services.clinic import open_clinic
    from kapdesk.services.passwords import Passwords

    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="kapdesk-bench-backups-") as backups:
        clinic = open_clinic(f"sqlite:///{path}", Path(backups), key_path(path), passwords=Passwords())
        try:
            clinic.demo.populate(patients=PATIENTS, seed=seed)  # event 1: the demo set-up
            remaining = events - 1
            # ~800 events a working day: a million is about five years of a busy clinic.
            when = datetime.now(UTC) - timedelta(days=5 * 365)
            while remaining > 0:
                with clinic.database.transaction() as session:
                    for _ in range(SESSIONS_PER_TRANSACTION):
                        if remaining <= 0:
                            break
                        user_id, username = rng.choice(STAFF)
                        actor = Actor(user_id, username, "", frozenset(), rng.choice(WORKSTATIONS))
                        entries = [_entry(rng) for _ in range(min(SESSION, remaining))]
                        clinic.trail.append(session, actor, entries, when)
                        remaining -= len(entries)
                        when += timedelta(seconds=rng.randrange(60, 4 * 3600), microseconds=rng.randrange(10**6))
                log(f"audit: {events - remaining}/{events} events")
        finally:
            clinic.close()


def _entry(rng: random.Random):  # type: ignore[no-untyped-def]
    """One event with the mix and the summaries the services write (see kapdesk/services)."""
    from kapdesk.domain.audit import Action, Category, Result
    from kapdesk.services.audit_trail import Entry

    roll = rng.random()
    patient = rng.randrange(1, PATIENTS + 1)
    if roll < 0.55:
        kind = rng.choice(("last", "last/first", "chart", "phone", "birth"))
        listed = rng.choice((50, 50, 50, 12, 3, 1, 0))
        return Entry(Action.SEARCH, Category.DEMOGRAPHICS, "patient", "", summary=f"search by {kind}: {listed} listed")
    if roll < 0.80:
        return Entry(Action.VIEW, Category.DEMOGRAPHICS, "patient", str(patient), patient, "opened the record")
    if roll < 0.90:
        changed = ", ".join(rng.sample(("phone", "email", "address", "escort_name", "weight_kg", "pronouns"), 2))
        return Entry(Action.UPDATE, Category.DEMOGRAPHICS, "patient", str(patient), patient, f"changed {changed}")
    if roll < 0.92:
        return Entry(Action.CREATE, Category.DEMOGRAPHICS, "patient", str(patient), patient, "registered KD-000123")
    if roll < 0.99:
        action, summary = rng.choice(
            ((Action.SIGN_IN, "signed in"), (Action.SIGN_OUT, "signed out"), (Action.LOCK, "locked (idle)"),
             (Action.UNLOCK, "unlocked"))
        )  # fmt: skip
        return Entry(action, Category.SESSION, "user", "1", summary=summary)
    return Entry(
        Action.SIGN_IN,
        Category.SESSION,
        "user",
        "",
        summary="wrong password or unknown username",
        outcome=Result.FAILURE,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=DEFAULT_EVENTS, help="default %(default)s")
    parser.add_argument("--out", type=Path, help="SQLite file (default benchmarks/data/audit-1000k.sqlite3)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="rebuild even if the file already fits")
    args = parser.parse_args(argv)
    if args.events < 1:
        parser.error("--events must be at least 1")
    result = ensure_trail(args.events, args.out, args.seed, args.force)
    what = f"built in {result.build_s:.1f} s" if result.created else "reused"
    print(f"{result.path}: {result.events} events, {result.file_mib:.1f} MiB, {what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

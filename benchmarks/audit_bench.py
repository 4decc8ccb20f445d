"""Audit trail benchmarks for run.py: (e) verifying the chain, (f) what writing an event adds to a service
call, (g) whether a sign-in's time gives away if a username exists. Each against a floor from the same run.
"""

from __future__ import annotations

import glob
import hashlib
import hmac
import json
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

VERIFY_TARGET_S = 60.0
WRITE_ADDED_TARGET_MS = 1.0
SIGN_IN_RATIO_BAND = (0.95, 1.05)  # unknown user vs wrong password: the same time within noise
GENESIS = bytes(32)  # kapdesk.domain.audit.GENESIS_MAC as bytes
EVENT_COLUMNS = (
    "id, occurred_at, user_id, username, workstation, action, category, entity_type, entity_id, patient_id, "
    "outcome, summary, mac"
)


def log(message: str) -> None:
    import sys

    print(message, file=sys.stderr, flush=True)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def read_key(key_file: Path) -> bytes:
    return bytes.fromhex(key_file.read_text(encoding="ascii").strip())


# kapdesk.domain.audit.AuditEvent.canonical's JSON, with the encoder built once (json.dumps with options
# builds a new JSONEncoder per call): the same bytes, as cheaply as pure Python makes them.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def canonical(fields: Sequence[object]) -> bytes:
    """The canonical bytes of an audit event, from plain values (written from the spec, not kapdesk's code)."""
    return _encode(fields).encode()


@contextmanager
def quiet_open(url: str, key_file: Path, **options: object) -> Iterator[Any]:
    """open_clinic with a throwaway backup folder and the production password policy, closed afterwards."""
    from kapdesk.services.clinic import open_clinic
    from kapdesk.services.passwords import Passwords

    with tempfile.TemporaryDirectory(prefix="kapdesk-bench-backups-") as backups:
        clinic = open_clinic(url, Path(backups), key_file, **({"passwords": Passwords()} | options))  # type: ignore[arg-type]
        try:
            yield clinic
        finally:
            clinic.close()


# -- the minimum cost of one audited call, in plain sqlite3 -----------------------------------------------


class RawAuditAppender:
    """Appends a genuine chained event with plain sqlite3: read the head, one HMAC, INSERT, UPDATE the head.

    What any audited call must do at least. The events are real (the same columns, encodings and MACs as
    kapdesk's), so the chain still verifies with AuditService.verify() after the raw side has written to it.
    The caller holds the write transaction (BEGIN IMMEDIATE ... COMMIT).
    """

    def __init__(self, connection: sqlite3.Connection, key: bytes, user_id: int | None, username: str, station: str):
        self.connection = connection
        self.key = key
        self.who = (user_id, username, station)

    def append(self, action: str, category: str, entity_type: str, entity_id: str, summary: str) -> None:
        c = self.connection
        sequence, previous = c.execute("SELECT last_sequence, last_mac FROM audit_head WHERE id = 1").fetchone()
        sequence += 1
        now = datetime.now(UTC)
        user_id, username, station = self.who
        fields = [sequence, now.isoformat(timespec="microseconds"), user_id, username, station, action, category,
                  entity_type, entity_id, None, "success", summary]  # fmt: skip
        mac = hmac.new(self.key, bytes.fromhex(previous) + canonical(fields), hashlib.sha256).hexdigest()
        c.execute(
            f"INSERT INTO audit_events ({EVENT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sequence, now.strftime("%Y-%m-%d %H:%M:%S.%f"), *fields[2:], mac),  # SQLAlchemy's SQLite format
        )
        head = hmac.new(self.key, f"head|{sequence}|{mac}".encode(), hashlib.sha256).hexdigest()
        c.execute(
            "UPDATE audit_head SET last_sequence = ?, last_mac = ?, head_mac = ? WHERE id = 1", (sequence, mac, head)
        )


def raw_connection(path: Path) -> sqlite3.Connection:
    """Plain sqlite3 with kapdesk's pragmas, and transactions under our control (BEGIN IMMEDIATE/COMMIT)."""
    connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA busy_timeout=10000")
    return connection


# -- (e) audit verify -------------------------------------------------------------------------------------

_VERIFY_SQL = f"SELECT {EVENT_COLUMNS} FROM audit_events ORDER BY id"


def raw_read(path: Path) -> tuple[float, int]:
    """Only fetching the rows with plain sqlite3: the part of the floor no code can avoid."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        started = time.perf_counter()
        count = 0
        for _row in connection.execute(_VERIFY_SQL):
            count += 1
        return time.perf_counter() - started, count
    finally:
        connection.close()


def raw_verify(path: Path, key: bytes) -> tuple[float, int]:
    """The floor: the same rows with plain sqlite3, the canonical bytes, one hmac.new per row, the MAC compared,
    then the head. Raises if the chain does not verify, so the floor can't be cheap by skipping work."""
    new, sha256, encode = hmac.new, hashlib.sha256, _encode
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        started = time.perf_counter()
        previous, expected = GENESIS, 1
        for row in connection.execute(_VERIFY_SQL):
            fields = list(row[:12])
            fields[1] = fields[1].replace(" ", "T") + "+00:00"  # stored UTC text -> datetime.isoformat()
            mac = new(key, previous + encode(fields).encode(), sha256)
            if row[0] != expected or mac.hexdigest() != row[12]:
                raise RuntimeError(f"raw verify: event {row[0]} does not verify")
            previous, expected = mac.digest(), expected + 1
        last, last_mac, head = connection.execute(
            "SELECT last_sequence, last_mac, head_mac FROM audit_head WHERE id = 1"
        ).fetchone()
        if (
            last != expected - 1
            or last_mac != previous.hex()
            or new(key, f"head|{last}|{last_mac}".encode(), sha256).hexdigest() != head
        ):
            raise RuntimeError("raw verify: the chain head does not match")
        return time.perf_counter() - started, expected - 1
    finally:
        connection.close()


def service_verify(clinic: Any) -> tuple[float, int]:
    started = time.perf_counter()
    report = clinic.audit.verify()
    elapsed = time.perf_counter() - started
    if not report.intact:
        raise RuntimeError(f"AuditService.verify() found a break: {report.problem}")
    return elapsed, report.events


def verify_benchmark(path: Path, key_file: Path, runs: int) -> dict[str, object]:
    key = read_key(key_file)
    raw_read(path)  # untimed: every variant then reads from the page cache
    samples: dict[str, list[float]] = {"read": [], "floor": [], "service": []}
    counts: set[int] = set()
    log(f"audit verify: {runs} runs of read / floor / AuditService.verify() over {path.name}")
    with quiet_open(f"sqlite:///{path}", key_file) as clinic:
        runners: dict[str, Callable[[], tuple[float, int]]] = {
            "read": lambda: raw_read(path),
            "floor": lambda: raw_verify(path, key),
            "service": lambda: service_verify(clinic),
        }
        order = list(runners)
        for _ in range(runs):
            order = order[1:] + order[:1]
            for which in order:
                elapsed, count = runners[which]()
                samples[which].append(elapsed)
                counts.add(count)
                log(f"audit verify: {which} {elapsed:.2f} s")
    if len(counts) != 1:
        raise RuntimeError(f"the variants saw different numbers of events: {sorted(counts)}")
    service, floor, read = (statistics.median(samples[k]) for k in ("service", "floor", "read"))
    events = counts.pop()
    return {
        "file": str(path),
        "events": events,
        "runs": runs,
        "service_s": round(service, 3),
        "service_min_s": round(min(samples["service"]), 3),
        "floor_s": round(floor, 3),
        "read_s": round(read, 3),
        "service_us_per_event": round(service / events * 1e6, 2),
        "floor_us_per_event": round(floor / events * 1e6, 2),
        "ratio": round(service / floor, 2),
        "target_s": VERIFY_TARGET_S,
        "pass": service < VERIFY_TARGET_S,
    }


# -- (e') the same verify on PostgreSQL (opt-in) ------------------------------------------------------------


@contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A private PostgreSQL cluster (initdb and the server run as `postgres` when we are root); yields a URL."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise RuntimeError("PostgreSQL server binaries not found (Debian package `postgresql`)")
    bin_dir = Path(found[-1]).parent
    root = Path(tempfile.mkdtemp(prefix="kapdesk-bench-pg-"))
    as_postgres = os.geteuid() == 0
    data, sock = root / "data", root / "sock"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def run(*command: str) -> None:
        full = ["runuser", "-u", "postgres", "--", *command] if as_postgres else list(command)
        done = subprocess.run(full, capture_output=True, text=True, check=False)
        if done.returncode:
            raise RuntimeError(f"{Path(command[0]).name} failed: {(done.stderr or done.stdout).strip()[-500:]}")

    try:
        root.chmod(0o755)
        for folder, mode in ((data, 0o700), (sock, 0o775)):
            folder.mkdir(mode=mode)
            if as_postgres:
                shutil.chown(folder, "postgres", "postgres")
        if as_postgres:
            shutil.chown(root, "postgres", "postgres")  # the server writes its log here
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", "kap", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")
        options = f"-k {sock} -p {port} -c listen_addresses='' -c fsync=off"
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w", "-o", options, "start")
        try:
            run(str(bin_dir / "createdb"), "-h", str(sock), "-p", str(port), "-U", "kap", "kap")
            yield f"postgresql+psycopg://kap@/kap?host={sock}&port={port}"
        finally:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "stop")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def postgres_verify_benchmark(path: Path, key_file: Path, runs: int) -> dict[str, object]:
    """Copy the SQLite trail into a new PostgreSQL database (COPY), then time verify() and a psycopg floor."""
    import psycopg

    key = read_key(key_file)
    with throwaway_postgres() as url, quiet_open(url, key_file) as clinic:
        dsn = url.replace("postgresql+psycopg://", "postgresql://")
        lite = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        started = time.perf_counter()
        with psycopg.connect(dsn) as pg:
            with pg.cursor().copy(f"COPY audit_events ({EVENT_COLUMNS}) FROM STDIN") as copy:
                for row in lite.execute(_VERIFY_SQL):
                    copy.write_row((row[0], row[1] + "+00", *row[2:]))
            head = lite.execute("SELECT last_sequence, last_mac, head_mac, key_check FROM audit_head").fetchone()
            pg.execute(
                "UPDATE audit_head SET last_sequence = %s, last_mac = %s, head_mac = %s, key_check = %s WHERE id = 1",
                head,
            )
            pg.execute("ANALYZE audit_events")
        lite.close()
        loaded = time.perf_counter() - started
        log(f"audit verify (PostgreSQL): copied {head[0]} events in {loaded:.1f} s")

        def floor() -> tuple[float, int]:
            with psycopg.connect(dsn) as pg:
                pg.execute("SET TIME ZONE 'UTC'")
                begun = time.perf_counter()
                previous, count = GENESIS, 0
                with pg.cursor(name="walk") as cursor:
                    cursor.itersize = 20_000
                    cursor.execute(_VERIFY_SQL)
                    for row in cursor:
                        fields = list(row[:12])
                        fields[1] = fields[1].isoformat(timespec="microseconds")
                        mac = hmac.new(key, previous + canonical(fields), hashlib.sha256)
                        if mac.hexdigest() != row[12]:
                            raise RuntimeError(f"PostgreSQL floor: event {row[0]} does not verify")
                        previous, count = mac.digest(), count + 1
                return time.perf_counter() - begun, count

        samples: dict[str, list[float]] = {"floor": [], "service": []}
        for _ in range(runs):
            for which, runner in (("floor", floor), ("service", lambda: service_verify(clinic))):
                elapsed, count = runner()
                samples[which].append(elapsed)
                log(f"audit verify (PostgreSQL): {which} {elapsed:.2f} s, {count} events")
    service, floor_s = statistics.median(samples["service"]), statistics.median(samples["floor"])
    return {
        "events": head[0],
        "load_s": round(loaded, 1),
        "service_s": round(service, 3),
        "floor_s": round(floor_s, 3),
        "ratio": round(service / floor_s, 2),
        "pass": service < VERIFY_TARGET_S,
    }


# -- (f) audit write overhead -----------------------------------------------------------------------------


def write_benchmark(db: Path, key_file: Path, reps: int, warmup: int, seed: int) -> dict[str, object]:
    """PatientService.update of one field (alternating two values), with and without its audit event.

    'Without' is the very same call with the clinic's AuditTrail.append replaced by a no-op for that call:
    same validation, permission check, ORM load and flush, BEGIN IMMEDIATE and fsync'd COMMIT, minus the
    event. The calls alternate, so each audited call is paired with an unaudited neighbour in time.
    """
    from kapdesk.services.demo import DEMO_PASSWORD

    with quiet_open(f"sqlite:///{db}", key_file) as clinic:
        clinic.auth.sign_in("admin", DEMO_PASSWORD)
        probe = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        patient_id = probe.execute(
            "SELECT id FROM patients WHERE archived_at IS NULL AND id >= ? ORDER BY id LIMIT 1",
            (1 + seed * 7919 % max(1, probe.execute("SELECT max(id) FROM patients").fetchone()[0]),),
        ).fetchone()[0]
        probe.close()
        state = {"record": clinic.patients.get(patient_id), "flip": 0}
        values = ("Sam", "Alex")  # each call changes the preferred name, so there is always something to write
        trail = clinic.trail
        real_append = trail.append
        append_times: list[float] = []

        def timed_append(*args: Any, **kwargs: Any) -> None:
            begun = time.perf_counter()
            real_append(*args, **kwargs)
            append_times.append(time.perf_counter() - begun)

        def no_append(*_args: Any, **_kwargs: Any) -> None:
            return None

        appenders = {"audited": timed_append, "no_audit": no_append}
        samples: dict[str, list[float]] = {"audited": [], "no_audit": []}
        pairs: list[float] = []
        order = list(appenders)
        log(f"audit write: {warmup}+{reps} pairs of PatientService.update on patient {patient_id} of {db.name}")
        try:
            for round_ in range(warmup + reps):
                order = order[1:] + order[:1]
                took: dict[str, float] = {}
                for which in order:
                    trail.append = appenders[which]  # type: ignore[method-assign]  # instance attribute, this call only
                    record = state["record"]
                    value = values[state["flip"]]
                    state["flip"] ^= 1
                    draft = replace(record.as_draft(), preferred_name=value)  # the form's work, not timed
                    begun = time.perf_counter()
                    outcome = clinic.patients.update(record.id, record.version, draft)
                    took[which] = time.perf_counter() - begun
                    state["record"] = outcome.value
                if round_ >= warmup:
                    for which, elapsed in took.items():
                        samples[which].append(elapsed)
                    pairs.append(took["audited"] - took["no_audit"])
        finally:
            del trail.append  # back to the class's method
        report = clinic.audit.verify()
    appended = append_times[warmup:]
    added = statistics.median(pairs)
    return {
        "file": str(db),
        "reps": reps,
        "audited_median_ms": ms(statistics.median(samples["audited"])),
        "audited_p95_ms": ms(percentile(samples["audited"], 0.95)),
        "no_audit_median_ms": ms(statistics.median(samples["no_audit"])),
        "no_audit_p95_ms": ms(percentile(samples["no_audit"], 0.95)),
        "added_median_ms": ms(added),
        "added_p95_ms": ms(percentile(pairs, 0.95)),
        "added_of_medians_ms": ms(statistics.median(samples["audited"]) - statistics.median(samples["no_audit"])),
        "append_median_ms": ms(statistics.median(appended)),
        "append_p95_ms": ms(percentile(appended, 0.95)),
        "chain_intact": report.intact,
        "target_ms": WRITE_ADDED_TARGET_MS,
        "pass": added < WRITE_ADDED_TARGET_MS / 1000,
    }


# -- (g) sign-in timing -----------------------------------------------------------------------------------


def sign_in_benchmark(db: Path, key_file: Path, reps: int, warmup: int, cold: int) -> dict[str, object]:
    """AuthService.sign_in for an unknown username against a real account with a wrong password.

    Both raise SignInFailed after argon2id verification with the production policy. Unknown names are all
    different ("nobody-1", ...). A real account may fail 4 times before the throttle (5 free attempts) would
    delay it, so after 4 failures it signs in correctly (untimed here, but kept as the 'success' sample),
    which clears its count. 'Cold' is the first attempt on a freshly opened clinic, as after a restart.
    """
    from kapdesk.domain.errors import SignInFailed
    from kapdesk.services.demo import DEMO_PASSWORD

    accounts = ["admin", "prescriber", "nurse", "therapist", "frontdesk"]
    failures = dict.fromkeys(accounts, 0)
    names = iter(range(1, 10**9))
    samples: dict[str, list[float]] = {"unknown": [], "wrong_password": [], "success": []}
    cold_samples: dict[str, list[float]] = {"unknown": [], "wrong_password": []}

    def attempt(clinic: Any, kind: str) -> float:
        if kind == "unknown":
            username, password = f"nobody-{next(names)}", "not the password at all"
        else:
            username = min(accounts, key=failures.__getitem__)
            if failures[username] >= 4:
                begun = time.perf_counter()
                clinic.auth.sign_in(username, DEMO_PASSWORD)
                samples["success"].append(time.perf_counter() - begun)
                failures[username] = 0
            password = DEMO_PASSWORD + " but wrong"
            failures[username] += 1
        begun = time.perf_counter()
        try:
            clinic.auth.sign_in(username, password)
        except SignInFailed:
            return time.perf_counter() - begun
        raise RuntimeError(f"sign-in as {username!r} with a wrong password succeeded")

    url = f"sqlite:///{db}"
    log(f"sign-in: {cold} cold attempts of each kind, then {warmup}+{reps} alternating (argon2id production policy)")
    for i in range(cold):
        for kind in ("unknown", "wrong_password") if i % 2 == 0 else ("wrong_password", "unknown"):
            with quiet_open(url, key_file) as fresh:
                cold_samples[kind].append(attempt(fresh, kind))
    with quiet_open(url, key_file) as clinic:
        order = ["unknown", "wrong_password"]
        for round_ in range(warmup + reps):
            order.reverse()
            for kind in order:
                elapsed = attempt(clinic, kind)
                if round_ >= warmup:
                    samples[kind].append(elapsed)
    unknown, wrong = statistics.median(samples["unknown"]), statistics.median(samples["wrong_password"])
    result: dict[str, object] = {
        "reps": reps,
        "unknown_median_ms": ms(unknown),
        "unknown_min_ms": ms(min(samples["unknown"])),
        "unknown_max_ms": ms(max(samples["unknown"])),
        "wrong_password_median_ms": ms(wrong),
        "wrong_password_min_ms": ms(min(samples["wrong_password"])),
        "wrong_password_max_ms": ms(max(samples["wrong_password"])),
        "success_median_ms": ms(statistics.median(samples["success"])) if samples["success"] else None,
        "ratio": round(wrong / unknown, 3),
        "pass": SIGN_IN_RATIO_BAND[0] <= wrong / unknown <= SIGN_IN_RATIO_BAND[1],
    }
    if cold:
        cold_unknown = statistics.median(cold_samples["unknown"])
        cold_wrong = statistics.median(cold_samples["wrong_password"])
        result |= {
            "cold": cold,
            "cold_unknown_median_ms": ms(cold_unknown),
            "cold_wrong_password_median_ms": ms(cold_wrong),
            "cold_ratio": round(cold_wrong / cold_unknown, 3),
            "cold_pass": SIGN_IN_RATIO_BAND[0] <= cold_wrong / cold_unknown <= SIGN_IN_RATIO_BAND[1],
        }
    return result


# -- report -----------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_verify(v: dict[str, Any], pg: dict[str, Any] | None) -> None:
    print()
    print(f"(e) audit verify, {v['events']:,} events, median of {v['runs']} runs")
    print(f"  AuditService.verify()            {v['service_s']:>7.2f} s  ({v['service_us_per_event']:.1f} µs/event)")
    print(f"  floor: sqlite3 + canonical + HMAC {v['floor_s']:>6.2f} s  ({v['floor_us_per_event']:.1f} µs/event)")
    print(f"    of which reading the rows      {v['read_s']:>7.2f} s")
    print(f"  ratio verify/floor: {v['ratio']:.2f}x (informational)")
    print(f"  verify time: {v['service_s']:.2f} s [target < {v['target_s']:.0f} s] {verdict(v['pass'])}")
    if pg is None:
        print("  PostgreSQL: not run (--audit-postgres)")
    elif "error" in pg:
        print(f"  PostgreSQL: FAILED: {pg['error']}")
    else:
        print(
            f"  PostgreSQL ({pg['events']:,} events copied in {pg['load_s']:.0f} s): verify {pg['service_s']:.2f} s, "
            f"psycopg floor {pg['floor_s']:.2f} s, ratio {pg['ratio']:.2f}x "
            f"[target < {VERIFY_TARGET_S:.0f} s] {verdict(pg['pass'])}"
        )


def print_write(w: dict[str, Any]) -> None:
    print()
    print(f"(f) audit write overhead: PatientService.update of one field, {w['reps']} interleaved pairs, ms")
    print(f"  {'':<34} {'median':>8} {'p95':>8}")
    print(f"  {'with its audit event':<34} {w['audited_median_ms']:>8.3f} {w['audited_p95_ms']:>8.3f}")
    print(f"  {'same call, append is a no-op':<34} {w['no_audit_median_ms']:>8.3f} {w['no_audit_p95_ms']:>8.3f}")
    print(f"  {'added (paired differences)':<34} {w['added_median_ms']:>8.3f} {w['added_p95_ms']:>8.3f}")
    print(f"  {'  AuditTrail.append alone':<34} {w['append_median_ms']:>8.3f} {w['append_p95_ms']:>8.3f}")
    print(
        f"  added median {w['added_median_ms']:.3f} ms (difference of medians {w['added_of_medians_ms']:.3f} ms) "
        f"[target < {w['target_ms']:.0f} ms] {verdict(w['pass'])}; chain intact afterwards: {w['chain_intact']}"
    )


def print_sign_in(s: dict[str, Any]) -> None:
    low, high = SIGN_IN_RATIO_BAND
    print()
    print(f"(g) sign-in timing, argon2id production policy, {s['reps']} alternating attempts each, ms")
    print(
        f"  unknown username          median {s['unknown_median_ms']:>7.1f} "
        f"({s['unknown_min_ms']:.1f}-{s['unknown_max_ms']:.1f})"
    )
    print(
        f"  real user, wrong password median {s['wrong_password_median_ms']:>7.1f} "
        f"({s['wrong_password_min_ms']:.1f}-{s['wrong_password_max_ms']:.1f})"
    )
    if s["success_median_ms"] is not None:
        print(f"  (successful sign-in       median {s['success_median_ms']:>7.1f})")
    print(f"  ratio wrong/unknown: {s['ratio']:.3f} [target {low}-{high}] {verdict(s['pass'])}")
    if "cold" in s:
        print(
            f"  first attempt after opening ({s['cold']} each): unknown {s['cold_unknown_median_ms']:.1f}, "
            f"wrong password {s['cold_wrong_password_median_ms']:.1f}, ratio {s['cold_ratio']:.3f} "
            f"[target {low}-{high}] {verdict(s['cold_pass'])}"
        )

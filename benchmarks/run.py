"""kapdesk benchmarks: each number is a ratio to a floor measured in the same run.

    .venv/bin/python benchmarks/run.py                      # 100k patients, 1M audit events (generated once)
    .venv/bin/python benchmarks/run.py --patients 5000 --audit-events 100000 --rounds 10 --runs 10   # quick
    .venv/bin/python benchmarks/run.py --json > results.json

(a) patient search: PatientService.search(text) for every keystroke of a receptionist typing real last
    names, a chart number, a phone prefix and a date of birth, against the same SQL run through plain
    sqlite3 on the same file, and against that SQL plus a genuine chained audit event appended with plain
    sqlite3 in a BEGIN IMMEDIATE transaction (the minimum cost of any audited read). Target: median
    per-keystroke ratio to the raw SQL <= 3x and service p95 < 16 ms.
(b) start-up: spawn to "window shown" for `python -m kapdesk` against an empty PySide6 main window.
    Target: <= 1.5x.
(c) demo creation: 100k patients through open_clinic + clinic.demo.populate, when generated in this run.
    Target: <= 30 s.
(d) informational: spawn to "patient list ready" (the clinic opened, migrated if needed, a user signed in,
    the registry attached and its first list read; the sign-in itself is subtracted) for a fresh data folder
    and the 100k database.
(e) audit verify: AuditService.verify() over 1,000,000 events against plain sqlite3 + one HMAC per row.
    Target: < 60 s.
(f) audit write overhead: PatientService.update with and without its audit event. Target: adds < 1 ms.
(g) sign-in timing: an unknown username against a real one with a wrong password. Target: ratio ~1.0.
(h) scheduling (schedule_bench.py): CalendarService.page for a whole-clinic week of a 1M-appointment clinic
    against the raw sqlite3 range query (target <= 2x), page + canvas layout (target < 50 ms), and drag
    feedback on the painted calendar (target < 16 ms a frame).
(i) course planning (course_bench.py): CourseService.propose for a 6-dose IV course of the busiest prescriber and
    therapist on the same clinic, against the raw sqlite3 reads of the calendar it plans around. Target: < 200 ms.
(j) patient documents (document_bench.py): the consent-iv PDF against a bare reportlab document of the same blocks
    (target <= 3x), and 100 aftercare handouts for 100 patients back to back (target < 3 s).

Everything that writes runs on a temporary copy of the generated clinic, so the cached file stays as built.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import audit_bench as ab
import course_bench as cb
import document_bench as docb
import generate_audit as gen_audit
import generate_clinic as gen
import generate_schedule as gen_schedule
import schedule_bench as sb

SEARCH_RATIO_TARGET = 3.0
SEARCH_MS_TARGET = 16.0
STARTUP_RATIO_TARGET = 1.5
LIMIT = 50  # kapdesk.services.patients.SEARCH_LIMIT
TRICKY_NAMES = ("O'Brien", "Núñez", "Van der Berg", "Łukaszewski", "De la Cruz", "Müller")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


# -- (a) patient search ----------------------------------------------------------------------------------

_COLUMNS = "id, chart_number, first_name, last_name, preferred_name, date_of_birth, phone, archived_at IS NOT NULL"
_UNFILTERED = (
    f"SELECT {_COLUMNS} FROM patients WHERE archived_at IS NULL ORDER BY last_key, first_key, id LIMIT {LIMIT}"
)

Plan = list[tuple[str, tuple[object, ...]]]


def raw_plan(text: str) -> Plan:
    """The statements PatientService.search issues for `text`, in its order, as hand-written SQL.

    Built before timing, so the raw side pays only for SQLite. The service's own SQL is captured in a
    checking pass and compared with these (see `normalise`), so a change in the service shows up.
    """
    from kapdesk.domain import patient_search as q
    from kapdesk.domain.folding import prefix_upper_bound as upper

    criteria = q.interpret(text)
    if not criteria:  # empty text lists everyone; text no reading fits (an impossible date) finds nobody
        return [] if text.strip() else [(_UNFILTERED, ())]
    plan: Plan = []
    for criterion in criteria:
        match criterion:
            case q.NamePrefix(last=last, first=first):
                where, params = "last_key >= ? AND last_key < ?", [last, upper(last)]
                if first:
                    where += " AND first_key >= ? AND first_key < ?"
                    params += [first, upper(first)]
                order = "last_key, first_key, id"
            case q.FirstNamePrefix(first=first):
                where, params, order = (
                    "first_key >= ? AND first_key < ?",
                    [first, upper(first)],
                    "first_key, last_key, id",
                )
            case q.ChartNumber(prefix=prefix):
                where, params, order = (
                    "chart_number >= ? AND chart_number < ?",
                    [prefix, upper(prefix)],
                    "chart_number",
                )
            case q.BirthDate(value=value):
                where, params, order = "date_of_birth = ?", [value.isoformat()], "last_key, first_key, id"
            case q.PhonePrefix(digits=digits):
                where, params, order = (
                    "phone_key >= ? AND phone_key < ?",
                    [digits, upper(digits)],
                    "phone_key, id",
                )
            case _:
                raise TypeError(f"raw_plan does not know {criterion!r}; update benchmarks/run.py")
        sql = f"SELECT {_COLUMNS} FROM patients WHERE {where} AND archived_at IS NULL ORDER BY {order}"
        plan.append((f"{sql} LIMIT {LIMIT}", tuple(params)))
    return plan


def normalise(sql: str, params: Sequence[object]) -> tuple[str, tuple[object, ...]]:
    """SQLAlchemy's rendering of a search statement, rewritten to compare with raw_plan's."""
    sql = " ".join(sql.split()).replace("patients.", "").replace(" AS anon_1", "")
    values = tuple(params)
    if sql.endswith("LIMIT ? OFFSET ?") and values[-2:] == (LIMIT, 0):
        sql, values = sql.removesuffix("LIMIT ? OFFSET ?") + f"LIMIT {LIMIT}", values[:-2]
    return sql, tuple(v.isoformat() if isinstance(v, date) else v for v in values)


def run_raw(connection: sqlite3.Connection, plan: Plan) -> list[tuple[object, ...]]:
    """Same statements, same merge and early stop as the service; rows stay plain tuples."""
    found: dict[object, tuple[object, ...]] = {}
    for sql, params in plan:
        for row in connection.execute(sql, params):
            found.setdefault(row[0], row)
        if len(found) >= LIMIT:
            break
    return list(found.values())[:LIMIT]


def run_raw_audited(connection: sqlite3.Connection, plan: Plan, audit: ab.RawAuditAppender) -> list[object]:
    """The floor of an audited read: the same statements and one genuine chained event, committed together."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        rows = run_raw(connection, plan)
        audit.append("search", "demographics", "patient", "", f"search by last: {len(rows)} listed")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return rows


def run_raw_objects(connection: sqlite3.Connection, plan: Plan) -> list[object]:
    """The raw rows turned into the PatientSummary objects the service returns (dates parsed)."""
    from kapdesk.domain.patients import PatientSummary

    return [
        PatientSummary(r[0], r[1], r[2], r[3], r[4], date.fromisoformat(r[5]), r[6], bool(r[7]))  # type: ignore[arg-type]
        for r in run_raw(connection, plan)
    ]


@dataclass
class Keystroke:
    typing: str  # the whole thing being typed, e.g. "Smith"
    text: str  # what is in the search box after this keystroke
    plan: Plan
    service_sql: list[tuple[str, tuple[object, ...]]] = field(default_factory=list)
    samples: dict[str, list[float]] = field(
        default_factory=lambda: {"service": [], "raw": [], "raw_obj": [], "raw_audit": []}
    )

    def median(self, which: str) -> float:
        return statistics.median(self.samples[which])

    @property
    def ratio(self) -> float:
        return self.median("service") / self.median("raw")

    @property
    def audit_ratio(self) -> float:
        """Against the fair floor for an audited read: the raw SQL plus a raw chained event and its commit."""
        return self.median("service") / self.median("raw_audit")


def typing_script(path: Path, names: int, seed: int) -> list[str]:
    """What a receptionist types: real last names from the data, a chart number, a phone, a birth date."""
    rng = random.Random(seed)
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        last_names = sorted(
            r[0] for r in connection.execute("SELECT DISTINCT last_name FROM patients WHERE archived_at IS NULL")
        )
        # A birth date on day 01-09, so typing it passes "YYYY-MM-0", which is not yet a date.
        phone_key, born = connection.execute(
            "SELECT phone_key, date_of_birth FROM patients WHERE archived_at IS NULL AND id >= ? "
            "AND substr(date_of_birth, 9, 1) = '0' ORDER BY id LIMIT 1",
            (rng.randrange(1, 1000),),
        ).fetchone()
    finally:
        connection.close()
    chosen = [n for n in ("Smith",) if n in last_names]
    chosen += [n for n in TRICKY_NAMES if n in last_names][:1]
    rest = [n for n in last_names if n not in chosen]
    chosen += rng.sample(rest, min(len(rest), max(0, names - len(chosen))))
    return [*chosen, "KD-0001", phone_key[:6], born]


def search_benchmark(path: Path, key_file: Path, names: int, rounds: int, warmup: int, seed: int) -> dict[str, object]:
    """`path` is a working copy: every service call (and every floor call) appends an audit event to it."""
    from sqlalchemy import event

    from kapdesk.services.demo import DEMO_PASSWORD

    typed = typing_script(path, names, seed)
    keystrokes = [Keystroke(t, t[:i], raw_plan(t[:i])) for t in typed for i in range(1, len(t) + 1)]
    # Keystrokes no reading fits run no SQL at all, so they have no raw floor to compare with.
    no_query = [k.text for k in keystrokes if not k.plan]
    keystrokes = [k for k in keystrokes if k.plan]
    log(f"search: {len(keystrokes)} keystrokes typing {', '.join(typed)}; {warmup}+{rounds} rounds")

    with ab.quiet_open(f"sqlite:///{path}", key_file) as clinic:
        signed_in = clinic.auth.sign_in("admin", DEMO_PASSWORD).actor
        connection = ab.raw_connection(path)
        audit = ab.RawAuditAppender(
            connection, ab.read_key(key_file), signed_in.user_id, signed_in.username, signed_in.workstation
        )
        try:
            service = clinic.patients

            # Checking pass (untimed): the SQL the service really issues, and that both sides agree.
            captured: list[tuple[str, tuple[object, ...]]] = []

            def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
                if statement.lstrip().upper().startswith("SELECT") and "patients" in statement:  # not the audit
                    captured.append(normalise(statement, parameters))

            event.listen(clinic.database.engine, "before_cursor_execute", capture)
            same_rows = 0
            for k in keystrokes:
                captured.clear()
                got = [p.id for p in service.search(k.text)]
                k.service_sql = list(captured)
                same_rows += got == [r[0] for r in run_raw(connection, k.plan)]
            event.remove(clinic.database.engine, "before_cursor_execute", capture)
            issued = [k.plan[: len(k.service_sql)] for k in keystrokes]
            same_sql = sum(k.service_sql == plan for k, plan in zip(keystrokes, issued, strict=True))

            runners: dict[str, Callable[[Keystroke], object]] = {
                "service": lambda k: service.search(k.text),
                "raw": lambda k: run_raw(connection, k.plan),
                "raw_obj": lambda k: run_raw_objects(connection, k.plan),
                "raw_audit": lambda k: run_raw_audited(connection, k.plan, audit),
            }
            order = list(runners)
            gc.collect()
            clock = time.perf_counter
            for round_ in range(warmup + rounds):
                order = order[1:] + order[:1]  # rotate who goes first
                for k in keystrokes:
                    for which in order:
                        run = runners[which]
                        started = clock()
                        run(k)
                        elapsed = clock() - started
                        if round_ >= warmup:
                            k.samples[which].append(elapsed)
        finally:
            connection.close()
        # The floor wrote real chained events between the service's: the whole chain must still verify.
        chain = clinic.audit.verify()

    def pooled(which: str) -> list[float]:
        return [s for k in keystrokes for s in k.samples[which]]

    groups = []
    for t in typed:
        ks = [k for k in keystrokes if k.typing == t]
        groups.append(
            {
                "typed": t,
                "keystrokes": len(ks),
                "max_queries": max(len(k.service_sql) for k in ks),
                "multi_query_keystrokes": sum(len(k.service_sql) > 1 for k in ks),
                "service_median_ms": ms(statistics.median([k.median("service") for k in ks])),
                "service_p95_ms": ms(percentile([s for k in ks for s in k.samples["service"]], 0.95)),
                "raw_median_ms": ms(statistics.median([k.median("raw") for k in ks])),
                "raw_obj_median_ms": ms(statistics.median([k.median("raw_obj") for k in ks])),
                "raw_audit_median_ms": ms(statistics.median([k.median("raw_audit") for k in ks])),
                "ratio": round(statistics.median([k.ratio for k in ks]), 2),
                "audit_ratio": round(statistics.median([k.audit_ratio for k in ks]), 2),
            }
        )
    ratios = [k.ratio for k in keystrokes]
    worst = max(keystrokes, key=lambda k: k.median("service"))
    ratio = statistics.median(ratios)
    audit_ratio = statistics.median([k.audit_ratio for k in keystrokes])
    p95 = percentile(pooled("service"), 0.95)
    return {
        "patients_file": str(path),
        "typed": typed,
        "keystrokes": len(keystrokes),
        "rounds": rounds,
        "service_median_ms": ms(statistics.median(pooled("service"))),
        "service_p95_ms": ms(p95),
        "raw_median_ms": ms(statistics.median(pooled("raw"))),
        "raw_p95_ms": ms(percentile(pooled("raw"), 0.95)),
        "raw_obj_median_ms": ms(statistics.median(pooled("raw_obj"))),
        "raw_audit_median_ms": ms(statistics.median(pooled("raw_audit"))),
        "raw_audit_p95_ms": ms(percentile(pooled("raw_audit"), 0.95)),
        "audit_floor_cost_ms": ms(statistics.median([k.median("raw_audit") - k.median("raw") for k in keystrokes])),
        "ratio": round(ratio, 2),
        "audit_ratio": round(audit_ratio, 2),
        "added_over_audit_floor_ms": ms(
            statistics.median([k.median("service") - k.median("raw_audit") for k in keystrokes])
        ),
        "ratio_of_medians": round(statistics.median(pooled("service")) / statistics.median(pooled("raw")), 2),
        "worst_ratio": round(max(ratios), 2),
        "worst_ratio_text": max(keystrokes, key=lambda k: k.ratio).text,
        "worst_service_ms": ms(worst.median("service")),
        "worst_service_text": worst.text,
        "ratio_pass": ratio <= SEARCH_RATIO_TARGET,
        "time_pass": p95 < SEARCH_MS_TARGET / 1000,
        "same_sql": same_sql,
        "same_rows": same_rows,
        "chain_intact": chain.intact,
        "chain_events": chain.events,
        "multi_query": [k.text for k in keystrokes if len(k.service_sql) > 1],
        "no_query": no_query,
        "groups": groups,
    }


# -- (b) start-up ----------------------------------------------------------------------------------------

EMPTY_WINDOW = """\
import os
import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv)
window = QMainWindow()
window.show()
QTimer.singleShot(0, lambda: (print("empty: window shown", flush=True), os._exit(0)))
app.exec()
"""

# Runs the real `kapdesk` entry point but reports once the clinic is open, a user is signed in and the Patients
# area has read its first list. The driver signs in itself instead of through the sign-in dialog (setting up a
# fresh clinic first) and reports how long that took; run.py subtracts it, since a person typing a password
# takes longer than any of this anyway. It follows both launch flows: areas attached after a sign-in
# (launch.start_session, then window.begin_session loads each area) and areas attached at once.
READY_DRIVER = """\
import os
import sys
import time

from kapdesk.ui import launch

PASSWORD = "correct horse battery staple"


def _sign_in(clinic):
    started = time.perf_counter()
    if clinic.admin.needs_setup():
        from kapdesk.domain.clinic_profile import ClinicProfile

        profile = ClinicProfile("Bench Clinic", "1 Main St", "503-555-0100", "America/Los_Angeles")
        clinic.admin.set_up(profile, "admin", "Bench Admin", PASSWORD)
        password = PASSWORD
    else:
        from kapdesk.services.demo import DEMO_PASSWORD

        password = DEMO_PASSWORD
    actor = clinic.auth.sign_in("admin", password).actor
    return actor, time.perf_counter() - started


def _report(signing_in):
    print(f"kapdesk: clinic ready; signing in took {signing_in:.6f} s", flush=True)
    os._exit(0)


if hasattr(launch, "start_session"):

    def _start_session(window, clinic, **_options):
        from kapdesk.ui.changes import ChangeBus

        actor, signing_in = _sign_in(clinic)
        launch.attach_clinic(window, clinic, ChangeBus(window))
        window.begin_session(actor)  # each area's first load
        _report(signing_in)

    launch.start_session = _start_session
else:
    _attach = launch.attach_clinic

    def _attach_and_report(window, clinic, bus):
        actor, signing_in = _sign_in(clinic)
        _attach(window, clinic, bus)
        _report(signing_in)

    launch.attach_clinic = _attach_and_report

from kapdesk.app import main

sys.exit(main(sys.argv[1:]))
"""
SIGN_IN_NOTE = "signing in took "


class LaunchFailed(RuntimeError):
    pass


def time_until(
    command: list[str], marker: str, env: dict[str, str], cwd: Path, timeout: float = 90.0
) -> tuple[float, str]:
    """Wall time from spawning `command` to reading a stdout line containing `marker`, and that line."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=errors, env=env, cwd=cwd, text=True)
        watchdog = threading.Timer(timeout, process.kill)
        watchdog.start()
        elapsed, found = None, ""
        try:
            assert process.stdout is not None
            for line in process.stdout:
                if marker in line:
                    elapsed, found = time.perf_counter() - started, line
                    break
        finally:
            watchdog.cancel()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if elapsed is None:
            errors.seek(0)
            tail = errors.read().decode(errors="replace")[-1500:]
            raise LaunchFailed(f"{' '.join(command)} exited {process.returncode} without {marker!r}:\n{tail}")
        return elapsed, found


@dataclass
class Launch:
    key: str
    label: str
    command: Callable[[], list[str]]
    marker: str
    probe: bool  # KAPDESK_STARTUP_PROBE=1
    samples: list[float] = field(default_factory=list)
    signing_in: list[float] = field(default_factory=list)  # reported by the ready driver, already subtracted
    error: str = ""


def startup_benchmark(
    runs: int, database: Path | None, key_file: Path | None, frozen: Path | None, ready: bool, work: Path
) -> dict[str, object]:
    """`database` (with its audit `key_file`) is a working copy: opening it for the list writes audit events."""
    python = sys.executable
    work.mkdir(parents=True, exist_ok=True)
    empty_script = work / "empty_window.py"
    empty_script.write_text(EMPTY_WINDOW, encoding="utf-8")
    driver = work / "ready_driver.py"
    driver.write_text(READY_DRIVER, encoding="utf-8")
    existing = work / "existing"
    env = {k: v for k, v in os.environ.items() if k not in ("KAPDESK_DATABASE_URL", "KAPDESK_STARTUP_PROBE")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    log(f"startup: preparing a migrated data folder in {existing}")
    subprocess.run(
        [python, "-m", "kapdesk", "--data-dir", str(existing), "migrate"],
        env=env,
        cwd=work,  # not the checkout: kapdesk is imported the way an installed copy is
        check=True,
        stdout=subprocess.DEVNULL,
    )
    counter = iter(range(1_000_000))

    def fresh() -> Path:
        return work / f"fresh-{next(counter)}"

    launches = [
        Launch(
            "empty",
            "empty PySide6 window (floor)",
            lambda: [python, str(empty_script)],
            "window shown",
            False,
        ),
        Launch(
            "fresh",
            "kapdesk, fresh data dir",
            lambda: [python, "-m", "kapdesk", "--data-dir", str(fresh())],
            "kapdesk: window shown",
            True,
        ),
        Launch(
            "existing",
            "kapdesk, existing migrated db",
            lambda: [python, "-m", "kapdesk", "--data-dir", str(existing)],
            "kapdesk: window shown",
            True,
        ),
    ]
    if frozen is not None:
        launches.append(
            Launch(
                "frozen",
                f"frozen {frozen.name}, existing db",
                lambda: [str(frozen), "--data-dir", str(existing)],
                "kapdesk: window shown",
                True,
            )
        )
    if ready:
        launches.append(
            Launch(
                "ready_fresh",
                "list ready, fresh data dir (migrates)",
                lambda: [python, str(driver), "--data-dir", str(fresh())],
                "clinic ready",
                False,
            )
        )
        if database is not None and key_file is not None:
            home = work / "ready-home"  # the database's audit key where kapdesk looks for it
            (home / "config").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(key_file, home / "config" / "audit.key")
            launches.append(
                Launch(
                    "ready_db",
                    f"list ready, {database.name}",
                    lambda: [
                        python,
                        str(driver),
                        "--data-dir",
                        str(home),
                        "--database",
                        f"sqlite:///{database}",
                    ],
                    "clinic ready",
                    False,
                )
            )
    log(f"startup: {len(launches)} kinds x (1 warm-up + {runs}) runs, alternating")
    for round_ in range(runs + 1):
        for i in range(len(launches)):
            launch = launches[(i + round_) % len(launches)]  # rotate who goes first
            if launch.error:
                continue
            launch_env = {**env, "KAPDESK_STARTUP_PROBE": "1"} if launch.probe else env
            try:
                elapsed, line = time_until(launch.command(), launch.marker, launch_env, work)
            except LaunchFailed as error:
                launch.error = str(error)
                log(f"startup: {launch.label} failed: {error}")
                continue
            signing_in = float(line.partition(SIGN_IN_NOTE)[2].split()[0]) if SIGN_IN_NOTE in line else 0.0
            if round_ > 0:
                launch.samples.append(elapsed - signing_in)
                launch.signing_in.append(signing_in)
    floor = statistics.median(launches[0].samples)
    results: dict[str, object] = {"runs": runs, "floor_ms": ms(floor)}
    for launch in launches:
        if launch.error or not launch.samples:
            results[launch.key] = {"label": launch.label, "error": launch.error}
            continue
        median = statistics.median(launch.samples)
        entry: dict[str, object] = {
            "label": launch.label,
            "median_ms": ms(median),
            "min_ms": ms(min(launch.samples)),
            "max_ms": ms(max(launch.samples)),
            "ratio": round(median / floor, 2),
        }
        if any(launch.signing_in):
            entry["signing_in_ms"] = ms(statistics.median(launch.signing_in))
        if launch.key in ("fresh", "existing", "frozen"):
            entry["pass"] = median / floor <= STARTUP_RATIO_TARGET
        results[launch.key] = entry
    return results


# -- report ----------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_report(results: dict[str, Any]) -> None:
    env = results["environment"]
    events = f"{env['audit_events']:,} audit events, " if "audit_verify" in results else ""
    print(f"kapdesk benchmarks — {env['patients']} patients, {events}Python {env['python']}, {env['cpus']} CPUs")
    if generated := results.get("generate"):
        print()
        if generated["created"]:
            g = generated
            print(
                f"(c) demo clinic: {g['patients']} patients in {g['total_s']:.2f} s "
                f"(open+migrate {g['open_s']:.2f} s, populate {g['populate_s']:.2f} s), "
                f"{g['file_mib']:.1f} MiB"
            )
            print(
                f"    ratio to the {g['target_s']:.0f} s target: {g['ratio_to_target']:.2f}x "
                f"{verdict(g['ratio_to_target'] <= 1.0)}"
            )
        else:
            print(f"(c) demo clinic not timed: {generated['reason']} (use --regenerate to time it)")
    if search := results.get("search"):
        print_search(search)
    if startup := results.get("startup"):
        print_startup(startup)
    if verify := results.get("audit_verify"):
        trail = results["audit_trail"]
        if trail["created"]:
            print()
            print(f"audit trail of {trail['events']:,} events built in {trail['build_s']:.1f} s (not a target)")
        ab.print_verify(verify, results.get("audit_verify_postgres"))
    if write := results.get("audit_write"):
        ab.print_write(write)
    if sign_in := results.get("sign_in"):
        ab.print_sign_in(sign_in)
    if schedule := results.get("schedule"):
        sb.print_schedule(schedule)
    if course := results.get("course"):
        cb.print_course(course)
    if documents := results.get("documents"):
        docb.print_documents(documents)


def print_search(search: dict[str, Any]) -> None:
    print()
    print(
        f"(a) patient search, {search['keystrokes']} keystrokes x {search['rounds']} rounds, "
        "ms per keystroke (median of the keystrokes' medians; p95 of all samples)"
    )
    columns = ("typed", "keys", "sql", "service", "p95", "raw", "raw+obj", "ratio", "raw+aud", "ratio")
    widths = (14, 4, 3, 8, 7, 7, 8, 7, 8, 7)
    print(
        "  "
        + " ".join(f"{c:<{w}}" if i == 0 else f"{c:>{w}}" for i, (c, w) in enumerate(zip(columns, widths, strict=True)))
    )
    rows = [
        (
            g["typed"],
            g["keystrokes"],
            g["max_queries"],
            g["service_median_ms"],
            g["service_p95_ms"],
            g["raw_median_ms"],
            g["raw_obj_median_ms"],
            g["ratio"],
            g["raw_audit_median_ms"],
            g["audit_ratio"],
        )
        for g in search["groups"]
    ]
    rows.append(
        (
            "all",
            search["keystrokes"],
            "",
            search["service_median_ms"],
            search["service_p95_ms"],
            search["raw_median_ms"],
            search["raw_obj_median_ms"],
            search["ratio"],
            search["raw_audit_median_ms"],
            search["audit_ratio"],
        )
    )
    for typed, keys, sql, service, p95, raw, raw_obj, ratio, raw_audit, audit_ratio in rows:
        print(
            f"  {typed:<14} {keys:>4} {sql:>3} {service:>8.3f} {p95:>7.3f} {raw:>7.3f} {raw_obj:>8.3f} {ratio:>6.2f}x"
            f" {raw_audit:>8.3f} {audit_ratio:>6.2f}x"
        )
    print(
        f"  ratio service/raw, median over keystrokes: {search['ratio']:.2f}x "
        f"[target <= {SEARCH_RATIO_TARGET:.0f}x] {verdict(search['ratio_pass'])}"
    )
    print(
        f"    (ratio of pooled medians {search['ratio_of_medians']:.2f}x; "
        f"worst keystroke {search['worst_ratio']:.2f}x on {search['worst_ratio_text']!r})"
    )
    print(
        f"  ratio service/(raw + raw audit event), median over keystrokes: {search['audit_ratio']:.2f}x "
        "(informational: what kapdesk adds over the cheapest possible audited read)"
    )
    print(
        f"    the audit floor costs {search['audit_floor_cost_ms']:.3f} ms over the raw SQL (chained INSERT + head "
        f"UPDATE + fsync'd COMMIT); kapdesk adds {search['added_over_audit_floor_ms']:.3f} ms on top of that"
    )
    print(
        f"  service p95: {search['service_p95_ms']:.3f} ms [target < {SEARCH_MS_TARGET:.0f} ms] "
        f"{verdict(search['time_pass'])} (slowest keystroke median {search['worst_service_ms']:.3f} ms "
        f"on {search['worst_service_text']!r})"
    )
    print(
        f"  honesty check: raw SQL identical to the service's on {search['same_sql']}/{search['keystrokes']} "
        f"keystrokes, same rows on {search['same_rows']}/{search['keystrokes']}; audit chain of "
        f"{search['chain_events']} events (service's and floor's) intact: {search['chain_intact']}"
    )
    if multi := search["multi_query"]:
        shown = ", ".join(
            f"{g['typed']!r} {g['multi_query_keystrokes']}/{g['keystrokes']}"
            for g in search["groups"]
            if g["multi_query_keystrokes"]
        )
        print(f"  2+ queries per keystroke (raw runs them too) on {len(multi)} keystrokes: {shown}")
        print("    (digits are tried as a chart number first, then as a phone prefix; a name with < 50 matches")
        print("    is tried as a first name too; `sql` column = most queries for one keystroke)")
    if search["no_query"]:
        print(f"  no reading fits, so nobody is listed and no SQL runs (not timed): {search['no_query']}")


def print_startup(startup: dict[str, Any]) -> None:
    print()
    print(f"(b) spawn -> marker line, {startup['runs']} runs of each, alternating; median (min-max) ms")
    print("    (d) the driver signs in itself (setting up a fresh clinic first); that time is subtracted")
    for key, value in startup.items():
        if not isinstance(value, dict):
            continue
        if "error" in value:
            print(f"  {value['label']:<40} FAILED: {value['error'].splitlines()[0]}")
            continue
        tail = ""
        if "pass" in value:
            tail = f"  [target <= {STARTUP_RATIO_TARGET}x] {verdict(value['pass'])}"
        elif key.startswith("ready"):
            tail = f"  (d) informational; sign-in {value.get('signing_in_ms', 0):.0f} ms subtracted"
        spread = f"({value['min_ms']:.0f}-{value['max_ms']:.0f})"
        print(f"  {value['label']:<40} {value['median_ms']:>6.0f} {spread:<11} {value['ratio']:>5.2f}x{tail}")


def working_copy(database: Path, key_file: Path, folder: Path) -> tuple[Path, Path]:
    """A copy of the generated clinic (and its audit key) for everything that writes."""
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / database.name
    for suffix in ("", "-wal"):
        source = Path(f"{database}{suffix}")
        if source.exists():
            shutil.copyfile(source, f"{copy}{suffix}")
    key = folder / key_file.name
    shutil.copyfile(key_file, key)
    return copy, key


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--patients", type=int, default=gen.DEFAULT_PATIENTS, help="default %(default)s")
    parser.add_argument("--data", type=Path, help="SQLite file (default benchmarks/data/clinic-100k.sqlite3)")
    parser.add_argument("--seed", type=int, default=gen.DEFAULT_SEED)
    parser.add_argument("--regenerate", action="store_true", help="rebuild (and time) the demo database")
    parser.add_argument("--names", type=int, default=7, help="last names to type (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=40, help="timed passes over all keystrokes")
    parser.add_argument("--warmup", type=int, default=3, help="untimed passes first")
    parser.add_argument("--runs", type=int, default=12, help="start-up runs of each kind (default %(default)s)")
    parser.add_argument("--frozen", type=Path, help="also time a frozen kapdesk executable")
    parser.add_argument("--no-ready", action="store_true", help="skip (d), the patient-list-ready timings")
    parser.add_argument("--skip-search", action="store_true")
    parser.add_argument("--skip-startup", action="store_true")
    audit = parser.add_argument_group("audit trail, (e)-(g)")
    audit.add_argument("--skip-audit", action="store_true", help="skip (e), (f) and (g)")
    audit.add_argument("--skip-verify", action="store_true", help="skip (e) and the audit trail it needs")
    audit.add_argument("--skip-write", action="store_true", help="skip (f)")
    audit.add_argument("--skip-sign-in", action="store_true", help="skip (g)")
    audit.add_argument(
        "--audit-events", type=int, default=gen_audit.DEFAULT_EVENTS, help="events to verify (default %(default)s)"
    )
    audit.add_argument("--verify-runs", type=int, default=3, help="runs of each verify variant (default %(default)s)")
    audit.add_argument("--audit-postgres", action="store_true", help="also verify on a throwaway PostgreSQL")
    audit.add_argument("--write-reps", type=int, default=400, help="timed update pairs (default %(default)s)")
    audit.add_argument("--sign-in-reps", type=int, default=20, help="timed attempts of each kind (default %(default)s)")
    audit.add_argument("--sign-in-cold", type=int, default=4, help="first attempts after opening, of each kind")
    schedule = parser.add_argument_group("scheduling, (h)")
    schedule.add_argument("--skip-schedule", action="store_true", help="skip (h)")
    schedule.add_argument(
        "--schedule-appointments",
        type=int,
        default=gen_schedule.DEFAULT_APPOINTMENTS,
        help="appointments in the calendar clinic (default %(default)s)",
    )
    schedule.add_argument("--schedule-weeks", type=int, default=12, help="weeks loaded (default %(default)s)")
    schedule.add_argument("--schedule-rounds", type=int, default=15, help="rounds over them (default %(default)s)")
    course = parser.add_argument_group("course planning, (i)")
    course.add_argument("--skip-course", action="store_true", help="skip (i)")
    course.add_argument("--course-rounds", type=int, default=15, help="timed rounds (default %(default)s)")
    documents = parser.add_argument_group("patient documents, (j)")
    documents.add_argument("--skip-documents", action="store_true", help="skip (j)")
    documents.add_argument("--document-rounds", type=int, default=30, help="timed consent rounds (default %(default)s)")
    parser.add_argument("--json", action="store_true", help="print results as JSON instead of the table")
    args = parser.parse_args(argv)
    if min(args.patients, args.rounds, args.runs, args.audit_events, args.verify_runs) < 1:
        parser.error("--patients, --rounds, --runs, --audit-events and --verify-runs must be at least 1")
    if min(args.write_reps, args.sign_in_reps) < 1 or args.sign_in_cold < 0:
        parser.error("--write-reps and --sign-in-reps must be at least 1, --sign-in-cold at least 0")

    results: dict[str, object] = {
        "environment": {
            "patients": args.patients,
            "audit_events": args.audit_events,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
        }
    }
    generated = gen.ensure_clinic(args.patients, args.data, args.seed, args.regenerate, log=log)
    results["generate"] = generated.as_dict()
    source, source_key = Path(generated.path), Path(generated.key_file)
    with tempfile.TemporaryDirectory(prefix="kapdesk-bench-") as scratch:
        work = Path(scratch)
        path, key_file = working_copy(source, source_key, work / "clinic")
        if not args.skip_search:
            results["search"] = search_benchmark(path, key_file, args.names, args.rounds, args.warmup, args.seed)
        if not args.skip_startup:
            results["startup"] = startup_benchmark(
                args.runs,
                path,
                key_file,
                args.frozen.resolve() if args.frozen else None,
                not args.no_ready,
                work / "startup",
            )
        if not (args.skip_audit or args.skip_verify):
            trail = gen_audit.ensure_trail(args.audit_events, seed=args.seed, log=log)
            results["audit_trail"] = trail.as_dict()
            results["audit_verify"] = ab.verify_benchmark(Path(trail.path), Path(trail.key_file), args.verify_runs)
            if args.audit_postgres:
                try:
                    results["audit_verify_postgres"] = ab.postgres_verify_benchmark(
                        Path(trail.path), Path(trail.key_file), args.verify_runs
                    )
                except Exception as error:  # a missing server is a note in the report, not a lost run
                    log(f"audit verify (PostgreSQL) failed: {error!r}")
                    results["audit_verify_postgres"] = {"error": repr(error)}
        if not (args.skip_audit or args.skip_write):
            results["audit_write"] = ab.write_benchmark(path, key_file, args.write_reps, 20, args.seed)
        if not (args.skip_audit or args.skip_sign_in):
            results["sign_in"] = ab.sign_in_benchmark(path, key_file, args.sign_in_reps, 2, args.sign_in_cold)
    if not args.skip_schedule:  # its own clinic and working copy (generate_schedule.py)
        results["schedule"] = sb.schedule_benchmark(
            args.schedule_appointments,
            weeks=args.schedule_weeks,
            rounds=args.schedule_rounds,
            seed=args.seed,
        )
    if not args.skip_course:  # on the scheduling clinic too, with its own working copy
        results["course"] = cb.course_benchmark(args.schedule_appointments, rounds=args.course_rounds, seed=args.seed)
    if not args.skip_documents:  # no database: the shipped templates filled for invented patients
        results["documents"] = docb.document_benchmark(rounds=args.document_rounds, seed_value=args.seed)
    if args.json:
        json.dump(results, sys.stdout, indent=2, default=str)
        print()
    else:
        print_report(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

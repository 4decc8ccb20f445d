"""(h) Scheduling: loading a whole-clinic week against plain sqlite3, laying it out, and drag feedback.

    .venv/bin/python benchmarks/schedule_bench.py                        # 1M appointments (generated once)
    .venv/bin/python benchmarks/schedule_bench.py --appointments 200000  # quicker: same weeks, fewer of them
    .venv/bin/python benchmarks/schedule_bench.py --profile              # + cProfile of the slow parts
    .venv/bin/python benchmarks/schedule_bench.py --json > schedule.json

Issue 4's targets, on the synthetic clinic of generate_schedule.py (1M appointments, 20 clinicians, ~1,930 a
week): a whole-clinic week loads in at most 2x the raw sqlite3 range query on the same data, and in under 50 ms
including layout; drag feedback stays under 16 ms a frame. Everything runs on a temporary copy of the generated
file (each calendar read writes its audit event), signed in as the demo's front desk.

Load, per week (random past Mondays plus this week and the next two, local midnight to midnight seven days on;
the rounds interleave, order rotating):
  raw      the floor: schedule_rows.BASE's columns and joins with overlapping()'s bounds, then the clinicians
           query in chunks of 900, as hand-written SQL on a plain sqlite3 connection, rows fetched as tuples;
  raw+obj  the same plus building the same Appointment values in plain Python (how much is object building);
  read     schedule_rows.read(connection, overlapping(start, end)) on Database.reading(): kapdesk's row reading;
  raw+aud  raw inside BEGIN IMMEDIATE plus one genuine chained audit event and an fsync'd COMMIT (the cheapest
           audited read; its events stay in the chain, which must still verify afterwards);
  page     clinic.calendar.page(start, end): account check, read, clinic hours and time off, integration
           warnings, readiness, the audit event and the commit. Target: median ratio page/raw <= 2x.
A checking pass proves raw and page return the same appointments with the same clinicians, and compares the
query plan of the SQL the service really sends with the raw SQL's. Another pass times page()'s parts.

Layout, per view, on the same weeks' pages (Qt offscreen, the canvas in a 1280x800 scroll area as on screen):
  week-7    the whole clinic's week in 7 day columns (every appointment in its day's column);
  week-140  the whole clinic's week, a column per clinician per day (20 x 7);
  day-20    one whole-clinic day (a Tuesday), a column per clinician (the screen's day view; its own page);
  week-1    one clinician's week in 7 day columns (the screen's week view; page(..., clinician_id=)).
Timed as ScheduleScreen.reload does it: page, columns and open spans, CalendarCanvas.set_view with the appointments;
then painting the visible viewport and (informational) the whole canvas with grab(). Target: page + layout
< 50 ms for the whole-clinic week views.

Drag, per view, on the first coming week with no holiday (its appointments are still movable): press on a
scheduled block, then
--drag-steps mouse moves towards another column and time, each frame = sending the move event + processing the
paint it asks for (QApplication.processEvents), then release. Target: p95 frame < 16 ms.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import audit_bench as ab
import generate_schedule as gen
import schedule_canvas_bench as canvas
from generate_schedule import week_bounds
from schedule_canvas_bench import FRAME_MS_TARGET, LOAD_MS_TARGET, VIEWPORT

RATIO_TARGET = 2.0
LOAD_VARIANTS = ("raw", "raw_obj", "read", "raw_aud", "page")

ROWS_SQL = """
SELECT a.id, a.uid, a.patient_id, p.chart_number, p.first_name, p.last_name, a.type_id, t.name, t.kind, t.route,
       a.room_id, r.name, a.starts_at, a.ends_at, a.room_free_at, a.status, a.cancel_reason, a.series_id, a.notes,
       a.override_reason, p.escort_name != '' AND p.escort_phone != '', a.version
FROM appointments a
JOIN patients p ON p.id = a.patient_id
JOIN appointment_types t ON t.id = a.type_id
JOIN rooms r ON r.id = a.room_id
WHERE a.starts_at > ? AND a.starts_at < ? AND a.room_free_at > ?
ORDER BY a.starts_at, a.id
"""
CLINICIANS_SQL = """
SELECT ac.appointment_id, ac.user_id, u.full_name
FROM appointment_clinicians ac JOIN users u ON u.id = ac.user_id
WHERE ac.appointment_id IN ({})
ORDER BY ac.appointment_id, u.full_name
"""
CHUNK = 900  # schedule_rows._clinicians' chunk


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[rank]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def median_ms(values: Sequence[float]) -> float:
    return ms(statistics.median(values)) if values else 0.0


# -- the floor ---------------------------------------------------------------------------------------------


def raw_week(connection: sqlite3.Connection, start: datetime, end: datetime) -> tuple[list[tuple], list[tuple]]:
    """The week's rows and their clinicians, as plain tuples: what no code reading this calendar can avoid."""
    from kapdesk.services.schedule_rows import REACH

    rows = connection.execute(ROWS_SQL, (gen.stamp(start - REACH), gen.stamp(end), gen.stamp(start))).fetchall()
    ids = [row[0] for row in rows]
    clinicians: list[tuple] = []
    for first in range(0, len(ids), CHUNK):
        chunk = ids[first : first + CHUNK]
        clinicians += connection.execute(CLINICIANS_SQL.format(",".join("?" * len(chunk))), chunk).fetchall()
    return rows, clinicians


def raw_objects(connection: sqlite3.Connection, start: datetime, end: datetime) -> list[Any]:
    """raw_week plus the same Appointment values schedule_rows.read makes, in plain Python."""
    from kapdesk.domain.appointments import Appointment, AppointmentKind, Route, Status, initials

    rows, clinician_rows = raw_week(connection, start, end)
    found: dict[int, list[tuple[int, str]]] = {}
    for appointment_id, user_id, name in clinician_rows:
        found.setdefault(appointment_id, []).append((user_id, name))
    parse = datetime.fromisoformat
    out = []
    for row in rows:
        (id_, uid, patient_id, chart, first, last, type_id, type_name, kind, route, room_id, room_name) = row[:12]
        (starts, ends, free, status, cancel_reason, series_id, notes, override, escort, version) = row[12:]
        people = found.get(id_, ())
        out.append(
            Appointment(
                id_, uid, patient_id, chart, f"{last}, {first}", initials(first, last), type_id, type_name,
                AppointmentKind(kind), Route(route) if route else None, tuple(c[0] for c in people),
                tuple(c[1] for c in people), room_id, room_name, parse(starts).replace(tzinfo=UTC),
                parse(ends).replace(tzinfo=UTC), parse(free).replace(tzinfo=UTC), Status(status), cancel_reason,
                series_id, notes, override, bool(escort), version,
            )
        )  # fmt: skip
    return out


def raw_audited(
    connection: sqlite3.Connection, appender: ab.RawAuditAppender, start: datetime, end: datetime
) -> tuple[list[tuple], list[tuple]]:
    """raw_week inside a write transaction with one chained audit event, committed (fsync'd)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        rows, clinicians = raw_week(connection, start, end)
        appender.append(
            "view", "schedule", "calendar", "clinic", f"calendar {start:%Y-%m-%d}..{end:%Y-%m-%d} (clinic): {len(rows)}"
        )
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
    return rows, clinicians


# -- data, weeks and the working copy ----------------------------------------------------------------------


COMING_WEEKS = 3  # this week and the next two: what the front desk has open most of the day


def pick_weeks(path: Path, count: int, seed: int, zone: ZoneInfo) -> tuple[list[date], date]:
    """`count` Mondays: random past weeks well inside the data (not its thin first weeks), then this week and
    the next two after the generator's NOW (scheduled dosing sessions, so readiness and integration warnings
    have work to do); and the drag week: the first week after this one with no closed day, whose appointments
    are still movable."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        first = connection.execute("SELECT min(starts_at) FROM appointments").fetchone()[0]
        closed = {date.fromisoformat(day) for (day,) in connection.execute("SELECT day FROM closed_days")}
    finally:
        connection.close()
    first_day = datetime.fromisoformat(first).replace(tzinfo=UTC).astimezone(zone).date()
    now = gen.NOW.astimezone(zone).date()
    this_week = now - timedelta(days=now.weekday())
    coming = [this_week + timedelta(days=7 * n) for n in range(min(COMING_WEEKS, count))]
    low = first_day + timedelta(days=7 * 8 - first_day.weekday())
    mondays = [low + timedelta(days=7 * n) for n in range(max(1, (this_week - low).days // 7 - 1))]
    rng = random.Random(seed)
    past = sorted(rng.sample(mondays, min(count - len(coming), len(mondays))))
    drag_week = this_week + timedelta(days=7)
    while any(drag_week + timedelta(days=n) in closed for n in range(5)):
        drag_week += timedelta(days=7)
    return past + coming, drag_week


def working_copy(source: Path, key_file: Path, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / source.name
    for suffix in ("", "-wal"):
        if Path(f"{source}{suffix}").exists():
            shutil.copyfile(f"{source}{suffix}", f"{copy}{suffix}")
    key = folder / key_file.name
    shutil.copyfile(key_file, key)
    return copy, key


def drop_from_os_cache(path: Path) -> bool:
    """Ask the kernel to forget the file's cached pages (written out first), for a cold-ish first read."""
    if not hasattr(os, "posix_fadvise"):
        return False
    for suffix in ("", "-wal"):
        name = Path(f"{path}{suffix}")
        if name.exists():
            descriptor = os.open(name, os.O_RDONLY)
            try:
                os.fsync(descriptor)
                os.posix_fadvise(descriptor, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(descriptor)
    return True


# -- (h1) loading a week -------------------------------------------------------------------------------------


def same_result(appointments: Sequence[Any], rows: list[tuple], clinicians: list[tuple]) -> bool:
    """The service's appointments are the raw rows, in order, with the same clinicians in the same order."""
    by_id: dict[int, list[tuple[int, str]]] = {}
    for appointment_id, user_id, name in clinicians:
        by_id.setdefault(appointment_id, []).append((user_id, name))
    if [a.id for a in appointments] != [row[0] for row in rows]:
        return False
    return all(list(zip(a.clinician_ids, a.clinician_names, strict=True)) == by_id.get(a.id, []) for a in appointments)


ALIASES = {"a": "appointments", "p": "patients", "t": "appointment_types", "r": "rooms"}  # ROWS_SQL's


def query_plan(connection: sqlite3.Connection, sql: str, parameters: Sequence[object]) -> list[str]:
    """EXPLAIN QUERY PLAN's steps, with ROWS_SQL's table aliases spelled out so both plans compare."""
    steps = []
    for row in connection.execute(f"EXPLAIN QUERY PLAN {sql}", parameters):
        verb, _, rest = row[3].partition(" ")
        table, _, tail = rest.partition(" ")
        steps.append(f"{verb} {ALIASES.get(table, table)} {tail}")
    return steps


def load_benchmark(
    clinic: Any, path: Path, key: bytes, actor: Any, weeks: list[date], rounds: int, warmup: int, zone: ZoneInfo
) -> tuple[dict[str, Any], dict[date, Any]]:
    from sqlalchemy import event

    from kapdesk.services.schedule_rows import overlapping, read

    connection = ab.raw_connection(path)
    appender = ab.RawAuditAppender(connection, key, actor.user_id, actor.username, actor.workstation)
    bounds = {monday: week_bounds(monday, zone) for monday in weeks}
    pages: dict[date, Any] = {}
    try:
        # Checking pass (untimed): the same appointments both ways, the SQL the service sends, and its plan.
        captured: list[tuple[str, Sequence[object]]] = []

        def capture(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
            captured.append((statement, parameters))

        same = 0
        statements: list[int] = []
        service_sql: tuple[str, Sequence[object]] | None = None
        for monday, (start, end) in bounds.items():
            captured.clear()
            event.listen(clinic.database.engine, "before_cursor_execute", capture)
            try:
                page = clinic.calendar.page(start, end)
            finally:
                event.remove(clinic.database.engine, "before_cursor_execute", capture)
            pages[monday] = page
            statements.append(len(captured))
            if service_sql is None:
                service_sql = next((s for s in captured if "FROM appointments JOIN patients" in s[0]), None)
            same += same_result(page.appointments, *raw_week(connection, start, end))
        first_start, first_end = bounds[weeks[0]]
        raw_plan = query_plan(
            connection, ROWS_SQL, (gen.stamp(first_start - _reach()), gen.stamp(first_end), gen.stamp(first_start))
        )
        plan = query_plan(connection, *service_sql) if service_sql else []

        def run_read(start: datetime, end: datetime) -> object:
            with clinic.database.reading() as reading:
                return read(reading, overlapping(start, end))

        runners: dict[str, Callable[[datetime, datetime], object]] = {
            "raw": lambda s, e: raw_week(connection, s, e),
            "raw_obj": lambda s, e: raw_objects(connection, s, e),
            "read": run_read,
            "raw_aud": lambda s, e: raw_audited(connection, appender, s, e),
            "page": lambda s, e: clinic.calendar.page(s, e),
        }
        samples: dict[date, dict[str, list[float]]] = {m: {v: [] for v in runners} for m in weeks}
        order = list(runners)
        log(f"schedule load: {len(weeks)} weeks x {warmup}+{rounds} rounds of {', '.join(order)}")
        gc.collect()
        clock_ = time.perf_counter
        for round_ in range(warmup + rounds):
            order = order[1:] + order[:1]
            for monday, (start, end) in bounds.items():
                for which in order:
                    run = runners[which]
                    began = clock_()
                    run(start, end)
                    elapsed = clock_() - began
                    if round_ >= warmup:
                        samples[monday][which].append(elapsed)
        parts = page_parts(clinic, bounds, repeats=3)
    finally:
        connection.close()
    chain = clinic.audit.verify()

    def week_median(monday: date, which: str) -> float:
        return statistics.median(samples[monday][which])

    ratios = [week_median(m, "page") / week_median(m, "raw") for m in weeks]
    this_week = gen.NOW.astimezone(zone).date() - timedelta(days=gen.NOW.astimezone(zone).weekday())
    coming = [m for m in weeks if m >= this_week]
    past = [m for m in weeks if m < this_week]
    read_ratios = [week_median(m, "read") / week_median(m, "raw") for m in weeks]
    audit_ratios = [week_median(m, "page") / week_median(m, "raw_aud") for m in weeks]
    pooled = {v: [s for m in weeks for s in samples[m][v]] for v in runners}
    ratio = statistics.median(ratios)
    rows = [len(pages[m].appointments) for m in weeks]
    return {
        "weeks": [m.isoformat() for m in weeks],
        "rounds": rounds,
        "rows_median": statistics.median(rows),
        "rows_min": min(rows),
        "rows_max": max(rows),
        "median_ms": {v: median_ms([week_median(m, v) for m in weeks]) for v in runners},
        "p95_ms": {v: ms(percentile(pooled[v], 0.95)) for v in runners},
        "ratio": round(ratio, 2),
        "ratio_worst_week": round(max(ratios), 2),
        "by_week": {
            m.isoformat(): {"rows": len(pages[m].appointments)} | {v: median_ms([week_median(m, v)]) for v in runners}
            for m in weeks
        },
        "past_weeks": len(past),
        "past_ratio": round(statistics.median([week_median(m, "page") / week_median(m, "raw") for m in past]), 2)
        if past
        else None,
        "past_page_ms": median_ms([week_median(m, "page") for m in past]),
        "coming_weeks": len(coming),
        "coming_ratio": round(statistics.median([week_median(m, "page") / week_median(m, "raw") for m in coming]), 2)
        if coming
        else None,
        "coming_page_ms": median_ms([week_median(m, "page") for m in coming]),
        "read_ratio": round(statistics.median(read_ratios), 2),
        "audit_ratio": round(statistics.median(audit_ratios), 2),
        "ratio_pass": ratio <= RATIO_TARGET,
        "same_result": same,
        "statements_per_page": statistics.median(statements),
        "raw_plan": raw_plan,
        "service_plan": plan,
        "same_plan": raw_plan == plan,
        "chain_intact": chain.intact,
        "chain_events": chain.events,
        "parts": parts,
    }, pages


def _reach() -> timedelta:
    from kapdesk.services.schedule_rows import REACH

    return REACH


def page_parts(clinic: Any, bounds: dict[date, tuple[datetime, datetime]], repeats: int) -> dict[str, float]:
    """Median ms of each part of CalendarService.page, by wrapping the functions it calls (a separate,
    untimed-for-ratio pass: the wrappers add a little)."""
    import kapdesk.services.calendar as calendar_module

    spent: dict[str, float] = {}
    depth = {"integration": 0}
    clock_ = time.perf_counter

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if name == "read" and depth["integration"]:
                return function(*args, **kwargs)  # counted in the integration warnings
            began = clock_()
            if name == "integration":
                depth["integration"] += 1
            try:
                return function(*args, **kwargs)
            finally:
                if name == "integration":
                    depth["integration"] -= 1
                spent[name] = spent.get(name, 0.0) + clock_() - began

        return wrapper

    work = clinic.calendar._work
    patches: list[tuple[object, str, object]] = [
        (calendar_module, "read", calendar_module.read),
        (calendar_module, "read_availability", calendar_module.read_availability),
    ]
    calendar_module.read = timed("read", calendar_module.read)
    calendar_module.read_availability = timed("availability", calendar_module.read_availability)
    clinic.calendar._integration = timed("integration", clinic.calendar._integration)
    clinic.readiness.check = timed("readiness", clinic.readiness.check)
    clinic.trail.append = timed("audit append", clinic.trail.append)
    work._current = timed("account check", work._current)
    samples: dict[str, list[float]] = {}
    try:
        for _ in range(repeats):
            for start, end in bounds.values():
                spent.clear()
                began = clock_()
                clinic.calendar.page(start, end)
                total = clock_() - began
                spent["rest: connection, BEGIN IMMEDIATE, COMMIT (fsync)"] = total - sum(spent.values())
                spent["total"] = total
                for name, value in spent.items():
                    samples.setdefault(name, []).append(value)
    finally:
        for owner, name, original in patches:
            setattr(owner, name, original)
        for instance, name in (
            (clinic.calendar, "_integration"),
            (clinic.readiness, "check"),
            (clinic.trail, "append"),
            (work, "_current"),
        ):
            del instance.__dict__[name]
    return {name: median_ms(values) for name, values in samples.items()}


def cold_first(source: Path, key_file: Path, folder: Path, monday: date, zone: ZoneInfo) -> dict[str, Any]:
    """The first read after opening, with the file's pages dropped from the OS cache first (as after a reboot,
    as far as an unprivileged process can arrange it)."""
    from kapdesk.services.demo import DEMO_PASSWORD

    path, key = working_copy(source, key_file, folder)
    start, end = week_bounds(monday, zone)
    dropped = drop_from_os_cache(path)
    connection = sqlite3.connect(path)
    began = time.perf_counter()
    raw_week(connection, start, end)
    raw = time.perf_counter() - began
    connection.close()
    with ab.quiet_open(f"sqlite:///{path}", key) as clinic:
        clinic.auth.sign_in("frontdesk", DEMO_PASSWORD)
        drop_from_os_cache(path)
        began = time.perf_counter()
        clinic.calendar.page(start, end)
        page = time.perf_counter() - began
    shutil.rmtree(folder, ignore_errors=True)
    return {"week": monday.isoformat(), "os_cache_dropped": dropped, "raw_ms": ms(raw), "page_ms": ms(page)}


# -- profiles -----------------------------------------------------------------------------------------------


def profile(label: str, function: Callable[[], object], times: int, top: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(times):
        function()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"=== {label}: {times} calls, by own time ===\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write(f"=== {label}: by cumulative time ===\n")
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


# -- the whole benchmark ------------------------------------------------------------------------------------


def schedule_benchmark(
    appointments: int = gen.DEFAULT_APPOINTMENTS,
    patients: int = gen.DEFAULT_PATIENTS,
    weeks: int = 12,
    rounds: int = 15,
    warmup: int = 2,
    layout_repeats: int = 5,
    drag_steps: int = 100,
    seed: int = 1,
    with_profile: bool = False,
    regenerate: bool = False,
) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    generated = gen.ensure_schedule(appointments, patients, seed=seed, force=regenerate, log=log)
    source, source_key = Path(generated.path), Path(generated.key_file)
    zone = gen.ZONE
    chosen, coming = pick_weeks(source, weeks, seed, zone)
    results: dict[str, Any] = {"generate": generated.as_dict(), "coming_week": coming.isoformat()}
    from PySide6.QtWidgets import QApplication

    from kapdesk.services.demo import DEMO_PASSWORD

    app = QApplication.instance() or QApplication(["kapdesk-bench"])
    with tempfile.TemporaryDirectory(prefix="kapdesk-bench-schedule-") as scratch:
        work = Path(scratch)
        log(f"schedule: copying {source.name} ({generated.file_mib:.0f} MiB) to a scratch folder")
        results["cold"] = cold_first(source, source_key, work / "cold", chosen[0], zone)
        path, key_file = working_copy(source, source_key, work / "clinic")
        with ab.quiet_open(f"sqlite:///{path}", key_file) as clinic:
            actor = clinic.auth.sign_in("frontdesk", DEMO_PASSWORD).actor
            load, pages = load_benchmark(clinic, path, ab.read_key(key_file), actor, chosen, rounds, warmup, zone)
            results["load"] = load
            page_ms = {}
            for monday in chosen:  # each week's page median, for load + layout
                start, end = week_bounds(monday, zone)
                times = []
                for _ in range(3):
                    began = time.perf_counter()
                    clinic.calendar.page(start, end)
                    times.append(time.perf_counter() - began)
                page_ms[monday] = statistics.median(times)
            views = canvas.Views(clinic, zone)
            layout = canvas.layout_benchmark(clinic, views, pages, page_ms, zone, layout_repeats, coming, drag_steps)
            results["layout"] = {k: v for k, v in layout.items() if k != "drag"}
            results["drag"] = layout["drag"]
            if with_profile:
                results["profile"] = profiles(clinic, views, pages, chosen, zone)
    del app
    return results


def profiles(clinic: Any, views: canvas.Views, pages: dict[date, Any], weeks: list[date], zone: ZoneInfo) -> str:
    from kapdesk.ui.schedule.layout import Grid, Placement

    text = ""
    for label, monday in (("a past", weeks[0]), ("the coming", weeks[-1])):
        start, end = week_bounds(monday, zone)
        text += profile(
            f"CalendarService.page, {label} whole-clinic week ({monday})",
            lambda s=start, e=end: clinic.calendar.page(s, e),
            20,
        )
    page = pages[weeks[0]]
    for key, columns in (("week-7", views.days(weeks[0])), ("week-140", views.clinician_days(weeks[0]))):
        grid = Grid(tuple(columns), canvas.FIRST_HOUR, canvas.LAST_HOUR, 175.0)
        text += profile(f"Placement, {key}", lambda g=grid: Placement(g, page.appointments, zone), 5)
    return text


# -- report -------------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_schedule(results: dict[str, Any]) -> None:
    g = results["generate"]
    print()
    print(
        f"(h) scheduling: {g['appointments']:,} appointments, {g['patients']:,} patients, {g['clinicians']} "
        f"clinicians, {g['rooms']} rooms ({g['first_day']}..{g['last_day']}, {g['file_mib']:.0f} MiB)"
    )
    if g["created"]:
        print(
            f"  generated in {g['total_s']:.1f} s (demo clinic {g['populate_s']:.1f} s, calendar "
            f"{g['appointments_s']:.1f} s)"
        )
    else:
        print(f"  data: {g['reason']} (generation not timed; --regenerate to time it)")
    load = results["load"]
    m, p = load["median_ms"], load["p95_ms"]
    print(
        f"  whole-clinic week, {len(load['weeks'])} weeks x {load['rounds']} rounds, "
        f"{load['rows_median']:.0f} appointments a week ({load['rows_min']}-{load['rows_max']}); ms"
    )
    print(f"    {'':<44} {'median':>8} {'p95':>8}")
    labels = {
        "raw": "raw sqlite3: rows + clinicians (floor)",
        "raw_obj": "raw + Appointment values in plain Python",
        "read": "schedule_rows.read on Database.reading()",
        "raw_aud": "raw + chained audit event + COMMIT",
        "page": "CalendarService.page",
    }
    for variant in LOAD_VARIANTS:
        print(f"    {labels[variant]:<44} {m[variant]:>8.2f} {p[variant]:>8.2f}")
    print(
        f"    ratio page/raw, median over weeks: {load['ratio']:.2f}x [target <= {RATIO_TARGET:.0f}x] "
        f"{verdict(load['ratio_pass'])} (worst week {load['ratio_worst_week']:.2f}x)"
    )
    if load.get("coming_ratio") is not None and load.get("past_ratio") is not None:
        print(
            f"      past weeks ({load['past_weeks']}): page {load['past_page_ms']:.1f} ms, {load['past_ratio']:.2f}x; "
            f"this week and the next ({load['coming_weeks']}, scheduled dosing: readiness and integration checks): "
            f"page {load['coming_page_ms']:.1f} ms, {load['coming_ratio']:.2f}x"
        )
    print(
        f"    read/raw {load['read_ratio']:.2f}x; page/(raw + audit event) {load['audit_ratio']:.2f}x (informational)"
    )
    cold = results["cold"]
    print(
        f"    cold-ish first read (week of {cold['week']}, file dropped from the OS cache: "
        f"{cold['os_cache_dropped']}): "
        f"raw {cold['raw_ms']:.1f} ms, page on a newly opened clinic {cold['page_ms']:.1f} ms"
    )
    print("    page's parts (median ms, instrumented pass):")
    for name, value in load["parts"].items():
        print(f"      {name:<52} {value:>8.2f}")
    print(
        f"    honesty: same appointments and clinicians on {load['same_result']}/{len(load['weeks'])} weeks; "
        f"{load['statements_per_page']:.0f} statements per page(); same query plan as the raw SQL: "
        f"{load['same_plan']}; audit chain of {load['chain_events']} events intact: {load['chain_intact']}"
    )
    print(f"      raw plan:     {' / '.join(load['raw_plan'])}")
    if not load["same_plan"]:
        print(f"      service plan: {' / '.join(load['service_plan'])}")
    print(f"  layout, canvas in a {VIEWPORT[0]}x{VIEWPORT[1]} scroll area (median over weeks of medians), ms")
    header = ("view", "appts", "cols", "page", "spans", "set_view", "layout", "load+lay", "paint", "grab")
    print("    " + " ".join(f"{h:<9}" if i == 0 else f"{h:>9}" for i, h in enumerate(header)))
    for key, v in results["layout"].items():
        values = (
            v["appointments"], v["columns"], v["page"], v["spans"], v["set_view"],
            v["layout"], v["load_and_layout"], v["paint_visible"], v["paint_whole"],
        )  # fmt: skip
        tail = f"  [target < {LOAD_MS_TARGET:.0f} ms] {verdict(v['pass'])}" if "pass" in v else ""
        print(f"    {key:<9} {values[0]:>9.0f} {values[1]:>9} " + " ".join(f"{x:>9.2f}" for x in values[2:]) + tail)
    print(
        "    (layout = spans + set_view (with the page's appointments: one layout) + set_flags; Placement alone: "
        + ", ".join(f"{k} {v['placement']:.1f}" for k, v in results["layout"].items())
        + ")"
    )
    drag = results["drag"]
    print(
        f"  drag feedback, week of {drag['week']} ({drag['appointments']} appointments), "
        f"{drag['steps']} moves per drag; ms per repainted frame (the move event + the paint it asks for)"
    )
    for key in canvas.VIEWS:
        d = drag.get(key)
        if d is None:
            continue
        if "error" in d:
            print(f"    {key:<9} {d['error']}")
            continue
        print(
            f"    {key:<9} {d['appointments']:>5} appts {d['columns']:>4} cols: median {d['median_ms']:>6.2f} "
            f"p95 {d['p95_ms']:>6.2f} max {d['max_ms']:>6.2f} [target p95 < {FRAME_MS_TARGET:.0f} ms] "
            f"{verdict(d['pass'])}"
        )
        print(
            f"    {'':<9} ({d['painted_frames']} of {d['frames']} moves repainted, ~{d['pixels_per_paint']:,} px a "
            f"paint; over all moves median {d['moves_median_ms']:.2f} p95 {d['moves_p95_ms']:.2f})"
        )
    if "profile" in results:
        print()
        print(results["profile"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appointments", type=int, default=gen.DEFAULT_APPOINTMENTS, help="default %(default)s")
    parser.add_argument("--patients", type=int, default=gen.DEFAULT_PATIENTS, help="default %(default)s")
    parser.add_argument("--weeks", type=int, default=12, help="random weeks to load (default %(default)s)")
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds over the weeks (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first (default %(default)s)")
    parser.add_argument("--layout-repeats", type=int, default=5, help="layouts per week and view")
    parser.add_argument("--drag-steps", type=int, default=100, help="mouse moves per drag (default %(default)s)")
    parser.add_argument("--seed", type=int, default=gen.DEFAULT_SEED)
    parser.add_argument("--regenerate", action="store_true", help="rebuild (and time) the data")
    parser.add_argument("--profile", action="store_true", help="also print cProfile output for page and layout")
    parser.add_argument("--json", action="store_true", help="print results as JSON instead of the table")
    args = parser.parse_args(argv)
    if min(args.weeks, args.rounds, args.layout_repeats, args.drag_steps) < 1:
        parser.error("--weeks, --rounds, --layout-repeats and --drag-steps must be at least 1")
    results = schedule_benchmark(
        args.appointments,
        args.patients,
        args.weeks,
        args.rounds,
        args.warmup,
        args.layout_repeats,
        args.drag_steps,
        args.seed,
        args.profile,
        args.regenerate,
    )
    if args.json:
        json.dump(results, sys.stdout, indent=2, default=str)
        print()
    else:
        print(f"kapdesk scheduling benchmark — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
        print_schedule(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

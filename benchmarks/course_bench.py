"""(i) Course planning: CourseService.propose for a 6-dose IV induction course on the 1M-appointment clinic.

    .venv/bin/python benchmarks/course_bench.py                        # 1M appointments (generated once)
    .venv/bin/python benchmarks/course_bench.py --appointments 200000  # quicker: same weeks, fewer of them
    .venv/bin/python benchmarks/course_bench.py --profile              # + cProfile of propose
    .venv/bin/python benchmarks/course_bench.py --json > course.json

The issue's target: planning a 6-dose course with preparation and integration on a busy clinic calendar takes
under 200 ms. On a temporary copy of generate_schedule.py's clinic, with the clinic's clock set to the generator's
"now" (so the weeks ahead are booked as densely as every other week), signed in as the demo's prescriber:

Set-up (untimed): the prescriber and the therapist with the most booked hours in the eight weeks after "now" (the
synthetic calendar double-books everyone, so these are the hardest to fit); a new patient (PatientService.create)
with an intake and a signed, eligible screening (rows, as the demo writes them); a course on iv-induction with 6
doses from today (CourseService.create): one preparation, six infusions, six integration sessions.

Timed, per round (variants interleaved, order rotating, after warm-up rounds):
  raw      the floor: the three queries read_context sends for the calendar around the course (the patient's,
           the two clinicians' and the dosing and therapy rooms' busy spans, same bounds) as hand-written SQL on a
           plain sqlite3 connection, rows fetched as tuples;
  raw+aud  raw inside BEGIN IMMEDIATE with one genuine chained audit event and an fsync'd COMMIT;
  propose  clinic.courses.propose(course_id): account check, the course and template, the calendar around it,
           planning every session, the checks, the audit event and the commit. Target: median < 200 ms.
And once per round, informational: book_plan of a fresh course (new patient, screening and course made untimed,
then propose untimed): the clash checks and inserts of 13 appointments in one transaction.
A checking pass proves raw reads the very spans propose planned around; an instrumented pass times propose's parts.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from math import ceil
from pathlib import Path
from typing import Any

import audit_bench as ab
import generate_schedule as gen
from schedule_bench import log, median_ms, ms, percentile, working_copy

TARGET_MS = 200.0
VARIANTS = ("raw", "raw_obj", "raw_aud", "propose", "propose_fits")
PROTOCOL = "iv-induction"
DOSES = 6
BUSY_WEEKS = 8  # the clinicians busiest over this many weeks after "now" are the course's
FIT_WEEKS = 20  # how far ahead to look for a start date on which a whole course fits their calendars

PATIENT_SQL = (
    "SELECT starts_at, ends_at FROM appointments "
    "WHERE patient_id = ? AND starts_at > ? AND starts_at < ? AND status != 'cancelled'"
)
CLINICIANS_SQL = (
    "SELECT user_id, starts_at, ends_at FROM appointment_clinicians "
    "WHERE user_id IN ({}) AND holds_time = 1 AND starts_at > ? AND starts_at < ?"
)
ROOMS_SQL = (
    "SELECT room_id, starts_at, room_free_at FROM appointments "
    "WHERE room_id IN ({}) AND starts_at > ? AND starts_at < ? AND status != 'cancelled'"
)
BUSIEST_SQL = """
SELECT ac.user_id, sum(julianday(ac.ends_at) - julianday(ac.starts_at)) * 24 AS hours
FROM appointment_clinicians ac JOIN user_roles r ON r.user_id = ac.user_id AND r.role = ?
JOIN users u ON u.id = ac.user_id AND u.active
WHERE ac.holds_time AND ac.starts_at >= ? AND ac.starts_at < ?
GROUP BY ac.user_id ORDER BY hours DESC LIMIT 1
"""


# -- set-up ------------------------------------------------------------------------------------------------


def busiest(path: Path, role: str, now: datetime) -> tuple[int, float]:
    """(user id, booked hours a week) of the clinician in `role` with the most booked hours after `now`."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        until = now + timedelta(weeks=BUSY_WEEKS)
        user_id, hours = connection.execute(BUSIEST_SQL, (role, gen.stamp(now), gen.stamp(until))).fetchone()
    finally:
        connection.close()
    return user_id, hours / BUSY_WEEKS


def new_patient(clinic: Any, number: int, today: date) -> int:
    from kapdesk.domain.patients import PatientDraft

    draft = PatientDraft(
        first_name="Bench",
        last_name=f"Course{number:03d}",
        date_of_birth=today - timedelta(days=40 * 365 + number),
        sex_at_birth="male",
        phone="+15035550142",
        escort_name="Dana Course",
        escort_phone="+15035550143",
        escort_relationship="partner",
        weight_kg=80.0,
        weight_recorded_on=today,
    )
    return clinic.patients.create(draft).value.id


def screen(clinic: Any, patient_id: int, prescriber: int, nurse: int, signed: datetime) -> None:
    """Intake and a signed eligible screening, written as the demo writes them (demo_profiles)."""
    import random

    from sqlalchemy import insert

    from kapdesk.db.models import AllergyRow, DiagnosisRow, MedicalHistoryRow, MedicationRow, ScreeningRow, VitalsRow
    from kapdesk.domain.appointments import Route
    from kapdesk.services.demo_profiles import ELIGIBLE, ClinicalRows, PatientFacts

    rng = random.Random(patient_id)
    facts = PatientFacts(patient_id, "male", signed.date() - timedelta(days=40 * 365))
    rows = ClinicalRows()
    created = signed - timedelta(minutes=35)
    rows.intake(facts, ELIGIBLE[0], created - timedelta(days=3), nurse, rng)
    result = rows.screening(
        facts, ELIGIBLE[0], rng, created=(created, prescriber), signed=(signed, prescriber), route=Route.IV
    )
    assert result.value == "eligible", result
    with clinic.database.engine.begin() as connection:
        for table, batch in (
            (DiagnosisRow, rows.diagnoses),
            (MedicationRow, rows.medications),
            (AllergyRow, rows.allergies),
            (MedicalHistoryRow, rows.histories),
            (VitalsRow, rows.vitals),
            (ScreeningRow, rows.screenings),
        ):
            if batch:
                connection.execute(insert(table), batch)


class Setup:
    """Makes screened patients with a draft course for the busiest prescriber and therapist."""

    def __init__(self, clinic: Any, prescriber: int, therapist: int, nurse: int, today: date, now: datetime) -> None:
        from kapdesk.services.protocol_rows import read_templates

        self.clinic, self.prescriber, self.therapist, self.nurse = clinic, prescriber, therapist, nurse
        self.today, self.now = today, now
        with clinic.database.reading() as connection:
            self.template = next(t for t in read_templates(connection) if t.code == PROTOCOL)
        self.made = 0

    def course(self, start_on: date | None = None) -> Any:
        """A new patient, screened two days ago, with a draft course from `start_on` (today); returns the course."""
        from kapdesk.domain.courses import CourseDraft

        self.made += 1
        patient_id = new_patient(self.clinic, self.made, self.today)
        screen(self.clinic, patient_id, self.prescriber, self.nurse, self.now - timedelta(days=2))
        draft = CourseDraft(
            patient_id,
            self.template.id,
            self.prescriber,
            self.therapist,
            "Benchmark",
            "",
            start_on or self.today,
            DOSES,
        )
        return self.clinic.courses.create(draft).value.course

    def fitting(self, start_on: date) -> tuple[Any, Any] | None:
        """A new course whose every session the planner places, from the first weekly start date on or after
        `start_on` that allows one (within FIT_WEEKS): (course, proposal)."""
        for week in range(FIT_WEEKS):
            course = self.course(start_on + timedelta(weeks=week))
            proposal = self.clinic.courses.propose(course.id)
            if not proposal.problems:
                return course, proposal
        return None


# -- the floor ---------------------------------------------------------------------------------------------


class Floor:
    """read_context's three span queries for one course, as plain sqlite3 with the same bounds."""

    def __init__(self, connection: sqlite3.Connection, clinic: Any, course: Any, today: date) -> None:
        from zoneinfo import ZoneInfo

        from kapdesk.domain.protocols import dose_counts
        from kapdesk.domain.rooms import RoomKind
        from kapdesk.domain.wall_clock import day_start
        from kapdesk.services.protocol_rows import read_template
        from kapdesk.services.schedule_rows import REACH
        from kapdesk.services.schedule_setup import read_resources, read_zone_name

        with clinic.database.reading() as reading:
            spec = read_template(reading, course.template_id).spec
            resources = read_resources(reading)
            zone = ZoneInfo(read_zone_name(reading))
        start_on = max(course.start_on, today)
        days = spec.preparation_sessions + spec.prep_lead_days
        days += sum(ceil(n * 7 / p.per_week) for n, p in zip(dose_counts(spec, course.doses), spec.phases, strict=True))
        first = day_start(start_on, zone) - REACH
        last = day_start(start_on + timedelta(days=days + 3 * 14), zone)
        self.bounds = (gen.stamp(first), gen.stamp(last))
        kinds = {RoomKind.DOSING.value, RoomKind.THERAPY.value}  # iv-induction: dosing, preparation, integration
        self.rooms = [r.id for r in resources.rooms if r.active and r.kind.value in kinds]
        self.clinicians = sorted({course.prescriber_id, course.therapist_id})
        self.patient = course.patient_id
        self.connection = connection
        self.clinicians_sql = CLINICIANS_SQL.format(",".join("?" * len(self.clinicians)))
        self.rooms_sql = ROOMS_SQL.format(",".join("?" * len(self.rooms)))

    def read(self) -> tuple[list[tuple], list[tuple], list[tuple]]:
        c, (first, last) = self.connection, self.bounds
        return (
            c.execute(PATIENT_SQL, (self.patient, first, last)).fetchall(),
            c.execute(self.clinicians_sql, (*self.clinicians, first, last)).fetchall(),
            c.execute(self.rooms_sql, (*self.rooms, first, last)).fetchall(),
        )

    def objects(self) -> Any:
        """read() plus what read_context must make of the rows at least: aware datetimes in a BusyIndex."""
        from kapdesk.domain.busy import BusyIndex
        from kapdesk.services.schedule_rows import REACH

        def parse(text: str) -> datetime:
            return datetime.fromisoformat(text).replace(tzinfo=UTC)

        patient, clinicians, rooms = self.read()
        spans: dict[object, list[tuple[datetime, datetime]]] = {"patient": [(parse(a), parse(b)) for a, b in patient]}
        for user, start, end in clinicians:
            spans.setdefault(user, []).append((parse(start), parse(end)))
        for room, start, free_at in rooms:
            spans.setdefault(("room", room), []).append((parse(start), parse(free_at)))
        return BusyIndex(spans, REACH)

    def audited(self, appender: ab.RawAuditAppender, course_id: int) -> None:
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            self.read()
            appender.append("view", "clinical", "course", str(course_id), "planned course (proposal)")
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")


# -- the benchmark -----------------------------------------------------------------------------------------


def course_benchmark(
    appointments: int = gen.DEFAULT_APPOINTMENTS,
    patients: int = gen.DEFAULT_PATIENTS,
    rounds: int = 15,
    warmup: int = 2,
    seed: int = 1,
    with_profile: bool = False,
    regenerate: bool = False,
) -> dict[str, Any]:
    from sqlalchemy import select

    from kapdesk.db.models import User
    from kapdesk.services.demo import DEMO_PASSWORD
    from kapdesk.services.schedule_setup import read_resources

    generated = gen.ensure_schedule(appointments, patients, seed=seed, force=regenerate, log=log)
    source, source_key = Path(generated.path), Path(generated.key_file)
    now = gen.NOW
    today = now.astimezone(gen.ZONE).date()
    results: dict[str, Any] = {"generate": generated.as_dict(), "today": today.isoformat(), "target_ms": TARGET_MS}
    prescriber, prescriber_hours = busiest(source, "prescriber", now)
    therapist, therapist_hours = busiest(source, "therapist", now)
    started = time.monotonic()

    def clock() -> datetime:  # the generator's "now", moving on as the run does
        return now + timedelta(seconds=time.monotonic() - started)

    with tempfile.TemporaryDirectory(prefix="kapdesk-bench-course-") as scratch:
        log(f"course: copying {source.name} ({generated.file_mib:.0f} MiB) to a scratch folder")
        path, key_file = working_copy(source, source_key, Path(scratch) / "clinic")
        with ab.quiet_open(f"sqlite:///{path}", key_file, today=lambda: today, clock=clock) as clinic:
            actor = clinic.auth.sign_in("prescriber", DEMO_PASSWORD).actor
            with clinic.database.reading() as reading:
                names = {c.id: c.full_name for c in read_resources(reading).clinicians}
                nurse = reading.scalar(select(User.id).where(User.username == "nurse"))
            setup = Setup(clinic, prescriber, therapist, nurse, today, now)
            course = setup.course()
            fits = setup.fitting(today)
            results["course"] = {
                "protocol": PROTOCOL,
                "doses": DOSES,
                "sessions": len(course.sessions),
                "prescriber": f"{names[prescriber]} ({prescriber_hours:.0f} h booked a week)",
                "therapist": f"{names[therapist]} ({therapist_hours:.0f} h booked a week)",
            }
            variants = [v for v in VARIANTS if v != "propose_fits" or fits is not None]
            connection = ab.raw_connection(path)
            try:
                floor = Floor(connection, clinic, course, today)
                appender = ab.RawAuditAppender(
                    connection, ab.read_key(key_file), actor.user_id, actor.username, actor.workstation
                )
                results["check"] = check(clinic, floor, course.id)
                if fits is not None:
                    results["fits"] = check(clinic, Floor(connection, clinic, fits[0], today), fits[0].id)
                runners: dict[str, Callable[[], object]] = {
                    "raw": floor.read,
                    "raw_obj": floor.objects,
                    "raw_aud": lambda: floor.audited(appender, course.id),
                    "propose": lambda: clinic.courses.propose(course.id),
                    "propose_fits": lambda: clinic.courses.propose(fits[0].id),  # type: ignore[index]
                }
                samples: dict[str, list[float]] = {v: [] for v in variants}
                booking: list[float] = []
                refused: list[str] = []
                start_on = today
                order = list(variants)
                log(f"course: {warmup}+{rounds} rounds of {', '.join(order)}, and book_plan of a fresh course")
                gc.collect()
                for round_ in range(warmup + rounds):
                    order = order[1:] + order[:1]
                    for which in order:
                        began = time.perf_counter()
                        runners[which]()
                        if round_ >= warmup:
                            samples[which].append(time.perf_counter() - began)
                    if round_ >= warmup:
                        seconds, outcome = book_fresh(clinic, setup, start_on)
                        if seconds is None:
                            refused.append(str(outcome))
                        else:
                            booking.append(seconds)
                            start_on = outcome  # type: ignore[assignment]
                results["parts"] = propose_parts(clinic, course.id, repeats=max(5, rounds // 2))
                results["planning_only_ms"] = planning_only(clinic, course.id, repeats=max(5, rounds // 2))
                if with_profile:
                    results["profile"] = profile(lambda: clinic.courses.propose(course.id), 20)
            finally:
                connection.close()
            chain = clinic.audit.verify()
    results["chain_intact"], results["chain_events"] = chain.intact, chain.events
    results["median_ms"] = {v: median_ms(samples[v]) for v in variants}
    results["p95_ms"] = {v: ms(percentile(samples[v], 0.95)) for v in variants}
    median = statistics.median(samples["propose"])
    results["rounds"] = rounds
    results["ratio_to_target"] = round(median * 1000 / TARGET_MS, 2)
    results["ratio_to_raw"] = round(median / statistics.median(samples["raw"]), 1)
    results["ratio_to_raw_obj"] = round(median / statistics.median(samples["raw_obj"]), 2)
    results["ratio_to_raw_aud"] = round(median / statistics.median(samples["raw_aud"]), 2)
    results["pass"] = median * 1000 < TARGET_MS
    results["book_plan"] = {
        "booked": len(booking),
        "refused": refused,
        "last_start": start_on.isoformat(),
        "median_ms": median_ms(booking),
        "p95_ms": ms(percentile(booking, 0.95)) if booking else 0.0,
    }
    return results


def check(clinic: Any, floor: Floor, course_id: int) -> dict[str, Any]:
    """The raw queries read exactly the spans propose planned around; and what the plan came to."""
    plan = clinic.courses.propose(course_id)
    spans = plan.context.busy._spans  # the index read_context built (the benchmark may look inside)
    patient, clinicians, rooms = floor.read()
    service_rows = sum(len(found) for found in spans.values())
    placed = [s for s in plan.sessions if s.starts_at is not None]
    return {
        "start_on": plan.context.start_on.isoformat(),
        "rows": {"patient": len(patient), "clinicians": len(clinicians), "rooms": len(rooms)},
        "same_spans": service_rows == len(patient) + len(clinicians) + len(rooms),
        "placed": len(placed),
        "sessions": len(plan.sessions),
        "problems": sum(len(notes) for notes in plan.problems.values()),
        "first": min((s.starts_at for s in placed), default=None),
        "last": max((s.starts_at for s in placed), default=None),
    }


def book_fresh(clinic: Any, setup: Setup, start_on: date) -> tuple[float | None, date | str]:
    """book_plan of a new course that fits, from `start_on` on: (seconds, its start), or (None, why not)."""
    from kapdesk.domain.errors import ValidationFailed

    found = setup.fitting(start_on)
    if found is None:
        return None, f"no start within {FIT_WEEKS} weeks of {start_on} fits"
    course, proposal = found
    began = time.perf_counter()
    try:
        clinic.courses.book_plan(course.id, course.version, proposal.sessions)
    except ValidationFailed as refused:
        return None, "; ".join(f"{e.field}: {e.message}" for e in refused.errors)[:200]
    return time.perf_counter() - began, course.start_on


def propose_parts(clinic: Any, course_id: int, repeats: int) -> dict[str, float]:
    """Median ms of propose's parts, by wrapping what it calls (an instrumented pass; wrappers add a little)."""
    import kapdesk.services.courses as courses_module

    spent: dict[str, float] = {}
    clock_ = time.perf_counter

    def timed(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            began = clock_()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0.0) + clock_() - began

        return wrapper

    names = {
        "_course": "the course (read_courses)",
        "read_template": "the template",
        "read_context": "the calendar around it (read_context)",
        "plan": "planning (course_plan.plan)",
        "problems": "checking the plan (problems)",
    }
    originals = {name: getattr(courses_module, name) for name in names}
    for name, label in names.items():
        setattr(courses_module, name, timed(label, originals[name]))
    clinic.trail.append = timed("audit append", clinic.trail.append)
    samples: dict[str, list[float]] = {}
    try:
        for _ in range(repeats):
            spent.clear()
            began = clock_()
            clinic.courses.propose(course_id)
            total = clock_() - began
            spent["rest: account check, connection, BEGIN IMMEDIATE, COMMIT (fsync)"] = total - sum(spent.values())
            spent["total"] = total
            for name, value in spent.items():
                samples.setdefault(name, []).append(value)
    finally:
        for name, original in originals.items():
            setattr(courses_module, name, original)
        del clinic.trail.__dict__["append"]
    return {name: median_ms(values) for name, values in samples.items()}


def planning_only(clinic: Any, course_id: int, repeats: int) -> float:
    """course_plan.plan alone on the context propose read: the pure planning, no database."""
    from kapdesk.domain.course_plan import plan

    proposal = clinic.courses.propose(course_id)
    unplaced = [replace(s, starts_at=None, ends_at=None, room_id=None) for s in proposal.sessions]
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        plan(proposal.context, unplaced)
        times.append(time.perf_counter() - began)
    return median_ms(times)


def profile(function: Callable[[], object], times: int, top: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(times):
        function()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write(f"=== CourseService.propose: {times} calls, by cumulative time ===\n")
    stats.sort_stats("cumulative").print_stats(top)
    out.write("=== by own time ===\n")
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# -- report ------------------------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_course(results: dict[str, Any]) -> None:
    g, course, check_ = results["generate"], results["course"], results["check"]
    print()
    print(
        f"(i) course planning: {course['protocol']}, {course['doses']} doses ({course['sessions']} sessions) from "
        f"{results['today']} on the {g['appointments']:,}-appointment clinic"
    )
    print(f"  prescriber {course['prescriber']}, therapist {course['therapist']} (clinic hours: 50 h a week)")
    for label, found in (("from today", check_), ("first start that fits", results.get("fits"))):
        if found is None:
            print(f"  {label}: no start date within {FIT_WEEKS} weeks lets every session fit")
            continue
        rows = found["rows"]
        print(
            f"  {label} ({found['start_on']}): reads {rows['patient']} patient, {rows['clinicians']} clinician and "
            f"{rows['rooms']} room spans; plan: {found['placed']}/{found['sessions']} sessions placed, "
            f"{found['problems']} problems, {_day(found['first'])}..{_day(found['last'])}"
        )
    m, p = results["median_ms"], results["p95_ms"]
    print(f"  {results['rounds']} rounds, ms{'':<41} {'median':>8} {'p95':>8}")
    labels = {
        "raw": "raw sqlite3: the three span queries (floor)",
        "raw_obj": "raw + aware datetimes in a BusyIndex",
        "raw_aud": "raw + chained audit event + COMMIT",
        "propose": "CourseService.propose (from today)",
        "propose_fits": "CourseService.propose (first start that fits)",
    }
    for variant in m:
        print(f"    {labels[variant]:<47} {m[variant]:>8.2f} {p[variant]:>8.2f}")
    print(
        f"  propose median {m['propose']:.1f} ms: {results['ratio_to_target']:.2f}x the {results['target_ms']:.0f} ms "
        f"target {verdict(results['pass'])}; {results['ratio_to_raw']:.1f}x raw, {results['ratio_to_raw_obj']:.2f}x "
        f"raw+obj, {results['ratio_to_raw_aud']:.2f}x raw+aud (informational)"
    )
    print(f"    course_plan.plan alone on the same context: {results['planning_only_ms']:.2f} ms")
    print("    propose's parts (median ms, instrumented pass):")
    for name, value in results["parts"].items():
        print(f"      {name:<66} {value:>8.2f}")
    book = results["book_plan"]
    refused = f"; {len(book['refused'])} refused ({book['refused'][0]})" if book["refused"] else ""
    print(
        f"  book_plan of a fresh course that fits (informational): median {book['median_ms']:.1f} ms, p95 "
        f"{book['p95_ms']:.1f} ms over {book['booked']} bookings, the last starting {book['last_start']}{refused}"
    )
    print(
        f"  honesty: raw reads the spans propose planned around: {check_['same_spans']}; audit chain of "
        f"{results['chain_events']} events intact: {results['chain_intact']}"
    )
    if "profile" in results:
        print()
        print(results["profile"])


def _day(value: object) -> str:
    if isinstance(value, datetime):
        return value.astimezone(gen.ZONE).date().isoformat()
    return "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appointments", type=int, default=gen.DEFAULT_APPOINTMENTS, help="default %(default)s")
    parser.add_argument("--patients", type=int, default=gen.DEFAULT_PATIENTS, help="default %(default)s")
    parser.add_argument("--rounds", type=int, default=15, help="timed rounds (default %(default)s)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed rounds first (default %(default)s)")
    parser.add_argument("--seed", type=int, default=gen.DEFAULT_SEED)
    parser.add_argument("--regenerate", action="store_true", help="rebuild (and time) the data")
    parser.add_argument("--profile", action="store_true", help="also print cProfile output for propose")
    parser.add_argument("--json", action="store_true", help="print results as JSON instead of the table")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.warmup < 0:
        parser.error("--rounds must be at least 1, --warmup at least 0")
    results = course_benchmark(
        args.appointments, args.patients, args.rounds, args.warmup, args.seed, args.profile, args.regenerate
    )
    if args.json:
        json.dump(results, sys.stdout, indent=2, default=str)
        print()
    else:
        print(f"kapdesk course planning benchmark — Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
        print_course(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

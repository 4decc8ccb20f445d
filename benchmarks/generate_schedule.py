"""Build a synthetic clinic with a busy calendar for the scheduling benchmark (schedule_bench.py).

    .venv/bin/python benchmarks/generate_schedule.py                       # 1M appointments -> benchmarks/data/
    .venv/bin/python benchmarks/generate_schedule.py --appointments 100000 # quicker: the same weeks, fewer of them
    .venv/bin/python benchmarks/generate_schedule.py --force               # rebuild even if the file is fine

The clinic itself is made by kapdesk's own code, as generate_clinic.py does: `open_clinic` (engine, pragmas,
migrations to head, including migration 0005's appointment types and clinic hours) and `clinic.demo.populate`
(profile in America/Los_Angeles, the demo accounts with the production password policy, rooms, 100k
patients, the sealed audit chain). Then, with plain sqlite3 and `executemany` for speed, it adds what a busy
clinic's calendar holds:

- staff up to 20 clinicians (prescribers, nurses, therapists; 3 therapists part-time) and 12 rooms of the
  three kinds (5 dosing suites, 4 therapy rooms, 3 consult rooms);
- closed days (US public holidays) and time off (a vacation and two short absences a year per clinician);
- appointments booked as treatment courses, about 15 per course: a consultation, one or two preparation
  sessions, six dosing sessions twice a week (Mon/Thu, Mon/Wed or Tue/Thu; one route per course; prescriber
  or nurse plus therapist), an integration session 24-72 h after most of them (some missing or too soon, as in
  life, so the calendar's integration warnings have something to say) and a follow-up; a session that falls
  on a holiday isn't booked. Courses start on random weekdays, so about 1,930 appointments fall in every week
  (PLATFORM.md's "a week of a whole clinic (1,900 rows out of 1M)"); 1,000,000 appointments therefore span
  about ten years. Clinicians keep their course's patients, except on their days off; statuses follow the
  date: completed, cancelled (with a reason) or no-show in the past, scheduled (a few cancelled) in the
  future. Ids follow booking order (a course is booked at once), so a week's rows are spread over ~two months
  of ids as in a real file, not stored side by side.

1,930 appointments a week (averaging ~95 minutes of room time, dosing sessions two clinicians) is four to five
times what 20 clinicians and 12 rooms can hold in 50 clinic hours a week, so clinicians and rooms are
double-booked throughout: a clinician's day column has ~3 lanes, a room's more. A pessimistic layout.
Appointments stay inside clinic hours, on open weekdays, never during the assigned clinician's time off.

The file is `benchmarks/data/schedule-1000k.sqlite3` (`schedule-100k.sqlite3` for --appointments 100000, ...),
its audit key `schedule-1000k.audit.key`, and a note `schedule-1000k.json` recording the generator version,
schema revision, sizes and seed. A file whose note, schema revision (head), appointment count and audit key
all match is reused; anything else is rebuilt, so a new migration or a change here rebuilds it once.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from generate_clinic import DATA_DIR, key_matches, key_path, remove_database, size_label

# Bump when the data this script makes changes in a way the benchmark would notice.
GENERATOR_VERSION = 5
DEFAULT_APPOINTMENTS = 1_000_000
DEFAULT_PATIENTS = 100_000
DEFAULT_SEED = 1
WEEKLY = 1_930  # appointments a week, about PLATFORM.md's 1,900 for a whole clinic
# The clinic's "now": statuses are past or future relative to it. Fixed, so a seed always makes the same file.
NOW = datetime(2026, 11, 20, 20, 0, tzinfo=UTC)  # Friday noon in Portland
ZONE = ZoneInfo("America/Los_Angeles")  # the demo clinic's time zone (kapdesk.services.demo.DEMO_TIME_ZONE)
OPENS, CLOSES = 8 * 60, 18 * 60  # migration 0005's clinic hours, local minutes
FUTURE_DAYS = 45  # courses still being booked this far after now
PER_COURSE = 14.7  # appointments a course makes on average (see _course)

# The calendar's staff and rooms: the demo's, topped up to these numbers (20 clinicians, 12 rooms).
CLINICIANS = {"prescriber": 5, "nurse": 5, "therapist": 10}
ROOMS = {"dosing": ("Dosing Suite", 5), "therapy": ("Therapy Room", 4), "consult": ("Consult Room", 3)}
# Clinicians added, in order, while a role is short of its number (usernames unlike the demo's own).
EXTRA_STAFF = {
    "prescriber": (("bench-hvoss", "Helena Voss", "MD"), ("bench-dachebe", "Daniel Achebe", "PMHNP"),
                   ("bench-rkaur", "Ravneet Kaur", "DO"), ("bench-lmoreau", "Luc Moreau", "MD"),
                   ("bench-aosei", "Ama Osei", "PMHNP")),
    "nurse": (("bench-bwhitley", "Bianca Whitley", "RN"), ("bench-oeze", "Obi Eze", "RN"),
              ("bench-mholm", "Marta Holm", "RN"), ("bench-tsato", "Taro Sato", "RN"),
              ("bench-gbell", "Greta Bell", "RN")),
    "therapist": (("bench-yharrow", "Yusuf Harrow", "PsyD"), ("bench-ncastell", "Nadia Castell", "LCSW"),
                  ("bench-pquinlan", "Peter Quinlan", "LMFT"), ("bench-iravel", "Ines Ravel", "PhD"),
                  ("bench-kmbeki", "Kagiso Mbeki", "LPC"), ("bench-sortega", "Sofía Ortega", "LCSW"),
                  ("bench-ewinter", "Elliot Winter", "MFT"), ("bench-hdube", "Hana Dube", "LCSW"),
                  ("bench-rvale", "Rowan Vale", "PhD"), ("bench-mnyberg", "Mia Nyberg", "LMFT")),
}  # fmt: skip
PART_TIME = ((0, 1, 2), (1, 2, 3), (2, 3, 4))  # the first three therapists added work 3 days, 09:00-17:00
# Twice-weekly dosing, 48 h or more apart, never on a Friday (its integration session would fall after the
# weekend, over 72 h later): Monday and Thursday, Monday and Wednesday, or Tuesday and Thursday.
DOSING_DAYS = ((0, 3), (0, 2), (1, 3))
ROUTES = (("dose-iv", 0.40), ("dose-sl", 0.25), ("dose-esk", 0.20), ("dose-im", 0.15))
CANCEL_REASONS = (
    "Patient unwell",
    "Patient rescheduled",
    "No escort available",
    "Blood pressure above limit at check-in",
    "Clinician unavailable",
    "Transport problem",
)
NOTES = ("Prefers the window seat", "Bring the completed PHQ-9", "Interpreter booked", "Wheelchair access", "")
TIME_OFF_REASONS = ("Vacation", "Conference", "Personal", "Training")


def default_path(appointments: int) -> Path:
    return DATA_DIR / f"schedule-{size_label(appointments)}.sqlite3"


def note_path(database: Path) -> Path:
    return database.with_suffix(".json")


@dataclass
class GeneratedSchedule:
    path: str
    key_file: str
    appointments: int
    patients: int
    clinicians: int
    rooms: int
    created: bool
    populate_s: float = 0.0  # open_clinic + demo.populate (patients, staff, rooms, audit seal)
    appointments_s: float = 0.0  # making and inserting the calendar
    total_s: float = 0.0
    first_day: str = ""
    last_day: str = ""
    file_mib: float = 0.0
    reason: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _wanted_note(appointments: int, patients: int, seed: int) -> dict[str, object]:
    from kapdesk.db.migrate import head_revision

    return {
        "generator": GENERATOR_VERSION,
        "revision": head_revision(),
        "appointments": appointments,
        "patients": patients,
        "seed": seed,
    }


def _state(path: Path) -> tuple[str | None, int | None]:
    """(schema revision, appointment count) read with plain sqlite3; Nones if unusable."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            count = connection.execute("SELECT count(*) FROM appointments").fetchone()[0]
        finally:
            connection.close()
    except sqlite3.Error:
        return None, None
    return revision, count


def ensure_schedule(
    appointments: int = DEFAULT_APPOINTMENTS,
    patients: int = DEFAULT_PATIENTS,
    out: Path | None = None,
    seed: int = DEFAULT_SEED,
    force: bool = False,
    log=print,  # type: ignore[no-untyped-def]
) -> GeneratedSchedule:
    """Reuse the file if its note, schema revision, appointment count and audit key match; else (re)build it."""
    path = (out or default_path(appointments)).resolve()
    wanted = _wanted_note(appointments, patients, seed)
    reason = "rebuilt: --force" if force else ""
    if not force:
        try:
            note = json.loads(note_path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            note = None
        if not path.exists():
            reason = "built: no file"
        elif note is None or {k: note.get(k) for k in wanted} != wanted:
            reason = f"rebuilt: made by {note and {k: note.get(k) for k in wanted}}, wanted {wanted}"
        else:
            revision, count = _state(path)
            if revision != wanted["revision"] or count != appointments:
                reason = f"rebuilt: holds {count} appointments at schema {revision}"
            elif not key_matches(path):
                reason = f"rebuilt: no audit key {key_path(path).name} matching the database"
            else:
                return GeneratedSchedule(
                    str(path),
                    str(key_path(path)),
                    appointments,
                    patients,
                    note["clinicians"],
                    note["rooms"],
                    created=False,
                    first_day=note["first_day"],
                    last_day=note["last_day"],
                    file_mib=path.stat().st_size / 2**20,
                    reason=f"reused: {appointments} appointments at schema {revision}",
                )
    log(f"schedule: {reason}; creating {appointments} appointments, {patients} patients in {path} ...")
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_database(path)
    note_path(path).unlink(missing_ok=True)
    result = _create(path, appointments, patients, seed, reason, log)
    note_path(path).write_text(
        json.dumps(
            wanted
            | {
                "clinicians": result.clinicians,
                "rooms": result.rooms,
                "first_day": result.first_day,
                "last_day": result.last_day,
                "built_s": round(result.total_s, 1),
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    return result


def _create(path: Path, appointments: int, patients: int, seed: int, reason: str, log) -> GeneratedSchedule:  # type: ignore[no-untyped-def]
    from kapdesk.services.clinic import open_clinic
    from kapdesk.services.passwords import Passwords

    with tempfile.TemporaryDirectory(prefix="kapdesk-bench-backups-") as backups:
        started = time.perf_counter()
        # The production password policy, so the demo accounts sign in as a clinic's would.
        clinic = open_clinic(f"sqlite:///{path}", Path(backups), key_path(path), passwords=Passwords())
        try:
            clinic.demo.populate(patients=patients, seed=seed, today=NOW.date())
        finally:
            clinic.close()
    populated = time.perf_counter()
    log(f"schedule: demo clinic with {patients} patients in {populated - started:.1f} s; adding the calendar ...")
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        # A throwaway build (a crash just means building again): no journal while filling, WAL again after.
        connection.execute("PRAGMA journal_mode=OFF")
        connection.execute("PRAGMA synchronous=OFF")
        connection.execute("PRAGMA cache_size=-400000")  # 400 MB: the random uid index stays in memory
        connection.execute("PRAGMA foreign_keys=ON")
        connection.execute("BEGIN IMMEDIATE")
        calendar = Calendar(connection, random.Random(f"schedule-{seed}"), patients)  # not the demo's sequence
        first_day, last_day = calendar.fill(appointments, log)
        connection.execute("COMMIT")
        connection.execute("PRAGMA journal_mode=WAL")  # as kapdesk.db.engine.use_wal leaves every file
        clinicians, rooms = calendar.clinician_count, calendar.room_count
    finally:
        connection.close()
    finished = time.perf_counter()
    _revision, count = _state(path)
    if count != appointments:
        raise RuntimeError(f"{path} holds {count} appointments after generation, expected {appointments}")
    return GeneratedSchedule(
        str(path),
        str(key_path(path)),
        appointments,
        patients,
        clinicians,
        rooms,
        created=True,
        populate_s=populated - started,
        appointments_s=finished - populated,
        total_s=finished - started,
        first_day=first_day.isoformat(),
        last_day=last_day.isoformat(),
        file_mib=path.stat().st_size / 2**20,
        reason=reason,
    )


Booking = tuple[date, int, str, tuple[int, ...], str]  # day, local start minute, type code, clinicians, room kind


def stamp(instant: datetime) -> str:
    """SQLAlchemy's SQLite storage of a UTC datetime ('2026-11-20 20:00:00.000000'), so ranges compare right."""
    text = instant.astimezone(UTC).replace(tzinfo=None).isoformat(" ")  # strftime is 10x slower
    return text if instant.microsecond else f"{text}.000000"


def local_midnight(day: date, zone: ZoneInfo = ZONE) -> datetime:
    return datetime.combine(day, clock(), tzinfo=zone).astimezone(UTC)


def week_bounds(monday: date, zone: ZoneInfo = ZONE) -> tuple[datetime, datetime]:
    """Local midnight on Monday to local midnight seven days on, in UTC (as the calendar screen asks for a week)."""
    return local_midnight(monday, zone), local_midnight(monday + timedelta(days=7), zone)


def weekday_on_or_after(day: date) -> date:
    return day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


def holidays(year: int) -> dict[date, str]:
    def nth(month: int, weekday: int, n: int) -> date:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))

    last_may = date(year, 5, 31) - timedelta(days=date(year, 5, 31).weekday())
    thanksgiving = nth(11, 3, 4)
    days = {
        date(year, 1, 1): "New Year's Day",
        last_may: "Memorial Day",
        date(year, 7, 4): "Independence Day",
        nth(9, 0, 1): "Labor Day",
        thanksgiving: "Thanksgiving",
        thanksgiving + timedelta(days=1): "Day after Thanksgiving",
        date(year, 12, 24): "Christmas Eve",
        date(year, 12, 25): "Christmas Day",
    }
    return {day: name for day, name in days.items() if day.weekday() < 5}


class Calendar:
    """Staff, rooms, hours, closed days, time off and appointments, written with executemany."""

    def __init__(self, connection: sqlite3.Connection, rng: random.Random, patients: int) -> None:
        self.c = connection
        self.rng = rng
        self.patients = patients
        self.offsets: dict[date, timedelta] = {}

    # -- set-up ------------------------------------------------------------------------------------------

    def _staff_and_rooms(self) -> None:
        """Top the demo's clinicians and rooms up to CLINICIANS and ROOMS, whatever the demo itself made."""
        c = self.c
        made = stamp(NOW - timedelta(days=3700))
        self.added_therapists: list[int] = []
        for role, wanted in CLINICIANS.items():
            have = c.execute("SELECT count(*) FROM user_roles WHERE role = ?", (role,)).fetchone()[0]
            taken = {name for (name,) in c.execute("SELECT username FROM users")}
            for username, full_name, credentials in [s for s in EXTRA_STAFF[role] if s[0] not in taken][
                : max(0, wanted - have)
            ]:
                cursor = c.execute(
                    "INSERT INTO users (username, full_name, credentials, active, created_at, version, "
                    "password_hash, must_change_password) VALUES (?, ?, ?, 1, ?, 1, '', 0)",
                    (username, full_name, credentials, made),
                )
                c.execute("INSERT INTO user_roles (user_id, role) VALUES (?, ?)", (cursor.lastrowid, role))
                if role == "therapist":
                    self.added_therapists.append(cursor.lastrowid)  # type: ignore[arg-type]
        for kind, (stem, wanted) in ROOMS.items():
            have = c.execute("SELECT count(*) FROM rooms WHERE kind = ? AND active", (kind,)).fetchone()[0]
            taken = {name for (name,) in c.execute("SELECT name FROM rooms")}
            names = (f"{stem} {n}" for n in range(1, 100) if f"{stem} {n}" not in taken)
            c.executemany(
                "INSERT INTO rooms (name, kind, active) VALUES (?, ?, 1)",
                [(next(names), kind) for _ in range(max(0, wanted - have))],
            )
        self.by_role: dict[str, list[int]] = {}
        for user_id, role in c.execute(
            "SELECT r.user_id, r.role FROM user_roles r JOIN users u ON u.id = r.user_id "
            "WHERE u.active AND r.role IN ('prescriber', 'nurse', 'therapist') ORDER BY r.user_id"
        ):
            self.by_role.setdefault(role, []).append(user_id)
        self.clinicians = sorted({u for ids in self.by_role.values() for u in ids})
        self.rooms: dict[str, list[int]] = {}
        for room_id, kind in c.execute("SELECT id, kind FROM rooms WHERE active ORDER BY id"):
            self.rooms.setdefault(kind, []).append(room_id)
        self.room_count = sum(len(ids) for ids in self.rooms.values())
        self.types = {
            code: (type_id, minutes, turnover)
            for code, type_id, minutes, turnover in c.execute(
                "SELECT code, id, duration_minutes, turnover_minutes FROM appointment_types"
            )
        }
        found = c.execute("SELECT id FROM users WHERE username = 'frontdesk'").fetchone()
        self.front_desk = found[0] if found else None

    @property
    def clinician_count(self) -> int:
        return len(self.clinicians)

    def _hours_and_absences(self, first: date, last: date) -> None:
        """Part-time hours, holidays and time off added to whatever the demo made; then all of it read back,
        so no appointment lands on a closed day or with a clinician who is away."""
        c, rng = self.c, self.rng
        c.executemany(
            "INSERT OR IGNORE INTO working_hours (user_id, weekday, starts, ends) VALUES (?, ?, ?, ?)",
            [
                (user_id, d, "09:00:00.000000", "17:00:00.000000")
                for user_id, weekdays in zip(self.added_therapists, PART_TIME, strict=False)
                for d in weekdays
            ],
        )
        self.works: dict[int, set[int]] = {}
        for user_id, weekday in c.execute("SELECT user_id, weekday FROM working_hours"):
            self.works.setdefault(user_id, set()).add(weekday)
        closed = {}
        for year in range(first.year, last.year + 1):
            closed |= {d: n for d, n in holidays(year).items() if first <= d <= last}
        c.executemany(
            "INSERT OR IGNORE INTO closed_days (day, reason) VALUES (?, ?)",
            [(d.isoformat(), n) for d, n in sorted(closed.items())],
        )
        self.closed = {date.fromisoformat(d) for (d,) in c.execute("SELECT day FROM closed_days")}
        rows = []
        for user_id in self.clinicians:
            for year in range(first.year, last.year + 1):
                for length in (rng.randrange(5, 11), rng.randrange(1, 4), rng.randrange(1, 4)):
                    start = weekday_on_or_after(date(year, 1, 1) + timedelta(days=rng.randrange(0, 350)))
                    days, day = [], start
                    while len(days) < length:
                        if day.weekday() < 5:
                            days.append(day)
                        day += timedelta(days=1)
                    begins, ends = self._utc(start, 0), self._utc(days[-1] + timedelta(days=1), 0)
                    withdrawn = int(rng.random() < 0.05)  # withdrawn time off stays on record
                    rows.append((user_id, stamp(begins), stamp(ends), rng.choice(TIME_OFF_REASONS), withdrawn))
        c.executemany(
            "INSERT INTO time_off (user_id, starts_at, ends_at, reason, cancelled) VALUES (?, ?, ?, ?, ?)", rows
        )
        self.off: dict[int, set[date]] = {user_id: set() for user_id in self.clinicians}
        for user_id, starts_at, ends_at in c.execute(
            "SELECT user_id, starts_at, ends_at FROM time_off WHERE NOT cancelled"
        ):
            begins = datetime.fromisoformat(starts_at).replace(tzinfo=UTC).astimezone(ZONE)
            ends = datetime.fromisoformat(ends_at).replace(tzinfo=UTC).astimezone(ZONE)
            day = begins.date()
            while day <= ends.date():  # any day the absence touches counts as away: a simplification
                if datetime.combine(day, clock(), tzinfo=ZONE) < ends:
                    self.off.setdefault(user_id, set()).add(day)
                day += timedelta(days=1)

    # -- time --------------------------------------------------------------------------------------------

    def _utc(self, day: date, minutes: int) -> datetime:
        """The UTC instant of local `minutes` past midnight on `day` (clinic hours never straddle a DST change)."""
        offset = self.offsets.get(day)
        if offset is None:
            noon = datetime.combine(day, clock(12), tzinfo=ZONE)
            offset = self.offsets[day] = noon.utcoffset()  # type: ignore[assignment]
        return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=minutes) - offset

    def _open_day(self, day: date) -> date | None:
        """The day (a weekend day moves to Monday), or None when the clinic is closed then: that session is
        simply not booked, so a holiday week is quieter instead of piling its bookings onto the days around it."""
        day = weekday_on_or_after(day)
        return None if day in self.closed else day

    def _available(self, user_id: int, day: date) -> bool:
        works = self.works.get(user_id)
        return (works is None or day.weekday() in works) and day not in self.off.get(user_id, ())

    def _who(self, preferred: int, pool: list[int], day: date) -> int:
        """The course's clinician, or a colleague of the same role when they are off that day."""
        if self._available(preferred, day):
            return preferred
        start = self.rng.randrange(len(pool))
        for n in range(len(pool)):
            other = pool[(start + n) % len(pool)]
            if self._available(other, day):
                return other
        return preferred  # everyone off: a rare double-booking, kept

    # -- courses -----------------------------------------------------------------------------------------

    def _course(self, start: date) -> list[Booking]:
        """(day, local start minute, type code, clinicians, room kind) for one course of treatment, in date order."""
        rng = self.rng
        prescribers, nurses, therapists = self.by_role["prescriber"], self.by_role["nurse"], self.by_role["therapist"]
        prescriber, therapist = rng.choice(prescribers), rng.choice(therapists)
        monitor = rng.choice(nurses if rng.random() < 0.6 else prescribers)
        monitor_pool = nurses if monitor in nurses else prescribers
        route = rng.choices([r for r, _ in ROUTES], [w for _, w in ROUTES])[0]
        plan: list[Booking] = []

        def add(
            day: date, code: str, who: tuple[tuple[int, list[int]], ...], room: str, after: int = OPENS
        ) -> Booking | None:
            """Book on `day` at a random quarter hour from `after` on (None if the clinic is closed)."""
            open_day = self._open_day(day)
            if open_day is None:
                return None
            day = open_day
            minutes = self.types[code][1]
            latest = CLOSES - minutes
            start = rng.randrange(min(after, latest), latest + 1, 15)  # `after` is on the quarter-hour grid
            people = tuple(dict.fromkeys(self._who(p, pool, day) for p, pool in who))
            plan.append(booking := (day, start, code, people, room))
            return booking

        add(start, "consult", ((prescriber, prescribers),), "consult")
        add(start + timedelta(days=7), "prep", ((therapist, therapists),), "therapy")
        if rng.random() < 0.7:
            add(start + timedelta(days=10), "prep", ((therapist, therapists),), "therapy")
        monday = start - timedelta(days=start.weekday()) + timedelta(days=14)
        sessions = 6 if rng.random() < 0.92 else rng.randrange(1, 6)  # some stop early
        last = monday
        days = rng.choice(DOSING_DAYS)
        for n in range(sessions):
            day = monday + timedelta(days=7 * (n // 2) + days[n % 2])
            dose = add(day, route, ((monitor, monitor_pool), (therapist, therapists)), "dosing")
            if dose is None:
                continue
            last, start_minute, code, _, _ = dose
            ends = start_minute + self.types[code][1]
            roll = rng.random()
            # The integration session 24-72 h after the dosing session ends (CLINICAL.md): the next day no
            # earlier than the session ended, else the day after. Now and then it is missing or too soon, as in
            # life, so the calendar's integration warnings have something to say.
            next_day, two_days = last + timedelta(days=1), last + timedelta(days=2)
            fits_next_day = ends <= CLOSES - self.types["integration"][1]
            if roll < 0.92 and (roll >= 0.60 or not fits_next_day) and two_days.weekday() < 5:
                add(two_days, "integration", ((therapist, therapists),), "therapy")
            elif roll < 0.92 and fits_next_day:
                add(next_day, "integration", ((therapist, therapists),), "therapy", after=ends)
            elif roll < 0.96:
                add(next_day, "integration", ((therapist, therapists),), "therapy")  # maybe under 24 h
            # else: none booked
        if rng.random() < 0.8:
            add(last + timedelta(days=14), "follow-up", ((prescriber, prescribers),), "consult")
        return plan

    def fill(self, total: int, log) -> tuple[date, date]:  # type: ignore[no-untyped-def]
        """`total` appointments at WEEKLY a week, ending FUTURE_DAYS (plus a course's length) after NOW."""
        rng = self.rng
        self._staff_and_rooms()
        # The demo's own few weeks of bookings around NOW count towards the total; ours take the ids after them.
        existing, last_id = self.c.execute("SELECT count(*), coalesce(max(id), 0) FROM appointments").fetchone()
        courses = round(total / PER_COURSE)
        span_days = round(total / WEEKLY * 7)
        last_start = NOW.date() + timedelta(days=FUTURE_DAYS)
        spare = courses // 20 + 50  # drawn over proportionally more days, so the density stays WEEKLY
        reach = round(span_days * (courses + spare) / courses)
        self._hours_and_absences(last_start - timedelta(days=reach + 7), last_start + timedelta(days=120))
        starts = sorted(
            weekday_on_or_after(last_start - timedelta(days=rng.randrange(reach + 1))) for _ in range(courses + spare)
        )
        # Plan from the latest course back until there are enough, so the surplus falls off the far past (the
        # earliest course loses its first appointments) and the coming weeks are as booked as any other.
        planned: list[tuple[date, list[Booking]]] = []
        count = existing
        for course_start in reversed(starts):
            plan = self._course(course_start)
            planned.append((course_start, plan))
            count += len(plan)
            if count >= total:
                break
        else:
            raise RuntimeError(f"{len(starts)} courses made only {count} appointments, wanted {total}")
        first_course, first_plan = planned[-1]
        planned[-1] = (first_course, first_plan[count - total :])
        planned.reverse()
        appointment_rows: list[tuple[object, ...]] = []
        clinician_rows: list[tuple[object, ...]] = []
        next_id, last = last_id + 1, last_id + total - existing
        first_day, last_day = date.max, date.min
        now_text = stamp(NOW)
        for course_start, plan in planned:
            patient = rng.randrange(1, self.patients + 1)  # demo.populate numbers patients 1..N
            booked = self._utc(course_start - timedelta(days=rng.randrange(1, 15)), rng.randrange(OPENS, CLOSES))
            series = str(uuid.UUID(int=rng.getrandbits(128), version=4)) if rng.random() < 0.5 else None
            for day, start, code, clinicians, room_kind in plan:
                type_id, minutes, turnover = self.types[code]
                starts_at = self._utc(day, start)
                ends_at = starts_at + timedelta(minutes=minutes)
                status, reason, updated = self._status(starts_at, ends_at, booked)
                holds = int(status != "cancelled")
                starts_text, ends_text = stamp(starts_at), stamp(ends_at)
                appointment_rows.append(
                    (
                        next_id,
                        str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                        patient,
                        type_id,
                        rng.choice(self.rooms[room_kind]),
                        starts_text,
                        ends_text,
                        stamp(ends_at + timedelta(minutes=turnover)),
                        status,
                        reason,
                        series if code.startswith("dose-") else None,
                        rng.choice(NOTES) if rng.random() < 0.1 else "",
                        "",
                        self.front_desk,
                        stamp(booked),
                        stamp(updated) if updated < NOW else now_text,
                        1 if updated == booked else 2,
                    )
                )
                clinician_rows += [(next_id, user_id, starts_text, ends_text, holds) for user_id in clinicians]
                first_day, last_day = min(first_day, day), max(last_day, day)
                next_id += 1
            if len(appointment_rows) >= 50_000:
                self._flush(appointment_rows, clinician_rows)
                log(f"schedule: {existing + next_id - 1 - last_id}/{total} appointments")
        self._flush(appointment_rows, clinician_rows)
        if next_id - 1 != last:
            raise RuntimeError(f"made {next_id - 1 - last_id} appointments, wanted {total - existing}")
        return first_day, last_day

    def _status(self, starts_at: datetime, ends_at: datetime, booked: datetime) -> tuple[str, str, datetime]:
        """(status, cancel reason, last updated) for an appointment at this time, seen from NOW."""
        roll = self.rng.random()
        if ends_at <= NOW:
            if roll < 0.07:
                return "cancelled", self.rng.choice(CANCEL_REASONS), max(booked, starts_at - timedelta(hours=20))
            if roll < 0.10:
                return "no_show", "", ends_at
            return "completed", "", ends_at
        if roll < 0.05:
            return "cancelled", self.rng.choice(CANCEL_REASONS), min(booked + timedelta(days=3), NOW)
        if starts_at <= NOW:
            return "arrived", "", starts_at
        return "scheduled", "", booked

    def _flush(self, appointments: list[tuple[object, ...]], clinicians: list[tuple[object, ...]]) -> None:
        self.c.executemany(
            "INSERT INTO appointments (id, uid, patient_id, type_id, room_id, starts_at, ends_at, room_free_at, "
            "status, cancel_reason, series_id, notes, override_reason, created_by, created_at, updated_at, version) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            appointments,
        )
        self.c.executemany(
            "INSERT INTO appointment_clinicians (appointment_id, user_id, starts_at, ends_at, holds_time) "
            "VALUES (?, ?, ?, ?, ?)",
            clinicians,
        )
        appointments.clear()
        clinicians.clear()


def describe(result: GeneratedSchedule) -> str:
    what = (
        f"built in {result.total_s:.1f} s "
        f"(demo clinic {result.populate_s:.1f} s, calendar {result.appointments_s:.1f} s)"
        if result.created
        else f"{result.reason}; not timed (use --force)"
    )
    return (
        f"{result.path}: {result.appointments:,} appointments {result.first_day}..{result.last_day}, "
        f"{result.patients:,} patients, {result.clinicians} clinicians, {result.rooms} rooms, "
        f"{result.file_mib:.0f} MiB; {what}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--appointments", type=int, default=DEFAULT_APPOINTMENTS, help="default %(default)s")
    parser.add_argument("--patients", type=int, default=DEFAULT_PATIENTS, help="default %(default)s")
    parser.add_argument("--out", type=Path, help="SQLite file (default benchmarks/data/schedule-1000k.sqlite3)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="default %(default)s")
    parser.add_argument("--force", action="store_true", help="rebuild even if the file already fits")
    args = parser.parse_args(argv)
    if args.appointments < WEEKLY * 4 or args.patients < 100:
        parser.error(f"--appointments must be at least {WEEKLY * 4} (four weeks), --patients at least 100")
    print(describe(ensure_schedule(args.appointments, args.patients, args.out, args.seed, args.force)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A believable demo clinic, for newcomers, training and benchmarks. Every name here is invented."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import Connection, func, insert, select

from kapdesk.db.base import utcnow
from kapdesk.db.models import (
    AppointmentClinician,
    AppointmentRow,
    ClinicProfileRow,
    ClosedDay,
    Patient,
    Room,
    TimeOffRow,
    User,
    UserRole,
)
from kapdesk.domain.access import Actor
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.errors import DemoRefused
from kapdesk.domain.folding import fold, search_key
from kapdesk.domain.patients import format_chart_number
from kapdesk.domain.rooms import RoomKind
from kapdesk.domain.staff import Role
from kapdesk.services import demo_clinical, demo_closures, demo_documents, demo_outcomes, demo_schedule
from kapdesk.services.audit_trail import Entry
from kapdesk.services.passwords import Passwords
from kapdesk.services.schedule_setup import read_availability, read_resources
from kapdesk.services.work import Work, audited

DEFAULT_PATIENTS = 200
# The demo accounts' password, printed in the README so a newcomer can sign in. Demo clinic only.
DEMO_PASSWORD = "demo clinic only"
DEMO_PROFILE = ("Cedar Grove KAP Clinic (demo)", "1200 SE Alder St\nPortland, OR 97214", "+15035550100")
DEMO_TIME_ZONE = "America/Los_Angeles"

# One account per role that can sign in (named for the role), then clinicians who are listed but can't.
STAFF = (
    ("admin", "Dana Whitfield", "", (Role.ADMIN,), True),
    ("prescriber", "Miriam Okafor", "MD", (Role.PRESCRIBER,), True),
    ("nurse", "Rei Tanaka", "RN", (Role.NURSE,), True),
    ("therapist", "Samira Abadi", "PhD", (Role.THERAPIST,), True),
    ("frontdesk", "Kiran Patel", "", (Role.FRONT_DESK,), True),
    ("jlindqvist", "Jonas Lindqvist", "PMHNP", (Role.PRESCRIBER,), False),
    ("cbrennan", "Colleen Brennan", "RN", (Role.NURSE,), False),
    ("tmorrow", "Theo Morrow", "LCSW", (Role.THERAPIST,), False),
    ("lferreira", "Luísa Ferreira", "LMFT", (Role.THERAPIST,), False),
    ("agomez", "Ana Gómez", "", (Role.FRONT_DESK, Role.ADMIN), False),
)
ROOMS = (
    ("Dosing Suite 1", RoomKind.DOSING),
    ("Dosing Suite 2", RoomKind.DOSING),
    ("Dosing Suite 3", RoomKind.DOSING),
    ("Therapy Room A", RoomKind.THERAPY),
    ("Therapy Room B", RoomKind.THERAPY),
    ("Consult Room", RoomKind.CONSULT),
)

FEMALE = (
    "Olivia Emma Ava Sophia Isabella Mia Amelia Harper Evelyn Abigail Emily Ella Elizabeth Camila Luna "
    "Sofia Avery Mila Aria Scarlett Penelope Layla Chloe Victoria Madison Eleanor Grace Nora Riley Zoey "
    "Hannah Hazel Lily Ellie Violet Lillian Zoë Aurora Savannah Audrey Brooklyn Bella Claire Skylar Lucy "
    "Paisley Everly Anna Caroline Nova Genesis Émilie Maya Naomi Elena Sarah Ariana Allison Gabriella "
    "Alice Madelyn Cora Ruby Eva Serenity Autumn Adeline Hailey Gianna Valentina Isla Eliana Quinn Nevaeh "
    "Ivy Sadie Piper Lydia Alexa Josephine Renée María Lucía Małgorzata Siobhán Ingrid Yuki Priya Aisha "
    "Fatima Mei Hana Chiara Björk Noémie"
).split()
MALE = (
    "Liam Noah Oliver Elijah James William Benjamin Lucas Henry Theodore Jack Levi Alexander Jackson "
    "Mateo Daniel Michael Mason Sebastian Ethan Logan Owen Samuel Jacob Asher Aiden John Joseph Wyatt "
    "David Leo Luke Julian Hudson Grayson Matthew Ezra Gabriel Carter Isaac Jayden Luca Anthony Dylan "
    "Lincoln Thomas Maverick Elias Josiah Charles Caleb Christopher Ezekiel Miles Jaxon Isaiah Andrew "
    "Joshua Nathan Nolan Adrian Cameron Santiago Eli Aaron Ryan Angel Cooper Waylon Easton Kai Christian "
    "Landon Colton Roman Axel Brooks Jonathan Robert José Andrés Łukasz Søren Jürgen François Tomás "
    "Darnell Hiroshi Arjun Omar Kwame Wei Dmitri Niall Rafael"
).split()
LAST = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez "
    "Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark "
    "Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams "
    "Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker "
    "Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper "
    "Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson Brooks Chavez Wood James "
    "Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez "
    "Powell Jenkins Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez "
    "Simmons Romero Jordan Patterson Alexander Hamilton Graham Reynolds Griffin Wallace Moreno West Cole "
    "Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens "
    "Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker "
    "Guzman Burns Crawford Olson Simpson Porter Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Muñoz "
    "Núñez Müller Schäfer O'Brien O'Connor D'Angelo Kowalczyk Wójcik Łukaszewski Søndergaard Åberg "
    "Nakamura Yamamoto Okonkwo Haddad Novak Dvořák Petrović Ivanova Van-der-Berg De-la-Cruz St-Pierre "
    "Lefèvre"
).split()
NICKNAMES = ("Sam", "Alex", "Jo", "Max", "Bea", "Kit", "Ray", "Lou")
ARCHIVE_REASONS = ("Course completed", "Moved away", "Referred elsewhere", "Duplicate record")
RELATIONSHIPS = ("spouse", "partner", "friend", "parent", "sibling", "adult child", "roommate")
AREA_CODES = (503, 971, 360, 206, 425, 541, 415, 510, 916, 213, 310, 619, 720, 303, 512, 617, 212, 646, 312)
STREETS = (
    "Alder",
    "Birch",
    "Cedar",
    "Division",
    "Everett",
    "Flanders",
    "Glisan",
    "Hawthorne",
    "Irving",
    "Jefferson",
)
CITIES = (
    ("Portland", "OR", "972"),
    ("Beaverton", "OR", "970"),
    ("Vancouver", "WA", "986"),
    ("Salem", "OR", "973"),
)


class DemoService:
    def __init__(self, work: Work, passwords: Passwords) -> None:
        self._work = work
        self._passwords = passwords

    @audited(Action.SETUP)
    def populate(self, patients: int = DEFAULT_PATIENTS, seed: int = 1, today: date | None = None) -> int:
        """Fill an empty database with a clinic profile, staff, rooms, `patients` patients and ten weeks of
        appointments around `today` (see demo_schedule). Same seed, same clinic. Recorded as one set-up event by
        the command line (nobody is signed in yet)."""
        today = today or self._work.today()
        rng = random.Random(seed)
        hashed = self._passwords.hash(DEMO_PASSWORD)  # one hash: the shared password is no secret anyway
        actor = Actor(None, "demo", "Demo set-up", frozenset({Role.ADMIN}), self._work.access.workstation)
        with self._work.unit(None, actor) as unit:
            session = unit.session
            if session.scalar(select(func.count()).select_from(Patient)) or session.scalar(
                select(func.count()).select_from(User)
            ):
                raise DemoRefused(
                    "This database already holds patients or staff, so no demo data was added.",
                    "Demo data only goes into a new, empty database (try kapdesk --demo).",
                )
            self._work.trail.seal(unit.connection)
            name, address, phone = DEMO_PROFILE
            session.add(ClinicProfileRow(id=1, name=name, address=address, phone=phone, time_zone=DEMO_TIME_ZONE))
            session.execute(insert(Room), [{"name": n, "kind": k.value, "active": True} for n, k in ROOMS])
            for username, full_name, credentials, roles, signs_in in STAFF:
                user = User(username=username, full_name=full_name, credentials=credentials, active=True)
                user.password_hash = hashed if signs_in else ""
                user.roles = [UserRole(role=r.value) for r in roles]
                session.add(user)
            batch: list[dict[str, object]] = []
            current: list[str] = []  # chart numbers of patients not archived: the schedule draws from these
            for number in range(1, patients + 1):
                batch.append(row := _patient(rng, number, today))
                if row["archived_at"] is None:
                    current.append(row["chart_number"])  # type: ignore[arg-type]
                if len(batch) == 5000:
                    session.execute(insert(Patient), batch)
                    batch.clear()
            if batch:
                session.execute(insert(Patient), batch)
            session.flush()
            booked = _schedule(unit.connection, rng, current, today)
            booked += demo_clinical.add_records(unit.connection, random.Random(f"clinical-{seed}"), today)
            demo_outcomes.add_measures(unit.connection, random.Random(f"outcomes-{seed}"))
            demo_documents.add_consents(session, random.Random(f"documents-{seed}"), self._work.clock())
            unit.record(
                Entry(
                    Action.SETUP,
                    Category.CLINIC_SETTINGS,
                    "clinic",
                    "1",
                    summary=f"demo clinic created: {len(STAFF)} staff, {len(ROOMS)} rooms, {patients} patients, "
                    f"{booked} appointments",
                )
            )
        return patients

    @audited(Action.SETUP)
    def ensure_populated(self) -> bool:
        """For `kapdesk --demo`: fill the demo database the first time it is opened. True if filled now."""
        with self._work.database.reading() as connection:
            if connection.execute(select(func.count()).select_from(User)).scalar_one():
                return False
        self.populate()
        return True


def _schedule(connection: Connection, rng: random.Random, charts: list[str], today: date) -> int:
    """Closed days, time off and appointments; returns how many appointments were booked."""
    resources = read_resources(connection)
    by_role = {role: tuple(c.id for c in resources.clinicians if role in c.roles) for role in Role}
    booker = connection.scalar(select(User.id).where(User.username == "frontdesk"))
    assert booker is not None
    staff = demo_schedule.DemoStaff(by_role[Role.PRESCRIBER], by_role[Role.NURSE], by_role[Role.THERAPIST], booker)
    # The first therapist also runs a weekly series, so their vacation shows as a cancelled occurrence.
    closed, time_off = demo_closures.closures(
        rng,
        today,
        DEMO_TIME_ZONE,
        therapist=staff.therapists[0],
        nurse=staff.nurses[-1],
        prescriber=staff.prescribers[-1],
    )
    connection.execute(insert(ClosedDay), [{"day": day, "reason": reason} for day, reason in closed.items()])
    connection.execute(
        insert(TimeOffRow),
        [{"user_id": t.user_id, "starts_at": t.starts_at, "ends_at": t.ends_at, "reason": t.reason} for t in time_off],
    )
    rooms = {kind: tuple(r.id for r in resources.rooms if r.kind is kind) for kind in RoomKind}
    # The few dozen patients with appointments are drawn by chart number: one small query, even among 100k.
    series, courses = demo_schedule.patients_wanted(len(charts), len(rooms[RoomKind.DOSING]))
    chosen = rng.sample(charts, series + courses)
    query = select(Patient.chart_number, Patient.id).where(Patient.chart_number.in_(chosen))
    found: dict[str, int] = dict(connection.execute(query).all())  # type: ignore[arg-type]
    ids = [found[chart] for chart in chosen]
    schedule = demo_schedule.plan(
        rng, read_availability(connection), staff, rooms, resources.types, (ids[:series], ids[series:]), today, utcnow()
    )
    if schedule.appointments:
        connection.execute(insert(AppointmentRow), schedule.appointments)
        uids = dict(connection.execute(select(AppointmentRow.uid, AppointmentRow.id)).all())
        connection.execute(insert(AppointmentClinician), schedule.clinician_rows(uids))
    return len(schedule.appointments)


def _patient(rng: random.Random, number: int, today: date) -> dict[str, object]:
    female = rng.random() < 0.58
    first = rng.choice(FEMALE if female else MALE)
    last = rng.choice(LAST).replace("-", " ") if rng.random() < 0.5 else rng.choice(LAST)
    phone = _phone(rng)
    dob = today - timedelta(days=rng.randrange(19 * 365, 78 * 365))
    weight_on = today - timedelta(days=rng.randrange(0, 200))
    height_on = weight_on - timedelta(days=rng.randrange(0, 400))
    now = utcnow()
    escort = rng.random() < 0.85
    emergency = rng.random() < 0.9
    city, state, zip3 = rng.choice(CITIES)
    archived = rng.random() < 0.03
    return {
        "chart_number": format_chart_number(number),
        "first_name": first,
        "last_name": last,
        "preferred_name": rng.choice(NICKNAMES) if rng.random() < 0.04 else "",
        "first_key": search_key(first),
        "last_key": search_key(last),
        "date_of_birth": dob,
        "sex_at_birth": "female" if female else "male",
        "pronouns": ("she/her" if female else "he/him") if rng.random() < 0.9 else "they/them",
        "phone": phone,
        "phone_key": phone[2:],
        "email": f"{fold(first)}.{fold(last)}{number}@example.com" if rng.random() < 0.8 else "",
        "address": f"{rng.randrange(100, 9999)} SE {rng.choice(STREETS)} St\n"
        f"{city}, {state} {zip3}{rng.randrange(10, 99)}",
        "escort_name": f"{rng.choice(FEMALE + MALE)} {last}" if escort else "",
        "escort_phone": _phone(rng) if escort else "",
        "escort_relationship": rng.choice(RELATIONSHIPS) if escort else "",
        "emergency_name": f"{rng.choice(FEMALE + MALE)} {rng.choice(LAST)}" if emergency else "",
        "emergency_phone": _phone(rng) if emergency else "",
        "emergency_relationship": rng.choice(RELATIONSHIPS) if emergency else "",
        "weight_kg": round(min(max(rng.gauss(68 if female else 80, 14), 42.0), 180.0), 1),
        "weight_recorded_on": weight_on,
        "height_cm": round(min(max(rng.gauss(164 if female else 177, 7), 140.0), 205.0), 1),
        "height_recorded_on": height_on,
        "archived_at": now - timedelta(days=rng.randrange(1, 700)) if archived else None,
        "archive_reason": rng.choice(ARCHIVE_REASONS) if archived else "",
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def _phone(rng: random.Random) -> str:
    """A number in the 555-0100..0199 block, which North American numbering reserves for fiction."""
    return f"+1{rng.choice(AREA_CODES)}5550{rng.randrange(100, 200):03d}"

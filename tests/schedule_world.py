"""A small clinic to book in: rooms of each kind, clinicians, patients, all made through the services."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from kapdesk.domain.appointments import AppointmentDraft
from kapdesk.domain.patients import PatientDraft
from kapdesk.domain.rooms import RoomKind
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from tests.helpers import ADMIN, PASSWORD, add_user

ZONE = ZoneInfo("America/Los_Angeles")  # tests.helpers.PROFILE's time zone
MONDAY = date(2026, 11, 23)  # the Monday after TODAY
PAST_MONDAY = date(2026, 11, 9)  # before any real today: arrivals and completions can be recorded on it


@dataclass(frozen=True)
class World:
    rooms: dict[str, int]  # "dose1", "dose2", "therapy", "consult"
    clinicians: dict[str, int]  # "prescriber", "therapist", "nurse"
    patients: list[int]
    types: dict[str, int]  # by code: "dose-iv", "integration", "prep", ...


def local(day: date, hour: int, minute: int = 0) -> datetime:
    """A clinic wall-clock time as the aware UTC instant the services take."""
    return datetime.combine(day, time(hour, minute), tzinfo=ZONE).astimezone(UTC)


def build_world(clinic: Clinic, patients: int = 4) -> World:
    """Made as the admin, who is left signed in."""
    if clinic.access.current is None or clinic.access.current.username != ADMIN:
        clinic.auth.sign_in(ADMIN, PASSWORD)
    setup = clinic.schedule_setup
    rooms = {
        "dose1": setup.add_room("Dosing Suite 1", RoomKind.DOSING).value.id,
        "dose2": setup.add_room("Dosing Suite 2", RoomKind.DOSING).value.id,
        "therapy": setup.add_room("Therapy Room", RoomKind.THERAPY).value.id,
        "consult": setup.add_room("Consult Room", RoomKind.CONSULT).value.id,
    }
    for username, role in (("prescriber", Role.PRESCRIBER), ("therapist", Role.THERAPIST), ("nurse", Role.NURSE)):
        add_user(clinic, username, role)
    resources = setup.resources()
    clinicians = {c.full_name.lower(): c.id for c in resources.clinicians}
    people = [
        clinic.patients.create(
            PatientDraft(
                first_name=first,
                last_name=last,
                date_of_birth=date(1980, 1, 1 + n),
                phone=f"503-555-01{n:02d}",
                escort_name="Pat Escort" if n % 2 == 0 else "",
                escort_phone="503-555-0199" if n % 2 == 0 else "",
            )
        ).value.id
        for n, (first, last) in enumerate(
            [("Ada", "Lovelace"), ("Łukasz", "Wójcik"), ("Zoë", "Müller"), ("Grace", "Hopper")][:patients]
        )
    ]
    return World(rooms, clinicians, people, {t.code: t.id for t in resources.types})


def draft(
    world: World,
    start: datetime,
    minutes: int = 120,
    *,
    code: str = "dose-iv",
    room: str = "dose1",
    clinicians: tuple[str, ...] = ("prescriber",),
    patient: int = 0,
    notes: str = "",
) -> AppointmentDraft:
    from datetime import timedelta

    return AppointmentDraft(
        world.patients[patient],
        world.types[code],
        tuple(world.clinicians[c] for c in clinicians),
        world.rooms[room],
        start,
        start + timedelta(minutes=minutes),
        notes,
    )

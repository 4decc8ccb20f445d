"""The values a document's placeholders are filled with, worked out from plain facts about the patient, the
clinic, the course and its next dosing session, as the clinic writes dates and times."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from kapdesk.domain.appointments import Route
from kapdesk.domain.clinic_profile import ClinicProfile
from kapdesk.domain.contacts import format_phone
from kapdesk.domain.dates import clock, long_date, plain_date
from kapdesk.domain.patients import PatientRecord
from kapdesk.domain.settings import (
    ARRIVE_BEFORE_MINUTES,
    ESKETAMINE_FOOD_MINUTES,
    ESKETAMINE_LIQUIDS_MINUTES,
    FASTING_LIQUIDS_MINUTES,
    FASTING_SOLIDS_MINUTES,
    ClinicSettings,
)


@dataclass(frozen=True)
class CourseFacts:
    id: int
    route: Route
    protocol: str
    prescriber: str
    therapist: str
    next_dose_at: datetime | None  # the next dosing session booked in the course, if any


def duration(minutes: int) -> str:
    """'4 hours', '30 minutes', '1 hour 30 minutes'."""
    hours, rest = divmod(minutes, 60)
    parts = [f"{hours} hour{'s' if hours != 1 else ''}"] if hours else []
    parts += [f"{rest} minute{'s' if rest != 1 else ''}"] if rest or not hours else []
    return " ".join(parts)


def fasting(route: Route, settings: ClinicSettings) -> tuple[int, int]:
    """Minutes without food and without clear liquids before a dose by this route."""
    if route is Route.ESKETAMINE:
        return settings[ESKETAMINE_FOOD_MINUTES], settings[ESKETAMINE_LIQUIDS_MINUTES]
    return settings[FASTING_SOLIDS_MINUTES], settings[FASTING_LIQUIDS_MINUTES]


def document_values(
    patient: PatientRecord,
    clinic: ClinicProfile,
    course: CourseFacts | None,
    settings: ClinicSettings,
    today: date,
) -> dict[str, str]:
    """Every placeholder that has a value; the rest are absent, so filling names them as missing."""
    zone = ZoneInfo(clinic.time_zone)
    values = {
        "patient.full_name": f"{patient.first_name} {patient.last_name}".strip(),
        "patient.first_name": patient.preferred_name or patient.first_name,
        "patient.date_of_birth": plain_date(patient.date_of_birth) if patient.date_of_birth else "",
        "patient.chart_number": patient.chart_number,
        "patient.escort_name": patient.escort_name,
        "patient.escort_phone": format_phone(patient.escort_phone),
        "patient.emergency_name": patient.emergency_name,
        "patient.emergency_phone": format_phone(patient.emergency_phone),
        "clinic.name": clinic.name,
        "clinic.address": clinic.address,
        "clinic.phone": format_phone(clinic.phone),
        "today": long_date(today),
    }
    if course is not None:
        solids, liquids = fasting(course.route, settings)
        values |= {
            "course.route": course.route.label,
            "course.protocol": course.protocol,
            "course.prescriber": course.prescriber,
            "course.therapist": course.therapist,
            "fasting.solids": duration(solids),
            "fasting.liquids": duration(liquids),
        }
        if course.next_dose_at is not None:
            local = course.next_dose_at.astimezone(zone)
            arrive = local - timedelta(minutes=settings[ARRIVE_BEFORE_MINUTES])
            values |= {
                "session.date": long_date(local.date()),
                "session.time": clock(local),
                "session.arrival_time": clock(arrive),
            }
    return {key: value for key, value in values.items() if value}

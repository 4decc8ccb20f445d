"""Plain Appointment values for document tests: no database, just the dataclass the services hand over."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from kapdesk.domain.appointments import Appointment, AppointmentKind, Route, Status
from kapdesk.domain.clinic_profile import ClinicProfile

CLINIC = ClinicProfile(
    name="Willamette Ketamine & Integration Clinic",
    address="1200 SE Morrison St, Suite 300\nPortland, OR 97214",
    phone="+15035550100",
    time_zone="America/Los_Angeles",
)
ZONE = ZoneInfo(CLINIC.time_zone)
DAY = date(2026, 3, 10)
PRINTED = datetime(2026, 3, 9, 23, 30, tzinfo=UTC)

_KIND_TYPES = {
    AppointmentKind.DOSING: ("IV infusion", Route.IV),
    AppointmentKind.PREPARATION: ("Preparation session", None),
    AppointmentKind.INTEGRATION: ("Integration session", None),
    AppointmentKind.CONSULTATION: ("Initial consultation", None),
    AppointmentKind.FOLLOW_UP: ("Follow-up", None),
}


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), ZONE)


def appointment(
    id: int = 1,
    *,
    name: str = "Smith, Jane",
    initials: str = "J.S.",
    patient_id: int | None = None,
    kind: AppointmentKind = AppointmentKind.PREPARATION,
    starts_at: datetime | None = None,
    minutes: int = 60,
    status: Status = Status.SCHEDULED,
    **changes: object,
) -> Appointment:
    start = starts_at or local(DAY, 9)
    type_name, route = _KIND_TYPES[kind]
    value = Appointment(
        id=id,
        uid=f"0f6c2a1e-{id:04d}-4b8e-9a51-7d3c2e1f{id:04d}",
        patient_id=id if patient_id is None else patient_id,
        chart_number=f"KD-{id:06d}",
        patient_name=name,
        patient_initials=initials,
        type_id=list(AppointmentKind).index(kind) + 1,
        type_name=type_name,
        kind=kind,
        route=route,
        clinician_ids=(1,),
        clinician_names=("Dr Miriam Okafor",),
        room_id=1,
        room_name="Dosing Suite 1" if kind is AppointmentKind.DOSING else "Therapy Room A",
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        room_free_at=start + timedelta(minutes=minutes + 15),
        status=status,
        cancel_reason="Patient unwell" if status is Status.CANCELLED else "",
        series_id=None,
        notes="",
        override_reason="",
        escort_named=True,
        version=1,
    )
    return replace(value, **changes)  # type: ignore[arg-type]


def pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page as a reader gets it back, runs of white space as one space (cells wrap)."""
    reader = PdfReader(BytesIO(pdf))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def embedded_fonts(pdf: bytes) -> set[str]:
    """Base names of the TrueType fonts whose files are embedded, e.g. {"DejaVuSans", "DejaVuSans-Bold"}."""
    found: set[str] = set()
    for page in PdfReader(BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None and "/FontFile2" in descriptor.get_object():
                found.add(str(font["/BaseFont"]).split("+", 1)[-1])
    return found


def drawn_squares(pdf: bytes) -> int:
    """Stroked, unfilled squares in the page drawings: the tick boxes (row stripes are filled, not stroked)."""
    contents = (page.get_contents() for page in PdfReader(BytesIO(pdf)).pages)
    data = "".join(c.get_data().decode("latin-1") for c in contents if c is not None)
    return len(re.findall(r"(?<![\d.])([\d.]+) \1 re S", data))

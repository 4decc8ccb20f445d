"""Reading the calendar: a day or week of the clinic, one clinician or one room; a patient's appointments.

Each read is one audited Core query (plus one for clinicians) returning plain values: a whole-clinic week is
~2,000 rows, which ORM objects would make three times slower (PLATFORM.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from sqlalchemy import Connection, select

from kapdesk.db.models import AppointmentClinician, AppointmentRow, AppointmentTypeRow
from kapdesk.domain.appointments import Appointment, AppointmentKind, Status
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.errors import NotFound
from kapdesk.domain.integration import IntegrationWindow, integration_warnings
from kapdesk.domain.opening_hours import Availability
from kapdesk.domain.permissions import Permission
from kapdesk.domain.readiness import Readiness
from kapdesk.domain.settings import INTEGRATION_MAX_HOURS, INTEGRATION_MIN_HOURS
from kapdesk.services.audit_trail import Entry
from kapdesk.services.clinic_admin import read_settings
from kapdesk.services.readiness import ReadinessChecks
from kapdesk.services.schedule_rows import BASE, REACH, overlapping, read
from kapdesk.services.schedule_setup import read_availability
from kapdesk.services.work import Work, audited, phi_free

_A, _AC, _T = AppointmentRow.__table__, AppointmentClinician.__table__, AppointmentTypeRow.__table__


class _Booked(NamedTuple):
    id: int
    patient_id: int
    kind: AppointmentKind
    status: Status
    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class CalendarPage:
    """What a calendar view shows for [start, end): appointments (cancelled ones too), and per dosing
    appointment its integration warning and readiness."""

    start: datetime
    end: datetime
    appointments: tuple[Appointment, ...]
    integration: dict[int, str]
    readiness: dict[int, Readiness]
    availability: Availability

    def flags(self) -> dict[int, str]:
        """One line per appointment that needs attention, for the calendar's badges."""
        flags: dict[int, str] = {}
        for appointment_id, readiness in self.readiness.items():
            missing = [r.need.label for r in readiness.lacking if r.state.value == "missing"]
            if missing:
                flags[appointment_id] = "Lacks " + ", ".join(missing) + "."
        for appointment_id, warning in self.integration.items():
            flags[appointment_id] = f"{flags.get(appointment_id, '')} {warning}".strip()
        return flags


class CalendarService:
    def __init__(self, work: Work, readiness: ReadinessChecks) -> None:
        self._work = work
        self._readiness = readiness

    @phi_free("the clinic's current time, for the today marker")
    def now(self) -> datetime:
        return self._work.clock()

    @audited(Action.VIEW)
    def page(
        self, start: datetime, end: datetime, *, clinician_id: int | None = None, room_id: int | None = None
    ) -> CalendarPage:
        """Everything overlapping [start, end), for the whole clinic or one clinician or room."""
        statement = overlapping(start, end)
        if clinician_id is not None:
            statement = statement.where(
                _A.c.id.in_(
                    select(_AC.c.appointment_id).where(
                        _AC.c.user_id == clinician_id, _AC.c.starts_at > start - REACH, _AC.c.starts_at < end
                    )
                )
            )
        if room_id is not None:
            statement = statement.where(_A.c.room_id == room_id)
        with self._work.core_unit(Permission.VIEW_SCHEDULE) as unit:
            appointments = read(unit.connection, statement)
            availability = read_availability(unit.connection)
            integration = self._integration(unit.connection, appointments, start, end)
            readiness = self._readiness.check(unit.connection, appointments)
            scope = f"clinician {clinician_id}" if clinician_id else f"room {room_id}" if room_id else "clinic"
            unit.record(
                Entry(
                    Action.VIEW,
                    Category.SCHEDULE,
                    "calendar",
                    scope,
                    summary=f"calendar {start:%Y-%m-%d}..{end:%Y-%m-%d} ({scope}): {len(appointments)} listed",
                )
            )
        return CalendarPage(start, end, tuple(appointments), integration, readiness, availability)

    @audited(Action.VIEW)
    def for_patient(self, patient_id: int) -> list[Appointment]:
        """The patient's appointments, most recent first: the chart's Appointments tab."""
        with self._work.core_unit(Permission.VIEW_SCHEDULE) as unit:
            found = read(unit.connection, BASE.where(_A.c.patient_id == patient_id))
            unit.record(
                Entry(
                    Action.VIEW,
                    Category.SCHEDULE,
                    "patient",
                    str(patient_id),
                    patient_id=patient_id,
                    summary=f"appointments listed: {len(found)}",
                )
            )
        return sorted(found, key=lambda a: a.starts_at, reverse=True)

    @audited(Action.VIEW)
    def get(self, appointment_id: int) -> tuple[Appointment, Readiness | None, str]:
        """One appointment with, for a dosing session, its readiness and any integration warning."""
        with self._work.core_unit(Permission.VIEW_SCHEDULE) as unit:
            found = read(unit.connection, BASE.where(_A.c.id == appointment_id))
            if not found:
                raise NotFound(f"There is no appointment with id {appointment_id}.")
            appointment = found[0]
            readiness = self._readiness.check(unit.connection, found).get(appointment_id)
            day = timedelta(days=1)
            warning = self._integration(
                unit.connection, found, appointment.starts_at - day, appointment.ends_at + day
            ).get(appointment_id, "")
            unit.record(
                Entry(
                    Action.VIEW,
                    Category.SCHEDULE,
                    "appointment",
                    str(appointment_id),
                    patient_id=appointment.patient_id,
                    summary="opened the appointment",
                )
            )
        return appointment, readiness, warning

    def _integration(
        self, connection: Connection, appointments: list[Appointment], start: datetime, end: datetime
    ) -> dict[int, str]:
        """Integration warnings for the dosing sessions shown, looking past the range's edges for their
        integration appointments (a Friday session's may be on Monday)."""
        dosing = [a for a in appointments if a.kind is AppointmentKind.DOSING and a.holds_time]
        if not dosing:
            return {}
        settings = read_settings(connection)
        window = IntegrationWindow(settings[INTEGRATION_MIN_HOURS], settings[INTEGRATION_MAX_HOURS])
        reach = timedelta(hours=window.max_hours) + REACH
        kinds = [AppointmentKind.DOSING.value, AppointmentKind.INTEGRATION.value]
        # Only what the rule reads: a week's neighbours are ~2,400 rows, and full Appointment values (names,
        # rooms, clinicians) for them cost more than the week itself.
        rows = connection.execute(
            select(_A.c.id, _A.c.patient_id, _T.c.kind, _A.c.status, _A.c.starts_at, _A.c.ends_at)
            .join(_T, _T.c.id == _A.c.type_id)
            .where(
                _A.c.patient_id.in_({a.patient_id for a in dosing}),
                _T.c.kind.in_(kinds),
                _A.c.starts_at > start - reach,
                _A.c.starts_at < end + reach,
            )
        )
        nearby = [_Booked(i, p, AppointmentKind(k), Status(st), s, e) for i, p, k, st, s, e in rows]
        warnings = integration_warnings(nearby, window)
        shown = {a.id for a in dosing}
        return {key: text for key, text in warnings.items() if key in shown}

"""What leaves kapdesk from the schedule: day sheets and tomorrow's call list as PDFs, and iCalendar exports.

Each is one audited read (PRINT or EXPORT). The documents package imports reportlab or icalendar only when a
document is made.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, select

from kapdesk.db.models import AppointmentClinician, AppointmentRow, ClinicProfileRow, Patient, Room, User
from kapdesk.domain.appointments import Appointment
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.call_list import CallListEntry, call_list
from kapdesk.domain.clinic_profile import ClinicProfile
from kapdesk.domain.errors import FieldError, NotFound, ValidationFailed
from kapdesk.domain.permissions import Permission
from kapdesk.services.audit_trail import Entry
from kapdesk.services.schedule_rows import REACH, overlapping, read
from kapdesk.services.schedule_setup import read_zone_name
from kapdesk.services.work import Unit, Work, audited

EXPORT_MAX_DAYS = 366
_A, _AC = AppointmentRow.__table__, AppointmentClinician.__table__


@dataclass(frozen=True)
class Selection:
    """Whose day: one clinician, one room, or (neither) the whole clinic."""

    clinician_id: int | None = None
    room_id: int | None = None


class SchedulePrintService:
    def __init__(self, work: Work) -> None:
        self._work = work

    @audited(Action.PRINT)
    def day_sheet(self, day: date, selection: Selection, *, page_size: str | None = None) -> bytes:
        """The day's appointments for one clinician or room, for the clipboard at the desk."""
        from kapdesk.documents.day_sheet import day_sheet_pdf

        with self._work.core_unit(Permission.VIEW_SCHEDULE) as unit:
            clinic, start, end = self._day(unit.connection, day)
            heading = _heading(unit.connection, selection)
            appointments = _between(unit.connection, start, end, selection)
            _record(unit, Action.PRINT, f"day sheet {day.isoformat()} ({heading}): {len(appointments)} listed")
        return day_sheet_pdf(clinic, day, heading, appointments, page_size=page_size or clinic.paper_size,
                             printed_at=self._work.clock())  # fmt: skip

    @audited(Action.PRINT)
    def call_list(self, day: date, *, page_size: str | None = None) -> bytes:
        """Reminder calls for `day` (usually tomorrow): each patient once, with the numbers to ring."""
        from kapdesk.documents.call_list import call_list_pdf

        with self._work.core_unit(Permission.VIEW_SCHEDULE) as unit:
            clinic, start, end = self._day(unit.connection, day)
            appointments = _between(unit.connection, start, end, Selection())
            entries = call_list(_with_phones(unit.connection, appointments))
            _record(unit, Action.PRINT, f"call list {day.isoformat()}: {len(entries)} patients")
        return call_list_pdf(clinic, day, entries, page_size=page_size or clinic.paper_size,
                             printed_at=self._work.clock())  # fmt: skip

    @audited(Action.EXPORT)
    def export_ics(
        self, first: date, last: date, *, clinician_username: str | None = None, include_names: bool = False
    ) -> bytes:
        """An iCalendar file of [first, last] (clinic dates) for everyone or one clinician. By default nothing
        clinical beyond each appointment's kind and the patient's initials."""
        from kapdesk.documents.ics import calendar_ics

        if last < first:
            raise ValidationFailed([FieldError("to", "The last day is before the first.")])
        if (last - first).days >= EXPORT_MAX_DAYS:
            raise ValidationFailed([FieldError("to", f"Export at most {EXPORT_MAX_DAYS} days at a time.")])
        with self._work.core_unit(Permission.VIEW_SCHEDULE) as unit:
            clinic, start, _ = self._day(unit.connection, first)
            _, _, end = self._day(unit.connection, last)
            selection = Selection(_clinician(unit.connection, clinician_username) if clinician_username else None)
            appointments = _between(unit.connection, start, end, selection)
            who = clinician_username or "whole clinic"
            names = ", with names" if include_names else ""
            _record(unit, Action.EXPORT, f"calendar {first}..{last} ({who}{names}): {len(appointments)} events")
        return calendar_ics(appointments, clinic=clinic, generated_at=self._work.clock(), include_names=include_names)

    def _day(self, connection: Connection, day: date) -> tuple[ClinicProfile, datetime, datetime]:
        """The clinic, and the UTC bounds of its local `day` (23 or 25 hours long at a DST change)."""
        row = connection.execute(select(ClinicProfileRow.__table__).where(ClinicProfileRow.id == 1)).first()
        if row is None:
            raise NotFound("The clinic has no profile yet.", "An admin sets it up at first run.")
        zone = ZoneInfo(read_zone_name(connection))
        start = datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone).astimezone(UTC)
        return ClinicProfile(row.name, row.address, row.phone, row.time_zone, row.paper_size), start, end


def _between(connection: Connection, start: datetime, end: datetime, selection: Selection) -> list[Appointment]:
    """Appointments starting in [start, end): a sheet lists the day's own, not yesterday's turnover."""
    statement = overlapping(start, end).where(_A.c.starts_at >= start)
    if selection.clinician_id is not None:
        statement = statement.where(
            _A.c.id.in_(
                select(_AC.c.appointment_id).where(
                    _AC.c.user_id == selection.clinician_id, _AC.c.starts_at > start - REACH, _AC.c.starts_at < end
                )
            )
        )
    if selection.room_id is not None:
        statement = statement.where(_A.c.room_id == selection.room_id)
    return read(connection, statement)


def _heading(connection: Connection, selection: Selection) -> str:
    if selection.clinician_id is not None:
        row = connection.execute(
            select(User.full_name, User.credentials).where(User.id == selection.clinician_id)
        ).first()
        if row is None:
            raise NotFound(f"There is no clinician with id {selection.clinician_id}.")
        return f"{row.full_name}, {row.credentials}" if row.credentials else row.full_name
    if selection.room_id is not None:
        name = connection.scalar(select(Room.name).where(Room.id == selection.room_id))
        if name is None:
            raise NotFound(f"There is no room with id {selection.room_id}.")
        return name
    return "Whole clinic"


def _clinician(connection: Connection, username: str) -> int:
    user_id = connection.scalar(select(User.id).where(User.username == username))
    if user_id is None:
        raise ValidationFailed([FieldError("clinician", f"There is no staff account “{username}”.")])
    return user_id


def _with_phones(connection: Connection, appointments: list[Appointment]) -> list[CallListEntry]:
    ids = list({a.patient_id for a in appointments})
    contacts = (
        {
            row.id: row
            for row in connection.execute(
                select(Patient.id, Patient.phone, Patient.escort_name, Patient.escort_phone).where(Patient.id.in_(ids))
            )
        }
        if ids
        else {}
    )
    return [
        CallListEntry(
            a, contacts[a.patient_id].phone, contacts[a.patient_id].escort_name, contacts[a.patient_id].escort_phone
        )
        for a in appointments
    ]


def _record(unit: Unit, action: Action, summary: str) -> None:
    unit.record(Entry(action, Category.SCHEDULE, "calendar", "", summary=summary))

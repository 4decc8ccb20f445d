"""Setting up the calendar: rooms, appointment types, clinic hours and closed days, clinicians' hours and time off."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import Connection, Row, delete, func, select
from sqlalchemy.orm import Session

from kapdesk.db.models import (
    AppointmentRow,
    AppointmentTypeRow,
    ClinicHoursRow,
    ClinicProfileRow,
    ClosedDay,
    Room,
    TimeOffRow,
    User,
    UserRole,
    WorkingHoursRow,
)
from kapdesk.domain.appointments import AppointmentKind, AppointmentType, Route, Status
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.errors import ConflictError, FieldError, NotFound, ValidationFailed
from kapdesk.domain.opening_hours import Availability, TimeOff, WeeklyHours, check_time_off, validate_hours
from kapdesk.domain.permissions import Permission
from kapdesk.domain.rooms import RoomInfo, RoomKind, check_room_name
from kapdesk.domain.staff import CLINICAL_ROLES, Clinician, Role
from kapdesk.services.audit_trail import Entry
from kapdesk.services.schedule_rows import MAX_TURNOVER
from kapdesk.services.work import Unit, Work, audited, phi_free

SETUP = Changes(schedule_setup=True)
FALLBACK_ZONE = "UTC"  # before the clinic's profile exists (tests, a bare database)


@dataclass(frozen=True)
class ScheduleResources:
    """What the booking form and the calendar's pickers offer."""

    clinicians: tuple[Clinician, ...]
    rooms: tuple[RoomInfo, ...]
    types: tuple[AppointmentType, ...]


class ScheduleSetupService:
    def __init__(self, work: Work) -> None:
        self._work = work

    # -- reading (no patient data) -----------------------------------------------------------------------

    @phi_free("staff, rooms and appointment types; no patient data")
    def resources(self) -> ScheduleResources:
        with self._work.database.reading() as connection:
            return read_resources(connection)

    @phi_free("opening hours, closed days and staff time off; no patient data")
    def availability(self) -> Availability:
        with self._work.database.reading() as connection:
            return read_availability(connection)

    @phi_free("a count of appointments; no patient data")
    def bookings_ahead(self, room_id: int) -> int:
        """Appointments still to come in this room (not cancelled): what retiring it would leave stranded."""
        with self._work.database.reading() as connection:
            return connection.execute(
                select(func.count())
                .select_from(AppointmentRow)
                .where(
                    AppointmentRow.room_id == room_id,
                    AppointmentRow.starts_at >= self._work.clock(),
                    AppointmentRow.status.in_([Status.SCHEDULED.value, Status.ARRIVED.value]),
                )
            ).scalar_one()

    # -- rooms and types ---------------------------------------------------------------------------------

    @audited(Action.CREATE)
    def add_room(self, name: str, kind: RoomKind) -> Outcome[RoomInfo]:
        _raise(check_room_name(name))
        with self._unit() as unit:
            if unit.session.scalar(select(Room.id).where(Room.name == name.strip())) is not None:
                raise ValidationFailed([FieldError("name", "There is already a room with that name.")])
            room = Room(name=name.strip(), kind=kind.value, active=True)
            unit.session.add(room)
            unit.session.flush()
            _record(unit, Action.CREATE, "room", room.id, f"room added ({kind.value})")
            return Outcome(_room(room), SETUP)

    @audited(Action.UPDATE)
    def update_room(
        self, room_id: int, name: str, kind: RoomKind, active: bool, *, expected_version: int
    ) -> Outcome[RoomInfo]:
        """Rename, change kind, retire or bring back a room as last read (`expected_version`). Its past bookings
        keep it."""
        _raise(check_room_name(name))
        with self._unit() as unit:
            room = _get(unit.session, Room, room_id, "room")
            _require_version(room, expected_version, "room")
            clash = unit.session.scalar(select(Room.id).where(Room.name == name.strip(), Room.id != room_id))
            if clash is not None:
                raise ValidationFailed([FieldError("name", "There is already a room with that name.")])
            changed = [
                f for f, old, new in _diffs(room, name=name.strip(), kind=kind.value, active=active) if old != new
            ]
            room.name, room.kind, room.active = name.strip(), kind.value, active
            _record(unit, Action.UPDATE, "room", room_id, f"room: {', '.join(changed) or 'no change'}")
            return Outcome(_room(room), SETUP)

    @audited(Action.UPDATE)
    def update_type(
        self,
        type_id: int,
        name: str,
        duration_minutes: int,
        turnover_minutes: int,
        room_kind: RoomKind,
        active: bool,
        *,
        expected_version: int,
    ) -> Outcome[AppointmentType]:
        errors = []
        if not name.strip() or len(name.strip()) > 80:
            errors.append(FieldError("name", "Give the type a name of at most 80 characters."))
        if not 5 <= duration_minutes <= 12 * 60:
            errors.append(FieldError("duration", "A duration is 5 minutes to 12 hours."))
        if not 0 <= turnover_minutes <= MAX_TURNOVER.total_seconds() // 60:
            errors.append(FieldError("turnover", "Turnover is 0 to 120 minutes."))
        _raise(errors)
        with self._unit() as unit:
            row = _get(unit.session, AppointmentTypeRow, type_id, "appointment type")
            _require_version(row, expected_version, "appointment type")
            values = {
                "name": name.strip(),
                "duration_minutes": duration_minutes,
                "turnover_minutes": turnover_minutes,
                "room_kind": room_kind.value,
                "active": active,
            }
            changed = [f for f, old, new in _diffs(row, **values) if old != new]
            for field, value in values.items():
                setattr(row, field, value)
            unit.session.flush()
            _record(
                unit,
                Action.UPDATE,
                "appointment_type",
                type_id,
                f"type {row.code}: {', '.join(changed) or 'no change'}",
            )
            return Outcome(appointment_type(row), SETUP)

    # -- hours -------------------------------------------------------------------------------------------

    @audited(Action.SETTINGS_CHANGE)
    def set_clinic_hours(self, days: dict[int, tuple[time, time]]) -> Outcome[WeeklyHours]:
        _raise(validate_hours(days))
        with self._unit() as unit:
            unit.session.execute(delete(ClinicHoursRow))
            unit.session.add_all(ClinicHoursRow(weekday=d, opens=o, closes=c) for d, (o, c) in days.items())
            _record(unit, Action.SETTINGS_CHANGE, "clinic_hours", "", f"clinic hours: {len(days)} open days a week")
        return Outcome(WeeklyHours(dict(days)), SETUP)

    @audited(Action.SETTINGS_CHANGE)
    def set_closed_day(self, day: date, reason: str, closed: bool = True) -> Outcome[date]:
        """Mark a holiday or other closed day (or open it again)."""
        with self._unit() as unit:
            row = unit.session.get(ClosedDay, day)
            if closed and row is None:
                unit.session.add(ClosedDay(day=day, reason=reason.strip()[:120]))
            elif closed and row is not None:
                row.reason = reason.strip()[:120]
            elif row is not None:
                unit.session.delete(row)
            _record(unit, Action.SETTINGS_CHANGE, "closed_day", day.isoformat(), "closed" if closed else "reopened")
        return Outcome(day, SETUP)

    @audited(Action.SETTINGS_CHANGE)
    def set_working_hours(self, user_id: int, days: dict[int, tuple[time, time]] | None) -> Outcome[int]:
        """A clinician's own weekly hours, or None to follow the clinic's hours."""
        _raise(validate_hours(days or {}))
        with self._unit() as unit:
            _get(unit.session, User, user_id, "staff member")
            unit.session.execute(delete(WorkingHoursRow).where(WorkingHoursRow.user_id == user_id))
            for weekday, (starts, ends) in (days or {}).items():
                unit.session.add(WorkingHoursRow(user_id=user_id, weekday=weekday, starts=starts, ends=ends))
            summary = "follows clinic hours" if days is None else f"{len(days)} working days a week"
            _record(unit, Action.SETTINGS_CHANGE, "working_hours", user_id, summary)
        return Outcome(user_id, SETUP)

    @audited(Action.CREATE)
    def add_time_off(self, user_id: int, starts_at: datetime, ends_at: datetime, reason: str) -> Outcome[TimeOff]:
        _raise(check_time_off(starts_at, ends_at))
        with self._unit() as unit:
            _get(unit.session, User, user_id, "staff member")
            row = TimeOffRow(user_id=user_id, starts_at=starts_at, ends_at=ends_at, reason=reason.strip()[:120])
            unit.session.add(row)
            unit.session.flush()
            _record(unit, Action.CREATE, "time_off", row.id, f"time off for user {user_id}")
            return Outcome(_time_off(row), SETUP)

    @audited(Action.CANCEL)
    def cancel_time_off(self, time_off_id: int) -> Outcome[int]:
        with self._unit() as unit:
            row = _get(unit.session, TimeOffRow, time_off_id, "time off")
            row.cancelled = True
            _record(unit, Action.CANCEL, "time_off", time_off_id, "time off withdrawn")
        return Outcome(time_off_id, SETUP)

    def _unit(self):  # type: ignore[no-untyped-def]
        return self._work.unit(Permission.SET_UP_SCHEDULE)


def read_resources(connection: Connection) -> ScheduleResources:
    roles: dict[int, set[Role]] = {}
    for user_id, role in connection.execute(select(UserRole.user_id, UserRole.role)):
        roles.setdefault(user_id, set()).add(Role(role))
    users = connection.execute(
        select(User.id, User.username, User.full_name, User.credentials, User.active).order_by(User.full_name)
    )
    clinicians = tuple(
        Clinician(id_, username, name, credentials, frozenset(roles.get(id_, ())), active)
        for id_, username, name, credentials, active in users
        if roles.get(id_, set()) & CLINICAL_ROLES
    )
    rooms = tuple(
        RoomInfo(id_, name, RoomKind(kind), active, version)
        for id_, name, kind, active, version in connection.execute(
            select(Room.id, Room.name, Room.kind, Room.active, Room.version).order_by(Room.name)
        )
    )
    types = tuple(
        appointment_type(row)
        for row in connection.execute(select(AppointmentTypeRow.__table__).order_by(AppointmentTypeRow.id))
    )
    return ScheduleResources(clinicians, rooms, types)


def read_zone_name(connection: Connection) -> str:
    return connection.scalar(select(ClinicProfileRow.time_zone).where(ClinicProfileRow.id == 1)) or FALLBACK_ZONE


def read_availability(connection: Connection) -> Availability:
    zone = read_zone_name(connection)
    clinic = WeeklyHours(
        {row.weekday: (row.opens, row.closes) for row in connection.execute(select(ClinicHoursRow.__table__))}
    )
    closed = {row.day: row.reason for row in connection.execute(select(ClosedDay.__table__))}
    working: dict[int, dict[int, tuple[time, time]]] = {}
    for row in connection.execute(select(WorkingHoursRow.__table__)):
        working.setdefault(row.user_id, {})[row.weekday] = (row.starts, row.ends)
    off = tuple(
        TimeOff(row.id, row.user_id, row.starts_at, row.ends_at, row.reason)
        for row in connection.execute(
            select(
                TimeOffRow.id, TimeOffRow.user_id, TimeOffRow.starts_at, TimeOffRow.ends_at, TimeOffRow.reason
            ).where(TimeOffRow.cancelled.is_(False))
        )
    )
    return Availability(zone, clinic, closed, {u: WeeklyHours(d) for u, d in working.items()}, off)


def _require_version(row: Room | AppointmentTypeRow, expected: int, what: str) -> None:
    if row.version != expected:
        raise ConflictError(f"Someone changed this {what} on another computer after you opened it.", row.id)


def _raise(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed(errors)


def _get(session: Session, model: type, key: object, what: str):  # type: ignore[no-untyped-def]
    row = session.get(model, key)
    if row is None:
        raise NotFound(f"There is no {what} with id {key}.")
    return row


def _diffs(row: object, **values: object) -> list[tuple[str, object, object]]:
    return [(field, getattr(row, field), value) for field, value in values.items()]


def _record(unit: Unit, action: Action, entity: str, entity_id: object, summary: str) -> None:
    unit.record(Entry(action, Category.CLINIC_SETTINGS, entity, str(entity_id), summary=summary))


def _room(room: Room) -> RoomInfo:
    return RoomInfo(room.id, room.name, RoomKind(room.kind), room.active, room.version)


def appointment_type(row: AppointmentTypeRow | Row) -> AppointmentType:
    route = Route(row.route) if row.route else None
    return AppointmentType(
        row.id,
        row.code,
        row.name,
        AppointmentKind(row.kind),
        route,
        row.duration_minutes,
        row.turnover_minutes,
        row.room_kind,
        row.active,
        row.version,
    )


def _time_off(row: TimeOffRow) -> TimeOff:
    return TimeOff(row.id, row.user_id, row.starts_at, row.ends_at, row.reason)

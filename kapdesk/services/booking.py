"""Booking: book (once or as a series), change or move, check in and out, cancel. One user action, one transaction.

No clinician, room or patient is ever double-booked. The check runs inside the write transaction: on SQLite
that transaction holds the database's write lock from its first statement (BEGIN IMMEDIATE), so two PCs can't
both pass it; on PostgreSQL the exclusion constraints of migration 0005 refuse whichever commits second, and
that attempt is re-run once so its user sees what is in the way rather than a database error.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from kapdesk.db.base import utcnow
from kapdesk.db.models import AppointmentClinician, AppointmentRow
from kapdesk.domain.appointments import (
    Appointment,
    AppointmentDraft,
    AppointmentKind,
    Status,
    check_reason,
    may_move_to,
    validate_draft,
)
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.clashes import BookingConflict, NotReady
from kapdesk.domain.errors import ConflictError, FieldError, NotFound, ValidationFailed
from kapdesk.domain.permissions import Permission
from kapdesk.domain.readiness import describe
from kapdesk.domain.series import Repeat, Scope, check_repeat, repeat_starts, shift_wall_clock
from kapdesk.services.audit_trail import Entry
from kapdesk.services.booking_checks import Resolved, resolve
from kapdesk.services.booking_places import (
    Placement,
    check_places,
    existing_place,
    insert_place,
    new_place,
    notify_calendars,
    overridden,
    write_place,
)
from kapdesk.services.course_links import follow_dose_moves
from kapdesk.services.readiness import ReadinessChecks
from kapdesk.services.schedule_rows import read_ids
from kapdesk.services.schedule_setup import read_zone_name
from kapdesk.services.work import Unit, Work, audited

# Statuses that say what happened: set on the appointment's day or after, never ahead (a preparation session marked
# completed three weeks early would count as done for readiness).
_ON_THE_DAY = frozenset({Status.ARRIVED, Status.COMPLETED, Status.NO_SHOW})
T = TypeVar("T")
_A, _AC = AppointmentRow.__table__, AppointmentClinician.__table__


class BookingService:
    def __init__(self, work: Work, readiness: ReadinessChecks) -> None:
        self._work = work
        self._readiness = readiness

    @audited(Action.CREATE)
    def book(
        self, draft: AppointmentDraft, *, repeat: Repeat | None = None, override_reason: str = ""
    ) -> Outcome[list[Appointment]]:
        """Book one appointment, or a series (every `repeat.every_days`, same wall-clock time) stored as
        individual appointments sharing a series id. All or nothing."""
        clean = _checked(draft, repeat)
        assert clean.starts_at is not None and clean.ends_at is not None

        def attempt() -> list[int]:
            with self._work.unit(Permission.BOOK_APPOINTMENTS) as unit:
                resolved = self._resolve(unit, clean)
                zone = ZoneInfo(read_zone_name(unit.connection))
                starts = repeat_starts(clean.starts_at, repeat, zone) if repeat else [clean.starts_at]
                duration = clean.ends_at - clean.starts_at
                places = [new_place(s, s + duration) for s in starts]
                check_places(unit.connection, clean, resolved, places, override_reason)
                series = str(uuid.uuid4()) if repeat else None
                ids = [self._insert(unit, clean, resolved, p, series, override_reason) for p in places]
                what = f"series of {len(ids)}" if repeat else "appointment"
                summary = f"booked {what}: {resolved.type.code}{overridden(override_reason)}"
                self._record(unit, Action.CREATE, ids, clean.patient_id, summary)
                return ids

        ids = self._retrying(attempt)
        return self._outcome(ids)

    @audited(Action.UPDATE)
    def change(
        self,
        appointment_id: int,
        expected_version: int,
        draft: AppointmentDraft,
        *,
        scope: Scope = Scope.ONE,
        override_reason: str = "",
    ) -> Outcome[list[Appointment]]:
        """Change type, clinicians, room, time or notes of one appointment, or of it and the rest of its series
        still to come (each later one keeps its own date, shifted as this one is, at the new time of day)."""
        clean, errors = validate_draft(draft)
        if errors:
            raise ValidationFailed(errors)
        assert clean.starts_at is not None and clean.ends_at is not None

        def attempt() -> list[int]:
            with self._guard(appointment_id), self._work.unit(Permission.BOOK_APPOINTMENTS) as unit:
                row = self._load(unit, appointment_id, expected_version)
                if clean.patient_id != row.patient_id:
                    raise ValidationFailed(
                        [FieldError("patient", "An appointment can't change patient; book a new one.")]
                    )
                if row.status not in (Status.SCHEDULED.value, Status.ARRIVED.value):
                    raise ValidationFailed(
                        [FieldError("status", f"A {Status(row.status).label.lower()} appointment can't be changed.")]
                    )
                resolved = self._resolve(unit, clean, row)
                zone = ZoneInfo(read_zone_name(unit.connection))
                duration = clean.ends_at - clean.starts_at
                rows = [row, *(self._following(unit, row) if scope is Scope.FOLLOWING else [])]
                places = []
                for each in rows:
                    start = shift_wall_clock(each.starts_at, row.starts_at, clean.starts_at, zone)
                    end = clean.ends_at if each is row else start + duration
                    places.append(existing_place(unit.connection, each, start, end, resolved.clinicians))
                check_places(unit.connection, clean, resolved, places, override_reason)
                before = [each.starts_at for each in rows]
                for each, place in zip(rows, places, strict=True):
                    write_place(unit.session, each, clean, resolved, place, override_reason)
                followed = follow_dose_moves(unit.session, list(zip(rows, before, strict=True)), override_reason)
                ids = [each.id for each in rows] + followed
                summary = f"changed {len(ids)} appointment(s){overridden(override_reason)}"
                self._record(unit, Action.UPDATE, ids, row.patient_id, summary)
                return ids

        return self._outcome(self._retrying(attempt))

    @audited(Action.UPDATE)
    def move(
        self,
        appointment_id: int,
        expected_version: int,
        starts_at: datetime,
        ends_at: datetime,
        *,
        room_id: int | None = None,
        clinician_ids: Sequence[int] | None = None,
        scope: Scope = Scope.ONE,
        override_reason: str = "",
    ) -> Outcome[list[Appointment]]:
        """The calendar's drag: new times, and optionally another room or clinicians; everything else kept."""
        with self._work.database.reading() as connection:
            current = read_ids(connection, [appointment_id])
        if not current:
            raise NotFound(f"There is no appointment with id {appointment_id}.")
        a = current[0]
        draft = AppointmentDraft(
            a.patient_id,
            a.type_id,
            tuple(clinician_ids) if clinician_ids is not None else a.clinician_ids,
            room_id if room_id is not None else a.room_id,
            starts_at,
            ends_at,
            a.notes,
        )
        return self.change(appointment_id, expected_version, draft, scope=scope, override_reason=override_reason)

    @audited(Action.STATUS_CHANGE)
    def set_status(self, appointment_id: int, expected_version: int, status: Status) -> Outcome[Appointment]:
        """Check in (arrived), complete, mark a no-show, or undo a check-in. Cancelling has its own call.
        Checking in a dosing session asks the readiness providers; an enforced requirement that is missing
        refuses it."""
        if status is Status.CANCELLED:
            raise ValueError("use cancel(), which needs a reason")
        with self._guard(appointment_id), self._work.unit(Permission.BOOK_APPOINTMENTS) as unit:
            row = self._load(unit, appointment_id, expected_version)
            current = Status(row.status)
            if not may_move_to(current, status):
                raise ValidationFailed(
                    [
                        FieldError(
                            "status", f"A {current.label.lower()} appointment can't be marked {status.label.lower()}."
                        )
                    ]
                )
            if status in _ON_THE_DAY:
                zone = ZoneInfo(read_zone_name(unit.connection))
                if row.starts_at.astimezone(zone).date() > self._work.clock().astimezone(zone).date():
                    raise ValidationFailed(
                        [FieldError("status", f"It can't be marked {status.label.lower()} before its day.")]
                    )
            if status is Status.ARRIVED:
                self._require_ready(unit, appointment_id)
            row.status = status.value
            row.updated_at = utcnow()
            unit.session.flush()
            self._record(
                unit, Action.STATUS_CHANGE, [appointment_id], row.patient_id, f"{current.value} → {status.value}"
            )
        return Outcome(self._outcome([appointment_id]).value[0], Changes(appointments=frozenset({appointment_id})))

    @audited(Action.CANCEL)
    def cancel(
        self, appointment_id: int, expected_version: int, reason: str, *, scope: Scope = Scope.ONE
    ) -> Outcome[list[Appointment]]:
        """Cancel, with a reason; the appointment stays on record and frees its time."""
        reason, errors = check_reason(reason, "cancelled")
        if errors:
            raise ValidationFailed(errors)
        with self._guard(appointment_id), self._work.unit(Permission.BOOK_APPOINTMENTS) as unit:
            row = self._load(unit, appointment_id, expected_version)
            if not may_move_to(Status(row.status), Status.CANCELLED):
                raise ValidationFailed(
                    [FieldError("status", f"A {Status(row.status).label.lower()} appointment can't be cancelled.")]
                )
            rows = [row, *(self._following(unit, row) if scope is Scope.FOLLOWING else [])]
            for each in rows:
                each.status, each.cancel_reason, each.updated_at = Status.CANCELLED.value, reason, utcnow()
            unit.session.flush()
            ids = [r.id for r in rows]
            unit.connection.execute(update(_AC).where(_AC.c.appointment_id.in_(ids)).values(holds_time=False))
            self._record(unit, Action.CANCEL, ids, row.patient_id, f"cancelled {len(ids)} appointment(s)")
        return self._outcome(ids)

    # -- the steps -----------------------------------------------------------------------------------------

    def _resolve(self, unit: Unit, draft: AppointmentDraft, row: AppointmentRow | None = None) -> Resolved:
        """`row`: the appointment being changed, whose own type, room and clinicians may stay though retired."""
        assert draft.patient_id is not None and draft.type_id is not None and draft.room_id is not None
        if row is None:
            return resolve(
                unit.connection, draft.patient_id, draft.type_id, draft.room_id, draft.clinician_ids, new=True
            )
        kept = unit.connection.execute(select(_AC.c.user_id).where(_AC.c.appointment_id == row.id)).scalars()
        return resolve(
            unit.connection,
            draft.patient_id,
            draft.type_id,
            draft.room_id,
            draft.clinician_ids,
            new=draft.type_id != row.type_id,
            kept_room=row.room_id,
            kept_clinicians=frozenset(kept),
        )

    def _insert(
        self, unit: Unit, draft: AppointmentDraft, resolved: Resolved, place: Placement, series: str | None, reason: str
    ) -> int:
        return insert_place(unit.session, unit.actor.user_id, draft, resolved, place, series=series, reason=reason)

    def _following(self, unit: Unit, row: AppointmentRow) -> list[AppointmentRow]:
        if row.series_id is None:
            return []
        query = (
            select(AppointmentRow)
            .where(
                AppointmentRow.series_id == row.series_id,
                AppointmentRow.starts_at > row.starts_at,
                AppointmentRow.status == Status.SCHEDULED.value,
            )
            .order_by(AppointmentRow.starts_at)
        )
        return list(unit.session.scalars(query))

    def _require_ready(self, unit: Unit, appointment_id: int) -> None:
        appointment = read_ids(unit.connection, [appointment_id])[0]
        if appointment.kind is not AppointmentKind.DOSING:
            return
        readiness = self._readiness.check(unit.connection, [appointment])[appointment_id]
        if readiness.blocking:
            raise NotReady(
                "This dosing session can't start: " + "; ".join(describe(r) for r in readiness.blocking) + ".",
                "Nothing was changed. Complete what is missing, then check the patient in.",
            )

    def _load(self, unit: Unit, appointment_id: int, expected_version: int) -> AppointmentRow:
        row = unit.session.get(AppointmentRow, appointment_id)
        if row is None:
            raise NotFound(f"There is no appointment with id {appointment_id}.")
        if row.version != expected_version:
            raise self._stale(appointment_id)
        return row

    def _record(self, unit: Unit, action: Action, ids: list[int], patient_id: int | None, summary: str) -> None:
        notify_calendars(unit.connection, ids)
        unit.record(
            Entry(action, Category.SCHEDULE, "appointment", str(ids[0]), patient_id=patient_id, summary=summary)
        )

    def _outcome(self, ids: list[int]) -> Outcome[list[Appointment]]:
        with self._work.database.reading() as connection:
            saved = read_ids(connection, ids)
        return Outcome(saved, Changes(appointments=frozenset(ids)))

    def _retrying(self, attempt: Callable[[], T]) -> T:
        """PostgreSQL: if another PC's booking committed between our check and our commit, the exclusion
        constraint refuses ours; run the attempt once more, and its check names what is now in the way."""
        try:
            return attempt()
        except IntegrityError as error:
            if "ex_appointment" not in str(error.orig):
                raise
        try:
            return attempt()
        except IntegrityError as error:
            if "ex_appointment" not in str(error.orig):
                raise
            raise BookingConflict([], [], "Another computer booked the same time a moment ago.") from error

    @contextmanager
    def _guard(self, appointment_id: int) -> Iterator[None]:
        try:
            yield
        except StaleDataError as error:
            raise self._stale(appointment_id) from error

    def _stale(self, appointment_id: int) -> ConflictError:
        with self._work.database.reading() as connection:
            current = read_ids(connection, [appointment_id])
        return ConflictError(
            "Someone changed this appointment on another computer after you opened it.", current[0] if current else None
        )


def _checked(draft: AppointmentDraft, repeat: Repeat | None) -> AppointmentDraft:
    clean, errors = validate_draft(draft)
    if repeat is not None:
        errors += check_repeat(repeat)
    if errors:
        raise ValidationFailed(errors)
    return clean

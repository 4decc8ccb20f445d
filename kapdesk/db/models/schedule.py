"""The calendar: appointment types, hours, time off, and appointments with their clinicians.

On PostgreSQL, migration 0005 adds exclusion constraints (btree_gist) so no clinician, room or patient can be
double-booked even when two PCs commit at once; SQLite gets the same guarantee from the service's check inside
its BEGIN IMMEDIATE transaction. The constraints live in the migration, not here, because SQLite has no such thing.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column

from kapdesk.db.base import Base, UTCDateTime, utcnow
from kapdesk.domain.appointments import AppointmentKind, Route, Status
from kapdesk.domain.rooms import RoomKind


def _one_of(column: str, values: type) -> str:
    return f"{column} IN ({', '.join(repr(v.value) for v in values)})"  # type: ignore[attr-defined]


class AppointmentTypeRow(Base):
    __tablename__ = "appointment_types"
    __table_args__ = (
        CheckConstraint(_one_of("kind", AppointmentKind), name="kind"),
        CheckConstraint(f"route IS NULL OR {_one_of('route', Route)}", name="route"),
        CheckConstraint(_one_of("room_kind", RoomKind), name="room_kind"),
        CheckConstraint("duration_minutes > 0 AND turnover_minutes >= 0", name="minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(20))
    route: Mapped[str | None] = mapped_column(String(20))
    duration_minutes: Mapped[int]
    turnover_minutes: Mapped[int] = mapped_column(default=0)
    room_kind: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ClinicHoursRow(Base):
    """One row per open weekday (0 = Monday); a weekday without a row is closed."""

    __tablename__ = "clinic_hours"
    __table_args__ = (CheckConstraint("weekday BETWEEN 0 AND 6 AND opens < closes", name="span"),)

    weekday: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    opens: Mapped[time] = mapped_column(Time())
    closes: Mapped[time] = mapped_column(Time())


class ClosedDay(Base):
    __tablename__ = "closed_days"

    day: Mapped[date] = mapped_column(Date(), primary_key=True)
    reason: Mapped[str] = mapped_column(String(120), default="")


class WorkingHoursRow(Base):
    """A clinician's own weekly hours; a clinician with no rows works the clinic's hours."""

    __tablename__ = "working_hours"
    __table_args__ = (CheckConstraint("weekday BETWEEN 0 AND 6 AND starts < ends", name="span"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    weekday: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    starts: Mapped[time] = mapped_column(Time())
    ends: Mapped[time] = mapped_column(Time())


class TimeOffRow(Base):
    __tablename__ = "time_off"
    __table_args__ = (CheckConstraint("starts_at < ends_at", name="span"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(120), default="")
    cancelled: Mapped[bool] = mapped_column(default=False)  # withdrawn time off stays on record


class AppointmentRow(Base):
    __tablename__ = "appointments"
    __table_args__ = (
        CheckConstraint(_one_of("status", Status), name="status"),
        CheckConstraint("starts_at < ends_at AND ends_at <= room_free_at", name="span"),
        # A week's query bounds starts_at on both sides (see services/calendar.py), so one index serves it.
        Index("ix_appointments_starts_at", "starts_at"),
        Index("ix_appointments_patient_starts", "patient_id", "starts_at"),
        Index("ix_appointments_room_starts", "room_id", "starts_at"),
        Index("ix_appointments_series", "series_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(String(36), unique=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    type_id: Mapped[int] = mapped_column(ForeignKey("appointment_types.id"))
    room_id: Mapped[int] = mapped_column(ForeignKey("rooms.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    room_free_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(20), default=Status.SCHEDULED.value)
    cancel_reason: Mapped[str] = mapped_column(String(200), default="")
    series_id: Mapped[str | None] = mapped_column(String(36))
    notes: Mapped[str] = mapped_column(Text, default="")
    override_reason: Mapped[str] = mapped_column(String(200), default="")  # booked outside hours, and why
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class AppointmentClinician(Base):
    """Who sees the patient. Carries its appointment's span and whether it holds time, because a PostgreSQL
    exclusion constraint can only compare columns of one table."""

    __tablename__ = "appointment_clinicians"
    __table_args__ = (
        CheckConstraint("starts_at < ends_at", name="span"),
        Index("ix_appointment_clinicians_user_starts", "user_id", "starts_at"),
    )

    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    holds_time: Mapped[bool] = mapped_column(default=True)

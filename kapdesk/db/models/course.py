"""Protocol templates (versioned), treatment courses, and the sessions each course consists of."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kapdesk.db.base import Base, UTCDateTime, utcnow
from kapdesk.domain.courses import CourseStatus

_STATUS_VALUES = ", ".join(f"'{s.value}'" for s in CourseStatus)


class ProtocolTemplateRow(Base):
    """One version of a protocol. A new version is a new row with the same code; courses point at the row."""

    __tablename__ = "protocol_templates"
    __table_args__ = (UniqueConstraint("code", "version", name="code_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)
    name: Mapped[str] = mapped_column(String(120))
    route: Mapped[str] = mapped_column(String(20))
    dose_unit: Mapped[str] = mapped_column(String(10))
    dose_min: Mapped[float] = mapped_column(Float)
    dose_max: Mapped[float] = mapped_column(Float)
    dose_ceiling: Mapped[float] = mapped_column(Float)
    preparation_sessions: Mapped[int]
    preparation_minutes: Mapped[int]
    dosing_minutes: Mapped[int]
    integration_minutes: Mapped[int]
    integration_min_hours: Mapped[int]
    integration_max_hours: Mapped[int]
    min_spacing_hours: Mapped[int]
    prep_lead_days: Mapped[int]
    dosing_with_therapist: Mapped[bool]
    phases: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    measures: Mapped[list[dict[str, str]]] = mapped_column(JSON)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012


class CourseRow(Base):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_VALUES})", name="status"),
        Index("ix_courses_patient", "patient_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    template_id: Mapped[int] = mapped_column(ForeignKey("protocol_templates.id"))
    prescriber_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    therapist_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    goals: Mapped[str] = mapped_column(Text, default="")
    intentions: Mapped[str] = mapped_column(Text, default="")
    start_on: Mapped[date]
    doses: Mapped[int]
    status: Mapped[str] = mapped_column(String(20), default=CourseStatus.DRAFT.value)
    status_reason: Mapped[str] = mapped_column(String(300), default="")
    override_reason: Mapped[str] = mapped_column(String(300), default="")
    override_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    override_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class CourseSessionRow(Base):
    """One step of a course (a preparation, a dose, the integration after a dose) and the appointment that holds it,
    if booked. A cancelled booking leaves the step to be booked again."""

    __tablename__ = "course_sessions"
    __table_args__ = (
        UniqueConstraint("course_id", "kind", "number", name="course_step"),
        Index("ix_course_sessions_appointment", "appointment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    kind: Mapped[str] = mapped_column(String(20))
    number: Mapped[int]
    phase: Mapped[int]  # index into the template's phases; -1 for preparation
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"))

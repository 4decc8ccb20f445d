"""Outcome measures: one row per questionnaire taken, its item answers as given and the total computed from them.

A measure is never deleted or rescored. One recorded wrongly is marked entered in error, with who, when and why, and
kept (the service and database triggers both hold to this)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kapdesk.db.base import Base, UTCDateTime, utcnow
from kapdesk.domain.protocols import INSTRUMENTS

_INSTRUMENT_VALUES = ", ".join(f"'{code}'" for code in INSTRUMENTS)


class AssessmentRow(Base):
    __tablename__ = "assessments"
    __table_args__ = (
        CheckConstraint(f"instrument IN ({_INSTRUMENT_VALUES})", name="instrument"),
        CheckConstraint("complete = (total IS NOT NULL)", name="total_when_complete"),
        CheckConstraint(
            "(entered_in_error_at IS NULL) = (entered_in_error_reason = '')", name="entered_in_error_with_reason"
        ),
        Index("ix_assessments_patient_taken", "patient_id", "taken_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    instrument: Mapped[str] = mapped_column(String(20))
    answers: Mapped[list[int | None]] = mapped_column(JSON)  # one per item, in the instrument's order; null = blank
    total: Mapped[int | None]  # null while incomplete
    complete: Mapped[bool]
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime())
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    entered_in_error_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    entered_in_error_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_in_error_reason: Mapped[str] = mapped_column(String(300), default="")
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

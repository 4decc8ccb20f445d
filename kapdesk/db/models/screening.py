"""Eligibility screenings. Once a prescriber signs one it never changes (the service and a trigger both refuse)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kapdesk.db.base import Base, UTCDateTime, utcnow


class ScreeningRow(Base):
    __tablename__ = "screenings"
    __table_args__ = (
        CheckConstraint("(signed_at IS NULL) = (signed_by IS NULL)", name="signed_with_signer"),
        Index("ix_screenings_patient_created", "patient_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    route: Mapped[str | None] = mapped_column(String(20))
    items: Mapped[list[str]] = mapped_column(JSON, default=list)  # ticked checklist items (screening_items.Item)
    systolic: Mapped[int]
    diastolic: Mapped[int]
    heart_rate: Mapped[int | None]
    spo2: Mapped[int | None]
    pregnancy: Mapped[str] = mapped_column(String(20))
    medication_classes: Mapped[list[str]] = mapped_column(JSON, default=list)
    rems_enrolled: Mapped[bool] = mapped_column(default=False)
    rems_enrolled_on: Mapped[date | None]
    rems_patient_id: Mapped[str] = mapped_column(String(40), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(String(20))
    reasons: Mapped[list[dict[str, object]]] = mapped_column(JSON, default=list)  # as assessed when last saved
    precautions_acknowledged: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

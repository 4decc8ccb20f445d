from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kapdesk.db.base import Base, UTCDateTime, sort_key, utcnow
from kapdesk.domain.patients import SEX_AT_BIRTH

_SEX_VALUES = ", ".join(f"'{s}'" for s in SEX_AT_BIRTH)


class Patient(Base):
    """A person the clinic treats. Never deleted: archived_at hides them from everyday lists."""

    __tablename__ = "patients"
    __table_args__ = (
        CheckConstraint(f"sex_at_birth IN ({_SEX_VALUES})", name="sex_at_birth"),
        CheckConstraint("weight_kg IS NULL OR weight_kg > 0", name="weight_positive"),
        CheckConstraint("height_cm IS NULL OR height_cm > 0", name="height_positive"),
        # Registry search: prefix ranges on folded names, already in display order.
        Index("ix_patients_last_key_first_key", "last_key", "first_key"),
        Index("ix_patients_first_key_last_key", "first_key", "last_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chart_number: Mapped[str] = mapped_column(String(20), unique=True)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    preferred_name: Mapped[str] = mapped_column(String(80), default="")
    first_key: Mapped[str] = mapped_column(sort_key(80))
    last_key: Mapped[str] = mapped_column(sort_key(80))
    date_of_birth: Mapped[date] = mapped_column(index=True)
    sex_at_birth: Mapped[str] = mapped_column(String(20), default="not recorded")
    pronouns: Mapped[str] = mapped_column(String(40), default="")

    phone: Mapped[str] = mapped_column(String(20), default="")
    phone_key: Mapped[str] = mapped_column(sort_key(20), default="", index=True)
    email: Mapped[str] = mapped_column(String(254), default="")
    address: Mapped[str] = mapped_column(Text, default="")

    escort_name: Mapped[str] = mapped_column(String(120), default="")
    escort_phone: Mapped[str] = mapped_column(String(20), default="")
    escort_relationship: Mapped[str] = mapped_column(String(60), default="")
    emergency_name: Mapped[str] = mapped_column(String(120), default="")
    emergency_phone: Mapped[str] = mapped_column(String(20), default="")
    emergency_relationship: Mapped[str] = mapped_column(String(60), default="")

    weight_kg: Mapped[float | None]
    weight_recorded_on: Mapped[date | None]
    height_cm: Mapped[float | None]
    height_recorded_on: Mapped[date | None]

    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archive_reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

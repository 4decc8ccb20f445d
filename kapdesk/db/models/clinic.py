from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from kapdesk.db.base import Base, UTCDateTime, utcnow


class ClinicProfileRow(Base):
    """The clinic's own details: one row, written at first-run set-up."""

    __tablename__ = "clinic_profile"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    address: Mapped[str] = mapped_column(String(400), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    time_zone: Mapped[str] = mapped_column(String(60))
    paper_size: Mapped[str] = mapped_column(String(10), default="letter")  # documents.sheet_layout.PAGE_SIZES
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)  # PNG or JPEG for the letterhead
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class ClinicSetting(Base):
    __tablename__ = "clinic_settings"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))

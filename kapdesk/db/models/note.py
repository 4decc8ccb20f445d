from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kapdesk.db.base import Base, UTCDateTime, utcnow
from kapdesk.domain.notes import NoteKind

_KIND_VALUES = ", ".join(f"'{k.value}'" for k in NoteKind)


class Note(Base):
    """A clinical or psychotherapy note. Never deleted; once signed, never changed (the service and a
    database trigger both refuse)."""

    __tablename__ = "notes"
    __table_args__ = (
        CheckConstraint(f"kind IN ({_KIND_VALUES})", name="kind"),
        CheckConstraint("(signed_at IS NULL) = (signed_by IS NULL)", name="signed_with_signer"),
        Index("ix_notes_patient_created", "patient_id", "created_at"),  # a chart's notes, oldest first
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

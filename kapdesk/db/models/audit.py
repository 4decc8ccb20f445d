"""The audit trail. Rows are only ever inserted: triggers made by the migration refuse UPDATE and DELETE."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from kapdesk.db.base import Base, UTCDateTime


class AuditEventRow(Base):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_patient", "patient_id", "id"),
        Index("ix_audit_events_user", "username", "id"),
    )

    # The chain's sequence number, given by the writer under the chain-head lock (not a database sequence,
    # which leaves gaps on rollback): 1, 2, 3… with no gaps, so a missing row is itself evidence.
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    user_id: Mapped[int | None]
    username: Mapped[str] = mapped_column(String(80))
    workstation: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(30))
    category: Mapped[str] = mapped_column(String(30))
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(40))
    patient_id: Mapped[int | None]
    outcome: Mapped[str] = mapped_column(String(10))
    summary: Mapped[str] = mapped_column(String(300))
    mac: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The end of the chain, sealed with the key; also the lock every writer takes to append."""

    __tablename__ = "audit_head"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_sequence: Mapped[int]
    last_mac: Mapped[str] = mapped_column(String(64))
    head_mac: Mapped[str] = mapped_column(String(64))
    key_check: Mapped[str | None] = mapped_column(String(64))

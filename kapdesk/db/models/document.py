"""Document templates (versioned) and the documents made from them for patients. A document keeps the exact PDF
bytes it was made as, with their SHA-256; once signed, nothing of it changes but a revocation (a trigger refuses
the rest on both databases)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kapdesk.db.base import Base, UTCDateTime, utcnow


class DocumentTemplateRow(Base):
    __tablename__ = "document_templates"
    __table_args__ = (UniqueConstraint("code", "version", name="document_code_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[int]
    status: Mapped[str] = mapped_column(String(10))  # document_templates.TemplateStatus
    kind: Mapped[str] = mapped_column(String(20))  # document_templates.DocumentKind
    title: Mapped[str] = mapped_column(String(120))
    routes: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: seeded
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    row_version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": row_version}  # noqa: RUF012


class PatientDocumentRow(Base):
    __tablename__ = "patient_documents"
    __table_args__ = (
        CheckConstraint("(signed_at IS NULL) = (signed_method IS NULL)", name="signed_with_method"),
        CheckConstraint("revoked_on IS NULL OR signed_at IS NOT NULL", name="revoked_after_signing"),
        Index("ix_patient_documents_patient", "patient_id", "made_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"))
    kind: Mapped[str] = mapped_column(String(20))
    route: Mapped[str | None] = mapped_column(String(20))  # the course's route when it was made
    template_id: Mapped[int] = mapped_column(ForeignKey("document_templates.id"))
    title: Mapped[str] = mapped_column(String(120))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    made_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    made_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    signed_method: Mapped[str | None] = mapped_column(String(12))  # "wet" or "electronic"
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    signer_name: Mapped[str] = mapped_column(String(200), default="")
    witness_name: Mapped[str] = mapped_column(String(200), default="")
    signed_recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_on: Mapped[date | None]
    revoke_reason: Mapped[str] = mapped_column(Text, default="")
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

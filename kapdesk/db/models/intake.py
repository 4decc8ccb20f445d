"""The intake record on a patient's chart. Rows are never deleted: a diagnosis is resolved, a medication stopped, an
allergy removed, each with its date, and stays on the record."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kapdesk.db.base import Base, UTCDateTime, utcnow


class DiagnosisRow(Base):
    __tablename__ = "diagnoses"
    __table_args__ = (Index("ix_diagnoses_patient", "patient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    code: Mapped[str] = mapped_column(String(8))
    description: Mapped[str] = mapped_column(String(200))
    treatment_resistant: Mapped[bool] = mapped_column(default=False)
    diagnosed_on: Mapped[date | None]
    resolved_on: Mapped[date | None]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class MedicationRow(Base):
    __tablename__ = "medications"
    __table_args__ = (Index("ix_medications_patient", "patient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    name: Mapped[str] = mapped_column(String(120))
    dose: Mapped[str] = mapped_column(String(200), default="")
    med_class: Mapped[str] = mapped_column(String(20))
    started_on: Mapped[date | None]
    stopped_on: Mapped[date | None]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class AllergyRow(Base):
    __tablename__ = "allergies"
    __table_args__ = (Index("ix_allergies_patient", "patient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    substance: Mapped[str] = mapped_column(String(120))
    reaction: Mapped[str] = mapped_column(String(200), default="")
    removed_on: Mapped[date | None]
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class MedicalHistoryRow(Base):
    """Free-text medical history, one per patient, edited with a version check."""

    __tablename__ = "medical_histories"

    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"), primary_key=True)
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012


class VitalsRow(Base):
    """A set of readings taken at intake or screening; never edited (a wrong one is superseded by a new one)."""

    __tablename__ = "vitals"
    __table_args__ = (Index("ix_vitals_patient_taken", "patient_id", "taken_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    systolic: Mapped[int]
    diastolic: Mapped[int]
    heart_rate: Mapped[int | None]
    spo2: Mapped[int | None]
    taken_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

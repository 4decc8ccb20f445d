"""Reading the intake: its rows as the domain's plain values, and the whole record of one patient at once."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kapdesk.db.models import AllergyRow, DiagnosisRow, MedicalHistoryRow, MedicationRow, Patient, VitalsRow
from kapdesk.domain.intake import Allergy, Diagnosis, Intake, Medication, MedicationClass, Vitals


def _value(kind: type[Any], row: Any, **converted: Any) -> Any:
    """The value type of a row: its fields are the row's columns of the same names."""
    return kind(**{f.name: converted.get(f.name, getattr(row, f.name)) for f in fields(kind)})


def diagnosis_value(row: DiagnosisRow) -> Diagnosis:
    return _value(Diagnosis, row)


def medication_value(row: MedicationRow) -> Medication:
    return _value(Medication, row, med_class=MedicationClass(row.med_class))


def allergy_value(row: AllergyRow) -> Allergy:
    return _value(Allergy, row)


def vitals_value(row: VitalsRow) -> Vitals:
    return _value(Vitals, row)


def read_intake(session: Session, patient: Patient) -> Intake:
    """Past entries included (current ones first, each group as entered), vitals newest first."""

    def listed(model: Any, ended: Any) -> list[Any]:
        statement = select(model).where(model.patient_id == patient.id).order_by(ended.is_not(None), model.id)
        return list(session.scalars(statement))

    history = session.get(MedicalHistoryRow, patient.id)
    vitals = session.scalars(
        select(VitalsRow)
        .where(VitalsRow.patient_id == patient.id)
        .order_by(VitalsRow.taken_at.desc(), VitalsRow.id.desc())
    )
    return Intake(
        patient_id=patient.id,
        diagnoses=tuple(diagnosis_value(r) for r in listed(DiagnosisRow, DiagnosisRow.resolved_on)),
        medications=tuple(medication_value(r) for r in listed(MedicationRow, MedicationRow.stopped_on)),
        allergies=tuple(allergy_value(r) for r in listed(AllergyRow, AllergyRow.removed_on)),
        history=history.body if history else "",
        history_version=history.version if history else 0,
        vitals=tuple(vitals_value(v) for v in vitals),
        weight_kg=patient.weight_kg,
        weight_recorded_on=patient.weight_recorded_on,
        height_cm=patient.height_cm,
        height_recorded_on=patient.height_recorded_on,
    )

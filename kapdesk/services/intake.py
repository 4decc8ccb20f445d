"""The intake record on the chart: diagnoses, medications, allergies, medical history, vitals.

Nothing here is ever deleted: a diagnosis is resolved, a medication stopped, an allergy removed, each with its date,
and the entry stays on the record. Every write checks what was typed against the patient (on file, not archived,
born before the dates given) before anything is written. Audit events name the kind of entry, never the code, drug
or text: those are clinical content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kapdesk.db.models import AllergyRow, DiagnosisRow, MedicalHistoryRow, MedicationRow, Patient, VitalsRow
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.errors import ConflictError, FieldError, KapdeskError, NotFound, ValidationFailed
from kapdesk.domain.intake import (
    DETAIL_MAX,
    HISTORY_MAX,
    NAME_MAX,
    Allergy,
    Diagnosis,
    Intake,
    Medication,
    MedicationClass,
    Vitals,
    check_code,
    check_vitals,
    option_for,
)
from kapdesk.domain.permissions import Permission
from kapdesk.services.audit_trail import Entry
from kapdesk.services.intake_rows import allergy_value, diagnosis_value, medication_value, read_intake, vitals_value
from kapdesk.services.schedule_setup import read_zone_name
from kapdesk.services.work import Unit, Work, audited

RESISTANT_PREFIXES = ("F32", "F33", "F31")  # depressive episodes, recurrent depression, bipolar depression


def resistant_applies(code: str) -> bool:
    """Whether a diagnosis may carry the treatment-resistant flag: as the catalogue says for its codes, and for
    depressive or bipolar codes typed by hand."""
    option = option_for(code)
    return option.resistant_applies if option is not None else code.strip().upper().startswith(RESISTANT_PREFIXES)


class PatientArchived(KapdeskError):
    title = "Record archived"


class History(NamedTuple):
    """The medical history as it now stands (what a ConflictError on it carries)."""

    body: str
    version: int


@dataclass(frozen=True)
class _Kind:
    """One kind of list entry on the intake, for the shared resolve/stop/remove path."""

    model: Any
    entity: str  # for the audit trail
    noun: str  # for people
    value: Callable[[Any], Any]
    pick: Callable[[Intake], tuple[Any, ...]]


_DIAGNOSIS = _Kind(DiagnosisRow, "diagnosis", "diagnosis", diagnosis_value, lambda i: i.diagnoses)
_MEDICATION = _Kind(MedicationRow, "medication", "medication", medication_value, lambda i: i.medications)
_ALLERGY = _Kind(AllergyRow, "allergy", "allergy", allergy_value, lambda i: i.allergies)


class IntakeService:
    def __init__(self, work: Work) -> None:
        self._work = work

    # -- reading ---------------------------------------------------------------------------------------

    @audited(Action.VIEW)
    def get(self, patient_id: int) -> Intake:
        """The whole intake, past entries included (current ones first), vitals newest first."""
        with self._work.unit(Permission.VIEW_CLINICAL) as unit:
            intake = read_intake(unit.session, _patient(unit.session, patient_id))
            unit.record(_entry(Action.VIEW, "intake", patient_id, patient_id, "opened intake"))
        return intake

    # -- diagnoses -------------------------------------------------------------------------------------

    @audited(Action.CREATE)
    def add_diagnosis(
        self,
        patient_id: int,
        code: str,
        description: str,
        *,
        treatment_resistant: bool = False,
        diagnosed_on: date | None = None,
    ) -> Outcome[Diagnosis]:
        code = code.strip().upper()
        option = option_for(code)
        description = description.strip() or (option.description if option else "")
        errors = check_code(code, description)
        if treatment_resistant and not any(e.field == "code" for e in errors) and not resistant_applies(code):
            errors.append(
                FieldError(
                    "treatment_resistant",
                    "Only a depressive or bipolar-depression diagnosis can be marked treatment-resistant.",
                )
            )
        with self._work.unit(Permission.WRITE_CLINICAL) as unit:
            patient = _writable(unit.session, patient_id)
            errors += self._dates(patient, diagnosed_on=diagnosed_on)
            current = select(DiagnosisRow.id).where(
                DiagnosisRow.patient_id == patient_id, DiagnosisRow.code == code, DiagnosisRow.resolved_on.is_(None)
            )
            if unit.session.scalar(current.limit(1)) is not None:
                errors.append(FieldError("code", "This diagnosis is already on the record."))
            _refuse(errors)
            return self._added(
                unit,
                _DIAGNOSIS,
                patient_id,
                "added diagnosis",
                code=code,
                description=description,
                treatment_resistant=treatment_resistant,
                diagnosed_on=diagnosed_on,
            )

    @audited(Action.UPDATE)
    def resolve_diagnosis(self, diagnosis_id: int, expected_version: int, resolved_on: date) -> Outcome[Diagnosis]:
        def resolve(row: DiagnosisRow, patient: Patient) -> str:
            if row.resolved_on is not None:
                _refuse([FieldError("resolved_on", "This diagnosis is already resolved.")])
            errors = self._dates(patient, resolved_on=resolved_on, required=("resolved_on",))
            if not errors and row.diagnosed_on and resolved_on < row.diagnosed_on:
                errors.append(FieldError("resolved_on", "The diagnosis can't be resolved before it was made."))
            _refuse(errors)
            row.resolved_on = resolved_on
            return "resolved diagnosis"

        return self._change(_DIAGNOSIS, diagnosis_id, expected_version, resolve)

    @audited(Action.UPDATE)
    def set_treatment_resistant(self, diagnosis_id: int, expected_version: int, flag: bool) -> Outcome[Diagnosis]:
        def mark(row: DiagnosisRow, _patient: Patient) -> str:
            if row.resolved_on is not None:
                _refuse([FieldError("treatment_resistant", "A resolved diagnosis can't be changed.")])
            if flag and not resistant_applies(row.code):
                _refuse([FieldError("treatment_resistant", "This diagnosis can't be marked treatment-resistant.")])
            if row.treatment_resistant == flag:
                return "saved treatment-resistant flag, no change"
            row.treatment_resistant = flag
            return "changed treatment-resistant flag"

        return self._change(_DIAGNOSIS, diagnosis_id, expected_version, mark)

    # -- medications -----------------------------------------------------------------------------------

    @audited(Action.CREATE)
    def add_medication(
        self, patient_id: int, name: str, dose: str, med_class: MedicationClass | str, *, started_on: date | None = None
    ) -> Outcome[Medication]:
        name, dose = name.strip(), dose.strip()
        errors = _text("name", name, NAME_MAX, "Enter the medication's name.") + _text("dose", dose, DETAIL_MAX)
        try:
            chosen = MedicationClass(med_class)
        except ValueError:
            errors.append(FieldError("med_class", "Choose the medication's class (Other if none applies)."))
        with self._work.unit(Permission.WRITE_CLINICAL) as unit:
            errors += self._dates(_writable(unit.session, patient_id), started_on=started_on)
            _refuse(errors)
            return self._added(
                unit,
                _MEDICATION,
                patient_id,
                "added medication",
                name=name,
                dose=dose,
                med_class=chosen.value,
                started_on=started_on,
            )

    @audited(Action.UPDATE)
    def stop_medication(self, medication_id: int, expected_version: int, stopped_on: date) -> Outcome[Medication]:
        def stop(row: MedicationRow, patient: Patient) -> str:
            if row.stopped_on is not None:
                _refuse([FieldError("stopped_on", "This medication is already stopped.")])
            errors = self._dates(patient, stopped_on=stopped_on, required=("stopped_on",))
            if not errors and row.started_on and stopped_on < row.started_on:
                errors.append(FieldError("stopped_on", "A medication can't be stopped before it was started."))
            _refuse(errors)
            row.stopped_on = stopped_on
            return "stopped medication"

        return self._change(_MEDICATION, medication_id, expected_version, stop)

    # -- allergies -------------------------------------------------------------------------------------

    @audited(Action.CREATE)
    def add_allergy(self, patient_id: int, substance: str, reaction: str) -> Outcome[Allergy]:
        substance, reaction = substance.strip(), reaction.strip()
        errors = _text("substance", substance, NAME_MAX, "Enter what the patient is allergic to.")
        errors += _text("reaction", reaction, DETAIL_MAX)
        with self._work.unit(Permission.WRITE_CLINICAL) as unit:
            _writable(unit.session, patient_id)
            current = unit.session.scalars(
                select(AllergyRow.substance).where(AllergyRow.patient_id == patient_id, AllergyRow.removed_on.is_(None))
            )
            if substance and substance.casefold() in {s.casefold() for s in current}:
                errors.append(FieldError("substance", "This allergy is already on the record."))
            _refuse(errors)
            return self._added(unit, _ALLERGY, patient_id, "added allergy", substance=substance, reaction=reaction)

    @audited(Action.UPDATE)
    def remove_allergy(self, allergy_id: int, expected_version: int, removed_on: date) -> Outcome[Allergy]:
        """Take an allergy entered in error (or outgrown) off the current list; it stays on the record, struck."""

        def remove(row: AllergyRow, patient: Patient) -> str:
            if row.removed_on is not None:
                _refuse([FieldError("removed_on", "This allergy is already removed.")])
            _refuse(self._dates(patient, removed_on=removed_on, required=("removed_on",)))
            row.removed_on = removed_on
            return "removed allergy"

        return self._change(_ALLERGY, allergy_id, expected_version, remove)

    # -- history and vitals ----------------------------------------------------------------------------

    @audited(Action.UPDATE)
    def set_history(self, patient_id: int, expected_version: int, body: str) -> Outcome[int]:
        """Replace the medical history as of `expected_version` (0 before its first save); returns the new version."""
        text = body.strip()
        errors = _text("history", text, HISTORY_MAX)
        if "\x00" in text:
            errors.append(FieldError("history", "The text contains a character that can't be stored (NUL)."))
        with self._history_races(patient_id), self._work.unit(Permission.WRITE_CLINICAL) as unit:
            _writable(unit.session, patient_id)
            row = unit.session.get(MedicalHistoryRow, patient_id)
            if (row.version if row else 0) != expected_version:
                raise _history_conflict(History(row.body, row.version) if row else History("", 0))
            _refuse(errors)
            summary = "saved medical history, no change"
            if row is None and text:
                row = MedicalHistoryRow(patient_id=patient_id)
                unit.session.add(row)
            if row is not None and row.body != text:
                row.body, row.updated_by, row.updated_at = text, unit.actor.user_id, self._work.clock()
                unit.session.flush()
                summary = "edited medical history"
            unit.record(_entry(Action.UPDATE, "medical_history", patient_id, patient_id, summary))
            version = row.version if row is not None else 0
        return Outcome(version, _changed(patient_id))

    @audited(Action.CREATE)
    def record_vitals(
        self,
        patient_id: int,
        systolic: int | None,
        diastolic: int | None,
        heart_rate: int | None,
        spo2: int | None,
        taken_at: datetime | None = None,
    ) -> Outcome[Vitals]:
        """A set of baseline readings; `taken_at` (aware) defaults to now."""
        now = self._work.clock()
        taken_at = taken_at or now
        errors = check_vitals(systolic, diastolic, heart_rate, spo2)
        with self._work.unit(Permission.WRITE_CLINICAL) as unit:
            patient = _writable(unit.session, patient_id)
            if taken_at > now:
                errors.append(FieldError("taken_at", "The time they were taken can't be in the future."))
            elif taken_at.astimezone(_zone(unit)).date() < patient.date_of_birth:
                errors.append(FieldError("taken_at", "The time they were taken is before the patient was born."))
            _refuse(errors)
            row = VitalsRow(
                patient_id=patient_id,
                systolic=systolic,
                diastolic=diastolic,
                heart_rate=heart_rate,
                spo2=spo2,
                taken_at=taken_at,
                recorded_by=unit.actor.user_id,
            )
            unit.session.add(row)
            unit.session.flush()
            unit.record(_entry(Action.CREATE, "vitals", row.id, patient_id, "recorded vitals"))
            value = vitals_value(row)
        return Outcome(value, _changed(patient_id))

    # -- plumbing --------------------------------------------------------------------------------------

    def _dates(self, patient: Patient, *, required: tuple[str, ...] = (), **dates: date | None) -> list[FieldError]:
        """Impossible dates, field by field: missing where required, in the future, or before the patient's birth."""
        errors = []
        today = self._work.today()
        for field, value in dates.items():
            if value is None:
                if field in required:
                    errors.append(FieldError(field, "Enter the date."))
            elif value > today:
                errors.append(FieldError(field, "The date can't be in the future."))
            elif value < patient.date_of_birth:
                errors.append(FieldError(field, "The date is before the patient was born."))
        return errors

    def _added(self, unit: Unit, kind: _Kind, patient_id: int, summary: str, **columns: Any) -> Outcome[Any]:
        row = kind.model(
            patient_id=patient_id, recorded_by=unit.actor.user_id, recorded_at=self._work.clock(), **columns
        )
        unit.session.add(row)
        unit.session.flush()
        unit.record(_entry(Action.CREATE, kind.entity, row.id, row.patient_id, summary))
        return Outcome(kind.value(row), _changed(row.patient_id))

    def _change(
        self, kind: _Kind, entry_id: int, expected_version: int, apply: Callable[[Any, Patient], str]
    ) -> Outcome[Any]:
        """Load an entry, check its patient and version, let `apply` validate and change it, record the event.
        Another computer committing between our read and our write is caught by the version column."""
        patient_id: int | None = None
        try:
            with self._work.unit(Permission.WRITE_CLINICAL) as unit:
                row = unit.session.get(kind.model, entry_id)
                if row is None:
                    raise NotFound(f"There is no {kind.noun} with id {entry_id}.")
                patient_id = row.patient_id
                patient = _writable(unit.session, row.patient_id)
                if row.version != expected_version:
                    raise _conflict(kind, kind.value(row))
                summary = apply(row, patient)
                unit.session.flush()
                unit.record(_entry(Action.UPDATE, kind.entity, row.id, row.patient_id, summary))
                value = kind.value(row)
        except StaleDataError as error:
            assert patient_id is not None
            current = next((e for e in kind.pick(self.get(patient_id)) if e.id == entry_id), None)
            raise _conflict(kind, current) from error
        assert patient_id is not None
        return Outcome(value, _changed(patient_id))

    @contextmanager
    def _history_races(self, patient_id: int) -> Iterator[None]:
        """Two computers saving the history at once: the version column (or, for two first saves, the key) says so."""
        try:
            yield
        except (StaleDataError, IntegrityError) as error:
            intake = self.get(patient_id)
            raise _history_conflict(History(intake.history, intake.history_version)) from error


def _patient(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound(f"There is no patient with id {patient_id}.")
    return patient


def _writable(session: Session, patient_id: int) -> Patient:
    patient = _patient(session, patient_id)
    if patient.archived_at is not None:
        raise PatientArchived(
            "This patient's record is archived, so their intake can't be changed.", "Restore the record first."
        )
    return patient


def _zone(unit: Unit) -> ZoneInfo:
    return ZoneInfo(read_zone_name(unit.connection))


def _text(field: str, value: str, limit: int, missing: str = "") -> list[FieldError]:
    if not value and missing:
        return [FieldError(field, missing)]
    if len(value) > limit:
        return [FieldError(field, f"Keep it under {limit:,} characters (it is {len(value):,}).")]
    return []


def _refuse(errors: list[FieldError]) -> None:
    if errors:
        raise ValidationFailed(errors)


def _entry(action: Action, entity: str, entity_id: int, patient_id: int, summary: str) -> Entry:
    return Entry(action, Category.CLINICAL, entity, str(entity_id), patient_id=patient_id, summary=summary)


def _changed(patient_id: int) -> Changes:
    return Changes(clinical=frozenset({patient_id}))


def _conflict(kind: _Kind, current: object) -> ConflictError:
    return ConflictError(f"This {kind.noun} was changed on another computer after you opened it.", current)


def _history_conflict(current: History) -> ConflictError:
    return ConflictError("The medical history was changed on another computer after you opened it.", current)

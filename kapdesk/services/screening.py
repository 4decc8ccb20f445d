"""Eligibility screenings: record, revise until signed, sign (prescribers), and where a patient stands.

The rule itself is `kapdesk.domain.screening.assess`; this service feeds it the clinic's limits, keeps what it said
next to the answers, and refuses to change a signed screening (as a database trigger does too). Audit summaries
name the result and which parts changed, never the answers or the notes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kapdesk.db.models import MedicationRow, Patient, ScreeningRow, User, VitalsRow
from kapdesk.domain.appointments import Route
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.errors import ConflictError, FieldError, NotFound, PermissionDenied, ValidationFailed
from kapdesk.domain.intake import FLAGGED_CLASSES, MedicationClass
from kapdesk.domain.patients import age_on
from kapdesk.domain.permissions import Permission
from kapdesk.domain.screening import (
    Answers,
    Assessment,
    Limits,
    Pregnancy,
    Reason,
    Result,
    Verdict,
    assess,
    check_answers,
    pregnancy_relevant,
)
from kapdesk.domain.screening_items import Item, Severity
from kapdesk.domain.screening_record import ScreeningRecord, ScreeningSigned, check_details
from kapdesk.domain.settings import (
    BP_ALERT_DIASTOLIC,
    BP_ALERT_SYSTOLIC,
    BP_HOLD_DIASTOLIC,
    BP_HOLD_SYSTOLIC,
    HR_FLAG_ABOVE,
    SPO2_FLAG_BELOW,
    ClinicSettings,
)
from kapdesk.services.audit_trail import Entry
from kapdesk.services.clinic_admin import read_settings
from kapdesk.services.screening_rows import intake_items, verdicts
from kapdesk.services.work import Unit, Work, audited, phi_free

_ENTITY = "screening"


class ScreeningService:
    def __init__(self, work: Work) -> None:
        self._work = work

    @phi_free("the clinic's blood-pressure and oximetry limits")
    def limits(self) -> Limits:
        """What the form's live preview assesses against, so it agrees with what saving will store."""
        with self._work.database.reading() as connection:
            return limits_from(read_settings(connection))

    # -- reading ---------------------------------------------------------------------------------------

    @audited(Action.VIEW)
    def prefill(self, patient_id: int) -> Answers:
        """A new screening's starting answers: what the intake record implies, the medication classes taken now,
        the latest vitals. Pregnancy is left unanswered: it is asked at every screening."""
        with self._work.unit(Permission.VIEW_CLINICAL) as unit:
            _patient(unit.session, patient_id)
            implied = intake_items(unit.connection, [patient_id])[patient_id]
            taken = unit.session.scalars(
                select(MedicationRow.med_class).where(
                    MedicationRow.patient_id == patient_id, MedicationRow.stopped_on.is_(None)
                )
            )
            latest = unit.session.execute(
                select(VitalsRow.systolic, VitalsRow.diastolic, VitalsRow.heart_rate, VitalsRow.spo2)
                .where(VitalsRow.patient_id == patient_id)
                .order_by(VitalsRow.taken_at.desc(), VitalsRow.id.desc())
                .limit(1)
            ).first()
            unit.record(_entry(Action.VIEW, patient_id, "", "prefilled a screening from the intake record"))
        systolic, diastolic, heart_rate, spo2 = latest if latest is not None else (None, None, None, None)
        return Answers(
            items=frozenset(item for item, _ in implied),
            systolic=systolic,
            diastolic=diastolic,
            heart_rate=heart_rate,
            spo2=spo2,
            pregnancy=Pregnancy.NOT_ASKED,
            medication_classes=frozenset(MedicationClass(c) for c in taken) & frozenset(FLAGGED_CLASSES),
        )

    @audited(Action.VIEW)
    def history(self, patient_id: int) -> list[ScreeningRecord]:
        """Every screening of the patient, newest first."""
        with self._work.unit(Permission.VIEW_CLINICAL) as unit:
            _patient(unit.session, patient_id)
            rows = unit.session.scalars(
                select(ScreeningRow)
                .where(ScreeningRow.patient_id == patient_id)
                .order_by(ScreeningRow.created_at.desc(), ScreeningRow.id.desc())
            ).all()
            names = _names(unit.session, [u for row in rows for u in (row.created_by, row.signed_by)])
            records = [_record(row, names) for row in rows]
            unit.record(_entry(Action.VIEW, patient_id, "", f"listed screenings: {len(records)}"))
        return records

    @audited(Action.VIEW)
    def verdict(self, patient_id: int) -> Verdict:
        """Where the patient stands for dosing today (see screening_rows.verdicts)."""
        with self._work.unit(Permission.VIEW_CLINICAL) as unit:
            _patient(unit.session, patient_id)
            found = verdicts(unit.connection, [patient_id], self._work.today())[patient_id]
            entity_id = str(found.screening_id or "")
            unit.record(_entry(Action.VIEW, patient_id, entity_id, f"read screening standing: {found.standing.value}"))
        return found

    # -- writing ---------------------------------------------------------------------------------------

    @audited(Action.CREATE)
    def record(
        self,
        patient_id: int,
        answers: Answers,
        *,
        notes: str = "",
        rems_enrolled_on: date | None = None,
        rems_patient_id: str = "",
    ) -> Outcome[ScreeningRecord]:
        """Save a new, unsigned screening, assessed with the clinic's limits; its blood pressure also becomes
        the patient's latest vitals."""
        with self._work.unit(Permission.WRITE_CLINICAL) as unit:
            patient = _patient(unit.session, patient_id)
            assessment = self._checked(unit, patient, answers, notes, rems_enrolled_on, rems_patient_id)
            now = self._work.clock()
            row = ScreeningRow(patient_id=patient_id, created_by=unit.actor.user_id, created_at=now)
            _fill(row, answers, assessment, notes, rems_enrolled_on, rems_patient_id)
            row.updated_at = now
            unit.session.add(row)
            self._add_vitals(unit, patient_id, answers)
            unit.session.flush()
            summary = f"recorded screening: {assessment.result.label.lower()}"
            unit.record(_entry(Action.CREATE, patient_id, str(row.id), summary))
            record = _record(row, _names(unit.session, [row.created_by]))
        return Outcome(record, Changes(clinical=frozenset({patient_id})))

    @audited(Action.UPDATE)
    def revise(
        self,
        screening_id: int,
        expected_version: int,
        answers: Answers,
        *,
        notes: str = "",
        rems_enrolled_on: date | None = None,
        rems_patient_id: str = "",
    ) -> Outcome[ScreeningRecord]:
        """Change an unsigned screening, as of `expected_version`. A new blood pressure is a new vitals reading
        (readings are never edited)."""
        with self._guard_races(screening_id), self._work.unit(Permission.WRITE_CLINICAL) as unit:
            row = _open(unit.session, screening_id, expected_version, ScreeningSigned())
            patient = _patient(unit.session, row.patient_id)
            assessment = self._checked(unit, patient, answers, notes, rems_enrolled_on, rems_patient_id)
            before = _parts(row)
            _fill(row, answers, assessment, notes, rems_enrolled_on, rems_patient_id)
            changed = [name for name, value in _parts(row).items() if before[name] != value]
            if changed:
                row.updated_at = self._work.clock()
                if "blood pressure" in changed:
                    self._add_vitals(unit, row.patient_id, answers)
                unit.session.flush()
            what = f" ({', '.join(changed)})" if changed else ", no change"
            summary = f"revised screening{what}: {assessment.result.label.lower()}"
            unit.record(_entry(Action.UPDATE, row.patient_id, str(row.id), summary))
            record = _record(row, _names(unit.session, [row.created_by]))
        return Outcome(record, Changes(clinical=frozenset({record.patient_id})))

    @audited(Action.SIGN)
    def sign(
        self, screening_id: int, expected_version: int, *, acknowledge_precautions: bool = False
    ) -> Outcome[ScreeningRecord]:
        """A prescriber signs the screening they read (`expected_version`); from then on it never changes.
        Eligible-with-precautions is signed only with the precautions acknowledged."""
        with self._guard_races(screening_id), self._work.unit(Permission.SIGN_SCREENING) as unit:
            if unit.actor.user_id is None:
                raise PermissionDenied("A screening is signed by a person.", "Sign in with your own account.")
            row = _open(
                unit.session, screening_id, expected_version, ScreeningSigned("This screening is already signed.")
            )
            precautions = row.result == Result.PRECAUTIONS
            if precautions and not acknowledge_precautions:
                raise ValidationFailed([FieldError("acknowledge", "Confirm that you have reviewed the precautions.")])
            row.signed_at = self._work.clock()
            row.signed_by = unit.actor.user_id
            row.precautions_acknowledged = precautions
            unit.session.flush()
            summary = f"signed screening: {Result(row.result).label.lower()}"
            unit.record(_entry(Action.SIGN, row.patient_id, str(row.id), summary))
            record = _record(row, _names(unit.session, [row.created_by, row.signed_by]))
        return Outcome(record, Changes(clinical=frozenset({record.patient_id})))

    # -- plumbing --------------------------------------------------------------------------------------

    def _checked(
        self,
        unit: Unit,
        patient: Patient,
        answers: Answers,
        notes: str,
        rems_enrolled_on: date | None,
        rems_patient_id: str,
    ) -> Assessment:
        """The assessment, or ValidationFailed before anything is written."""
        today = self._work.today()
        asked = pregnancy_relevant(patient.sex_at_birth, age_on(patient.date_of_birth, today))
        errors = check_answers(answers, pregnancy_asked=asked)
        errors += check_details(answers, notes, rems_enrolled_on, rems_patient_id, today)
        if errors:
            raise ValidationFailed(errors)
        return assess(answers, limits_from(read_settings(unit.connection)))

    def _add_vitals(self, unit: Unit, patient_id: int, answers: Answers) -> None:
        assert answers.systolic is not None and answers.diastolic is not None  # checked by check_answers
        unit.session.add(
            VitalsRow(
                patient_id=patient_id,
                systolic=answers.systolic,
                diastolic=answers.diastolic,
                heart_rate=answers.heart_rate,
                spo2=answers.spo2,
                taken_at=self._work.clock(),
                recorded_by=unit.actor.user_id,
            )
        )

    @contextmanager
    def _guard_races(self, screening_id: int) -> Iterator[None]:
        """Another PC may commit between our version check and our write; the version column catches it."""
        try:
            yield
        except StaleDataError as error:
            raise _conflict(self._reread(screening_id)) from error

    def _reread(self, screening_id: int) -> ScreeningRecord:
        with self._work.unit(Permission.VIEW_CLINICAL) as unit:
            row = _load(unit.session, screening_id)
            unit.record(_entry(Action.VIEW, row.patient_id, str(row.id), "read a screening again after a conflict"))
            return _record(row, _names(unit.session, [row.created_by, row.signed_by]))


def limits_from(settings: ClinicSettings) -> Limits:
    return Limits(
        hold_systolic=settings[BP_HOLD_SYSTOLIC],
        hold_diastolic=settings[BP_HOLD_DIASTOLIC],
        alert_systolic=settings[BP_ALERT_SYSTOLIC],
        alert_diastolic=settings[BP_ALERT_DIASTOLIC],
        max_heart_rate=settings[HR_FLAG_ABOVE],
        min_spo2=settings[SPO2_FLAG_BELOW],
    )


def _patient(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound(f"There is no patient with id {patient_id}.")
    return patient


def _load(session: Session, screening_id: int) -> ScreeningRow:
    row = session.get(ScreeningRow, screening_id)
    if row is None:
        raise NotFound(f"There is no screening with id {screening_id}.")
    return row


def _open(session: Session, screening_id: int, expected_version: int, signed: ScreeningSigned) -> ScreeningRow:
    """The screening, if it is still unsigned (else `signed` is raised) and as the user read it."""
    row = _load(session, screening_id)
    if row.signed_at is not None:
        raise signed
    if row.version != expected_version:
        raise _conflict(_record(row, _names(session, [row.created_by])))
    return row


def _fill(
    row: ScreeningRow,
    answers: Answers,
    assessment: Assessment,
    notes: str,
    rems_enrolled_on: date | None,
    rems_patient_id: str,
) -> None:
    row.route = answers.route.value if answers.route else None
    row.items = [item.value for item in Item if item in answers.items]  # checklist order, so equal lists compare
    row.systolic, row.diastolic = answers.systolic, answers.diastolic  # type: ignore[assignment]
    row.heart_rate, row.spo2 = answers.heart_rate, answers.spo2
    row.pregnancy = answers.pregnancy.value
    row.medication_classes = [c.value for c in MedicationClass if c in answers.medication_classes]
    row.rems_enrolled = answers.rems_enrolled
    row.rems_enrolled_on = rems_enrolled_on if answers.rems_enrolled else None
    row.rems_patient_id = rems_patient_id.strip() if answers.rems_enrolled else ""
    row.notes = notes.strip()
    row.result = assessment.result.value
    row.reasons = [
        {"text": r.text, "severity": r.severity.value, "overridable": r.overridable} for r in assessment.reasons
    ]


def _parts(row: ScreeningRow) -> dict[str, object]:
    """What a revision may change, by the names an audit summary gives them."""
    return {
        "checklist": list(row.items),
        "blood pressure": (row.systolic, row.diastolic, row.heart_rate, row.spo2),
        "pregnancy": row.pregnancy,
        "medications": list(row.medication_classes),
        "route": row.route,
        "REMS": (row.rems_enrolled, row.rems_enrolled_on, row.rems_patient_id),
        "notes": row.notes,
        "result": (row.result, list(row.reasons)),  # the clinic's limits may have changed since
    }


def _names(session: Session, user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {u for u in user_ids if u is not None}
    if not ids:
        return {}
    return {user_id: name for user_id, name in session.execute(select(User.id, User.full_name).where(User.id.in_(ids)))}


def _record(row: ScreeningRow, names: dict[int, str]) -> ScreeningRecord:
    answers = Answers(
        items=frozenset(Item(i) for i in row.items),
        systolic=row.systolic,
        diastolic=row.diastolic,
        heart_rate=row.heart_rate,
        spo2=row.spo2,
        pregnancy=Pregnancy(row.pregnancy),
        medication_classes=frozenset(MedicationClass(c) for c in row.medication_classes),
        route=Route(row.route) if row.route else None,
        rems_enrolled=bool(row.rems_enrolled),
    )
    reasons = tuple(
        Reason(str(r["text"]), Severity(str(r["severity"])), bool(r.get("overridable", True))) for r in row.reasons
    )
    return ScreeningRecord(
        id=row.id,
        patient_id=row.patient_id,
        answers=answers,
        assessment=Assessment(Result(row.result), reasons),
        notes=row.notes,
        rems_enrolled_on=row.rems_enrolled_on,
        rems_patient_id=row.rems_patient_id,
        created_by_name=names.get(row.created_by, "") if row.created_by is not None else "",
        created_at=row.created_at,
        signed_by_name=names.get(row.signed_by, "") if row.signed_by is not None else "",
        signed_at=row.signed_at,
        precautions_acknowledged=bool(row.precautions_acknowledged),
        version=row.version,
    )


def _entry(action: Action, patient_id: int, entity_id: str, summary: str) -> Entry:
    return Entry(action, Category.CLINICAL, _ENTITY, entity_id, patient_id=patient_id, summary=summary)


def _conflict(current: ScreeningRecord) -> ConflictError:
    return ConflictError("This screening was changed on another computer after you opened it.", current)

"""The patient registry: find, create, edit, archive and restore patients."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache

from sqlalchemy import Integer, Select, and_, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kapdesk.db.models import Patient
from kapdesk.domain import patient_search as q
from kapdesk.domain.audit import Action, Category
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.contacts import parse_phone
from kapdesk.domain.errors import ConflictError, NotFound, ValidationFailed
from kapdesk.domain.folding import prefix_upper_bound, search_key
from kapdesk.domain.patients import (
    CHART_PREFIX,
    PatientDraft,
    PatientRecord,
    PatientSummary,
    changed_fields,
    date_new_measures,
    format_chart_number,
    validate,
)
from kapdesk.domain.permissions import Permission
from kapdesk.services.audit_trail import Entry
from kapdesk.services.work import Unit, Work, audited, phi_free

SEARCH_LIMIT = 50
_DRAFT_FIELDS = tuple(PatientDraft.__dataclass_fields__)
_SUMMARY_COLUMNS = (
    Patient.id,
    Patient.chart_number,
    Patient.first_name,
    Patient.last_name,
    Patient.preferred_name,
    Patient.date_of_birth,
    Patient.phone,
    Patient.archived_at.is_not(None),
)


class PatientService:
    def __init__(self, work: Work) -> None:
        self._work = work

    @phi_free("the clinic's date")
    def today(self) -> date:
        """The clinic's today (injectable, so ages and dates are testable on any day)."""
        return self._work.today()

    # -- reading ---------------------------------------------------------------------------------------

    @audited(Action.SEARCH)
    def search(self, text: str, *, include_archived: bool = False, limit: int = SEARCH_LIMIT) -> list[PatientSummary]:
        """As-you-type search: each reading of the text is one indexed range query, merged in reading order.

        Text that can be read no way at all (say an impossible date) finds nobody, rather than everybody.
        The audit event says how the text was read and how many were listed, never the text itself.
        """
        criteria = q.interpret(text)
        plans = [_plan(c) for c in criteria] if criteria else [] if text.strip() else [("all", {})]
        found: dict[int, PatientSummary] = {}
        with self._work.core_unit(Permission.VIEW_DEMOGRAPHICS) as unit:
            connection = unit.connection
            for kind, params in plans:  # the first reading usually fills the page
                statement = _statement(kind, include_archived)
                for row in connection.execute(statement, {**params, "limit": limit}).all():
                    found.setdefault(row[0], PatientSummary(*row))
                if len(found) >= limit:
                    break
            readings = "/".join(kind for kind, _ in plans) or "unreadable"
            unit.record(
                Entry(
                    Action.SEARCH,
                    Category.DEMOGRAPHICS,
                    "patient",
                    "",
                    summary=f"search by {readings}: {min(len(found), limit)} listed",
                )
            )
        return list(found.values())[:limit]

    @audited(Action.VIEW)
    def get(self, patient_id: int) -> PatientRecord:
        with self._work.unit(Permission.VIEW_DEMOGRAPHICS) as unit:
            record = patient_record(_load(unit.session, patient_id))
            _note(unit, Action.VIEW, record.id, "opened the record")
        return record

    # -- changing --------------------------------------------------------------------------------------

    @audited(Action.CREATE)
    def create(self, draft: PatientDraft) -> Outcome[PatientRecord]:
        clean = self._checked(draft)
        for _attempt in range(5):  # another PC may take the same chart number; try the next one
            try:
                with self._work.unit(Permission.EDIT_DEMOGRAPHICS) as unit:
                    patient = Patient(chart_number=_next_chart_number(unit.session))
                    _apply(patient, clean)
                    unit.session.add(patient)
                    unit.session.flush()
                    record = patient_record(patient)
                    _note(unit, Action.CREATE, record.id, f"registered {record.chart_number}")
                return Outcome(record, Changes(patients=frozenset({record.id})))
            except IntegrityError as error:
                if "chart_number" not in str(error.orig):
                    raise
        raise RuntimeError("could not allocate a chart number after 5 attempts")

    @audited(Action.UPDATE)
    def update(self, patient_id: int, expected_version: int, draft: PatientDraft) -> Outcome[PatientRecord]:
        """Save an edit made to version `expected_version`; refuse if someone saved a newer one since."""
        clean = self._checked(draft)
        with self._guard_races(patient_id), self._work.unit(Permission.EDIT_DEMOGRAPHICS) as unit:
            patient = _load(unit.session, patient_id)
            _require_version(patient, expected_version)
            before = patient_record(patient).as_draft()
            changed = changed_fields(before, clean)
            if changed:
                _apply(patient, date_new_measures(before, clean, self._work.today()))
                unit.session.flush()
            record = patient_record(patient)
            _note(unit, Action.UPDATE, patient_id, f"changed {', '.join(changed)}" if changed else "saved, no change")
        return Outcome(record, Changes(patients=frozenset({patient_id})))

    @audited(Action.ARCHIVE)
    def archive(self, patient_id: int, expected_version: int, reason: str) -> Outcome[PatientRecord]:
        return self._set_archived(patient_id, expected_version, self._work.clock(), reason.strip())

    @audited(Action.RESTORE)
    def restore(self, patient_id: int, expected_version: int) -> Outcome[PatientRecord]:
        return self._set_archived(patient_id, expected_version, None, "")

    def _set_archived(
        self, patient_id: int, expected_version: int, archived_at: datetime | None, reason: str
    ) -> Outcome[PatientRecord]:
        with self._guard_races(patient_id), self._work.unit(Permission.EDIT_DEMOGRAPHICS) as unit:
            patient = _load(unit.session, patient_id)
            _require_version(patient, expected_version)
            if (patient.archived_at is None) != (archived_at is None):  # archiving twice keeps the first reason
                patient.archived_at = archived_at
                patient.archive_reason = reason[:200]
                unit.session.flush()
            record = patient_record(patient)
            action = Action.RESTORE if archived_at is None else Action.ARCHIVE
            _note(unit, action, patient_id, "restored" if archived_at is None else "archived")
        return Outcome(record, Changes(patients=frozenset({patient_id})))

    @contextmanager
    def _guard_races(self, patient_id: int) -> Iterator[None]:
        """Another PC may commit between our version check and our write; the version column catches it."""
        try:
            yield
        except StaleDataError as error:
            raise _conflict(self.get(patient_id)) from error

    def _checked(self, draft: PatientDraft) -> PatientDraft:
        clean, errors = validate(draft, self._work.today())
        if errors:
            raise ValidationFailed(errors)
        return clean


def _note(unit: Unit, action: Action, patient_id: int, summary: str) -> None:
    unit.record(
        Entry(action, Category.DEMOGRAPHICS, "patient", str(patient_id), patient_id=patient_id, summary=summary)
    )


def _plan(criterion: q.Criterion) -> tuple[str, dict[str, object]]:
    """Which prepared statement answers this reading, and with which values."""
    match criterion:
        case q.NamePrefix(last=last, first=""):
            return "last", _range("last", last)
        case q.NamePrefix(last=last, first=first):
            return "last_first", _range("last", last) | _range("first", first)
        case q.FirstNamePrefix(first=first):
            return "first", _range("first", first)
        case q.ChartNumber(prefix=prefix):
            return "chart", _range("chart", prefix)
        case q.BirthDate(value=value):
            return "birth", {"birth": value}
        case q.PhonePrefix(digits=digits):
            return "phone", _range("phone", digits)
    raise TypeError(criterion)


def _range(name: str, prefix: str) -> dict[str, object]:
    """Bounds of a prefix range, which both databases answer from a b-tree index (LIKE can't on every collation)."""
    return {f"{name}_lo": prefix, f"{name}_hi": prefix_upper_bound(prefix)}


def _in_range(column, name: str):  # type: ignore[no-untyped-def]
    return and_(column >= bindparam(f"{name}_lo"), column < bindparam(f"{name}_hi"))


_BY_NAME = (Patient.last_key, Patient.first_key, Patient.id)
_QUERIES = {
    "all": ((), _BY_NAME),
    "last": ((_in_range(Patient.last_key, "last"),), _BY_NAME),
    "last_first": ((_in_range(Patient.last_key, "last"), _in_range(Patient.first_key, "first")), _BY_NAME),
    "first": ((_in_range(Patient.first_key, "first"),), (Patient.first_key, Patient.last_key, Patient.id)),
    "chart": ((_in_range(Patient.chart_number, "chart"),), (Patient.chart_number,)),
    "birth": ((Patient.date_of_birth == bindparam("birth"),), _BY_NAME),
    "phone": ((_in_range(Patient.phone_key, "phone"),), (Patient.phone_key, Patient.id)),
}


@cache
def _statement(kind: str, include_archived: bool) -> Select:  # type: ignore[type-arg]
    """Built once per kind: rebuilding a statement costs more than running it on an indexed table."""
    where, order = _QUERIES[kind]
    statement = select(*_SUMMARY_COLUMNS).where(*where)
    if not include_archived:
        statement = statement.where(Patient.archived_at.is_(None))
    return statement.order_by(*order).limit(bindparam("limit", type_=Integer))


def _load(session: Session, patient_id: int) -> Patient:
    patient = session.get(Patient, patient_id)
    if patient is None:
        raise NotFound(f"There is no patient with id {patient_id}.")
    return patient


def _require_version(patient: Patient, expected_version: int) -> None:
    if patient.version != expected_version:
        raise _conflict(patient_record(patient))


def _conflict(current: PatientRecord) -> ConflictError:
    return ConflictError(
        f"{current.display_name}'s record was changed on another computer after you opened it.", current
    )


def _next_chart_number(session: Session) -> str:
    highest = session.scalar(
        select(func.max(Patient.chart_number)).where(Patient.chart_number.like(f"{CHART_PREFIX}%"))
    )
    sequence = int(highest[len(CHART_PREFIX) :]) + 1 if highest else 1
    return format_chart_number(sequence)


def _apply(patient: Patient, draft: PatientDraft) -> None:
    for name in _DRAFT_FIELDS:
        setattr(patient, name, getattr(draft, name))
    patient.first_key = search_key(draft.first_name)
    patient.last_key = search_key(draft.last_name)
    patient.phone_key = _phone_key(draft.phone)


def _phone_key(e164: str) -> str:
    """National digits of a stored E.164 number (+15035550123 -> 5035550123), for prefix search."""
    return parse_phone(e164).national_digits if e164 else ""


def patient_record(patient: Patient) -> PatientRecord:
    values = {name: getattr(patient, name) for name in _DRAFT_FIELDS}
    return PatientRecord(
        **values,
        id=patient.id,
        chart_number=patient.chart_number,
        version=patient.version,
        archived_at=patient.archived_at,
        archive_reason=patient.archive_reason,
        updated_at=patient.updated_at,
    )

"""Patients: the values a registry holds, the rules they must satisfy, and chart alerts."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime

from kapdesk.domain.contacts import check_email, parse_phone
from kapdesk.domain.errors import FieldError
from kapdesk.domain.folding import fold

MAX_AGE_YEARS = 120
WEIGHT_KG_RANGE = (20.0, 350.0)
HEIGHT_CM_RANGE = (90.0, 250.0)
WEIGHT_STALE_DAYS = 90  # CLINICAL.md: warn when the weight behind a mg/kg dose is older than this
SEX_AT_BIRTH = ("female", "male", "intersex", "not recorded")
CHART_PREFIX = "KD-"

# Longest text each field holds (the database columns match these).
MAX_LENGTHS = {
    "first_name": 80, "last_name": 80, "preferred_name": 80, "pronouns": 40, "email": 254, "address": 500,
    "escort_name": 120, "escort_relationship": 60, "emergency_name": 120, "emergency_relationship": 60,
}  # fmt: skip

# Labels used in messages and by the UI to point at the right field.
FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "preferred_name": "Preferred name",
    "date_of_birth": "Date of birth",
    "sex_at_birth": "Sex at birth",
    "pronouns": "Pronouns",
    "phone": "Phone",
    "email": "Email",
    "address": "Address",
    "escort_name": "Escort name",
    "escort_phone": "Escort phone",
    "escort_relationship": "Escort relationship",
    "emergency_name": "Emergency contact name",
    "emergency_phone": "Emergency contact phone",
    "emergency_relationship": "Emergency contact relationship",
    "weight_kg": "Weight",
    "weight_recorded_on": "Weight date",
    "height_cm": "Height",
    "height_recorded_on": "Height date",
}


@dataclass(frozen=True)
class PatientDraft:
    """What a person typed into the patient form, before it is accepted."""

    first_name: str = ""
    last_name: str = ""
    preferred_name: str = ""
    date_of_birth: date | None = None
    sex_at_birth: str = "not recorded"
    pronouns: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    escort_name: str = ""
    escort_phone: str = ""
    escort_relationship: str = ""
    emergency_name: str = ""
    emergency_phone: str = ""
    emergency_relationship: str = ""
    weight_kg: float | None = None
    weight_recorded_on: date | None = None
    height_cm: float | None = None
    height_recorded_on: date | None = None


@dataclass(frozen=True)
class PatientRecord(PatientDraft):
    """A saved patient. `version` is what the next edit must match (optimistic locking)."""

    id: int = 0
    chart_number: str = ""
    version: int = 0
    archived_at: datetime | None = None
    archive_reason: str = ""
    updated_at: datetime | None = None

    @property
    def display_name(self) -> str:
        return display_name(self.first_name, self.last_name, self.preferred_name)

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def as_draft(self) -> PatientDraft:
        return PatientDraft(**{f.name: getattr(self, f.name) for f in fields(PatientDraft)})


@dataclass(frozen=True)
class PatientSummary:
    """One row of the registry list: just what a receptionist needs to pick the right person."""

    id: int
    chart_number: str
    first_name: str
    last_name: str
    preferred_name: str
    date_of_birth: date
    phone: str
    archived: bool

    @property
    def display_name(self) -> str:
        return display_name(self.first_name, self.last_name, self.preferred_name)


def display_name(first: str, last: str, preferred: str = "") -> str:
    shown_first = f"{first} ({preferred})" if preferred and preferred != first else first
    return f"{last}, {shown_first}"


def age_on(date_of_birth: date, today: date) -> int:
    years = today.year - date_of_birth.year
    return years - ((today.month, today.day) < (date_of_birth.month, date_of_birth.day))


def format_chart_number(sequence: int) -> str:
    return f"{CHART_PREFIX}{sequence:06d}"


def merge_edits(base: PatientDraft, mine: PatientDraft, theirs: PatientDraft) -> PatientDraft:
    """Three-way merge: their saved version, with the fields this user changed from `base` applied on top."""
    return replace(theirs, **{name: getattr(mine, name) for name in changed_fields(base, mine)})


def date_new_measures(before: PatientDraft, after: PatientDraft, today: date) -> PatientDraft:
    """A weight or height typed anew without a new date was measured today, not on the old date."""
    updates: dict[str, object] = {}
    for value, when in (("weight_kg", "weight_recorded_on"), ("height_cm", "height_recorded_on")):
        new_value = getattr(after, value)
        if (
            new_value is not None
            and new_value != getattr(before, value)
            and getattr(after, when) == getattr(before, when)
        ):
            updates[when] = today
    return replace(after, **updates)  # type: ignore[arg-type]


def changed_fields(before: PatientDraft, after: PatientDraft) -> list[str]:
    """Names of the form fields whose values differ, in form order."""
    return [f.name for f in fields(PatientDraft) if getattr(before, f.name) != getattr(after, f.name)]


def validate(draft: PatientDraft, today: date) -> tuple[PatientDraft, list[FieldError]]:
    """Check every field and return the tidied draft with all problems found, in form order."""
    errors: list[FieldError] = []
    clean: dict[str, object] = {}
    for f in fields(PatientDraft):
        value = getattr(draft, f.name)
        clean[f.name] = value.strip() if isinstance(value, str) else value

    for name in ("first_name", "last_name"):
        if not clean[name]:
            errors.append(FieldError(name, "is required"))
        elif not fold(str(clean[name])):
            errors.append(FieldError(name, "needs at least one letter"))
    for name, limit in MAX_LENGTHS.items():
        if isinstance(clean[name], str) and len(clean[name]) > limit:  # type: ignore[arg-type]
            errors.append(FieldError(name, f"is longer than {limit} characters"))

    dob = clean["date_of_birth"]
    if dob is None:
        errors.append(FieldError("date_of_birth", "is required"))
    elif not isinstance(dob, date) or dob >= today:
        errors.append(FieldError("date_of_birth", "must be a date in the past"))
    elif age_on(dob, today) > MAX_AGE_YEARS:
        errors.append(FieldError("date_of_birth", f"would make the patient older than {MAX_AGE_YEARS}"))

    if clean["sex_at_birth"] not in SEX_AT_BIRTH:
        errors.append(FieldError("sex_at_birth", f"must be one of: {', '.join(SEX_AT_BIRTH)}"))

    for name in ("phone", "escort_phone", "emergency_phone"):
        if clean[name]:
            try:
                clean[name] = parse_phone(str(clean[name])).e164
            except ValueError as exc:
                errors.append(FieldError(name, str(exc)))

    if clean["email"]:
        try:
            clean["email"] = check_email(str(clean["email"]))
        except ValueError as exc:
            errors.append(FieldError("email", str(exc)))

    if clean["escort_name"] and not clean["escort_phone"]:
        errors.append(FieldError("escort_phone", "is needed so the clinic can reach the escort at discharge"))
    if clean["emergency_name"] and not clean["emergency_phone"]:
        errors.append(FieldError("emergency_phone", "is needed for an emergency contact"))

    errors += _check_measure(clean, "weight_kg", "weight_recorded_on", WEIGHT_KG_RANGE, "kg", today)
    errors += _check_measure(clean, "height_cm", "height_recorded_on", HEIGHT_CM_RANGE, "cm", today)
    return replace(draft, **clean), errors  # type: ignore[arg-type]


def _check_measure(
    clean: dict[str, object],
    value_field: str,
    date_field: str,
    bounds: tuple[float, float],
    unit: str,
    today: date,
) -> list[FieldError]:
    value, when = clean[value_field], clean[date_field]
    errors: list[FieldError] = []
    if value is not None:
        low, high = bounds
        if not low <= float(value) <= high:  # type: ignore[arg-type]
            errors.append(FieldError(value_field, f"must be between {low:g} and {high:g} {unit}"))
        if when is None:
            clean[date_field] = today
    if isinstance(when, date) and when > today:
        errors.append(FieldError(date_field, "can't be in the future"))
    if value is None and when is not None:
        clean[date_field] = None
    return errors


@dataclass(frozen=True)
class Alert:
    text: str
    severity: str  # "warning" or "info"


def alerts_for(patient: PatientRecord, today: date) -> list[Alert]:
    """Things the chart header must show before anyone acts on this patient."""
    alerts: list[Alert] = []
    if patient.is_archived:
        reason = f": {patient.archive_reason}" if patient.archive_reason else ""
        alerts.append(Alert(f"Archived{reason}", "warning"))
    if not patient.escort_name:
        alerts.append(Alert("No escort/driver on file", "warning"))
    if patient.weight_kg is None:
        alerts.append(Alert("No weight recorded", "warning"))
    elif patient.weight_recorded_on and (today - patient.weight_recorded_on).days > WEIGHT_STALE_DAYS:
        alerts.append(Alert(f"Weight older than {WEIGHT_STALE_DAYS} days", "warning"))
    if not patient.emergency_name:
        alerts.append(Alert("No emergency contact", "info"))
    return alerts

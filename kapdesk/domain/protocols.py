"""Protocol templates: what a course of treatment by one route consists of (CLINICAL.md, "Routes and typical
protocols"). A clinic edits them; each save of a template in use makes a new version, and a course keeps the
version it was planned from."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from kapdesk.domain.appointments import Route
from kapdesk.domain.errors import FieldError

INSTRUMENTS = ("PHQ-9", "GAD-7", "PCL-5", "QIDS-SR16")
NAME_MAX = 120
SESSION_MINUTES = (15, 480)
MAX_DOSES = 24
DOSE_UNITS = ("mg/kg", "mg")
# Anything above these is a typo whatever the clinic's protocol (the labels' maxima are far below).
UNIT_LIMITS = {"mg/kg": 5.0, "mg": 1000.0}


class Timing(StrEnum):
    BASELINE = "baseline"  # before the first dose
    BEFORE_EACH_DOSE = "before_each_dose"
    AFTER_LAST_DOSE = "after_last_dose"  # at the last integration session

    @property
    def label(self) -> str:
        return {
            "baseline": "before the first dose",
            "before_each_dose": "before each dose",
            "after_last_dose": "after the last dose",
        }[self.value]


@dataclass(frozen=True)
class MeasureDue:
    instrument: str
    timing: Timing


@dataclass(frozen=True)
class Phase:
    """A run of doses at one rhythm: `per_week` doses a week, between `doses_min` and `doses_max` of them
    (a course chooses how many within that)."""

    name: str
    doses_min: int
    doses_max: int
    per_week: float


@dataclass(frozen=True)
class ProtocolSpec:
    """The editable content of a template."""

    name: str
    route: Route
    dose_unit: str
    dose_min: float
    dose_max: float
    dose_ceiling: float  # refused above this, whatever anyone acknowledges
    preparation_sessions: int
    preparation_minutes: int
    dosing_minutes: int
    integration_minutes: int
    integration_min_hours: int
    integration_max_hours: int
    min_spacing_hours: int  # between one dose's start and the next
    prep_lead_days: int  # whole days between the last preparation session and the first dose
    dosing_with_therapist: bool  # KAP: the therapist sits in; infusions and esketamine: the prescriber's team alone
    phases: tuple[Phase, ...]
    measures: tuple[MeasureDue, ...]

    @property
    def doses_min(self) -> int:
        return sum(p.doses_min for p in self.phases)

    @property
    def doses_max(self) -> int:
        return sum(p.doses_max for p in self.phases)

    def dose_range_text(self) -> str:
        return f"{self.dose_min:g}–{self.dose_max:g} {self.dose_unit} (ceiling {self.dose_ceiling:g})"


@dataclass(frozen=True)
class ProtocolTemplate:
    id: int
    code: str  # stable across versions
    version: int
    active: bool  # offered for new courses; retired versions stay for the courses planned from them
    spec: ProtocolSpec
    row_version: int  # optimistic locking of the row itself

    @property
    def label(self) -> str:
        return f"{self.spec.name} (v{self.version})"


def check_spec(spec: ProtocolSpec) -> list[FieldError]:
    """Every reason the template can't be saved, each at its field."""
    errors: list[FieldError] = []
    if not spec.name.strip():
        errors.append(FieldError("name", "Give the protocol a name."))
    elif len(spec.name) > NAME_MAX:
        errors.append(FieldError("name", f"Keep the name under {NAME_MAX} characters."))
    if spec.dose_unit not in DOSE_UNITS:
        errors.append(FieldError("dose_unit", "Doses are in mg/kg or mg."))
    else:
        limit = UNIT_LIMITS[spec.dose_unit]
        if not 0 < spec.dose_min <= spec.dose_max:
            errors.append(FieldError("dose_min", "The lowest dose must be above zero and no higher than the highest."))
        if not 0 < spec.dose_ceiling <= limit:
            errors.append(
                FieldError("dose_ceiling", f"The ceiling must be above zero and at most {limit:g} {spec.dose_unit}.")
            )
        elif spec.dose_max > spec.dose_ceiling:
            errors.append(
                FieldError(
                    "dose_max", f"The dose range goes above the hard ceiling of {spec.dose_ceiling:g} {spec.dose_unit}."
                )
            )
    if spec.preparation_sessions < 1:
        errors.append(
            FieldError("preparation_sessions", "At least one preparation session comes before the first dose.")
        )
    for field, minutes in (
        ("preparation_minutes", spec.preparation_minutes),
        ("dosing_minutes", spec.dosing_minutes),
        ("integration_minutes", spec.integration_minutes),
    ):
        if not SESSION_MINUTES[0] <= minutes <= SESSION_MINUTES[1]:
            errors.append(FieldError(field, f"A session lasts {SESSION_MINUTES[0]} to {SESSION_MINUTES[1]} minutes."))
    if not 0 <= spec.integration_min_hours < spec.integration_max_hours <= 240:
        errors.append(
            FieldError("integration_max_hours", "The integration window must end after it starts (at most 240 h).")
        )
    if not 1 <= spec.min_spacing_hours <= 24 * 28:
        errors.append(FieldError("min_spacing_hours", "The spacing between doses must be 1 hour to 4 weeks."))
    if not 0 <= spec.prep_lead_days <= 28:
        errors.append(FieldError("prep_lead_days", "Preparation comes 0 to 28 days before the first dose."))
    if not spec.phases or spec.doses_max < 1:
        errors.append(FieldError("phases", "A protocol needs at least one dosing session."))
    for phase in spec.phases:
        if not phase.name.strip():
            errors.append(FieldError("phases", "Every phase needs a name."))
        if not 1 <= phase.doses_min <= phase.doses_max <= MAX_DOSES:
            errors.append(FieldError("phases", f"{phase.name or 'A phase'}: 1 to {MAX_DOSES} doses, the fewest first."))
        if not 0 < phase.per_week <= 7:
            errors.append(FieldError("phases", f"{phase.name or 'A phase'}: between one dose a month and one a day."))
        elif 7 * 24 / phase.per_week < spec.min_spacing_hours:
            errors.append(
                FieldError("phases", f"{phase.name}: {phase.per_week:g} a week is closer than the minimum spacing.")
            )
    for measure in spec.measures:
        if measure.instrument not in INSTRUMENTS:
            errors.append(FieldError("measures", f"Unknown measure {measure.instrument!r}."))
    return errors


def dose_counts(spec: ProtocolSpec, total: int) -> tuple[int, ...]:
    """Doses per phase for a course of `total`: every phase gets its fewest, the rest fill the phases in order."""
    counts = [p.doses_min for p in spec.phases]
    extra = total - sum(counts)
    for index, phase in enumerate(spec.phases):
        add = min(extra, phase.doses_max - phase.doses_min)
        counts[index] += add
        extra -= add
    return tuple(counts)

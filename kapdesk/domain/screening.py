"""Eligibility screening (CLINICAL.md): the rules that turn a checklist, a baseline blood pressure, pregnancy status
and medication classes into eligible / eligible with precautions / not eligible, always with every reason, and
the rules for when a signed screening stops being current."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kapdesk.domain.appointments import Route
from kapdesk.domain.errors import FieldError
from kapdesk.domain.intake import FLAGGED_CLASSES, MedicationClass, Vitals, check_vitals
from kapdesk.domain.screening_items import DERIVED_ITEMS, Item, Severity

NOTES_MAX = 2000
PREGNANCY_AGES = (12, 55)  # asked for anyone who may be able to become pregnant


class Pregnancy(StrEnum):
    NOT_ASKED = "not_asked"  # not relevant for this patient (or not yet answered)
    NOT_PREGNANT = "not_pregnant"
    PREGNANT = "pregnant"
    BREASTFEEDING = "breastfeeding"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Result(StrEnum):
    ELIGIBLE = "eligible"
    PRECAUTIONS = "precautions"
    NOT_ELIGIBLE = "not_eligible"

    @property
    def label(self) -> str:
        return {"eligible": "Eligible", "precautions": "Eligible with precautions", "not_eligible": "Not eligible"}[
            self.value
        ]


@dataclass(frozen=True)
class Limits:
    """Blood-pressure and pulse-oximetry thresholds, from clinic settings (CLINICAL.md defaults)."""

    hold_systolic: int = 140  # above → recheck before each dose
    hold_diastolic: int = 90
    alert_systolic: int = 160  # at or above → uncontrolled hypertension
    alert_diastolic: int = 100
    max_heart_rate: int = 110
    min_spo2: int = 94


@dataclass(frozen=True)
class Answers:
    """What the screener recorded. `items` are the ticked checklist items (pregnancy and uncontrolled
    hypertension are worked out from their own answers as well)."""

    items: frozenset[Item]
    systolic: int | None
    diastolic: int | None
    heart_rate: int | None
    spo2: int | None
    pregnancy: Pregnancy
    medication_classes: frozenset[MedicationClass]
    route: Route | None = None  # the route being considered, if known: esketamine asks for REMS
    rems_enrolled: bool = False


@dataclass(frozen=True)
class Reason:
    text: str
    severity: Severity
    # A prescriber may override an absolute contraindication with a reason; a missing REMS enrollment is a legal
    # requirement of the esketamine programme, not a clinical judgement, so it can't be overridden.
    overridable: bool = True


@dataclass(frozen=True)
class Assessment:
    result: Result
    reasons: tuple[Reason, ...]

    @property
    def blocking(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.severity is Severity.ABSOLUTE)


def pregnancy_relevant(sex_at_birth: str, age: int) -> bool:
    return sex_at_birth != "male" and PREGNANCY_AGES[0] <= age <= PREGNANCY_AGES[1]


def check_answers(answers: Answers, *, pregnancy_asked: bool) -> list[FieldError]:
    """What must be put right before a screening can be saved: a plausible baseline blood pressure, and the
    pregnancy question answered where it applies."""
    errors = check_vitals(answers.systolic, answers.diastolic, answers.heart_rate, answers.spo2)
    if pregnancy_asked and answers.pregnancy is Pregnancy.NOT_ASKED:
        errors.append(FieldError("pregnancy", "Record whether the patient is pregnant or breastfeeding."))
    return errors


def assess(answers: Answers, limits: Limits = Limits()) -> Assessment:
    """The result and every reason for it, absolute ones first. Assumes check_answers passed."""
    reasons: list[Reason] = []
    absolute, relative = Severity.ABSOLUTE, Severity.RELATIVE
    for item in Item:
        if item in answers.items and item not in DERIVED_ITEMS:
            reasons.append(Reason(item.label, item.severity))
    if Item.PREGNANCY in answers.items or answers.pregnancy in (Pregnancy.PREGNANT, Pregnancy.BREASTFEEDING):
        what = {Pregnancy.PREGNANT: "pregnant", Pregnancy.BREASTFEEDING: "breastfeeding"}.get(
            answers.pregnancy, "on the intake record"
        )
        reasons.append(Reason(f"Pregnancy or breastfeeding ({what})", absolute))
    bp = f"{answers.systolic}/{answers.diastolic} mmHg"
    high = _at_or_above(answers, limits.alert_systolic, limits.alert_diastolic)
    if high or Item.UNCONTROLLED_HYPERTENSION in answers.items:
        detail = f" (baseline {bp}, limit {limits.alert_systolic}/{limits.alert_diastolic})" if high else ""
        reasons.append(Reason(f"Uncontrolled hypertension{detail}", absolute))
    elif _above(answers, limits.hold_systolic, limits.hold_diastolic):
        reasons.append(
            Reason(
                f"Baseline blood pressure {bp} is above {limits.hold_systolic}/{limits.hold_diastolic}: "
                "recheck before each dose",
                relative,
            )
        )
    if answers.heart_rate is not None and answers.heart_rate > limits.max_heart_rate:
        reasons.append(Reason(f"Heart rate {answers.heart_rate} is above {limits.max_heart_rate}", relative))
    if answers.spo2 is not None and answers.spo2 < limits.min_spo2:
        reasons.append(Reason(f"Oxygen saturation {answers.spo2}% is below {limits.min_spo2}%", relative))
    for med_class in FLAGGED_CLASSES:
        if med_class in answers.medication_classes:
            reasons.append(Reason(f"{med_class.label} in current medications: {med_class.concern}", relative))
    if answers.route is Route.ESKETAMINE and not answers.rems_enrolled:
        reasons.append(Reason("Esketamine needs REMS enrollment recorded", absolute, overridable=False))
    reasons.sort(key=lambda r: r.severity is not absolute)  # stable: absolute first, each in checklist order
    if any(r.severity is absolute for r in reasons):
        return Assessment(Result.NOT_ELIGIBLE, tuple(reasons))
    return Assessment(Result.PRECAUTIONS if reasons else Result.ELIGIBLE, tuple(reasons))


def vitals_flags(vitals: Vitals, limits: Limits) -> list[str]:
    """Each reading past the clinic's thresholds, in words: what a prescriber must see next to the numbers."""
    bp = f"{vitals.systolic}/{vitals.diastolic}"
    flags = []
    if vitals.systolic >= limits.alert_systolic or vitals.diastolic >= limits.alert_diastolic:
        flags.append(f"BP {bp} at or above {limits.alert_systolic}/{limits.alert_diastolic}: uncontrolled")
    elif vitals.systolic > limits.hold_systolic or vitals.diastolic > limits.hold_diastolic:
        flags.append(f"BP {bp} above {limits.hold_systolic}/{limits.hold_diastolic}: dosing would be held")
    if vitals.heart_rate is not None and vitals.heart_rate > limits.max_heart_rate:
        flags.append(f"Pulse {vitals.heart_rate} above {limits.max_heart_rate}")
    if vitals.spo2 is not None and vitals.spo2 < limits.min_spo2:
        flags.append(f"SpO2 {vitals.spo2}% below {limits.min_spo2}%")
    return flags


def _at_or_above(answers: Answers, systolic: int, diastolic: int) -> bool:
    return (answers.systolic or 0) >= systolic or (answers.diastolic or 0) >= diastolic


def _above(answers: Answers, systolic: int, diastolic: int) -> bool:
    return (answers.systolic or 0) > systolic or (answers.diastolic or 0) > diastolic


# -- whether a screening still stands -----------------------------------------------------------------------


class Standing(StrEnum):
    CURRENT = "current"
    UNSIGNED = "unsigned"  # recorded, waiting for a prescriber
    EXPIRED = "expired"  # older than the clinic's period
    OUTDATED = "outdated"  # a contraindication was recorded after it was signed
    MISSING = "missing"

    @property
    def label(self) -> str:
        return {
            "current": "Current",
            "unsigned": "Waiting for a prescriber's signature",
            "expired": "Expired",
            "outdated": "Must be redone",
            "missing": "No screening",
        }[self.value]


@dataclass(frozen=True)
class Verdict:
    """Where a patient stands for dosing: the latest screening's standing, its result, and why in words."""

    standing: Standing
    result: Result | None
    detail: str
    screening_id: int | None = None
    expires_on: date | None = None
    rems_enrolled: bool = False

    @property
    def may_dose(self) -> bool:
        return self.standing is Standing.CURRENT and self.result is not Result.NOT_ELIGIBLE


def expiry(signed_on: date, valid_months: int) -> date:
    """The first day the screening no longer counts (the same day of the month, clamped to the month's end)."""
    months = signed_on.month - 1 + valid_months
    year, month = signed_on.year + months // 12, months % 12 + 1
    return date(year, month, min(signed_on.day, monthrange(year, month)[1]))


def judge(
    *,
    screening_id: int | None,
    signed_at: datetime | None,
    signed_on: date | None,
    result: Result | None,
    covered: frozenset[Item],
    later: Iterable[tuple[Item, datetime]],
    today: date,
    valid_months: int,
    rems_enrolled: bool = False,
) -> Verdict:
    """`later` is what the intake record implies, each with when it was recorded; one recorded after signing that
    the screening didn't already list makes it out of date. `signed_on` is the signing day in the clinic's zone."""
    if screening_id is None:
        return Verdict(Standing.MISSING, None, "No eligibility screening has been recorded.")
    if signed_at is None or signed_on is None:
        return Verdict(Standing.UNSIGNED, result, "A prescriber has not signed the screening yet.", screening_id)
    ends = expiry(signed_on, valid_months)
    if today >= ends:
        detail = f"Screened {signed_on.isoformat()}; it expired on {ends.isoformat()} ({valid_months} months)."
        return Verdict(Standing.EXPIRED, result, detail, screening_id, ends, rems_enrolled)
    new = sorted({item for item, at in later if at > signed_at and item not in covered}, key=list(Item).index)
    if new:
        names = "; ".join(item.label for item in new)
        detail = f"Recorded after the screening: {names}."
        return Verdict(Standing.OUTDATED, result, detail, screening_id, ends, rems_enrolled)
    return Verdict(Standing.CURRENT, result, f"Valid until {ends.isoformat()}.", screening_id, ends, rems_enrolled)

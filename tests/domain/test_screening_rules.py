"""The eligibility rule of CLINICAL.md, case by case: answers in, result and every reason out (absolute first),
and when a signed screening stops counting. Pure functions: no database, no Qt."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta

import pytest

from kapdesk.domain.appointments import Route
from kapdesk.domain.intake import MedicationClass, Vitals
from kapdesk.domain.screening import (
    Answers,
    Limits,
    Pregnancy,
    Result,
    Standing,
    assess,
    check_answers,
    expiry,
    judge,
    pregnancy_relevant,
    vitals_flags,
)
from kapdesk.domain.screening_items import Item, Severity

A, R = Severity.ABSOLUTE, Severity.RELATIVE
E, P, N = Result.ELIGIBLE, Result.PRECAUTIONS, Result.NOT_ELIGIBLE
M = MedicationClass
# A healthy adult at a normal baseline: each case changes only what it is about.
BASE = Answers(
    items=frozenset(),
    systolic=120,
    diastolic=80,
    heart_rate=70,
    spo2=98,
    pregnancy=Pregnancy.NOT_PREGNANT,
    medication_classes=frozenset(),
)


@dataclass(frozen=True)
class Case:
    name: str
    changes: dict[str, object]
    result: Result
    reasons: list[tuple[str, Severity] | tuple[str, Severity, bool]]  # (text, severity[, overridable])
    limits: Limits = field(default_factory=Limits)


def _items(*items: Item) -> dict[str, object]:
    return {"items": frozenset(items)}


def _bp(systolic: int, diastolic: int) -> dict[str, object]:
    return {"systolic": systolic, "diastolic": diastolic}


def _meds(*classes: MedicationClass) -> dict[str, object]:
    return {"medication_classes": frozenset(classes)}


HOLD = "is above 140/90: recheck before each dose"
CASES = [
    Case("nothing to report", {}, E, []),
    # -- every absolute checklist item blocks on its own ---------------------------------------------
    Case("psychosis", _items(Item.PSYCHOSIS), N,
         [("History of psychosis, schizophrenia or schizoaffective disorder", A)]),
    Case("mania", _items(Item.MANIA), N, [("Current mania", A)]),
    Case("vascular", _items(Item.VASCULAR), N, [("Aneurysmal vascular disease or arteriovenous malformation", A)]),
    Case("haemorrhage", _items(Item.HAEMORRHAGE), N, [("History of intracerebral haemorrhage", A)]),
    Case("hypersensitivity", _items(Item.HYPERSENSITIVITY), N, [("Known ketamine or esketamine hypersensitivity", A)]),
    Case("ketamine misuse is near-absolute", _items(Item.KETAMINE_MISUSE), N, [("Ketamine or PCP misuse", A)]),
    Case("uncontrolled hypertension ticked, normal reading", _items(Item.UNCONTROLLED_HYPERTENSION), N,
         [("Uncontrolled hypertension", A)]),
    Case("pregnancy on the intake, answered not pregnant", _items(Item.PREGNANCY), N,
         [("Pregnancy or breastfeeding (on the intake record)", A)]),
    # -- every relative item gives precautions ----------------------------------------------------------
    Case("controlled hypertension", _items(Item.CONTROLLED_HYPERTENSION), P, [("Controlled hypertension", R)]),
    Case("cardiac", _items(Item.CARDIAC), P, [("Cardiac disease or heart failure", R)]),
    Case("substance use", _items(Item.SUBSTANCE_USE), P, [("Substance use disorder history", R)]),
    Case("seizures", _items(Item.SEIZURES), P, [("Seizure disorder", R)]),
    Case("raised pressure", _items(Item.RAISED_PRESSURE), P, [("Raised intracranial or intraocular pressure", R)]),
    Case("respiratory", _items(Item.RESPIRATORY), P, [("Severe COPD or sleep apnoea", R)]),
    Case("hepatic", _items(Item.HEPATIC), P, [("Moderate hepatic impairment", R)]),
    Case("bladder", _items(Item.BLADDER), P, [("Bladder problems (ketamine cystitis risk)", R)]),
    Case("family psychosis", _items(Item.FAMILY_PSYCHOSIS), P, [("Family history of psychosis or mania", R)]),
    Case("bipolar", _items(Item.BIPOLAR), P, [("Bipolar disorder (watch for a switch to mania)", R)]),
    # -- pregnancy -----------------------------------------------------------------------------------
    Case("pregnant", {"pregnancy": Pregnancy.PREGNANT}, N, [("Pregnancy or breastfeeding (pregnant)", A)]),
    Case("breastfeeding", {"pregnancy": Pregnancy.BREASTFEEDING}, N,
         [("Pregnancy or breastfeeding (breastfeeding)", A)]),
    Case("pregnancy not asked (not relevant)", {"pregnancy": Pregnancy.NOT_ASKED}, E, []),
    # -- blood pressure around the hold (140/90) and alert (160/100) limits -------------------------------
    Case("140/90 exactly is not above the hold limit", _bp(140, 90), E, []),
    Case("141/90 is above on systolic", _bp(141, 90), P, [(f"Baseline blood pressure 141/90 mmHg {HOLD}", R)]),
    Case("140/91 is above on diastolic", _bp(140, 91), P, [(f"Baseline blood pressure 140/91 mmHg {HOLD}", R)]),
    Case("159/99 is just under the alert", _bp(159, 99), P, [(f"Baseline blood pressure 159/99 mmHg {HOLD}", R)]),
    Case("160/80 is at the alert on systolic", _bp(160, 80), N,
         [("Uncontrolled hypertension (baseline 160/80 mmHg, limit 160/100)", A)]),
    Case("130/100 is at the alert on diastolic", _bp(130, 100), N,
         [("Uncontrolled hypertension (baseline 130/100 mmHg, limit 160/100)", A)]),
    Case("high reading and the box ticked: one reason", {**_bp(170, 105), **_items(Item.UNCONTROLLED_HYPERTENSION)},
         N, [("Uncontrolled hypertension (baseline 170/105 mmHg, limit 160/100)", A)]),
    Case("controlled hypertension and a raised reading: both", {**_bp(150, 85), **_items(Item.CONTROLLED_HYPERTENSION)},
         P, [("Controlled hypertension", R), (f"Baseline blood pressure 150/85 mmHg {HOLD}", R)]),
    Case("the clinic's own hold limit", _bp(135, 80), P,
         [("Baseline blood pressure 135/80 mmHg is above 130/85: recheck before each dose", R)],
         Limits(hold_systolic=130, hold_diastolic=85, alert_systolic=150, alert_diastolic=95)),
    Case("the clinic's own alert limit", _bp(150, 80), N,
         [("Uncontrolled hypertension (baseline 150/80 mmHg, limit 150/95)", A)],
         Limits(hold_systolic=130, hold_diastolic=85, alert_systolic=150, alert_diastolic=95)),
    # -- heart rate and oxygen saturation -----------------------------------------------------------------
    Case("heart rate 110 is not above 110", {"heart_rate": 110}, E, []),
    Case("heart rate 111", {"heart_rate": 111}, P, [("Heart rate 111 is above 110", R)]),
    Case("heart rate not taken", {"heart_rate": None}, E, []),
    Case("SpO2 94 is not below 94", {"spo2": 94}, E, []),
    Case("SpO2 93", {"spo2": 93}, P, [("Oxygen saturation 93% is below 94%", R)]),
    Case("SpO2 not taken", {"spo2": None}, E, []),
    Case("the clinic's own pulse limits", {"heart_rate": 101, "spo2": 95}, P,
         [("Heart rate 101 is above 100", R), ("Oxygen saturation 95% is below 96%", R)],
         Limits(max_heart_rate=100, min_spo2=96)),
    # -- each flagged medication class ---------------------------------------------------------------
    Case("benzodiazepine", _meds(M.BENZODIAZEPINE), P,
         [("Benzodiazepine in current medications: may blunt the response to ketamine", R)]),
    Case("lamotrigine", _meds(M.LAMOTRIGINE), P,
         [("Lamotrigine in current medications: may blunt the response to ketamine", R)]),
    Case("MAOI", _meds(M.MAOI), P, [("MAOI in current medications: raises blood pressure", R)]),
    Case("stimulant", _meds(M.STIMULANT), P, [("Stimulant in current medications: raises blood pressure", R)]),
    Case("opioid", _meds(M.OPIOID), P, [("Opioid in current medications: adds sedation", R)]),
    Case("sedative-hypnotic", _meds(M.SEDATIVE_HYPNOTIC), P,
         [("Sedative-hypnotic in current medications: adds sedation", R)]),
    Case("other medication is not flagged", _meds(M.OTHER), E, []),
    # -- esketamine and REMS -----------------------------------------------------------------------------
    Case("esketamine without REMS can't be overridden", {"route": Route.ESKETAMINE}, N,
         [("Esketamine needs REMS enrollment recorded", A, False)]),
    Case("esketamine with REMS", {"route": Route.ESKETAMINE, "rems_enrolled": True}, E, []),
    Case("IV needs no REMS", {"route": Route.IV}, E, []),
    # -- combinations: every reason, absolute first, each group in checklist order --------------------------
    Case("everything at once",
         {**_items(Item.BLADDER, Item.PSYCHOSIS, Item.HYPERSENSITIVITY), **_bp(165, 95), **_meds(M.OPIOID, M.MAOI),
          "pregnancy": Pregnancy.PREGNANT, "route": Route.ESKETAMINE, "heart_rate": 115, "spo2": 90},
         N, [
             ("History of psychosis, schizophrenia or schizoaffective disorder", A),
             ("Known ketamine or esketamine hypersensitivity", A),
             ("Pregnancy or breastfeeding (pregnant)", A),
             ("Uncontrolled hypertension (baseline 165/95 mmHg, limit 160/100)", A),
             ("Esketamine needs REMS enrollment recorded", A, False),
             ("Bladder problems (ketamine cystitis risk)", R),
             ("Heart rate 115 is above 110", R),
             ("Oxygen saturation 90% is below 94%", R),
             ("MAOI in current medications: raises blood pressure", R),
             ("Opioid in current medications: adds sedation", R),
         ]),
    Case("relatives only stay eligible with precautions",
         {**_items(Item.SEIZURES, Item.CARDIAC), **_meds(M.STIMULANT), **_bp(145, 80)},
         P, [
             ("Cardiac disease or heart failure", R),
             ("Seizure disorder", R),
             (f"Baseline blood pressure 145/80 mmHg {HOLD}", R),
             ("Stimulant in current medications: raises blood pressure", R),
         ]),
    Case("one absolute among relatives makes it not eligible", _items(Item.HEPATIC, Item.MANIA, Item.RESPIRATORY),
         N, [("Current mania", A), ("Severe COPD or sleep apnoea", R), ("Moderate hepatic impairment", R)]),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_assess(case: Case) -> None:
    answers = replace(BASE, **case.changes)  # type: ignore[arg-type]
    assessment = assess(answers, case.limits)
    expected = [(text, severity, rest[0] if rest else True) for text, severity, *rest in case.reasons]
    assert assessment.result is case.result
    assert [(r.text, r.severity, r.overridable) for r in assessment.reasons] == expected
    assert [r.text for r in assessment.blocking] == [text for text, severity, *_ in case.reasons if severity is A]


def test_every_checklist_item_has_a_case() -> None:
    ticked = {item for case in CASES for item in case.changes.get("items", frozenset())}  # type: ignore[attr-defined]
    assert ticked == set(Item)


# -- what must be put right before saving -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "changes", "asked", "fields"),
    [
        ("complete", {}, True, []),
        ("no blood pressure", _bp(None, None), False, ["systolic", "diastolic"]),  # type: ignore[arg-type]
        ("no systolic", {"systolic": None}, False, ["systolic"]),
        ("implausible systolic", _bp(300, 80), False, ["systolic"]),
        ("diastolic above systolic", _bp(90, 95), False, ["diastolic"]),
        ("implausible pulse", {"heart_rate": 10}, False, ["heart_rate"]),
        ("implausible SpO2", {"spo2": 101}, False, ["spo2"]),
        ("pulse and SpO2 may be left out", {"heart_rate": None, "spo2": None}, False, []),
        ("pregnancy relevant but not answered", {"pregnancy": Pregnancy.NOT_ASKED}, True, ["pregnancy"]),
        ("pregnancy not relevant, not asked", {"pregnancy": Pregnancy.NOT_ASKED}, False, []),
        ("pregnancy answered: breastfeeding", {"pregnancy": Pregnancy.BREASTFEEDING}, True, []),
    ],
)
def test_check_answers(name: str, changes: dict[str, object], asked: bool, fields: list[str]) -> None:
    errors = check_answers(replace(BASE, **changes), pregnancy_asked=asked)  # type: ignore[arg-type]
    assert [e.field for e in errors] == fields
    assert all(e.message for e in errors)


def test_missing_blood_pressure_is_asked_for_in_words() -> None:
    errors = check_answers(replace(BASE, systolic=None, diastolic=None), pregnancy_asked=False)
    assert [e.message for e in errors] == ["Enter the blood pressure.", "Enter the blood pressure."]


@pytest.mark.parametrize(
    ("sex", "age", "relevant"),
    [
        ("female", 30, True),
        ("male", 30, False),
        ("female", 11, False),
        ("female", 12, True),
        ("female", 55, True),
        ("female", 56, False),
        ("intersex", 20, True),
        ("not recorded", 40, True),  # unknown: ask rather than assume
    ],
)
def test_pregnancy_relevant(sex: str, age: int, relevant: bool) -> None:
    assert pregnancy_relevant(sex, age) is relevant


# -- whether a signed screening still stands ------------------------------------------------------------


@pytest.mark.parametrize(
    ("signed_on", "months", "ends"),
    [
        (date(2025, 3, 14), 12, date(2026, 3, 14)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),  # leap day: the last day of February next year
        (date(2023, 2, 28), 12, date(2024, 2, 28)),
        (date(2023, 3, 31), 11, date(2024, 2, 29)),  # clamped to a leap February
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 8, 31), 1, date(2025, 9, 30)),
        (date(2024, 12, 31), 1, date(2025, 1, 31)),  # over the year end
        (date(2024, 11, 15), 2, date(2025, 1, 15)),
        (date(2024, 12, 15), 24, date(2026, 12, 15)),
    ],
)
def test_expiry(signed_on: date, months: int, ends: date) -> None:
    assert expiry(signed_on, months) == ends


SIGNED_AT = datetime(2025, 3, 14, 18, 30, tzinfo=UTC)


def _judge(**changes: object):  # type: ignore[no-untyped-def]
    given: dict[str, object] = {
        "screening_id": 7,
        "signed_at": SIGNED_AT,
        "signed_on": date(2025, 3, 14),
        "result": Result.ELIGIBLE,
        "covered": frozenset(),
        "later": [],
        "today": date(2025, 9, 1),
        "valid_months": 12,
    }
    return judge(**(given | changes))  # type: ignore[arg-type]


def test_no_screening_is_missing() -> None:
    verdict = _judge(screening_id=None, signed_at=None, signed_on=None, result=None)
    assert verdict.standing is Standing.MISSING and not verdict.may_dose


def test_an_unsigned_screening_waits_for_a_prescriber() -> None:
    verdict = _judge(signed_at=None, signed_on=None, result=Result.PRECAUTIONS)
    assert verdict.standing is Standing.UNSIGNED and verdict.result is Result.PRECAUTIONS
    assert verdict.screening_id == 7 and not verdict.may_dose


def test_current_until_the_day_before_twelve_months() -> None:
    verdict = _judge(today=date(2026, 3, 13), rems_enrolled=True)
    assert verdict.standing is Standing.CURRENT and verdict.may_dose
    assert verdict.expires_on == date(2026, 3, 14) and verdict.rems_enrolled
    assert "2026-03-14" in verdict.detail


def test_expired_on_the_anniversary() -> None:
    verdict = _judge(today=date(2026, 3, 14))
    assert verdict.standing is Standing.EXPIRED and not verdict.may_dose
    assert "12 months" in verdict.detail


def test_a_leap_day_screening_expires_on_the_last_of_february() -> None:
    signed = datetime(2024, 2, 29, 17, 0, tzinfo=UTC)
    assert _judge(signed_at=signed, signed_on=date(2024, 2, 29), today=date(2025, 2, 27)).standing is Standing.CURRENT
    assert _judge(signed_at=signed, signed_on=date(2024, 2, 29), today=date(2025, 2, 28)).standing is Standing.EXPIRED


def test_the_clinics_period_counts() -> None:
    assert _judge(today=date(2025, 9, 14), valid_months=6).standing is Standing.EXPIRED
    assert _judge(today=date(2025, 9, 13), valid_months=6).standing is Standing.CURRENT


def test_a_contraindication_recorded_after_signing_outdates_it() -> None:
    later = [(Item.PSYCHOSIS, SIGNED_AT + timedelta(days=30)), (Item.HYPERSENSITIVITY, SIGNED_AT + timedelta(days=2))]
    verdict = _judge(later=later)
    assert verdict.standing is Standing.OUTDATED and not verdict.may_dose
    # both named, in checklist order
    assert verdict.detail == (
        "Recorded after the screening: History of psychosis, schizophrenia or schizoaffective disorder; "
        "Known ketamine or esketamine hypersensitivity."
    )


def test_not_outdated_by_what_it_already_covered_or_what_was_recorded_before_signing() -> None:
    covered = _judge(covered=frozenset({Item.PSYCHOSIS}), later=[(Item.PSYCHOSIS, SIGNED_AT + timedelta(days=3))])
    assert covered.standing is Standing.CURRENT
    before = _judge(later=[(Item.MANIA, SIGNED_AT - timedelta(minutes=5)), (Item.CARDIAC, SIGNED_AT)])
    assert before.standing is Standing.CURRENT


def test_expiry_is_reported_before_a_later_contraindication() -> None:
    verdict = _judge(today=date(2026, 4, 1), later=[(Item.MANIA, SIGNED_AT + timedelta(days=1))])
    assert verdict.standing is Standing.EXPIRED


def test_a_current_not_eligible_screening_still_blocks_dosing() -> None:
    verdict = _judge(result=Result.NOT_ELIGIBLE)
    assert verdict.standing is Standing.CURRENT and not verdict.may_dose
    assert _judge(result=Result.PRECAUTIONS).may_dose


@pytest.mark.parametrize(
    ("reading", "flags"),
    [
        ((140, 90, 110, 94), []),  # on every line: nothing flagged
        ((141, 80, None, None), ["BP 141/80 above 140/90: dosing would be held"]),
        ((120, 100, None, None), ["BP 120/100 at or above 160/100: uncontrolled"]),
        (
            (160, 70, 111, 93),
            ["BP 160/70 at or above 160/100: uncontrolled", "Pulse 111 above 110", "SpO2 93% below 94%"],
        ),
    ],
)
def test_baseline_vitals_past_the_clinics_limits_are_flagged(
    reading: tuple[int, int, int | None, int | None], flags: list[str]
) -> None:
    assert vitals_flags(Vitals(*reading, SIGNED_AT), Limits()) == flags


def test_vitals_flags_follow_the_clinics_own_limits() -> None:
    strict = Limits(hold_systolic=130, hold_diastolic=85, max_heart_rate=100, min_spo2=96)
    assert vitals_flags(Vitals(135, 80, 105, 95, SIGNED_AT), strict) == [
        "BP 135/80 above 130/85: dosing would be held",
        "Pulse 105 above 100",
        "SpO2 95% below 96%",
    ]

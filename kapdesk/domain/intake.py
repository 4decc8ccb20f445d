"""The intake record: diagnoses (ICD-10), current medications with the classes a prescriber reviews, allergies,
medical history and baseline vitals. What in it bears on eligibility is worked out here, so a screening can be
marked out of date when something it didn't know about is recorded later (see screening.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from kapdesk.domain.errors import FieldError
from kapdesk.domain.screening_items import Item

ICD10_PATTERN = re.compile(r"^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$")
CODE_MAX, DESCRIPTION_MAX, NAME_MAX, DETAIL_MAX, HISTORY_MAX = 8, 200, 120, 200, 4000

# Plausible ranges: outside them a value is a typo, refused at the field (a real reading this far out would be
# an emergency, not an intake).
SYSTOLIC_RANGE = (60, 260)
DIASTOLIC_RANGE = (30, 160)
HEART_RATE_RANGE = (25, 220)
SPO2_RANGE = (50, 100)


class MedicationClass(StrEnum):
    """The classes CLINICAL.md flags for prescriber review, and everything else."""

    BENZODIAZEPINE = "benzodiazepine"
    LAMOTRIGINE = "lamotrigine"
    MAOI = "maoi"
    STIMULANT = "stimulant"
    OPIOID = "opioid"
    SEDATIVE_HYPNOTIC = "sedative_hypnotic"
    OTHER = "other"

    @property
    def label(self) -> str:
        return _CLASS_LABELS[self][0]

    @property
    def concern(self) -> str:
        """Why a prescriber looks at it; empty for medications nobody flags."""
        return _CLASS_LABELS[self][1]


_CLASS_LABELS = {
    MedicationClass.BENZODIAZEPINE: ("Benzodiazepine", "may blunt the response to ketamine"),
    MedicationClass.LAMOTRIGINE: ("Lamotrigine", "may blunt the response to ketamine"),
    MedicationClass.MAOI: ("MAOI", "raises blood pressure"),
    MedicationClass.STIMULANT: ("Stimulant", "raises blood pressure"),
    MedicationClass.OPIOID: ("Opioid", "adds sedation"),
    MedicationClass.SEDATIVE_HYPNOTIC: ("Sedative-hypnotic", "adds sedation"),
    MedicationClass.OTHER: ("Other", ""),
}
FLAGGED_CLASSES = tuple(c for c in MedicationClass if c is not MedicationClass.OTHER)


@dataclass(frozen=True)
class DiagnosisOption:
    """A code offered in the diagnosis picker: what KAP clinics treat, and what bears on eligibility."""

    code: str
    description: str
    item: Item | None = None  # the screening item it implies
    resistant_applies: bool = False  # depression codes may carry the treatment-resistant flag


# Codes are ICD-10-CM. Any other valid code may be typed with its own description.
DIAGNOSES: tuple[DiagnosisOption, ...] = (
    DiagnosisOption("F32.1", "Major depressive disorder, single episode, moderate", resistant_applies=True),
    DiagnosisOption("F32.2", "Major depressive disorder, single episode, severe", resistant_applies=True),
    DiagnosisOption("F32.9", "Major depressive disorder, single episode, unspecified", resistant_applies=True),
    DiagnosisOption("F33.1", "Major depressive disorder, recurrent, moderate", resistant_applies=True),
    DiagnosisOption("F33.2", "Major depressive disorder, recurrent, severe", resistant_applies=True),
    DiagnosisOption("F33.9", "Major depressive disorder, recurrent, unspecified", resistant_applies=True),
    DiagnosisOption("F34.1", "Dysthymic disorder", resistant_applies=True),
    DiagnosisOption("F41.1", "Generalized anxiety disorder"),
    DiagnosisOption("F43.10", "Post-traumatic stress disorder, unspecified"),
    DiagnosisOption("F43.12", "Post-traumatic stress disorder, chronic"),
    DiagnosisOption("F42.2", "Mixed obsessional thoughts and acts"),
    DiagnosisOption("F42.9", "Obsessive-compulsive disorder, unspecified"),
    DiagnosisOption("F31.81", "Bipolar II disorder", Item.BIPOLAR, resistant_applies=True),
    DiagnosisOption("F31.9", "Bipolar disorder, unspecified", Item.BIPOLAR),
    DiagnosisOption("F31.2", "Bipolar disorder, current episode manic severe with psychotic features", Item.MANIA),
    DiagnosisOption("F30.9", "Manic episode, unspecified", Item.MANIA),
    DiagnosisOption("F10.20", "Alcohol dependence, uncomplicated", Item.SUBSTANCE_USE),
    DiagnosisOption("F10.21", "Alcohol dependence, in remission", Item.SUBSTANCE_USE),
    DiagnosisOption("F11.20", "Opioid dependence, uncomplicated", Item.SUBSTANCE_USE),
    DiagnosisOption("F12.20", "Cannabis dependence, uncomplicated", Item.SUBSTANCE_USE),
    DiagnosisOption("F14.20", "Cocaine dependence, uncomplicated", Item.SUBSTANCE_USE),
    DiagnosisOption("F16.20", "Hallucinogen (incl. ketamine/PCP) dependence", Item.KETAMINE_MISUSE),
    DiagnosisOption("G89.29", "Other chronic pain"),
    DiagnosisOption("G89.4", "Chronic pain syndrome"),
    DiagnosisOption("M79.7", "Fibromyalgia"),
    DiagnosisOption("F20.9", "Schizophrenia, unspecified", Item.PSYCHOSIS),
    DiagnosisOption("F25.9", "Schizoaffective disorder, unspecified", Item.PSYCHOSIS),
    DiagnosisOption("F29", "Unspecified psychosis", Item.PSYCHOSIS),
    DiagnosisOption("I10", "Essential (primary) hypertension", Item.CONTROLLED_HYPERTENSION),
    DiagnosisOption("I50.9", "Heart failure, unspecified", Item.CARDIAC),
    DiagnosisOption("I25.10", "Atherosclerotic heart disease", Item.CARDIAC),
    DiagnosisOption("I67.1", "Cerebral aneurysm, nonruptured", Item.VASCULAR),
    DiagnosisOption("I71.4", "Abdominal aortic aneurysm, without rupture", Item.VASCULAR),
    DiagnosisOption("Q28.2", "Arteriovenous malformation of cerebral vessels", Item.VASCULAR),
    DiagnosisOption("I61.9", "Nontraumatic intracerebral hemorrhage, unspecified", Item.HAEMORRHAGE),
    DiagnosisOption("G40.909", "Epilepsy, unspecified", Item.SEIZURES),
    DiagnosisOption("H40.9", "Glaucoma, unspecified", Item.RAISED_PRESSURE),
    DiagnosisOption("J44.9", "Chronic obstructive pulmonary disease, unspecified", Item.RESPIRATORY),
    DiagnosisOption("G47.33", "Obstructive sleep apnea", Item.RESPIRATORY),
    DiagnosisOption("K74.60", "Cirrhosis of liver, unspecified", Item.HEPATIC),
    DiagnosisOption("N30.90", "Cystitis, unspecified", Item.BLADDER),
    DiagnosisOption("Z33.1", "Pregnant state, incidental", Item.PREGNANCY),
)
_BY_CODE = {d.code: d for d in DIAGNOSES}
_PREFIX_ITEMS = (  # a typed code outside the list still implies its item, by its category
    ("F2", Item.PSYCHOSIS),
    ("F30", Item.MANIA),
    ("F31", Item.BIPOLAR),
    ("F16", Item.KETAMINE_MISUSE),
    ("F1", Item.SUBSTANCE_USE),
    ("I60", Item.HAEMORRHAGE),
    ("I61", Item.HAEMORRHAGE),
    ("I62", Item.HAEMORRHAGE),
    ("O", Item.PREGNANCY),
    ("G40", Item.SEIZURES),
)


def option_for(code: str) -> DiagnosisOption | None:
    return _BY_CODE.get(code.strip().upper())


def item_for_code(code: str) -> Item | None:
    """The screening item a diagnosis implies: the listed one, else by its ICD-10 category."""
    code = code.strip().upper()
    listed = _BY_CODE.get(code)
    if listed is not None:
        return listed.item
    return next((item for prefix, item in _PREFIX_ITEMS if code.startswith(prefix)), None)


KETAMINE_WORDS = ("ketamine", "esketamine", "spravato", "ketalar")


def item_for_allergy(substance: str) -> Item | None:
    lowered = substance.lower()
    return Item.HYPERSENSITIVITY if any(word in lowered for word in KETAMINE_WORDS) else None


@dataclass(frozen=True)
class Diagnosis:
    id: int
    code: str
    description: str
    treatment_resistant: bool
    diagnosed_on: date | None
    recorded_at: datetime
    resolved_on: date | None  # kept on the record, struck through; never deleted
    version: int

    @property
    def item(self) -> Item | None:
        return None if self.resolved_on else item_for_code(self.code)


@dataclass(frozen=True)
class Medication:
    id: int
    name: str
    dose: str  # as the patient takes it: "10 mg at night"
    med_class: MedicationClass
    started_on: date | None
    recorded_at: datetime
    stopped_on: date | None
    version: int


@dataclass(frozen=True)
class Allergy:
    id: int
    substance: str
    reaction: str
    recorded_at: datetime
    removed_on: date | None  # entered in error or outgrown; kept, struck through
    version: int

    @property
    def item(self) -> Item | None:
        return None if self.removed_on else item_for_allergy(self.substance)


@dataclass(frozen=True)
class Vitals:
    systolic: int
    diastolic: int
    heart_rate: int | None
    spo2: int | None
    taken_at: datetime


@dataclass(frozen=True)
class Intake:
    """Everything on the chart's intake, current and past entries alike (the UI shows past ones struck)."""

    patient_id: int
    diagnoses: tuple[Diagnosis, ...]
    medications: tuple[Medication, ...]
    allergies: tuple[Allergy, ...]
    history: str
    history_version: int
    vitals: tuple[Vitals, ...]  # newest first
    weight_kg: float | None
    weight_recorded_on: date | None
    height_cm: float | None
    height_recorded_on: date | None

    @property
    def current_classes(self) -> frozenset[MedicationClass]:
        return frozenset(m.med_class for m in self.medications if m.stopped_on is None)

    @property
    def baseline(self) -> Vitals | None:
        return self.vitals[0] if self.vitals else None


def check_code(code: str, description: str) -> list[FieldError]:
    errors: list[FieldError] = []
    code = code.strip().upper()
    if not ICD10_PATTERN.match(code):
        errors.append(FieldError("code", "Enter an ICD-10 code such as F33.1 (a letter, two digits, then a dot)."))
    if not description.strip():
        errors.append(FieldError("description", "Describe the diagnosis."))
    elif len(description.strip()) > DESCRIPTION_MAX:
        errors.append(FieldError("description", f"Keep the description under {DESCRIPTION_MAX} characters."))
    return errors


def check_vitals(
    systolic: int | None, diastolic: int | None, heart_rate: int | None, spo2: int | None
) -> list[FieldError]:
    """Blood pressure is required; pulse and oxygen saturation may be left out."""
    errors: list[FieldError] = []
    for field, value, (low, high), unit, required in (
        ("systolic", systolic, SYSTOLIC_RANGE, "mmHg", True),
        ("diastolic", diastolic, DIASTOLIC_RANGE, "mmHg", True),
        ("heart_rate", heart_rate, HEART_RATE_RANGE, "beats a minute", False),
        ("spo2", spo2, SPO2_RANGE, "%", False),
    ):
        if value is None:
            if required:
                errors.append(FieldError(field, "Enter the blood pressure."))
        elif not low <= value <= high:
            errors.append(FieldError(field, f"Must be between {low} and {high} {unit}."))
    if systolic is not None and diastolic is not None and diastolic >= systolic and not errors:
        errors.append(FieldError("diastolic", "The diastolic pressure must be lower than the systolic."))
    return errors

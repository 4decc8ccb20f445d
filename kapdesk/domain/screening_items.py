"""The eligibility checklist of CLINICAL.md: each item absolute (blocks dosing until a prescriber records a reasoned
override) or relative (eligible with precautions the prescriber acknowledges)."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    ABSOLUTE = "absolute"
    RELATIVE = "relative"


class Item(StrEnum):
    PSYCHOSIS = "psychosis"
    MANIA = "mania"
    PREGNANCY = "pregnancy"
    VASCULAR = "vascular"
    HAEMORRHAGE = "haemorrhage"
    HYPERSENSITIVITY = "hypersensitivity"
    UNCONTROLLED_HYPERTENSION = "uncontrolled_hypertension"
    KETAMINE_MISUSE = "ketamine_misuse"
    CONTROLLED_HYPERTENSION = "controlled_hypertension"
    CARDIAC = "cardiac"
    SUBSTANCE_USE = "substance_use"
    SEIZURES = "seizures"
    RAISED_PRESSURE = "raised_pressure"
    RESPIRATORY = "respiratory"
    HEPATIC = "hepatic"
    BLADDER = "bladder"
    FAMILY_PSYCHOSIS = "family_psychosis"
    BIPOLAR = "bipolar"

    @property
    def label(self) -> str:
        return _ITEMS[self][0]

    @property
    def severity(self) -> Severity:
        return _ITEMS[self][1]


_A, _R = Severity.ABSOLUTE, Severity.RELATIVE
_ITEMS = {
    Item.PSYCHOSIS: ("History of psychosis, schizophrenia or schizoaffective disorder", _A),
    Item.MANIA: ("Current mania", _A),
    Item.PREGNANCY: ("Pregnancy or breastfeeding", _A),
    Item.VASCULAR: ("Aneurysmal vascular disease or arteriovenous malformation", _A),
    Item.HAEMORRHAGE: ("History of intracerebral haemorrhage", _A),
    Item.HYPERSENSITIVITY: ("Known ketamine or esketamine hypersensitivity", _A),
    Item.UNCONTROLLED_HYPERTENSION: ("Uncontrolled hypertension", _A),
    # CLINICAL.md: substance use history is relative, but ketamine/PCP misuse is near-absolute.
    Item.KETAMINE_MISUSE: ("Ketamine or PCP misuse", _A),
    Item.CONTROLLED_HYPERTENSION: ("Controlled hypertension", _R),
    Item.CARDIAC: ("Cardiac disease or heart failure", _R),
    Item.SUBSTANCE_USE: ("Substance use disorder history", _R),
    Item.SEIZURES: ("Seizure disorder", _R),
    Item.RAISED_PRESSURE: ("Raised intracranial or intraocular pressure", _R),
    Item.RESPIRATORY: ("Severe COPD or sleep apnoea", _R),
    Item.HEPATIC: ("Moderate hepatic impairment", _R),
    Item.BLADDER: ("Bladder problems (ketamine cystitis risk)", _R),
    Item.FAMILY_PSYCHOSIS: ("Family history of psychosis or mania", _R),
    Item.BIPOLAR: ("Bipolar disorder (watch for a switch to mania)", _R),
}
ABSOLUTE_ITEMS = tuple(i for i in Item if i.severity is Severity.ABSOLUTE)
RELATIVE_ITEMS = tuple(i for i in Item if i.severity is Severity.RELATIVE)
# Answered by the pregnancy question and the measured blood pressure, not ticked on the checklist.
DERIVED_ITEMS = frozenset({Item.PREGNANCY, Item.UNCONTROLLED_HYPERTENSION})

"""The demo clinic's clinical records: the kinds of patient a KAP clinic sees (diagnoses from the catalogue,
medications, medical history), and the intake and screening rows that follow for one of them. Screenings are
assessed by the clinic's own rule (`assess`), so the demo shows exactly what a prescriber would. Medicines are
real ones at ordinary doses; every person is invented. Pure: rows for the caller's bulk inserts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from random import Random

from kapdesk.domain.appointments import Route
from kapdesk.domain.intake import MedicationClass, item_for_allergy, item_for_code, option_for
from kapdesk.domain.patients import age_on
from kapdesk.domain.screening import Answers, Limits, Pregnancy, Result, assess, pregnancy_relevant
from kapdesk.domain.screening_items import Item

_OTHER, _BENZO, _LAMO = MedicationClass.OTHER, MedicationClass.BENZODIAZEPINE, MedicationClass.LAMOTRIGINE
_MAOI, _STIM, _OPIOID = MedicationClass.MAOI, MedicationClass.STIMULANT, MedicationClass.OPIOID
_HYPNOTIC = MedicationClass.SEDATIVE_HYPNOTIC


@dataclass(frozen=True)
class Profile:
    """What one kind of patient's intake holds. A diagnosis is (catalogue code, treatment resistant, resolved);
    `items` are checklist items the screener ticks beyond what the intake implies (a resolved history)."""

    diagnoses: tuple[tuple[str, bool, bool], ...]
    medications: tuple[tuple[str, str, MedicationClass], ...]
    history: str
    pressure: tuple[int, int] | None = None  # a baseline that matters here; else a normal one is drawn
    items: tuple[Item, ...] = ()

    @property
    def treatment_resistant(self) -> bool:
        """Esketamine is for treatment-resistant depression: only these patients get it."""
        return any(resistant for _code, resistant, _resolved in self.diagnoses)


ELIGIBLE = (
    Profile(
        (("F33.2", True, False),),
        (("Sertraline", "150 mg each morning", _OTHER), ("Bupropion XL", "300 mg each morning", _OTHER)),
        "Recurrent depression since early adulthood; three adequate antidepressant trials and a year of CBT without "
        "remission. No history of mania or psychosis. Non-smoker, drinks rarely.",
    ),
    Profile(
        (("F33.1", True, False), ("F41.1", False, False)),
        (("Escitalopram", "20 mg daily", _OTHER), ("Mirtazapine", "15 mg at night", _OTHER)),
        "Depression with marked anxiety for over ten years; partial response to two SSRIs and to augmentation. "
        "Sleeps poorly. No other medical problems, no operations.",
    ),
    Profile(
        (("F43.12", False, False), ("F33.1", False, False)),
        (("Prazosin", "2 mg at night", _OTHER), ("Sertraline", "100 mg daily", _OTHER)),
        "Chronic PTSD after a road traffic collision; nightmares better on prazosin. Completed prolonged exposure "
        "therapy with partial benefit. Appendicectomy as a child.",
    ),
    Profile(
        (("F41.1", False, False), ("F32.1", False, False)),
        (("Buspirone", "10 mg twice daily", _OTHER),),
        "Generalized anxiety since adolescence, first depressive episode last year. Runs three times a week; "
        "no medical problems.",
    ),
    Profile(
        (("G89.4", False, False), ("F33.9", False, False)),
        (("Duloxetine", "60 mg daily", _OTHER), ("Pregabalin", "75 mg twice daily", _OTHER)),
        "Chronic pain after lumbar spine surgery, with depression. Followed by a pain clinic; off opioids for two "
        "years.",
    ),
    Profile(
        (("F42.2", False, False), ("F33.2", True, False)),
        (("Fluvoxamine", "200 mg daily", _OTHER),),
        "Obsessive-compulsive disorder since childhood, depression over the last three years not lifting with "
        "two antidepressants. Hypothyroid, replaced.",
    ),
)
PRECAUTIONS = (
    Profile(
        (("F33.2", True, False), ("I10", False, False)),
        (("Vortioxetine", "20 mg daily", _OTHER), ("Lisinopril", "10 mg daily", _OTHER)),
        "Treatment-resistant depression. Hypertension controlled on lisinopril, home readings around 130/80.",
        pressure=(136, 84),
    ),
    Profile(
        (("F43.10", False, False), ("F41.1", False, False)),
        (("Clonazepam", "0.5 mg as needed", _BENZO), ("Sertraline", "100 mg daily", _OTHER)),
        "PTSD and anxiety; uses clonazepam two or three times a week, agreed to skip it on dosing days.",
    ),
    Profile(
        (("F33.2", True, False), ("G47.33", False, False)),
        (("Venlafaxine XR", "150 mg daily", _OTHER), ("Zolpidem", "5 mg at night", _HYPNOTIC)),
        "Treatment-resistant depression. Obstructive sleep apnoea, uses CPAP every night.",
    ),
    Profile(
        (("F33.1", True, False),),
        (("Lisdexamfetamine", "40 mg each morning", _STIM), ("Bupropion XL", "150 mg daily", _OTHER)),
        "Depression not responding to three antidepressants; ADHD diagnosed at college, stable on a stimulant.",
    ),
    Profile(
        (("G89.29", False, False), ("F32.1", False, False)),
        (("Tramadol", "50 mg up to twice daily", _OPIOID), ("Sertraline", "50 mg daily", _OTHER)),
        "Chronic knee pain awaiting a joint replacement; low mood since stopping work.",
    ),
    Profile(
        (("F33.2", True, False),),
        (("Phenelzine", "45 mg daily", _MAOI),),
        "Long-standing treatment-resistant depression; phenelzine for two years with partial benefit, keeps to the "
        "tyramine diet.",
    ),
)
BIPOLAR = Profile(
    (("F31.81", True, False),),
    (("Lamotrigine", "200 mg daily", _LAMO), ("Quetiapine", "50 mg at night", _OTHER)),
    "Bipolar II disorder; last hypomanic episode four years ago. Depressive episodes persist despite lamotrigine. "
    "Keeps a mood chart and shares it with the clinic.",
)
SUBSTANCE_USE = Profile(
    (("F10.21", False, False), ("F33.1", False, False)),
    (("Naltrexone", "50 mg daily", _OTHER), ("Sertraline", "100 mg daily", _OTHER)),
    "Alcohol dependence, in remission for three years; attends a peer support group weekly. Recurrent depression.",
)
UNCONTROLLED_PRESSURE = Profile(
    (("F33.2", True, False), ("I10", False, False)),
    (("Amlodipine", "5 mg daily, started last week", _OTHER), ("Sertraline", "200 mg daily", _OTHER)),
    "Treatment-resistant depression. High blood pressure found at the consultation; the family doctor started "
    "amlodipine. Rescreen once home readings are below 140/90.",
    pressure=(174, 106),
)
PSYCHOSIS_HISTORY = Profile(
    (("F33.2", True, False), ("F29", False, True)),
    (("Sertraline", "200 mg daily", _OTHER), ("Aripiprazole", "2 mg daily", _OTHER)),
    "A single brief psychotic episode at 19 during heavy cannabis use, resolved within weeks; none since. "
    "Treatment-resistant depression for eight years. The treating psychiatrist supports a trial of ketamine.",
    items=(Item.PSYCHOSIS,),
)
ALLERGIES = (("Penicillin", "Rash"), ("Sulfonamide antibiotics", "Hives"), ("Latex", "Contact dermatitis"))


@dataclass(frozen=True)
class PatientFacts:
    id: int
    sex_at_birth: str
    date_of_birth: date


@dataclass
class ClinicalRows:
    """Rows gathered for bulk inserts, by table."""

    diagnoses: list[dict[str, object]] = field(default_factory=list)
    medications: list[dict[str, object]] = field(default_factory=list)
    allergies: list[dict[str, object]] = field(default_factory=list)
    histories: list[dict[str, object]] = field(default_factory=list)
    vitals: list[dict[str, object]] = field(default_factory=list)
    screenings: list[dict[str, object]] = field(default_factory=list)
    _allergic: dict[int, list[str]] = field(default_factory=dict)  # substances, by patient

    def intake(self, patient: PatientFacts, profile: Profile, at: datetime, by: int, rng: Random) -> None:
        """Diagnoses, medications, maybe an allergy, and the history, recorded at `at` by `by`."""
        recorded = {"patient_id": patient.id, "recorded_by": by, "recorded_at": at, "version": 1}
        adult = patient.date_of_birth + timedelta(days=round(365.25 * 18))
        for code, resistant, resolved in profile.diagnoses:
            option = option_for(code)
            assert option is not None, code  # the demo uses the catalogue only
            since = _between(rng, adult, at.date() - timedelta(days=400))
            if resolved:  # a history from long ago (the profiles' texts say at 19)
                since = min(patient.date_of_birth + timedelta(days=round(365.25 * 19)), at.date() - timedelta(days=400))
            self.diagnoses.append(
                recorded
                | {
                    "code": code,
                    "description": option.description,
                    "treatment_resistant": resistant,
                    "diagnosed_on": since,
                    "resolved_on": since + timedelta(days=rng.randint(40, 120)) if resolved else None,
                }
            )
        for name, dose, med_class in profile.medications:
            started = _between(rng, at.date() - timedelta(days=5 * 365), at.date() - timedelta(days=60))
            self.medications.append(
                recorded
                | {"name": name, "dose": dose, "med_class": med_class.value, "started_on": started, "stopped_on": None}
            )
        if rng.random() < 0.2:
            substance, reaction = rng.choice(ALLERGIES)
            self.allergies.append(recorded | {"substance": substance, "reaction": reaction, "removed_on": None})
            self._allergic.setdefault(patient.id, []).append(substance)
        self.histories.append(
            {"patient_id": patient.id, "body": profile.history, "updated_by": by, "updated_at": at, "version": 1}
        )

    def screening(
        self,
        patient: PatientFacts,
        profile: Profile,
        rng: Random,
        *,
        created: tuple[datetime, int],
        signed: tuple[datetime, int] | None,
        route: Route | None,
        notes: str = "",
    ) -> Result:
        """A screening of this patient as their intake stands, with its baseline vitals; signed if `signed`
        (when, by whom). Esketamine screenings record the REMS enrollment. Returns the result."""
        at, by = created
        pressure = profile.pressure or (rng.randint(108, 132), rng.randint(66, 84))
        heart_rate, spo2 = rng.randint(58, 92), rng.randint(96, 99)
        asked = pregnancy_relevant(patient.sex_at_birth, age_on(patient.date_of_birth, at.date()))
        implied = {item_for_code(code) for code, _resistant, resolved in profile.diagnoses if not resolved}
        implied |= {item_for_allergy(substance) for substance in self._allergic.get(patient.id, ())}
        items = frozenset(i for i in implied | set(profile.items) if i is not None)
        classes = frozenset(med_class for _name, _dose, med_class in profile.medications)
        esketamine = route is Route.ESKETAMINE
        answers = Answers(
            items=items,
            systolic=pressure[0],
            diastolic=pressure[1],
            heart_rate=heart_rate,
            spo2=spo2,
            pregnancy=Pregnancy.NOT_PREGNANT if asked else Pregnancy.NOT_ASKED,
            medication_classes=classes,
            route=route,
            rems_enrolled=esketamine,
        )
        # The demo clinic keeps the default limits (its settings are never changed by the demo).
        assessment = assess(answers, Limits())
        self.screenings.append(
            {
                "patient_id": patient.id,
                "route": route.value if route else None,
                "items": [item.value for item in Item if item in items],
                "systolic": pressure[0],
                "diastolic": pressure[1],
                "heart_rate": heart_rate,
                "spo2": spo2,
                "pregnancy": answers.pregnancy.value,
                "medication_classes": [c.value for c in MedicationClass if c in classes],
                "rems_enrolled": esketamine,
                "rems_enrolled_on": at.date() - timedelta(days=rng.randint(1, 20)) if esketamine else None,
                "rems_patient_id": f"DEMO-{rng.randrange(10**6, 10**7)}" if esketamine else "",
                "notes": notes,
                "result": assessment.result.value,
                "reasons": [
                    {"text": r.text, "severity": r.severity.value, "overridable": r.overridable}
                    for r in assessment.reasons
                ],
                "precautions_acknowledged": signed is not None and assessment.result is Result.PRECAUTIONS,
                "created_by": by,
                "created_at": at,
                "updated_at": at,
                "signed_by": signed[1] if signed else None,
                "signed_at": signed[0] if signed else None,
                "version": 1,
            }
        )
        self.vitals.append(
            {
                "patient_id": patient.id,
                "systolic": pressure[0],
                "diastolic": pressure[1],
                "heart_rate": heart_rate,
                "spo2": spo2,
                "taken_at": at,
                "recorded_by": by,
            }
        )
        return assessment.result


def _between(rng: Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, max((last - first).days, 0)))

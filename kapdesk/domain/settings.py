"""Clinic settings: each with a safe default and its limits, kept in one registry.

Values are stored in the database (so every PC of a clinic agrees) and changed only by an admin, audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from kapdesk.domain.errors import FieldError


@dataclass(frozen=True)
class IntSetting:
    key: str
    label: str
    default: int
    minimum: int
    maximum: int
    unit: str = ""

    def parse(self, text: str) -> int:
        """Raises ValueError with words for the admin when the value is out of bounds."""
        try:
            value = int(text.strip())
        except ValueError:
            raise ValueError(f"{self.label} must be a whole number.") from None
        if not self.minimum <= value <= self.maximum:
            raise ValueError(
                f"{self.label} must be between {self.minimum} and {self.maximum} {self.unit}".strip() + "."
            )
        return value


AUTO_LOCK_MINUTES = IntSetting(
    "auto_lock_minutes", "Lock the screen after", default=10, minimum=1, maximum=30, unit="idle minutes"
)
SIGN_IN_FREE_ATTEMPTS = IntSetting(
    "sign_in_free_attempts", "Unsuccessful sign-ins before delays", default=5, minimum=3, maximum=10, unit="attempts"
)

INTEGRATION_MIN_HOURS = IntSetting(
    "integration_min_hours", "Integration at the earliest", default=24, minimum=0, maximum=72, unit="hours after dosing"
)
INTEGRATION_MAX_HOURS = IntSetting(
    "integration_max_hours", "Integration at the latest", default=72, minimum=24, maximum=240, unit="hours after dosing"
)

SCREENING_VALID_MONTHS = IntSetting(
    "screening_valid_months", "A screening must be redone after", default=12, minimum=1, maximum=24, unit="months"
)
# CLINICAL.md: above 140/90 → hold (recheck); at or above 160/100 → alert (here: uncontrolled hypertension).
BP_HOLD_SYSTOLIC = IntSetting(
    "bp_hold_systolic", "Hold dosing above systolic", default=140, minimum=100, maximum=200, unit="mmHg"
)
BP_HOLD_DIASTOLIC = IntSetting(
    "bp_hold_diastolic", "Hold dosing above diastolic", default=90, minimum=60, maximum=130, unit="mmHg"
)
BP_ALERT_SYSTOLIC = IntSetting(
    "bp_alert_systolic", "Alert at systolic", default=160, minimum=120, maximum=240, unit="mmHg"
)
BP_ALERT_DIASTOLIC = IntSetting(
    "bp_alert_diastolic", "Alert at diastolic", default=100, minimum=70, maximum=150, unit="mmHg"
)
HR_FLAG_ABOVE = IntSetting("hr_flag_above", "Flag heart rate above", default=110, minimum=80, maximum=160, unit="bpm")
SPO2_FLAG_BELOW = IntSetting("spo2_flag_below", "Flag SpO2 below", default=94, minimum=85, maximum=99, unit="%")
# CLINICAL.md, pre-dose checklist: fasting before dosing (esketamine has its own, shorter times).
FASTING_SOLIDS_MINUTES = IntSetting(
    "fasting_solids_minutes", "No food before dosing for", default=240, minimum=0, maximum=720, unit="minutes"
)
FASTING_LIQUIDS_MINUTES = IntSetting(
    "fasting_liquids_minutes", "No clear liquids before dosing for", default=120, minimum=0, maximum=720, unit="minutes"
)
ESKETAMINE_FOOD_MINUTES = IntSetting(
    "esketamine_food_minutes", "Esketamine: no food before for", default=120, minimum=0, maximum=720, unit="minutes"
)
ESKETAMINE_LIQUIDS_MINUTES = IntSetting(
    "esketamine_liquids_minutes",
    "Esketamine: no liquids before for",
    default=30,
    minimum=0,
    maximum=720,
    unit="minutes",
)
ARRIVE_BEFORE_MINUTES = IntSetting(
    "arrive_before_minutes", "Ask patients to arrive early by", default=15, minimum=0, maximum=120, unit="minutes"
)

SETTINGS: dict[str, IntSetting] = {
    s.key: s
    for s in (
        AUTO_LOCK_MINUTES,
        SIGN_IN_FREE_ATTEMPTS,
        INTEGRATION_MIN_HOURS,
        INTEGRATION_MAX_HOURS,
        SCREENING_VALID_MONTHS,
        BP_HOLD_SYSTOLIC,
        BP_HOLD_DIASTOLIC,
        BP_ALERT_SYSTOLIC,
        BP_ALERT_DIASTOLIC,
        HR_FLAG_ABOVE,
        SPO2_FLAG_BELOW,
        FASTING_SOLIDS_MINUTES,
        FASTING_LIQUIDS_MINUTES,
        ESKETAMINE_FOOD_MINUTES,
        ESKETAMINE_LIQUIDS_MINUTES,
        ARRIVE_BEFORE_MINUTES,
    )
}


@dataclass(frozen=True)
class ClinicSettings:
    values: dict[str, int]

    def __getitem__(self, setting: IntSetting) -> int:
        return self.values.get(setting.key, setting.default)


def parse_settings(raw: dict[str, str]) -> tuple[dict[str, int], list[FieldError]]:
    """Check every submitted value; unknown keys are an error, not silently stored."""
    clean: dict[str, int] = {}
    errors: list[FieldError] = []
    for key, text in raw.items():
        setting = SETTINGS.get(key)
        if setting is None:
            errors.append(FieldError(key, "There is no such setting."))
            continue
        try:
            clean[key] = setting.parse(text)
        except ValueError as error:
            errors.append(FieldError(key, str(error)))
    return clean, errors


def sign_in_delay(failures: int, free_attempts: int) -> int:
    """Seconds to wait before the next attempt: none for the first few, then doubling, capped at five minutes.
    Never a permanent lock-out: a stranger at the front desk could otherwise lock out the whole staff."""
    extra = failures - free_attempts + 1
    if extra <= 0:
        return 0
    return min(2 ** (extra - 1) * 5, 300)

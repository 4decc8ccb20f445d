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

SETTINGS: dict[str, IntSetting] = {
    s.key: s for s in (AUTO_LOCK_MINUTES, SIGN_IN_FREE_ATTEMPTS, INTEGRATION_MIN_HOURS, INTEGRATION_MAX_HOURS)
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

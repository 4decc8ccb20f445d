"""The clinic's own details: printed on letterheads and day sheets, and the time zone times are shown in."""

from __future__ import annotations

from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from kapdesk.domain.contacts import parse_phone
from kapdesk.domain.errors import FieldError

PROFILE_MAX_LENGTHS = {"name": 120, "address": 400, "phone": 40, "time_zone": 60}


@dataclass(frozen=True)
class ClinicProfile:
    name: str
    address: str
    phone: str  # E.164 once validated
    time_zone: str  # IANA name, e.g. America/Los_Angeles


def validate_profile(profile: ClinicProfile) -> tuple[ClinicProfile, list[FieldError]]:
    clean = replace(
        profile,
        name=profile.name.strip(),
        address=profile.address.strip(),
        phone=profile.phone.strip(),
        time_zone=profile.time_zone.strip(),
    )
    errors: list[FieldError] = []
    if not clean.name:
        errors.append(FieldError("name", "is required"))
    if clean.phone:
        try:
            clean = replace(clean, phone=parse_phone(clean.phone).e164)
        except ValueError as error:
            errors.append(FieldError("phone", str(error)))
    if not is_time_zone(clean.time_zone):
        errors.append(FieldError("time_zone", "must be a time zone such as America/Chicago"))
    for name, limit in PROFILE_MAX_LENGTHS.items():
        if len(getattr(clean, name)) > limit:
            errors.append(FieldError(name, f"is longer than {limit} characters"))
    return clean, errors


def is_time_zone(name: str) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def time_zone_names() -> list[str]:
    """Region/City names people choose from (the legacy aliases left out)."""
    return sorted(n for n in available_timezones() if "/" in n and not n.startswith(("Etc/", "SystemV/", "US/")))

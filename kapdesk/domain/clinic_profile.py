"""The clinic's own details: printed on letterheads and day sheets, and the time zone times are shown in."""

from __future__ import annotations

from dataclasses import dataclass, replace
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from kapdesk.domain.contacts import parse_phone
from kapdesk.domain.errors import FieldError

PROFILE_MAX_LENGTHS = {"name": 120, "address": 400, "phone": 40, "time_zone": 60}
PAPER_SIZES = {"letter": "US Letter", "a4": "A4"}  # what documents are printed on (documents.sheet_layout)
LOGO_MAX_BYTES = 1024 * 1024
_LOGO_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}


@dataclass(frozen=True)
class ClinicProfile:
    name: str
    address: str
    phone: str  # E.164 once validated
    time_zone: str  # IANA name, e.g. America/Los_Angeles
    paper_size: str = "letter"  # a key of PAPER_SIZES


def validate_profile(profile: ClinicProfile) -> tuple[ClinicProfile, list[FieldError]]:
    clean = replace(
        profile,
        name=profile.name.strip(),
        address=profile.address.strip(),
        phone=profile.phone.strip(),
        time_zone=profile.time_zone.strip(),
        paper_size=profile.paper_size.strip().lower(),
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
    if clean.paper_size not in PAPER_SIZES:
        errors.append(FieldError("paper_size", "must be US Letter or A4"))
    for name, limit in PROFILE_MAX_LENGTHS.items():
        if len(getattr(clean, name)) > limit:
            errors.append(FieldError(name, f"is longer than {limit} characters"))
    return clean, errors


def logo_format(data: bytes) -> str | None:
    """The image format by the file's first bytes (its name can say anything): "PNG", "JPEG", or None."""
    return next((name for signature, name in _LOGO_SIGNATURES.items() if data.startswith(signature)), None)


def check_logo(data: bytes) -> list[FieldError]:
    """What a logo file must be before anyone tries to decode it: PNG or JPEG, and small enough to print fast."""
    if logo_format(data) is None:
        return [FieldError("logo", "The logo must be a PNG or JPEG image.")]
    if len(data) > LOGO_MAX_BYTES:
        return [FieldError("logo", f"The logo is {len(data) / 1024 / 1024:.1f} MB; use an image of at most 1 MB.")]
    return []


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

"""Phone numbers and e-mail addresses: checked, normalised, and made searchable."""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

DEFAULT_REGION = "US"

# Deliberately permissive: the mail server is the final judge, this catches typos.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


@dataclass(frozen=True)
class Phone:
    e164: str  # stored form, e.g. +15035550123
    national_digits: str  # searchable form, e.g. 5035550123


def parse_phone(text: str, region: str = DEFAULT_REGION) -> Phone:
    """Parse a phone number as a person would type it; raises ValueError with a reason."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValueError("doesn't look like a phone number") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError("isn't a valid phone number (check the area code and number of digits)")
    return Phone(
        e164=phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164),
        national_digits=str(number.national_number),
    )


def format_phone(e164: str, region: str = DEFAULT_REGION) -> str:
    """Show a stored number the way people in the clinic's region write it."""
    if not e164:
        return ""
    number = phonenumbers.parse(e164, region)
    fmt = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if phonenumbers.region_code_for_number(number) == region
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, fmt)


def check_email(text: str) -> str:
    """Return the address trimmed; raise ValueError if it can't be an e-mail address."""
    address = text.strip()
    if not _EMAIL.match(address):
        raise ValueError("should look like name@example.com")
    return address


def phone_digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())

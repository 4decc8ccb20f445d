"""What a receptionist's search text means: a name, a chart number, a date of birth or a phone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from kapdesk.domain.contacts import phone_digits
from kapdesk.domain.dates import looks_like_date, parse_user_date
from kapdesk.domain.folding import fold
from kapdesk.domain.patients import CHART_PREFIX, format_chart_number

_CHART = re.compile(rf"^{re.escape(CHART_PREFIX.rstrip('-'))}-?(\d*)$", re.IGNORECASE)
_PHONEISH = re.compile(r"^[\d\s()+.\-]+$")


@dataclass(frozen=True)
class NamePrefix:
    """Match patients whose folded last name (and first name, if given) start with these."""

    last: str
    first: str = ""


@dataclass(frozen=True)
class FirstNamePrefix:
    first: str


@dataclass(frozen=True)
class ChartNumber:
    prefix: str  # matches chart numbers starting with this; exact numbers are simply full prefixes


@dataclass(frozen=True)
class BirthDate:
    value: date


@dataclass(frozen=True)
class PhonePrefix:
    digits: str


Criterion = NamePrefix | FirstNamePrefix | ChartNumber | BirthDate | PhonePrefix


def interpret(text: str) -> list[Criterion]:
    """Every reasonable reading of the search text, most likely first. Empty text means no filter."""
    text = text.strip()
    if not text:
        return []
    if looks_like_date(text):
        try:
            when = parse_user_date(text)
        except ValueError:
            return []  # 2/30/1980: nobody was born then
        return [BirthDate(when)] if when else []
    chart = _CHART.match(text.replace(" ", ""))
    if chart:
        digits = chart.group(1)
        if not digits or digits.startswith("0"):  # "KD-00012": still typing a padded number
            return [ChartNumber(CHART_PREFIX + digits)]
        return [ChartNumber(format_chart_number(int(digits)))]  # "KD-12" means chart 12
    if _PHONEISH.match(text):
        return _digit_readings(phone_digits(text))
    return _name_readings(text)


def _digit_readings(digits: str) -> list[Criterion]:
    readings: list[Criterion] = []
    if digits and len(digits) <= 6:
        readings.append(ChartNumber(format_chart_number(int(digits))))
    national = digits[1:] if len(digits) == 11 and digits.startswith("1") else digits
    if len(national) >= 3:
        readings.append(PhonePrefix(national))
    return readings


def _name_readings(text: str) -> list[Criterion]:
    if "," in text:
        last, first = (fold(part) for part in text.partition(",")[::2])
        if last:
            return [NamePrefix(last, first)]
        return [FirstNamePrefix(first)] if first else []
    tokens = [t for t in (fold(part) for part in text.split()) if t]
    if not tokens:
        return []
    readings: list[Criterion] = [NamePrefix("".join(tokens))]
    if len(tokens) == 1:
        readings.append(FirstNamePrefix(tokens[0]))
    for i in range(1, len(tokens)):
        head, tail = "".join(tokens[:i]), "".join(tokens[i:])
        readings.append(NamePrefix(last=tail, first=head))  # "maria lopez"
        readings.append(NamePrefix(last=head, first=tail))  # "lopez maria"
    return readings

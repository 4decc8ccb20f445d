"""How dates and numbers look on screen (US clinic conventions)."""

from __future__ import annotations

from datetime import date, datetime


def show_date(value: date | None) -> str:
    return value.strftime("%m/%d/%Y") if value else ""


def show_long_date(value: date | None) -> str:
    return f"{value:%b} {value.day}, {value.year}" if value else ""


def show_timestamp(value: datetime | None) -> str:
    return value.astimezone().strftime("%m/%d/%Y %H:%M") if value else ""


def parse_number(text: str) -> float | None:
    """None for empty text; ValueError for text that isn't a number."""
    text = text.strip().replace(",", ".")
    if not text:
        return None
    try:
        return float(text)
    except ValueError as error:
        raise ValueError("must be a number") from error

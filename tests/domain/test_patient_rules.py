from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from kapdesk.domain.patients import (
    PatientDraft,
    PatientRecord,
    age_on,
    alerts_for,
    changed_fields,
    display_name,
    validate,
)

TODAY = date(2026, 11, 21)
GOOD = PatientDraft(
    first_name=" Maria ",
    last_name="López",
    date_of_birth=date(1985, 3, 12),
    phone="(503) 555-0123",
    email="maria@example.com",
    escort_name="Juan López",
    escort_phone="503-555-0199",
    weight_kg=70.0,
)


def fields_in_error(draft: PatientDraft) -> dict[str, str]:
    return {e.field: e.message for e in validate(draft, TODAY)[1]}


def test_a_complete_draft_is_tidied_not_refused() -> None:
    clean, errors = validate(GOOD, TODAY)
    assert errors == []
    assert clean.first_name == "Maria"
    assert clean.phone == "+15035550123"
    assert clean.escort_phone == "+15035550199"
    assert clean.weight_recorded_on == TODAY  # a weight typed without a date was weighed today


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"first_name": "  "}, "first_name", "required"),
        ({"last_name": ""}, "last_name", "required"),
        ({"date_of_birth": None}, "date_of_birth", "required"),
        ({"date_of_birth": TODAY}, "date_of_birth", "past"),
        ({"date_of_birth": date(2030, 1, 1)}, "date_of_birth", "past"),
        ({"date_of_birth": date(1890, 1, 1)}, "date_of_birth", "older than 120"),
        ({"phone": "12"}, "phone", "phone number"),
        ({"phone": "call me"}, "phone", "phone number"),
        ({"email": "maria@"}, "email", "name@example.com"),
        ({"email": "maria example.com"}, "email", "name@example.com"),
        ({"weight_kg": 5.0}, "weight_kg", "between 20 and 350 kg"),
        ({"weight_kg": 900.0}, "weight_kg", "between 20 and 350 kg"),
        ({"height_cm": 40.0}, "height_cm", "between 90 and 250 cm"),
        ({"weight_recorded_on": date(2027, 1, 1)}, "weight_recorded_on", "future"),
        ({"escort_phone": ""}, "escort_phone", "reach the escort"),
        ({"emergency_name": "Ana", "emergency_phone": ""}, "emergency_phone", "emergency contact"),
        ({"sex_at_birth": "other"}, "sex_at_birth", "one of"),
    ],
)
def test_each_bad_value_is_named_with_a_reason(change: dict, field: str, words: str) -> None:
    errors = fields_in_error(replace(GOOD, **change))
    assert field in errors
    assert words in errors[field]


def test_all_problems_are_reported_at_once() -> None:
    errors = fields_in_error(PatientDraft(phone="1", email="x"))
    assert {"first_name", "last_name", "date_of_birth", "phone", "email"} <= set(errors)


def test_age_counts_whole_birthdays() -> None:
    assert age_on(date(1985, 11, 22), TODAY) == 40
    assert age_on(date(1985, 11, 21), TODAY) == 41
    assert age_on(date(2000, 2, 29), date(2026, 2, 28)) == 25


def test_display_name_shows_a_preferred_name_only_when_different() -> None:
    assert display_name("Robert", "Ng", "Bob") == "Ng, Robert (Bob)"
    assert display_name("Robert", "Ng", "Robert") == "Ng, Robert"


def test_changed_fields_lists_what_differs_in_form_order() -> None:
    assert changed_fields(GOOD, replace(GOOD, email="m@example.org", first_name="Mia")) == [
        "first_name",
        "email",
    ]


def test_chart_alerts_name_what_blocks_safe_dosing() -> None:
    record = PatientRecord(**validate(GOOD, TODAY)[0].__dict__, id=1, chart_number="KD-000001", version=1)
    assert [a.text for a in alerts_for(record, TODAY)] == ["No emergency contact"]

    stale = replace(record, weight_recorded_on=date(2026, 6, 1), escort_name="", archived_at=datetime.now(UTC),
                    archive_reason="Moved away")  # fmt: skip
    texts = [a.text for a in alerts_for(stale, TODAY)]
    assert "Archived: Moved away" in texts
    assert "No escort/driver on file" in texts
    assert "Weight older than 90 days" in texts

    assert "No weight recorded" in [a.text for a in alerts_for(replace(record, weight_kg=None), TODAY)]

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapdesk.domain.patient_search import (
    BirthDate,
    ChartNumber,
    FirstNamePrefix,
    NamePrefix,
    PhonePrefix,
    interpret,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", []),
        ("   ", []),
        ("Núñ", [NamePrefix("nun"), FirstNamePrefix("nun")]),
        ("lopez, ma", [NamePrefix("lopez", "ma")]),
        (", ma", [FirstNamePrefix("ma")]),
        (
            "maria lopez",
            [NamePrefix("marialopez"), NamePrefix("lopez", "maria"), NamePrefix("maria", "lopez")],
        ),
        ("1985-03-12", [BirthDate(date(1985, 3, 12))]),
        ("3/12/1985", [BirthDate(date(1985, 3, 12))]),
        ("2/30/1985", []),
        ("KD-000123", [ChartNumber("KD-000123")]),
        ("kd00012", [ChartNumber("KD-00012")]),
        ("KD-", [ChartNumber("KD-")]),
        ("KD-12", [ChartNumber("KD-000012")]),
        ("(", []),
        ("+", []),
        ("-", []),
        ("()", []),
        ("123", [ChartNumber("KD-000123"), PhonePrefix("123")]),
        ("(503) 555-01", [PhonePrefix("50355501")]),
        ("+1 503 555 0123", [PhonePrefix("5035550123")]),
        ("12", [ChartNumber("KD-000012")]),
    ],
)
def test_search_text_is_read_the_way_a_receptionist_means_it(text: str, expected: list) -> None:
    assert interpret(text) == expected


@given(st.text())
def test_no_text_a_receptionist_types_can_break_the_search(text: str) -> None:
    for criterion in interpret(text):
        assert criterion == criterion  # every reading is a plain value

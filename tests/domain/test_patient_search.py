from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kapdesk.domain.folding import prefix_upper_bound
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
        (",", []),
        (" , ", []),
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
    """Every reading has a non-empty prefix, so the range query can always be built."""
    for criterion in interpret(text):
        match criterion:
            case NamePrefix(last=key) | FirstNamePrefix(first=key) | ChartNumber(prefix=key) | PhonePrefix(digits=key):
                assert key
                assert prefix_upper_bound(key) > key
            case BirthDate(value=value):
                assert isinstance(value, date)

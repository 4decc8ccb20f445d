from __future__ import annotations

import pytest

from kapdesk.domain.passwords import MIN_LENGTH, check_password
from kapdesk.domain.settings import AUTO_LOCK_MINUTES, parse_settings, sign_in_delay


@pytest.mark.parametrize(
    "password",
    [
        "password1234",
        "Password!2024",
        "P@ssword2026!",
        "123456789012",
        "qwertyuiop12",
        "asdfghjkl;'1",
        "1234123412341",
        "zyxwvutsrqpo",
        "aaaaaaaaaaaa",
        "abababababab",
        "Ketamine12345",
        "kapdesk-2026!!",
        "letmein!!!!!!",
        "passwordpassword",
        "Welcome1Welcome1",
        "kapdeskkapdesk",
        "tulip tulip tulip",
    ],
)
def test_guessable_passwords_are_refused(password: str) -> None:
    assert check_password(password) is not None


@pytest.mark.parametrize(
    "password",
    ["correct horse battery", "zaq12wsxcde3", "my cat likes tuesdays", "Ünïcödé wörds ok", "tulips in 1987 rain"],
)
def test_long_unguessable_passwords_need_no_digits_or_symbols(password: str) -> None:
    assert check_password(password) is None


def test_length_is_the_rule_with_a_reason_in_words() -> None:
    problem = check_password("short one")
    assert problem is not None and str(MIN_LENGTH) in problem.message and "(this has 9)" in problem.message
    assert check_password("a" * 5 + "b" * 5 + "c" * 300) is not None  # capped, so hashing stays bounded


def test_the_users_own_name_is_refused() -> None:
    assert check_password("dana.smith.rules", username="dana.smith") is not None
    assert check_password("whitfield in the snow", full_name="Dana Whitfield") is not None
    assert check_password("al is a short name ok", username="al") is None  # too short a name to matter


def test_delays_start_after_the_free_attempts_and_double_to_a_cap() -> None:
    assert [sign_in_delay(n, 5) for n in range(5)] == [0, 0, 0, 0, 0]
    assert [sign_in_delay(n, 5) for n in range(5, 10)] == [5, 10, 20, 40, 80]
    assert sign_in_delay(1000, 5) == 300  # never a permanent lock


def test_settings_are_parsed_within_their_limits() -> None:
    assert parse_settings({"auto_lock_minutes": " 30 "}) == ({"auto_lock_minutes": 30}, [])
    _, errors = parse_settings({"auto_lock_minutes": "31", "nonsense": "1"})
    assert [e.field for e in errors] == ["auto_lock_minutes", "nonsense"]
    assert "between 1 and 30" in errors[0].message
    assert AUTO_LOCK_MINUTES.default == 10

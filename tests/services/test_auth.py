"""Signing in, throttling, rehashing, locking and passwords, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from kapdesk.domain.errors import (
    AccountDisabled,
    NotSignedIn,
    SignInFailed,
    SignInThrottled,
    ValidationFailed,
)
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from kapdesk.services.passwords import OWASP_MINIMUM, TEST_POLICY, Passwords
from tests.helpers import ADMIN, PASSWORD, add_user, open_test_clinic, set_up


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 21, 17, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def timed_clinic(db_url: str, tmp_path: Path, clock: FakeClock):  # type: ignore[no-untyped-def]
    clinic = set_up(open_test_clinic(db_url, tmp_path, clock=clock))
    add_user(clinic, "kim", Role.FRONT_DESK)
    yield clinic
    clinic.close()


def events(clinic: Clinic) -> list[tuple[str, str, str, str]]:
    with clinic.database.reading() as connection:
        rows = connection.execute(text("SELECT action, username, outcome, summary FROM audit_events ORDER BY id"))
        return [tuple(r) for r in rows]  # type: ignore[misc]


def test_signing_in_records_who_and_where(clinic: Clinic) -> None:
    result = clinic.auth.sign_in(ADMIN, PASSWORD)
    assert result.actor.username == ADMIN and result.actor.roles == {Role.ADMIN}
    assert clinic.access.actor.workstation == "test-pc"
    assert events(clinic)[-1] == ("sign_in", ADMIN, "success", "signed in")
    assert clinic.users.find(ADMIN).last_sign_in_at is not None


def test_unknown_user_and_wrong_password_look_the_same(clinic: Clinic) -> None:
    with pytest.raises(SignInFailed) as unknown:
        clinic.auth.sign_in("nobody", PASSWORD)
    with pytest.raises(SignInFailed) as wrong:
        clinic.auth.sign_in(ADMIN, "not the password at all")
    assert unknown.value.message == wrong.value.message and unknown.value.remedy == wrong.value.remedy
    last_two = events(clinic)[-2:]
    assert [e[0] for e in last_two] == ["sign_in", "sign_in"]
    assert [e[2] for e in last_two] == ["failure", "failure"]
    assert last_two[0][1] == "(unknown user)"  # a typed name that is no account is never written down
    assert last_two[1][1] == ADMIN
    # both attempts count towards the same kind of throttle
    with clinic.database.reading() as connection:
        counted = dict(connection.execute(text("SELECT username, failures FROM sign_in_attempts")).all())
    assert counted == {clinic.trail.digest("nobody"): 1, clinic.trail.digest(ADMIN): 1}
    assert "nobody" not in str(counted)  # what was typed is matched by a keyed digest, never stored


def test_a_failed_sign_in_leaves_the_current_user_signed_in(clinic: Clinic) -> None:
    with pytest.raises(SignInFailed):
        clinic.auth.sign_in(ADMIN, "wrong wrong wrong")
    assert clinic.access.actor.username == ADMIN


def test_delays_grow_after_five_failures_but_never_lock_for_good(timed_clinic: Clinic, clock: FakeClock) -> None:
    for _ in range(4):
        with pytest.raises(SignInFailed):
            timed_clinic.auth.sign_in("kim", "a wrong guess here")
    with pytest.raises(SignInFailed):  # the fifth failure is still answered normally...
        timed_clinic.auth.sign_in("kim", "a wrong guess here")
    with pytest.raises(SignInThrottled) as first:  # ...then even the right password must wait
        timed_clinic.auth.sign_in("kim", PASSWORD)
    assert first.value.seconds == 5
    clock.advance(5)
    with pytest.raises(SignInFailed):
        timed_clinic.auth.sign_in("kim", "a wrong guess here")
    with pytest.raises(SignInThrottled) as second:
        timed_clinic.auth.sign_in("kim", PASSWORD)
    assert second.value.seconds == 10  # growing
    clock.advance(10)
    assert timed_clinic.auth.sign_in("kim", PASSWORD).actor.username == "kim"  # never locked for good
    with timed_clinic.database.reading() as connection:  # success starts the count again
        assert connection.execute(text("SELECT count(*) FROM sign_in_attempts")).scalar() == 0


def test_throttling_one_username_does_not_slow_another(timed_clinic: Clinic) -> None:
    for _ in range(6):
        with pytest.raises((SignInFailed, SignInThrottled)):
            timed_clinic.auth.sign_in("kim", "a wrong guess here")
    assert timed_clinic.auth.sign_in(ADMIN, PASSWORD).actor.username == ADMIN


def test_unknown_usernames_are_throttled_like_real_ones(timed_clinic: Clinic) -> None:
    for _ in range(5):
        with pytest.raises(SignInFailed):
            timed_clinic.auth.sign_in("ghost", "a wrong guess here")
    with pytest.raises(SignInThrottled):
        timed_clinic.auth.sign_in("ghost", "a wrong guess here")


def test_a_disabled_account_says_so_only_to_someone_who_knows_its_password(clinic: Clinic) -> None:
    add_user(clinic, "kim", Role.FRONT_DESK)
    clinic.users.disable("kim")
    with pytest.raises(AccountDisabled, match="disabled"):
        clinic.auth.sign_in("kim", PASSWORD)
    with pytest.raises(SignInFailed):
        clinic.auth.sign_in("kim", "a wrong guess here")
    clinic.users.enable("kim")
    assert clinic.auth.sign_in("kim", PASSWORD).actor.username == "kim"


def test_a_hash_made_under_a_weaker_policy_is_upgraded_at_sign_in(db_url: str, tmp_path: Path) -> None:
    weak = set_up(open_test_clinic(db_url, tmp_path))
    old_hash = _hash_of(weak, ADMIN)
    assert "m=8,t=1,p=1" in old_hash
    weak.close()
    stronger = open_test_clinic(db_url, tmp_path, passwords=Passwords(OWASP_MINIMUM))
    try:
        stronger.auth.sign_in(ADMIN, PASSWORD)
        new_hash = _hash_of(stronger, ADMIN)
        assert new_hash.startswith("$argon2id$") and "m=19456,t=2,p=1" in new_hash
        assert "hash upgraded" in events(stronger)[-1][3]
        stronger.auth.sign_in(ADMIN, PASSWORD)  # and the new hash works
    finally:
        stronger.close()


def _hash_of(clinic: Clinic, username: str) -> str:
    with clinic.database.reading() as connection:
        return connection.execute(text("SELECT password_hash FROM users WHERE username = :u"), {"u": username}).scalar()


def test_cheap_hashing_needs_an_explicit_test_only_switch() -> None:
    with pytest.raises(ValueError, match="OWASP"):
        Passwords(TEST_POLICY)
    assert Passwords(OWASP_MINIMUM).policy == OWASP_MINIMUM


def test_locking_stops_every_service_until_the_same_password_unlocks(clinic: Clinic) -> None:
    clinic.auth.lock("idle")
    assert clinic.access.locked
    with pytest.raises(NotSignedIn):
        clinic.patients.search("a")
    with pytest.raises(SignInFailed):
        clinic.auth.unlock("not the password at all")
    assert clinic.access.locked
    clinic.auth.unlock(PASSWORD)
    clinic.patients.search("a")
    assert [e[0] for e in events(clinic)[-4:]] == ["lock", "unlock", "unlock", "search"]
    assert [e[2] for e in events(clinic)[-3:-1]] == ["failure", "success"]


def test_signing_out_ends_the_session(clinic: Clinic) -> None:
    clinic.auth.sign_out()
    with pytest.raises(NotSignedIn):
        clinic.patients.search("")
    assert events(clinic)[-1][:3] == ("sign_out", ADMIN, "success")


def test_switching_user_records_who_took_over(clinic: Clinic) -> None:
    add_user(clinic, "kim", Role.FRONT_DESK)
    clinic.auth.lock("switch user")
    clinic.auth.sign_in("kim", PASSWORD)
    assert clinic.access.actor.username == "kim"
    assert events(clinic)[-1][3] == f"signed in; took over from {ADMIN}"


def test_a_reset_password_must_be_changed_at_next_sign_in(clinic: Clinic) -> None:
    add_user(clinic, "kim", Role.FRONT_DESK)
    clinic.users.reset_password("kim", "temporary password 42")
    result = clinic.auth.sign_in("kim", "temporary password 42")
    assert result.must_change_password
    with pytest.raises(ValidationFailed) as short:
        clinic.auth.change_password("temporary password 42", "short")
    assert short.value.errors[0].field == "new_password"
    with pytest.raises(ValidationFailed) as wrong:
        clinic.auth.change_password("not my password", "kim's own long phrase")
    assert wrong.value.errors[0].field == "current_password"
    clinic.auth.change_password("temporary password 42", "a phrase only i know")
    assert not clinic.auth.sign_in("kim", "a phrase only i know").must_change_password
    with pytest.raises(SignInFailed):
        clinic.auth.sign_in("kim", "temporary password 42")


def test_guessing_the_current_password_at_an_unlocked_screen_is_throttled(timed_clinic: Clinic) -> None:
    for _ in range(5):
        with pytest.raises(ValidationFailed, match="not your current password"):
            timed_clinic.auth.change_password("a wrong guess here", "a brand new phrase")
    with pytest.raises(SignInThrottled):
        timed_clinic.auth.change_password(PASSWORD, "a brand new phrase")
    assert [e[:3] for e in events(timed_clinic)[-2:]] == [("password_change", ADMIN, "failure")] * 2


def test_old_failed_attempts_are_forgotten(timed_clinic: Clinic, clock: FakeClock) -> None:
    with pytest.raises(SignInFailed):
        timed_clinic.auth.sign_in("typo-name", "a wrong guess here")
    clock.advance(2 * 24 * 3600)
    with pytest.raises(SignInFailed):
        timed_clinic.auth.sign_in("another", "a wrong guess here")
    with timed_clinic.database.reading() as connection:
        kept = [k for (k,) in connection.execute(text("SELECT username FROM sign_in_attempts"))]
    assert kept == [timed_clinic.trail.digest("another")]


def test_locking_holds_even_when_the_lock_cannot_be_recorded(clinic: Clinic) -> None:
    from kapdesk.domain.errors import AuditKeyProblem
    from tests.services.test_audit_trail import tamper

    tamper(clinic, "UPDATE audit_head SET head_mac = 'broken'")  # appending now refuses: the seal is wrong
    with pytest.raises(AuditKeyProblem):
        clinic.auth.lock("idle")
    with pytest.raises(NotSignedIn):  # locked all the same
        clinic.patients.search("")
    with pytest.raises(AuditKeyProblem):
        clinic.auth.sign_out()
    assert clinic.access.current is None  # and signed out all the same

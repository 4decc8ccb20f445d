"""The audit trail: what each event holds, append-only triggers, and `verify` catching every kind of tampering.

Tampering is done as an attacker holding the database would: straight SQL, triggers dropped first.
"""

from __future__ import annotations

import os
import stat
import threading
from datetime import UTC, date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

from kapdesk.domain.errors import AuditKeyProblem, ValidationFailed
from kapdesk.domain.patients import PatientDraft
from kapdesk.services.clinic import Clinic
from tests.helpers import ADMIN, PASSWORD, PROFILE, open_test_clinic, set_up

DROP_TRIGGERS = {
    "sqlite": [
        "DROP TRIGGER audit_events_no_update",
        "DROP TRIGGER audit_events_no_delete",
        "DROP TRIGGER audit_head_no_delete",
        "DROP TRIGGER audit_head_forward_only",
    ],
    "postgresql": [
        "DROP TRIGGER audit_events_append_only ON audit_events",
        "DROP TRIGGER audit_events_no_truncate ON audit_events",
        "DROP TRIGGER audit_head_guard ON audit_head",
        "DROP TRIGGER audit_head_no_truncate ON audit_head",
    ],
}


def busy(clinic: Clinic, patients: int = 4) -> list[int]:
    """A little ordinary activity: register, find, open and edit patients."""
    ids = []
    for n in range(patients):
        record = clinic.patients.create(
            PatientDraft(first_name=f"Pat{n}", last_name="Quill", date_of_birth=date(1980, 1, 1 + n))
        ).value
        ids.append(record.id)
    clinic.patients.search("quill")
    opened = clinic.patients.get(ids[0])
    clinic.patients.update(
        opened.id, opened.version, PatientDraft(**{**opened.as_draft().__dict__, "email": "q@x.org"})
    )
    return ids


def attacker(clinic: Clinic) -> Engine:
    """A separate connection with the append-only triggers dropped."""
    engine = create_engine(clinic.database.engine.url)
    with engine.begin() as connection:
        for statement in DROP_TRIGGERS[engine.dialect.name]:
            connection.execute(text(statement))
    return engine


def tamper(clinic: Clinic, *statements: str) -> None:
    engine = attacker(clinic)
    try:
        with engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def last_sequence(clinic: Clinic) -> int:
    with clinic.database.reading() as connection:
        return connection.execute(text("SELECT max(id) FROM audit_events")).scalar()


def test_each_event_records_who_what_when_where_and_which_patient(clinic: Clinic) -> None:
    ids = busy(clinic)
    with clinic.database.reading() as connection:
        row = (
            connection.execute(text("SELECT * FROM audit_events WHERE action = 'update' ORDER BY id DESC LIMIT 1"))
            .mappings()
            .one()
        )
    assert row["username"] == ADMIN and row["user_id"] is not None
    assert row["workstation"] == "test-pc"
    assert (row["category"], row["entity_type"], row["entity_id"]) == ("demographics", "patient", str(ids[0]))
    assert row["patient_id"] == ids[0] and row["outcome"] == "success"
    assert row["summary"] == "changed email"  # names the change, never the value
    assert "q@x.org" not in str(dict(row))
    stored = clinic.audit.events(__import__("kapdesk.services.audit", fromlist=["AuditQuery"]).AuditQuery(limit=1))
    assert stored.rows[0].occurred_at.tzinfo is not None and stored.rows[0].occurred_at.utcoffset() == UTC.utcoffset(
        None
    )


def test_opening_a_chart_and_searching_are_recorded(clinic: Clinic) -> None:
    ids = busy(clinic, 1)
    before = last_sequence(clinic)
    clinic.patients.get(ids[0])
    clinic.patients.search("qu")
    with clinic.database.reading() as connection:
        rows = connection.execute(
            text("SELECT action, patient_id, summary FROM audit_events WHERE id > :n ORDER BY id"), {"n": before}
        ).all()
    assert [(r.action, r.patient_id) for r in rows] == [("view", ids[0]), ("search", None)]
    assert "qu" not in rows[1].summary.split(":")[0].replace("quill", "")  # the searched text is not kept


def test_a_refused_or_invalid_call_records_nothing_but_what_happened(clinic: Clinic) -> None:
    before = last_sequence(clinic)
    with pytest.raises(ValidationFailed):
        clinic.patients.create(PatientDraft(first_name="", last_name="", date_of_birth=None))
    assert last_sequence(clinic) == before  # nothing happened, nothing recorded, nothing half-written


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_events SET summary = 'nothing to see' WHERE id = 2",
        "DELETE FROM audit_events WHERE id = 2",
        "DELETE FROM audit_head",
        "UPDATE audit_head SET last_sequence = 1",
    ],
)
def test_triggers_refuse_changing_or_deleting_events(clinic: Clinic, statement: str) -> None:
    busy(clinic, 1)
    engine = create_engine(clinic.database.engine.url)
    try:
        with pytest.raises(Exception, match=r"append-only|only moves forward|cannot be deleted"), engine.begin() as c:
            c.execute(text(statement))
    finally:
        engine.dispose()
    assert clinic.audit.verify().intact


def test_truncate_is_refused_on_postgresql(clinic: Clinic, backend: str) -> None:
    if backend != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE trigger covers it")
    engine = create_engine(clinic.database.engine.url)
    try:
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text("TRUNCATE audit_events"))
    finally:
        engine.dispose()


def test_an_untouched_trail_verifies(clinic: Clinic) -> None:
    busy(clinic)
    report = clinic.audit.verify()
    assert report.intact and report.events == last_sequence(clinic)


def test_verify_catches_an_edited_event(clinic: Clinic) -> None:
    busy(clinic)
    tamper(clinic, "UPDATE audit_events SET username = 'someone_else' WHERE id = 4")
    report = clinic.audit.verify()
    assert not report.intact and report.problem.sequence == 4 and "altered" in report.problem.message
    assert report.events == 3


def test_verify_catches_an_edited_time(clinic: Clinic, backend: str) -> None:
    busy(clinic)
    shift = "occurred_at + interval '1 hour'" if backend == "postgresql" else "datetime(occurred_at, '+1 hour')"
    tamper(clinic, f"UPDATE audit_events SET occurred_at = {shift} WHERE id = 5")
    assert clinic.audit.verify().problem.sequence == 5


def test_verify_catches_a_deleted_event(clinic: Clinic) -> None:
    busy(clinic)
    tamper(clinic, "DELETE FROM audit_events WHERE id = 3")
    problem = clinic.audit.verify().problem
    assert problem is not None and problem.sequence == 3 and "missing" in problem.message


def test_verify_catches_reordered_events(clinic: Clinic) -> None:
    busy(clinic)
    # swap the contents of events 3 and 4, each keeping its own MAC, as if their order was rewritten
    columns = (
        "occurred_at, user_id, username, workstation, action, category, entity_type, entity_id, patient_id, "
        "outcome, summary, mac"
    )
    tamper(
        clinic,
        f"CREATE TABLE swap AS SELECT id, {columns} FROM audit_events WHERE id IN (3, 4)",
        "DELETE FROM audit_events WHERE id IN (3, 4)",
        f"INSERT INTO audit_events (id, {columns}) SELECT 7 - id, {columns} FROM swap",
        "DROP TABLE swap",
    )
    problem = clinic.audit.verify().problem
    assert problem is not None and problem.sequence == 3


def test_verify_catches_events_cut_off_the_end(clinic: Clinic) -> None:
    busy(clinic)
    last = last_sequence(clinic)
    tamper(clinic, f"DELETE FROM audit_events WHERE id > {last - 3}")
    problem = clinic.audit.verify().problem
    assert problem is not None and problem.sequence == last - 2 and "cut short" in problem.message


def test_verify_catches_a_cut_end_with_a_rewritten_head(clinic: Clinic) -> None:
    busy(clinic)
    last = last_sequence(clinic)
    tamper(
        clinic,
        f"DELETE FROM audit_events WHERE id > {last - 3}",
        f"UPDATE audit_head SET last_sequence = {last - 3}, "
        f"last_mac = (SELECT mac FROM audit_events WHERE id = {last - 3})",
    )
    problem = clinic.audit.verify().problem
    assert problem is not None and "head" in problem.message  # the head's own seal needs the key


def test_verify_catches_a_deleted_head_and_an_emptied_trail(clinic: Clinic) -> None:
    busy(clinic)
    tamper(clinic, "DELETE FROM audit_events", "DELETE FROM audit_head")
    problem = clinic.audit.verify().problem
    assert problem is not None and "head" in problem.message


def test_verify_catches_a_forged_event_appended_without_the_key(clinic: Clinic) -> None:
    busy(clinic)
    last = last_sequence(clinic)
    tamper(
        clinic,
        f"INSERT INTO audit_events SELECT {last + 1}, occurred_at, user_id, username, workstation, action, category, "
        f"entity_type, entity_id, patient_id, outcome, 'forged', mac FROM audit_events WHERE id = {last}",
    )
    problem = clinic.audit.verify().problem
    assert problem is not None and problem.sequence == last + 1


def test_the_key_file_is_owner_only_and_outside_the_database(clinic: Clinic, tmp_path: Path) -> None:
    key_file = tmp_path / "config" / "audit.key"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    key_hex = key_file.read_text().strip()
    with clinic.database.reading() as connection:
        dumped = " ".join(str(v) for row in connection.execute(text("SELECT * FROM audit_head")) for v in row)
    assert key_hex not in dumped


def test_a_missing_key_stops_recording_and_verify_says_so(db_url: str, tmp_path: Path) -> None:
    clinic = set_up(open_test_clinic(db_url, tmp_path))
    busy(clinic, 1)
    before = last_sequence(clinic)
    clinic.close()
    (tmp_path / "config" / "audit.key").unlink()
    other_pc = open_test_clinic(db_url, tmp_path)
    try:
        with pytest.raises(AuditKeyProblem, match="no audit key") as raised:
            other_pc.auth.sign_in(ADMIN, PASSWORD)
        assert "audit.key" in raised.value.remedy
        with pytest.raises(AuditKeyProblem, match="no audit key"):
            other_pc.audit.verify()
        assert last_sequence(other_pc) == before  # nothing written with a missing key
        assert not (tmp_path / "config" / "audit.key").exists()  # and no new key made up in its place
    finally:
        other_pc.close()


def test_another_clinics_key_is_refused(db_url: str, tmp_path: Path) -> None:
    clinic = set_up(open_test_clinic(db_url, tmp_path))
    clinic.close()
    (tmp_path / "config" / "audit.key").write_text(os.urandom(32).hex())
    wrong = open_test_clinic(db_url, tmp_path)
    try:
        with pytest.raises(AuditKeyProblem, match="another clinic"):
            wrong.auth.sign_in(ADMIN, PASSWORD)
        with pytest.raises(AuditKeyProblem, match="another clinic"):
            wrong.audit.verify()
    finally:
        wrong.close()


def test_two_computers_writing_at_once_keep_one_unbroken_chain(db_url: str, tmp_path: Path, backend: str) -> None:
    first = set_up(open_test_clinic(db_url, tmp_path))
    second = open_test_clinic(db_url, tmp_path, workstation="other-pc")
    second.auth.sign_in(ADMIN, PASSWORD)
    errors: list[BaseException] = []

    def register(clinic: Clinic, name: str) -> None:
        try:
            for n in range(15):
                clinic.patients.create(
                    PatientDraft(first_name=f"{name}{n}", last_name="Race", date_of_birth=date(1990, 1, 1))
                )
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=register, args=(c, n)) for c, n in ((first, "A"), (second, "B"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    try:
        assert not errors
        report = first.audit.verify()
        assert report.intact and report.events == last_sequence(first)
        with first.database.reading() as connection:
            stations = connection.execute(text("SELECT DISTINCT workstation FROM audit_events WHERE action='create'"))
            assert {s for (s,) in stations} == {"test-pc", "other-pc"}
    finally:
        first.close()
        second.close()


def test_the_app_refuses_to_write_past_a_rewritten_end(clinic: Clinic) -> None:
    """Cutting events off and resetting the head without the key must not be papered over by the next event."""
    busy(clinic)
    last = last_sequence(clinic)
    tamper(
        clinic,
        f"DELETE FROM audit_events WHERE id > {last - 3}",
        f"UPDATE audit_head SET last_sequence = {last - 3}, "
        f"last_mac = (SELECT mac FROM audit_events WHERE id = {last - 3})",
    )
    with pytest.raises(AuditKeyProblem, match="tampered"):
        clinic.auth.sign_in("nobody", "a wrong guess here")  # a stranger's failed attempt writes an event
    with pytest.raises(AuditKeyProblem, match="tampered"):
        clinic.patients.search("")
    assert last_sequence(clinic) == last - 3 and not clinic.audit.verify().intact


def test_a_wiped_trail_is_not_sealed_afresh(clinic: Clinic) -> None:
    busy(clinic)
    tamper(
        clinic,
        "DELETE FROM audit_events",
        "UPDATE audit_head SET last_sequence = 0, last_mac = '" + "0" * 64 + "', head_mac = '', key_check = NULL",
        "DELETE FROM clinic_profile",
        "UPDATE users SET password_hash = ''",
    )
    assert not clinic.audit.verify().intact  # the patients are still there
    with pytest.raises(AuditKeyProblem, match="tampered"):
        clinic.admin.set_up(PROFILE, "mallory", "Mallory", PASSWORD)


def test_verify_while_another_computer_writes_is_not_a_false_alarm(db_url: str, tmp_path: Path) -> None:
    first = set_up(open_test_clinic(db_url, tmp_path))
    busy(first, 2)
    second = open_test_clinic(db_url, tmp_path, workstation="other-pc")
    second.auth.sign_in(ADMIN, PASSWORD)
    stop = threading.Event()

    def search() -> None:
        while not stop.is_set():
            second.patients.search("qu")

    writer = threading.Thread(target=search)
    writer.start()
    try:
        reports = [first.audit.verify() for _ in range(15)]
    finally:
        stop.set()
        writer.join()
        first.close()
        second.close()
    assert all(r.intact for r in reports), [r.problem for r in reports if r.problem]
    assert reports[-1].events > reports[0].events  # the writer really was writing meanwhile


def test_an_unreadable_event_is_named_not_a_crash(clinic: Clinic, backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("PostgreSQL's typed columns can't hold an unreadable time")
    busy(clinic)
    tamper(clinic, "UPDATE audit_events SET occurred_at = 'not a time' WHERE id = 3")
    problem = clinic.audit.verify().problem
    assert problem is not None and problem.sequence == 3 and "can't be read" in problem.message


def test_a_clock_in_another_zone_still_makes_an_honest_chain(db_url: str, tmp_path: Path) -> None:
    from datetime import datetime, timedelta, timezone

    pacific = timezone(timedelta(hours=-8))
    clinic = set_up(open_test_clinic(db_url, tmp_path, clock=lambda: datetime(2026, 11, 21, 9, 0, tzinfo=pacific)))
    try:
        busy(clinic, 1)
        assert clinic.audit.verify().intact
    finally:
        clinic.close()

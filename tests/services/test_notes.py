"""Clinical notes on both databases: who may write and read them, signing locks them, and the trail never
holds their text. Psychotherapy notes are for their author alone (CLINICAL.md, "Integration")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from kapdesk.domain.errors import ConflictError, NotFound, PermissionDenied, ValidationFailed
from kapdesk.domain.notes import BODY_MAX, NoteKind, NoteRecord, NoteSigned
from kapdesk.domain.patients import PatientDraft
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from tests.helpers import add_user, sign_in_as

PRIVATE_TEXT = "Talked about the dream with the lighthouse, zq-7731"  # unique, so the trail can be searched for it
CLINICAL_TEXT = "Tolerated the session well; BP settled by 40 minutes, xk-4410"


@pytest.fixture
def patient(clinic: Clinic) -> int:
    """A patient registered by the admin, who is then signed out of the way by each test's sign-in."""
    draft = PatientDraft(first_name="Noa", last_name="Tees", date_of_birth=date(1984, 2, 29))
    return clinic.patients.create(draft).value.id


@pytest.fixture
def staff(clinic: Clinic) -> Clinic:
    """Two therapists, a prescriber, a nurse, a front-desk and an admin-only account."""
    for username, role in [
        ("thea", Role.THERAPIST),
        ("theo", Role.THERAPIST),
        ("pria", Role.PRESCRIBER),
        ("nils", Role.NURSE),
        ("fran", Role.FRONT_DESK),
        ("adam", Role.ADMIN),
    ]:
        add_user(clinic, username, role)
    return clinic


def write_as(clinic: Clinic, username: str, patient: int, kind: NoteKind, body: str) -> NoteRecord:
    sign_in_as(clinic, username)
    return clinic.notes.write(patient, kind, body).value


def last_event(clinic: Clinic) -> dict[str, object]:
    with clinic.database.reading() as connection:
        row = connection.execute(
            text(
                "SELECT action, category, username, outcome, patient_id, entity_type, entity_id, summary "
                "FROM audit_events ORDER BY id DESC"
            )
        ).first()
    assert row is not None
    return dict(row._mapping)


def stored_body(clinic: Clinic, note_id: int) -> str:
    with clinic.database.reading() as connection:
        return connection.execute(text("SELECT body FROM notes WHERE id = :id"), {"id": note_id}).scalar_one()


def note_count(clinic: Clinic) -> int:
    with clinic.database.reading() as connection:
        return connection.execute(text("SELECT count(*) FROM notes")).scalar_one()


# -- who may touch notes at all -------------------------------------------------------------------------

CALLS: dict[str, Callable[[Clinic, int, NoteRecord], object]] = {
    "list": lambda c, p, n: c.notes.list_for_patient(p),
    "get": lambda c, p, n: c.notes.get(n.id),
    "write clinical": lambda c, p, n: c.notes.write(p, NoteKind.PROGRESS, "Should never be saved."),
    "write psychotherapy": lambda c, p, n: c.notes.write(p, NoteKind.PSYCHOTHERAPY, "Should never be saved."),
    "edit": lambda c, p, n: c.notes.edit(n.id, n.version, "Should never be saved."),
    "sign": lambda c, p, n: c.notes.sign(n.id, n.version),
}


@pytest.mark.parametrize("username", ["fran", "adam"], ids=["front_desk", "admin_only"])
@pytest.mark.parametrize("call", list(CALLS))
def test_front_desk_and_admin_only_accounts_never_reach_notes(
    staff: Clinic, patient: int, username: str, call: str
) -> None:
    note = write_as(staff, "pria", patient, NoteKind.PROGRESS, CLINICAL_TEXT)
    sign_in_as(staff, username)
    with pytest.raises(PermissionDenied) as raised:
        CALLS[call](staff, patient, note)
    assert CLINICAL_TEXT not in str(raised.value)
    event = last_event(staff)
    assert (event["action"], event["outcome"], event["username"]) == ("denied", "denied", username)
    assert str(event["summary"]).startswith("refused: ")
    assert note_count(staff) == 1 and stored_body(staff, note.id) == CLINICAL_TEXT


def test_only_therapists_write_psychotherapy_notes(staff: Clinic, patient: int) -> None:
    for username in ("pria", "nils"):
        sign_in_as(staff, username)
        with pytest.raises(PermissionDenied, match="write psychotherapy notes"):
            staff.notes.write(patient, NoteKind.PSYCHOTHERAPY, PRIVATE_TEXT)
        staff.notes.write(patient, NoteKind.PROGRESS, CLINICAL_TEXT)  # their own kind of note is fine
    assert [n.kind for n in staff.notes.list_for_patient(patient)] == [NoteKind.PROGRESS, NoteKind.PROGRESS]


# -- psychotherapy notes: the author alone --------------------------------------------------------------


@pytest.mark.parametrize("reader", ["theo", "pria", "nils"], ids=["other_therapist", "prescriber", "nurse"])
def test_a_psychotherapy_note_is_hidden_from_everyone_but_its_author(staff: Clinic, patient: int, reader: str) -> None:
    private = write_as(staff, "thea", patient, NoteKind.PSYCHOTHERAPY, PRIVATE_TEXT)
    clinical = staff.notes.write(patient, NoteKind.INTEGRATION, CLINICAL_TEXT).value

    sign_in_as(staff, reader)
    assert [n.id for n in staff.notes.list_for_patient(patient)] == [clinical.id]
    with pytest.raises(PermissionDenied, match="author only") as raised:
        staff.notes.get(private.id)
    assert PRIVATE_TEXT not in str(raised.value)
    event = last_event(staff)  # the refusal is on the trail, against this note and patient
    assert event["action"] == "denied" and event["outcome"] == "denied" and event["username"] == reader
    assert (event["category"], event["patient_id"], event["entity_id"]) == ("psychotherapy", patient, str(private.id))

    sign_in_as(staff, "thea")
    assert {n.id for n in staff.notes.list_for_patient(patient)} == {private.id, clinical.id}
    assert staff.notes.get(private.id).body == PRIVATE_TEXT


def test_a_colleague_cannot_edit_or_sign_a_psychotherapy_note_they_cannot_see(staff: Clinic, patient: int) -> None:
    private = write_as(staff, "thea", patient, NoteKind.PSYCHOTHERAPY, PRIVATE_TEXT)
    sign_in_as(staff, "theo")
    with pytest.raises(PermissionDenied):
        staff.notes.edit(private.id, private.version, "overwritten")
    with pytest.raises(PermissionDenied):
        staff.notes.sign(private.id, private.version)
    assert last_event(staff)["action"] == "denied"
    assert stored_body(staff, private.id) == PRIVATE_TEXT
    sign_in_as(staff, "thea")
    assert not staff.notes.get(private.id).signed


# -- clinical notes: the clinical team ------------------------------------------------------------------


@pytest.mark.parametrize("reader", ["thea", "pria", "nils"])
def test_clinical_notes_are_shared_with_the_clinical_team(staff: Clinic, patient: int, reader: str) -> None:
    note = write_as(staff, "pria", patient, NoteKind.PREPARATION, CLINICAL_TEXT)
    sign_in_as(staff, reader)
    listed = staff.notes.list_for_patient(patient)
    assert listed == [staff.notes.get(note.id)]
    assert (listed[0].body, listed[0].author_name, listed[0].kind) == (CLINICAL_TEXT, "Pria", NoteKind.PREPARATION)


def test_list_is_newest_first_and_only_this_patients(staff: Clinic, patient: int) -> None:
    other = staff.patients.create(PatientDraft(first_name="O", last_name="Ther", date_of_birth=date(1990, 1, 1)))
    first = write_as(staff, "nils", patient, NoteKind.PREPARATION, "first")
    second = staff.notes.write(patient, NoteKind.INTEGRATION, "second").value
    staff.notes.write(other.value.id, NoteKind.PROGRESS, "someone else's")
    assert [n.id for n in staff.notes.list_for_patient(patient)] == [second.id, first.id]


def test_only_the_author_edits_or_signs_a_clinical_note(staff: Clinic, patient: int) -> None:
    note = write_as(staff, "pria", patient, NoteKind.PROGRESS, CLINICAL_TEXT)
    sign_in_as(staff, "nils")  # may read it, may write notes, but it isn't theirs
    with pytest.raises(PermissionDenied, match="author"):
        staff.notes.edit(note.id, note.version, "rewritten by a colleague")
    assert last_event(staff)["entity_id"] == str(note.id)
    with pytest.raises(PermissionDenied, match="author"):
        staff.notes.sign(note.id, note.version)
    assert stored_body(staff, note.id) == CLINICAL_TEXT
    assert not staff.notes.get(note.id).signed


def test_unknown_patient_or_note_is_reported(staff: Clinic) -> None:
    sign_in_as(staff, "thea")
    with pytest.raises(NotFound):
        staff.notes.write(9999, NoteKind.PROGRESS, CLINICAL_TEXT)
    with pytest.raises(NotFound):
        staff.notes.list_for_patient(9999)
    with pytest.raises(NotFound):
        staff.notes.get(9999)
    assert note_count(staff) == 0


# -- editing, signing, versions -------------------------------------------------------------------------


def test_edit_saves_the_text_and_bumps_the_version(staff: Clinic, patient: int) -> None:
    note = write_as(staff, "thea", patient, NoteKind.INTEGRATION, "  draft text \n")
    assert note.body == "draft text"  # surrounding blank space trimmed
    outcome = staff.notes.edit(note.id, note.version, "final text")
    assert (outcome.value.body, outcome.value.version) == ("final text", note.version + 1)
    assert outcome.changes.patients == frozenset({patient})
    assert staff.notes.get(note.id).body == "final text"


def test_a_signed_note_is_locked(staff: Clinic, patient: int) -> None:
    note = write_as(staff, "thea", patient, NoteKind.INTEGRATION, CLINICAL_TEXT)
    signed = staff.notes.sign(note.id, note.version).value
    assert signed.signed and signed.version == note.version + 1
    assert last_event(staff)["action"] == "sign"
    with pytest.raises(NoteSigned):
        staff.notes.edit(signed.id, signed.version, "changed after signing")
    with pytest.raises(NoteSigned):
        staff.notes.sign(signed.id, signed.version)
    again = staff.notes.get(note.id)
    assert (again.body, again.signed_at, again.version) == (CLINICAL_TEXT, signed.signed_at, signed.version)


def test_the_database_itself_refuses_to_change_a_signed_note_or_delete_any(staff: Clinic, patient: int) -> None:
    """Another program (or a careless script) writing to the database can't rewrite the record either."""
    note = write_as(staff, "thea", patient, NoteKind.INTEGRATION, CLINICAL_TEXT)
    unsigned = staff.notes.write(patient, NoteKind.PROGRESS, "unsigned").value
    staff.notes.sign(note.id, note.version)
    forge = ("UPDATE notes SET body = 'forged' WHERE id = :id", note.id, "signed notes cannot be changed")
    delete = ("DELETE FROM notes WHERE id = :id", unsigned.id, "notes are never deleted")
    for statement, note_id, refusal in (forge, delete):
        with pytest.raises(DBAPIError, match=refusal), staff.database.engine.begin() as connection:
            connection.execute(text(statement), {"id": note_id})
    assert stored_body(staff, note.id) == CLINICAL_TEXT and note_count(staff) == 2


def test_an_edit_of_a_stale_version_is_refused_with_the_current_note(staff: Clinic, patient: int) -> None:
    note = write_as(staff, "thea", patient, NoteKind.INTEGRATION, "first")
    staff.notes.edit(note.id, note.version, "saved on the other PC")
    with pytest.raises(ConflictError) as raised:
        staff.notes.edit(note.id, note.version, "typed on this PC")
    assert raised.value.current.body == "saved on the other PC"  # type: ignore[attr-defined]
    with pytest.raises(ConflictError):  # nobody signs text they haven't read
        staff.notes.sign(note.id, note.version)
    assert stored_body(staff, note.id) == "saved on the other PC"
    assert not staff.notes.get(note.id).signed


def test_an_edit_racing_a_signature_is_caught(staff: Clinic, patient: int, backend: str, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The author signs on another PC between our checks and our UPDATE: the version column refuses ours."""
    if backend == "sqlite":
        pytest.skip("SQLite writes start with BEGIN IMMEDIATE, so no other writer can get in between")
    from kapdesk.services import notes as service_module

    note = write_as(staff, "thea", patient, NoteKind.INTEGRATION, CLINICAL_TEXT)
    real_check = service_module._require_open_own

    def check_then_lose_the_race(*args):  # type: ignore[no-untyped-def]
        real_check(*args)
        with staff.database.engine.begin() as other_pc:
            other_pc.execute(
                text("UPDATE notes SET signed_at = now(), signed_by = author_id, version = version + 1 WHERE id = :id"),
                {"id": note.id},
            )

    monkeypatch.setattr(service_module, "_require_open_own", check_then_lose_the_race)
    with pytest.raises(ConflictError) as raised:
        staff.notes.edit(note.id, note.version, "typed on this PC")
    assert raised.value.current.signed  # type: ignore[attr-defined]
    assert stored_body(staff, note.id) == CLINICAL_TEXT


@pytest.mark.parametrize(
    ("body", "message"),
    [("", "required"), (" \n\t ", "required"), ("x" * (BODY_MAX + 1), "longer than"), ("a\x00b", "NUL")],
    ids=["empty", "blank", "too_long", "nul"],
)
def test_invalid_text_is_refused_and_nothing_is_written(staff: Clinic, patient: int, body: str, message: str) -> None:
    note = write_as(staff, "thea", patient, NoteKind.INTEGRATION, "kept")
    with pytest.raises(ValidationFailed, match=message):
        staff.notes.write(patient, NoteKind.INTEGRATION, body)
    with pytest.raises(ValidationFailed, match=message):
        staff.notes.edit(note.id, note.version, body)
    assert note_count(staff) == 1 and stored_body(staff, note.id) == "kept"


def test_the_longest_allowed_note_is_stored_whole(staff: Clinic, patient: int) -> None:
    body = "é" * BODY_MAX
    note = write_as(staff, "thea", patient, NoteKind.INTEGRATION, body)
    assert stored_body(staff, note.id) == body


# -- the audit trail ------------------------------------------------------------------------------------


def test_the_trail_names_each_note_and_its_kind_but_never_its_text(staff: Clinic, patient: int) -> None:
    private = write_as(staff, "thea", patient, NoteKind.PSYCHOTHERAPY, PRIVATE_TEXT)
    edited_private = staff.notes.edit(private.id, private.version, PRIVATE_TEXT + " (more)").value
    staff.notes.sign(private.id, edited_private.version)
    clinical = staff.notes.write(patient, NoteKind.INTEGRATION, CLINICAL_TEXT).value
    staff.notes.get(private.id)
    staff.notes.list_for_patient(patient)
    assert last_event(staff)["summary"] == "listed notes: 1 clinical, 1 own psychotherapy"
    sign_in_as(staff, "theo")
    with pytest.raises(PermissionDenied):
        staff.notes.get(private.id)
    staff.notes.get(clinical.id)

    with staff.database.reading() as connection:
        rows = connection.execute(text("SELECT * FROM audit_events")).all()
        kinds = connection.execute(
            text("SELECT action, category, patient_id FROM audit_events WHERE entity_type = 'note' ORDER BY id")
        ).all()
    for marker in ("zq-7731", "xk-4410", "lighthouse", "BP settled"):
        assert not [row for row in rows if any(marker in str(value) for value in row)], marker
    assert [tuple(k) for k in kinds] == [
        ("create", "psychotherapy", patient),
        ("update", "psychotherapy", patient),
        ("sign", "psychotherapy", patient),
        ("create", "clinical", patient),
        ("view", "psychotherapy", patient),
        ("view", "psychotherapy", patient),  # the list showed a psychotherapy note
        ("denied", "psychotherapy", patient),
        ("view", "clinical", patient),
    ]
    assert staff.audit.verify().intact


def test_a_list_without_private_notes_is_filed_as_clinical(staff: Clinic, patient: int) -> None:
    write_as(staff, "thea", patient, NoteKind.PSYCHOTHERAPY, PRIVATE_TEXT)
    sign_in_as(staff, "pria")
    assert staff.notes.list_for_patient(patient) == []
    event = last_event(staff)
    assert (event["category"], event["summary"]) == ("clinical", "listed notes: 0 clinical, 0 own psychotherapy")

"""Clinical and psychotherapy notes: write, edit and sign your own; read back only what `may_read_note` allows.

This is where "psychotherapy notes are visible only to their author" is enforced: a colleague's psychotherapy
note is never listed, and asking for it by id is refused and recorded. Audit events name the note and its
kind, never its text.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kapdesk.db.models import Note, Patient, User
from kapdesk.domain.access import Actor
from kapdesk.domain.audit import Action, Category, Result
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.errors import ConflictError, NotFound, PermissionDenied, ValidationFailed
from kapdesk.domain.notes import NoteKind, NoteRecord, NoteSigned, clean_body, write_permission
from kapdesk.domain.permissions import Permission, may_read_note
from kapdesk.services.audit_trail import Entry
from kapdesk.services.work import Unit, Work, audited

# Reading needs either: a therapist reads their own psychotherapy notes, anyone clinical reads the rest.
_READ = (Permission.VIEW_CLINICAL, Permission.WRITE_PSYCHOTHERAPY_NOTES)
_WRITE = (Permission.WRITE_CLINICAL, Permission.WRITE_PSYCHOTHERAPY_NOTES)


class _Refused(PermissionDenied):
    """A refusal that can only be decided once the note is loaded (whose it is, what kind)."""

    def __init__(self, entry: Entry, message: str, remedy: str) -> None:
        super().__init__(message, remedy)
        self.entry = entry


class NoteService:
    def __init__(self, work: Work) -> None:
        self._work = work

    # -- reading ---------------------------------------------------------------------------------------

    @audited(Action.VIEW)
    def list_for_patient(self, patient_id: int) -> list[NoteRecord]:
        """The patient's notes this user may read, newest first: clinical notes plus their own psychotherapy
        notes. A colleague's psychotherapy notes are not even loaded."""
        with self._unit(_READ) as unit:
            if unit.session.get(Patient, patient_id) is None:
                raise NotFound(f"There is no patient with id {patient_id}.")
            query = (
                select(Note, User.full_name)
                .join(User, User.id == Note.author_id)
                .where(Note.patient_id == patient_id)
                .where(or_(Note.kind != NoteKind.PSYCHOTHERAPY.value, Note.author_id == unit.actor.user_id))
                .order_by(Note.created_at.desc(), Note.id.desc())
            )
            records = [_record(note, name) for note, name in unit.session.execute(query) if _readable(unit.actor, note)]
            private = sum(1 for r in records if r.is_psychotherapy)
            clinical = len(records) - private
            unit.record(
                Entry(
                    Action.VIEW,
                    Category.PSYCHOTHERAPY if private else Category.CLINICAL,  # the most private data shown
                    "note",
                    "",
                    patient_id=patient_id,
                    summary=f"listed notes: {clinical} clinical, {private} own psychotherapy",
                )
            )
        return records

    @audited(Action.VIEW)
    def get(self, note_id: int) -> NoteRecord:
        with self._unit(_READ) as unit:
            note, author_name = _load(unit.session, note_id)
            if not _readable(unit.actor, note):
                raise _refusal(note, "read", "a psychotherapy note is for its author only", "Ask its author.")
            unit.record(_entry(Action.VIEW, note, f"opened a {note.kind} note"))
            return _record(note, author_name)

    # -- writing ---------------------------------------------------------------------------------------

    @audited(Action.CREATE)
    def write(self, patient_id: int, kind: NoteKind | str, body: str) -> Outcome[NoteRecord]:
        kind = NoteKind(kind)
        text = _checked(body)
        with self._unit((write_permission(kind),)) as unit:
            if unit.session.get(Patient, patient_id) is None:
                raise NotFound(f"There is no patient with id {patient_id}.")
            note = Note(
                patient_id=patient_id,
                author_id=unit.actor.user_id,
                kind=kind.value,
                body=text,
                created_at=self._work.clock(),
            )
            unit.session.add(note)
            unit.session.flush()
            unit.record(_entry(Action.CREATE, note, f"wrote a {kind.value} note"))
            record = _record(note, unit.actor.full_name or unit.actor.username)
        return Outcome(record, Changes(patients=frozenset({patient_id})))

    @audited(Action.UPDATE)
    def edit(self, note_id: int, expected_version: int, body: str) -> Outcome[NoteRecord]:
        """Change the text of your own unsigned note, as of `expected_version`."""
        text = _checked(body)
        with self._guard_races(note_id), self._unit(_WRITE) as unit:
            note, author_name = _load(unit.session, note_id)
            _require_open_own(unit.actor, note, expected_version, author_name, "edit")
            changed = note.body != text
            if changed:
                note.body = text
                unit.session.flush()
            unit.record(_entry(Action.UPDATE, note, "edited a note" if changed else "saved a note, no change"))
            record = _record(note, author_name)
        return Outcome(record, Changes(patients=frozenset({record.patient_id})))

    @audited(Action.SIGN)
    def sign(self, note_id: int, expected_version: int) -> Outcome[NoteRecord]:
        """Sign and lock your own note, as of `expected_version` (so you sign the text you read)."""
        with self._guard_races(note_id), self._unit(_WRITE) as unit:
            note, author_name = _load(unit.session, note_id)
            _require_open_own(unit.actor, note, expected_version, author_name, "sign")
            note.signed_at = self._work.clock()
            note.signed_by = unit.actor.user_id
            unit.session.flush()
            unit.record(_entry(Action.SIGN, note, f"signed a {note.kind} note"))
            record = _record(note, author_name)
        return Outcome(record, Changes(patients=frozenset({record.patient_id})))

    # -- plumbing --------------------------------------------------------------------------------------

    @contextmanager
    def _unit(self, needs: tuple[Permission, ...]) -> Iterator[Unit]:
        """A unit of work needing any one of `needs`. A refusal decided inside it (a colleague's note) is
        recorded and committed in place of everything else the unit did, then raised."""
        actor = self._work.access.actor
        permission = next((p for p in needs if actor.may(p)), needs[0])  # name the usual one when refusing
        refused: _Refused | None = None
        with self._work.unit(permission, actor) as unit:
            try:
                yield unit
            except _Refused as error:  # refused before anything was written, so there is nothing to undo
                unit.entries = [error.entry]
                refused = error
        if refused is not None:
            raise refused

    @contextmanager
    def _guard_races(self, note_id: int) -> Iterator[None]:
        """Another PC may commit between our version check and our write; the version column catches it."""
        try:
            yield
        except StaleDataError as error:
            raise _conflict(self.get(note_id)) from error


def _checked(body: str) -> str:
    text, errors = clean_body(body)
    if errors:
        raise ValidationFailed(errors)
    return text


def _readable(actor: Actor, note: Note) -> bool:
    return actor.user_id is not None and may_read_note(
        actor.user_id, actor.roles, author_id=note.author_id, psychotherapy=note.kind == NoteKind.PSYCHOTHERAPY
    )


def _require_open_own(actor: Actor, note: Note, expected_version: int, author_name: str, verb: str) -> None:
    """Only the author changes or signs a note, while they still hold the role to write it, and not once signed."""
    if not _readable(actor, note) or note.author_id != actor.user_id:
        raise _refusal(note, verb, "only a note's author may change or sign it", "Ask its author.")
    if not actor.may(write_permission(NoteKind(note.kind))):
        raise _refusal(note, verb, f"your account no longer holds the role to {verb} it", "Ask your clinic admin.")
    if note.signed_at is not None:
        raise NoteSigned()
    if note.version != expected_version:
        raise _conflict(_record(note, author_name))


def _refusal(note: Note, verb: str, reason: str, remedy: str) -> _Refused:
    entry = Entry(
        Action.DENIED,
        _category(note),
        "note",
        str(note.id),
        patient_id=note.patient_id,
        summary=f"refused to {verb} a {note.kind} note: {reason}",
        outcome=Result.DENIED,
    )
    return _Refused(entry, f"You can't {verb} this note: {reason}.", remedy)


def _load(session: Session, note_id: int) -> tuple[Note, str]:
    row = session.execute(
        select(Note, User.full_name).join(User, User.id == Note.author_id).where(Note.id == note_id)
    ).first()
    if row is None:
        raise NotFound(f"There is no note with id {note_id}.")
    return row[0], row[1]


def _category(note: Note) -> Category:
    return Category.PSYCHOTHERAPY if note.kind == NoteKind.PSYCHOTHERAPY else Category.CLINICAL


def _entry(action: Action, note: Note, summary: str) -> Entry:
    return Entry(action, _category(note), "note", str(note.id), patient_id=note.patient_id, summary=summary)


def _record(note: Note, author_name: str) -> NoteRecord:
    return NoteRecord(
        id=note.id,
        patient_id=note.patient_id,
        kind=NoteKind(note.kind),
        author_id=note.author_id,
        author_name=author_name,
        body=note.body,
        created_at=note.created_at,
        signed_at=note.signed_at,
        version=note.version,
    )


def _conflict(current: NoteRecord) -> ConflictError:
    return ConflictError("This note was changed on another computer after you opened it.", current)

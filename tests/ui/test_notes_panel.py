"""The chart's Notes panel through real widgets and a real database: writing, signing, and who sees what."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from sqlalchemy import text

from kapdesk.domain.notes import NoteKind
from kapdesk.domain.patients import PatientDraft
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.notes.editor import NoteEditor
from kapdesk.ui.notes.panel import NotesPanel
from tests.helpers import add_user, sign_in_as

PRIVATE_TEXT = "Spoke about her father and the boat; felt grief rather than fear."
CLINICAL_TEXT = "Integration session: sleeping better, PHQ-9 down to 9."


@pytest.fixture
def team(sqlite_clinic: Clinic) -> Clinic:
    for username, role in [("thea", Role.THERAPIST), ("theo", Role.THERAPIST), ("pria", Role.PRESCRIBER),
                           ("fran", Role.FRONT_DESK)]:  # fmt: skip
        add_user(sqlite_clinic, username, role)
    return sqlite_clinic


@pytest.fixture
def patient(team: Clinic) -> int:
    draft = PatientDraft(first_name="Ines", last_name="Ortega", date_of_birth=date(1979, 6, 3))
    return team.patients.create(draft).value.id


def open_panel(qtbot, clinic: Clinic, patient: int, username: str) -> NotesPanel:  # type: ignore[no-untyped-def]
    """What the chart's Notes tab shows `username`, shown as it would be."""
    sign_in_as(clinic, username)
    panel = NotesPanel(clinic.notes, patient, clinic.access.actor, ChangeBus())
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def listed_bodies(panel: NotesPanel) -> list[str]:
    return [panel.model.note_at(row).body for row in range(panel.model.rowCount())]


def save(qtbot, editor: NoteEditor) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(editor.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def test_a_therapist_writes_and_signs_a_psychotherapy_note(qtbot, team: Clinic, patient: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    panel = open_panel(qtbot, team, patient, "thea")
    assert panel.model.rowCount() == 0 and not panel.message.isVisible()

    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    editor = panel.editor
    assert editor is not None and editor.isVisible()
    assert [NoteKind(editor.kind.itemData(i)) for i in range(editor.kind.count())] == list(NoteKind)
    editor.select_kind(NoteKind.PSYCHOTHERAPY)
    assert editor.private_hint.isVisible()  # the author is told who will be able to read it
    qtbot.keyClicks(editor.body, PRIVATE_TEXT)
    save(qtbot, editor)

    assert not editor.isVisible()
    assert listed_bodies(panel) == [PRIVATE_TEXT]
    assert panel.viewer.toPlainText() == PRIVATE_TEXT
    assert "Psychotherapy" in panel.heading.text() and "Draft" in panel.heading.text()
    assert panel.edit_button.isEnabled() and panel.sign_button.isEnabled()

    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(panel.sign_button, Qt.MouseButton.LeftButton)

    stored = team.notes.get(panel.selected().id)  # type: ignore[union-attr]
    assert stored.signed and stored.kind is NoteKind.PSYCHOTHERAPY and stored.body == PRIVATE_TEXT
    assert panel.selected() == stored and "Signed" in panel.heading.text()
    assert not panel.edit_button.isEnabled() and not panel.sign_button.isEnabled()
    assert panel.edit_selected() is None  # signed: no form opens, even by double-click or shortcut


def test_declining_to_sign_leaves_the_note_a_draft(qtbot, team: Clinic, patient: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    sign_in_as(team, "thea")
    team.notes.write(patient, NoteKind.INTEGRATION, CLINICAL_TEXT)
    panel = open_panel(qtbot, team, patient, "thea")
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.Cancel)
    qtbot.mouseClick(panel.sign_button, Qt.MouseButton.LeftButton)
    assert not team.notes.get(panel.selected().id).signed  # type: ignore[union-attr]


def test_another_therapists_panel_never_lists_a_private_note(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    sign_in_as(team, "thea")
    team.notes.write(patient, NoteKind.PSYCHOTHERAPY, PRIVATE_TEXT)
    team.notes.write(patient, NoteKind.INTEGRATION, CLINICAL_TEXT)

    theirs = open_panel(qtbot, team, patient, "theo")
    assert listed_bodies(theirs) == [CLINICAL_TEXT]
    assert theirs.viewer.toPlainText() == CLINICAL_TEXT
    assert not theirs.edit_button.isEnabled() and not theirs.sign_button.isEnabled()  # not their note
    assert "private" not in theirs.status.text()

    prescriber = open_panel(qtbot, team, patient, "pria")
    assert listed_bodies(prescriber) == [CLINICAL_TEXT]

    own = open_panel(qtbot, team, patient, "thea")
    assert sorted(listed_bodies(own)) == sorted([PRIVATE_TEXT, CLINICAL_TEXT])
    assert "1 private" in own.status.text()


def test_front_desk_sees_the_refusal_and_no_notes(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    sign_in_as(team, "pria")
    team.notes.write(patient, NoteKind.PROGRESS, CLINICAL_TEXT)

    panel = open_panel(qtbot, team, patient, "fran")
    assert panel.message.isVisible()
    assert "not allowed to see clinical records" in panel.message.text()
    assert panel.model.rowCount() == 0 and not panel.table.isVisible() and panel.viewer.toPlainText() == ""
    assert not panel.new_button.isVisible() and panel.new_note() is None
    assert not panel.edit_button.isEnabled() and not panel.sign_button.isEnabled()
    with team.database.reading() as connection:
        last = connection.execute(text("SELECT action, username FROM audit_events ORDER BY id DESC")).first()
    assert tuple(last) == ("denied", "fran")  # type: ignore[arg-type]


def test_a_prescriber_is_not_offered_psychotherapy_notes(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    panel = open_panel(qtbot, team, patient, "pria")
    editor = panel.new_note()
    assert editor is not None
    offered = [NoteKind(editor.kind.itemData(i)) for i in range(editor.kind.count())]
    assert offered == [NoteKind.PREPARATION, NoteKind.INTEGRATION, NoteKind.PROGRESS]


def test_an_empty_note_is_explained_on_the_field_and_nothing_is_saved(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    panel = open_panel(qtbot, team, patient, "thea")
    editor = panel.new_note()
    assert editor is not None
    qtbot.keyClicks(editor.body, "   ")
    save(qtbot, editor)
    assert editor.isVisible() and editor.body_slot.has_error
    assert "required" in editor.body_slot.error.text()
    assert panel.model.rowCount() == 0

    qtbot.keyClicks(editor.body, "Now with words.")
    save(qtbot, editor)
    assert not editor.isVisible() and listed_bodies(panel) == ["Now with words."]


def test_editing_your_own_draft_shows_the_new_text(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    sign_in_as(team, "thea")
    team.notes.write(patient, NoteKind.INTEGRATION, "First thoughts.")
    panel = open_panel(qtbot, team, patient, "thea")
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    editor = panel.editor
    assert editor is not None and not editor.kind.isEnabled()  # a note keeps its kind
    assert editor.body.toPlainText() == "First thoughts."
    editor.body.selectAll()
    qtbot.keyClicks(editor.body, "Second thoughts.")
    save(qtbot, editor)
    assert listed_bodies(panel) == ["Second thoughts."] and panel.viewer.toPlainText() == "Second thoughts."


def test_a_note_changed_elsewhere_keeps_what_you_typed_and_says_so(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    sign_in_as(team, "thea")
    note = team.notes.write(patient, NoteKind.INTEGRATION, "First thoughts.").value
    panel = open_panel(qtbot, team, patient, "thea")
    editor = panel.edit_selected()
    assert editor is not None
    team.notes.edit(note.id, note.version, "Saved on the other PC.")  # the same author, at another computer
    editor.body.selectAll()
    qtbot.keyClicks(editor.body, "Typed here.")
    save(qtbot, editor)
    assert editor.isVisible() and "changed on another computer" in editor.message.text()
    assert editor.body.toPlainText() == "Typed here."
    assert team.notes.get(note.id).body == "Saved on the other PC."

    save(qtbot, editor)  # knowingly, the second time
    assert not editor.isVisible() and team.notes.get(note.id).body == "Typed here."


def test_a_note_signed_elsewhere_cannot_be_saved_over(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    sign_in_as(team, "thea")
    note = team.notes.write(patient, NoteKind.INTEGRATION, "First thoughts.").value
    panel = open_panel(qtbot, team, patient, "thea")
    editor = panel.edit_selected()
    assert editor is not None
    team.notes.sign(note.id, note.version)
    qtbot.keyClicks(editor.body, " More.")
    save(qtbot, editor)
    assert editor.isVisible() and "signed" in editor.message.text()
    assert not editor.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    assert editor.body.toPlainText() == "First thoughts. More."
    assert team.notes.get(note.id).body == "First thoughts."


def test_cancelling_a_typed_note_asks_first(qtbot, team: Clinic, patient: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    panel = open_panel(qtbot, team, patient, "thea")
    editor = panel.new_note()
    assert editor is not None
    qtbot.keyClicks(editor.body, "Half a thought")
    asked: list[str] = []

    def keep_typing(_parent, title, *rest):  # type: ignore[no-untyped-def]
        asked.append(title)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", keep_typing)
    editor.reject()
    assert asked == ["Discard this note?"] and editor.isVisible()
    assert editor.body.toPlainText() == "Half a thought"

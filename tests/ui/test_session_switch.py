"""Another person sits down: the first user's unsaved form waits as a draft until they sign in again."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtWidgets import QLineEdit, QMessageBox

from kapdesk.domain.patients import PatientDraft, PatientRecord
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from kapdesk.ui.patients.editor import PatientEditor
from kapdesk.ui.session.controller import SessionController
from kapdesk.ui.session.drafts import DraftOffer
from kapdesk.ui.session.sign_in_dialog import SignInDialog
from tests.helpers import ADMIN, PASSWORD, add_user
from tests.ui.session_steps import registry, sign_in, unlock_with


@pytest.fixture
def nunn(sqlite_clinic: Clinic) -> PatientRecord:
    add_user(sqlite_clinic, "kim", Role.FRONT_DESK)
    return sqlite_clinic.patients.create(
        PatientDraft(first_name="Mark", last_name="Nunn", date_of_birth=date(1970, 7, 1), phone="503-555-0142")
    ).value


@pytest.fixture
def editing(qtbot, session: SessionController, nunn: PatientRecord) -> PatientEditor:  # type: ignore[no-untyped-def]
    """The admin has Mark Nunn's chart and edit form open, with a new phone number typed but not saved."""
    sign_in(qtbot, session, ADMIN)
    page = registry(session)
    page.open_chart(nunn.id)
    page.search.setText("nunn")
    page.refresh()
    editor = page.edit_selected()
    assert editor is not None
    phone = phone_of(editor)
    phone.clear()
    qtbot.keyClicks(phone, "971-555-0199")
    return editor


def phone_of(editor: PatientEditor) -> QLineEdit:
    widget = editor.slots["phone"].input
    assert isinstance(widget, QLineEdit)
    return widget


def draft_offer(session: SessionController) -> DraftOffer:
    offer = session.draft_offer
    assert offer is not None and offer.isVisible()
    return offer


def test_switching_user_keeps_the_unsaved_form_for_its_author_who_resumes_it(  # type: ignore[no-untyped-def]
    qtbot, session: SessionController, editing: PatientEditor, nunn: PatientRecord, sqlite_clinic: Clinic
) -> None:
    page = registry(session)
    chart = page.charts[nunn.id]
    session.switch_action.trigger()
    dialog = session.dialog
    assert isinstance(dialog, SignInDialog) and dialog.cancel_button.text() == "Cancel"
    assert session.locked and not editing.isVisible() and not chart.isVisible()

    sign_in(qtbot, session, "kim")
    assert session.window.user_label.text() == "Kim (Front desk)"
    assert page.editor is None and page.charts == {}  # the admin's windows are closed, without a question
    assert page.search.text() == "" and page.table.isVisible()
    assert session.draft_offer is None  # the admin's draft is not Kim's to see
    assert sqlite_clinic.patients.get(nunn.id).phone == "+15035550142"  # nothing saved by switching

    session.switch_action.trigger()
    sign_in(qtbot, session, ADMIN)
    offer = draft_offer(session)
    [draft_id] = offer.waiting()
    assert "Nunn, Mark" in offer.rows[draft_id][0].text()
    offer.button(draft_id, "resume").click()

    resumed = page.editor
    assert resumed is not None and resumed.isVisible() and resumed is not editing
    assert phone_of(resumed).text() == "971-555-0199"
    assert resumed.has_unsaved_edits()
    assert session.draft_offer is None  # nothing left to offer
    assert resumed.save()
    assert sqlite_clinic.patients.get(nunn.id).phone == "+19715550199"
    assert sqlite_clinic.auth.sign_in(ADMIN, PASSWORD).drafts == []  # resuming took the draft


def test_a_draft_resumed_after_someone_else_saved_the_patient_meets_their_version(  # type: ignore[no-untyped-def]
    qtbot, session: SessionController, editing: PatientEditor, nunn: PatientRecord, sqlite_clinic: Clinic
) -> None:
    session.switch_action.trigger()
    sign_in(qtbot, session, "kim")
    current = sqlite_clinic.patients.get(nunn.id)
    sqlite_clinic.patients.update(nunn.id, current.version, replace(current.as_draft(), email="mark@example.com"))

    session.switch_action.trigger()
    sign_in(qtbot, session, ADMIN)
    offer = draft_offer(session)
    offer.button(offer.waiting()[0], "resume").click()
    resumed = registry(session).editor
    assert resumed is not None
    assert resumed.banner.isVisible()
    assert "Your draft differs from their version in: Phone, Email." in resumed.banner_text.text()

    assert not resumed.save()  # the version check refuses a save over Kim's edit
    assert sqlite_clinic.patients.get(nunn.id).email == "mark@example.com"
    resumed.save_mine.click()  # a deliberate choice: the draft as typed, over theirs
    saved = sqlite_clinic.patients.get(nunn.id)
    assert (saved.phone, saved.email) == ("+19715550199", "")


def test_cancelling_switch_user_leaves_the_lock_screen_and_the_same_windows_come_back(  # type: ignore[no-untyped-def]
    qtbot, session: SessionController, editing: PatientEditor, nunn: PatientRecord, sqlite_clinic: Clinic
) -> None:
    session.switch_action.trigger()
    dialog = session.dialog
    assert isinstance(dialog, SignInDialog)
    dialog.cancel_button.click()
    assert session.window.isVisible() and session.locked and session.lock_screen.isVisible()

    unlock_with(qtbot, session, PASSWORD)
    assert editing.isVisible() and phone_of(editing).text() == "971-555-0199"
    assert registry(session).charts[nunn.id].isVisible()
    assert sqlite_clinic.auth.sign_in(ADMIN, PASSWORD).drafts == []  # no stale copy left behind


def test_the_same_person_signing_in_from_switch_user_just_carries_on(  # type: ignore[no-untyped-def]
    qtbot, session: SessionController, editing: PatientEditor, sqlite_clinic: Clinic
) -> None:
    session.switch_action.trigger()
    sign_in(qtbot, session, ADMIN)
    assert not session.locked and editing.isVisible() and phone_of(editing).text() == "971-555-0199"
    assert session.draft_offer is None
    assert sqlite_clinic.auth.sign_in(ADMIN, PASSWORD).drafts == []


def test_a_draft_can_be_discarded_or_kept_for_later(  # type: ignore[no-untyped-def]
    qtbot, session: SessionController, editing: PatientEditor, sqlite_clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    session.switch_action.trigger()
    sign_in(qtbot, session, "kim")
    session.switch_action.trigger()
    sign_in(qtbot, session, ADMIN)
    offer = draft_offer(session)
    offer.later.click()
    assert session.draft_offer is None and len(sqlite_clinic.auth.sign_in(ADMIN, PASSWORD).drafts) == 1

    session.sign_out_action.trigger()
    sign_in(qtbot, session, ADMIN)
    offer = draft_offer(session)  # offered again at the next sign-in
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Cancel)
    offer.button(offer.waiting()[0], "discard").click()
    assert offer.isVisible() and len(offer.waiting()) == 1  # changed their mind
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Discard)
    offer.button(offer.waiting()[0], "discard").click()
    assert not offer.isVisible()
    assert sqlite_clinic.auth.sign_in(ADMIN, PASSWORD).drafts == []


def test_signing_out_keeps_the_form_as_a_draft_and_asks_who_is_next(  # type: ignore[no-untyped-def]
    qtbot, session: SessionController, editing: PatientEditor, sqlite_clinic: Clinic
) -> None:
    page = registry(session)
    session.sign_out_action.trigger()
    assert sqlite_clinic.access.current is None
    assert not editing.isVisible() and page.charts == {} and not page.table.isVisible()
    dialog = session.dialog
    assert isinstance(dialog, SignInDialog) and dialog.cancel_button.text() == "Quit"
    assert [d.label for d in sqlite_clinic.auth.sign_in(ADMIN, PASSWORD).drafts] == ["Nunn, Mark (KD-000001)"]


def test_a_half_written_psychotherapy_note_survives_a_switch_and_stays_private(  # type: ignore[no-untyped-def]
    qtbot, session: SessionController, nunn: PatientRecord, sqlite_clinic: Clinic
) -> None:
    from kapdesk.domain.notes import NoteKind

    add_user(sqlite_clinic, "theo", Role.THERAPIST)
    add_user(sqlite_clinic, "tess", Role.THERAPIST)
    sign_in(qtbot, session, "theo")
    chart = registry(session).open_chart(nunn.id)
    assert chart.notes is not None
    form = chart.notes.new_note()
    assert form is not None
    form.select_kind(NoteKind.PSYCHOTHERAPY)
    qtbot.keyClicks(form.body, "Spoke about the dream of the lake")

    session.switch_action.trigger()
    sign_in(qtbot, session, "tess")
    assert session.draft_offer is None  # Theo's private draft is not offered to another therapist
    assert not form.isVisible()

    session.switch_action.trigger()
    sign_in(qtbot, session, "theo")
    offer = draft_offer(session)
    [draft_id] = offer.waiting()
    assert "Psychotherapy (private) note for Nunn, Mark (KD-000001)" in offer.rows[draft_id][0].text()
    offer.button(draft_id, "resume").click()
    resumed = registry(session).charts[nunn.id].notes.editor  # type: ignore[union-attr]
    assert resumed is not None and resumed.isVisible()
    assert resumed.chosen_kind is NoteKind.PSYCHOTHERAPY
    assert resumed.body.toPlainText() == "Spoke about the dream of the lake"
    assert resumed.save()
    [note] = sqlite_clinic.notes.list_for_patient(nunn.id)
    assert note.body == "Spoke about the dream of the lake" and note.kind is NoteKind.PSYCHOTHERAPY
    with sqlite_clinic.database.reading() as connection:
        from sqlalchemy import text

        summaries = " ".join(s for (s,) in connection.execute(text("SELECT summary FROM audit_events")))
    assert "lake" not in summaries


def test_a_half_typed_booking_waits_for_its_author_too(
    qtbot, session: SessionController, sqlite_clinic: Clinic
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from kapdesk.ui.changes import ChangeBus
    from kapdesk.ui.schedule.booking_dialog import BookingDialog
    from tests.schedule_world import MONDAY, ZONE, build_world, local

    world = build_world(sqlite_clinic)
    add_user(sqlite_clinic, "kim", Role.FRONT_DESK)
    sign_in(qtbot, session, ADMIN)
    screen = next(a.page for a in session.window._areas.values() if a.title == "Schedule")
    typing = BookingDialog(
        sqlite_clinic, ChangeBus(), session.window.settings, ZONE, starts_at=local(MONDAY, 9),
        clinician_id=world.clinicians["prescriber"], room_id=world.rooms["dose1"], parent=screen,
    )  # fmt: skip
    typing.show()
    typing.fields.patient.set_patient(world.patients[1], "Wójcik, Łukasz")
    typing.fields.notes.setPlainText("interpreter needed")

    session.switch_action.trigger()
    sign_in(qtbot, session, "kim")
    assert not typing.isVisible() and session.draft_offer is None
    assert sqlite_clinic.calendar.for_patient(world.patients[1]) == []  # nothing booked by switching

    session.switch_action.trigger()
    sign_in(qtbot, session, ADMIN)
    offer = draft_offer(session)
    [draft_id] = offer.waiting()
    assert "Wójcik" in offer.rows[draft_id][0].text()
    offer.button(draft_id, "resume").click()
    [resumed] = [w for w in QApplication.topLevelWidgets() if isinstance(w, BookingDialog) and w.isVisible()]
    draft = resumed.fields.draft()
    assert (draft.patient_id, draft.notes, draft.starts_at) == (
        world.patients[1],
        "interpreter needed",
        local(MONDAY, 9),
    )
    resumed.save()
    assert [a.notes for a in sqlite_clinic.calendar.for_patient(world.patients[1])] == ["interpreter needed"]

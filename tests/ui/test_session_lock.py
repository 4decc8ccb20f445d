"""The screen locks itself when nobody is at it: data out of sight, the same windows back after the password."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox

from kapdesk.domain.patients import PatientDraft
from kapdesk.services.clinic import Clinic
from kapdesk.ui.patients.editor import PatientEditor
from kapdesk.ui.patients.registry import SEARCH_DELAY_MS
from kapdesk.ui.session.controller import SessionController
from tests.helpers import ADMIN, PASSWORD
from tests.ui.conftest import FakeClock
from tests.ui.session_steps import idle_for, registry, sign_in, unlock_with


@pytest.fixture
def signed_in(qtbot, session: SessionController, sqlite_clinic: Clinic) -> SessionController:  # type: ignore[no-untyped-def]
    for first, last in (("María", "Núñez"), ("Mark", "Nunn")):
        sqlite_clinic.patients.create(PatientDraft(first_name=first, last_name=last, date_of_birth=date(1980, 1, 5)))
    sign_in(qtbot, session, ADMIN)
    return session


def test_idle_lock_hides_the_data_and_kapdesks_clipboard_text_then_the_password_brings_it_all_back(  # type: ignore[no-untyped-def]
    qtbot, signed_in: SessionController, sqlite_clinic: Clinic, clock: FakeClock
) -> None:
    page = registry(signed_in)
    page.refresh()
    chart = page.open_chart(page.model.patient_at(0).id)
    qtbot.waitExposed(chart)
    page.table.selectRow(0)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)  # copies the chart number
    clipboard = QApplication.clipboard()
    assert clipboard.text() == page.model.patient_at(0).chart_number

    idle_for(signed_in, clock, 9.5)
    assert not signed_in.locked and page.table.isVisible()  # the default is 10 minutes
    idle_for(signed_in, clock, 0.5)

    assert signed_in.locked and sqlite_clinic.access.locked
    assert not page.table.isVisible() and not page.search.isVisible()
    assert not chart.isVisible()
    assert signed_in.lock_screen.isVisible() and signed_in.lock_screen.password.isVisible()
    assert clipboard.text() == ""
    assert not signed_in.window.area_menus["Patients"].menuAction().isVisible()
    assert not page.new_action.isEnabled() and not page.find_action.isEnabled()
    assert not signed_in.lock_action.isEnabled() and not signed_in.sign_out_action.isEnabled()

    unlock_with(qtbot, signed_in, "not my password at all")
    assert signed_in.locked and not chart.isVisible() and not page.table.isVisible()
    assert signed_in.lock_screen.message.text() == "That password is not right. Try again."

    unlock_with(qtbot, signed_in, PASSWORD)
    assert not signed_in.locked and not sqlite_clinic.access.locked
    assert page.table.isVisible() and chart.isVisible()
    assert page.charts == {chart.patient_id: chart}  # the same window, not a new one
    assert signed_in.window.area_menus["Patients"].menuAction().isVisible() and page.new_action.isEnabled()
    assert signed_in.idle.running


def test_using_the_keyboard_keeps_the_screen_unlocked(qtbot, signed_in: SessionController, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    idle_for(signed_in, clock, 9)
    qtbot.keyClicks(registry(signed_in).search, "nu")
    idle_for(signed_in, clock, 9)
    assert not signed_in.locked
    idle_for(signed_in, clock, 1)
    assert signed_in.locked


def test_the_lock_delay_is_the_clinics_setting_read_at_sign_in(  # type: ignore[no-untyped-def]
    qtbot, start_session, sqlite_clinic: Clinic, clock: FakeClock
) -> None:
    sqlite_clinic.admin.change_settings({"auto_lock_minutes": "2"})
    session = start_session(sqlite_clinic)
    sign_in(qtbot, session, ADMIN)
    idle_for(session, clock, 1.9)
    assert not session.locked
    idle_for(session, clock, 0.1)
    assert session.locked


def test_ctrl_l_locks_even_over_an_open_form_which_comes_back_as_typed_and_unsaved(  # type: ignore[no-untyped-def]
    qtbot, signed_in: SessionController, sqlite_clinic: Clinic
) -> None:
    page = registry(signed_in)
    page.search.setText("nunn")
    page.refresh()
    editor = page.edit_selected()
    assert editor is not None
    qtbot.waitExposed(editor)
    last_name = editor.slots["last_name"].input
    assert isinstance(last_name, QLineEdit)
    qtbot.keyClicks(last_name, "-Smith")
    qtbot.keyClick(last_name, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)

    assert signed_in.locked and not editor.isVisible()
    patient_id = page.selected().id  # type: ignore[union-attr]
    assert sqlite_clinic.auth.unlock(PASSWORD)  # (as the lock screen does) to look at the database
    assert sqlite_clinic.patients.get(patient_id).last_name == "Nunn"  # nothing was saved by locking
    sqlite_clinic.auth.lock("test")

    unlock_with(qtbot, signed_in, PASSWORD)
    assert editor.isVisible() and page.editor is editor
    assert last_name.text() == "Nunn-Smith" and editor.has_unsaved_edits()
    assert sqlite_clinic.auth.sign_in(ADMIN, PASSWORD).drafts == []  # the safety copy made at lock was dropped


def test_a_question_open_when_the_screen_locks_is_dismissed_without_discarding_anything(  # type: ignore[no-untyped-def]
    qtbot, signed_in: SessionController, clock: FakeClock
) -> None:
    page = registry(signed_in)
    editor = page.new_patient()
    qtbot.waitExposed(editor)
    qtbot.keyClicks(editor.slots["first_name"].input, "Ivy")
    asked: list[bool] = []  # was the question showing, before and after the lock

    def lock_while_asking() -> None:
        box = QApplication.activeModalWidget()
        asked.append(isinstance(box, QMessageBox) and box.isVisible())
        idle_for(signed_in, clock, 10)
        asked.append(isinstance(box, QMessageBox) and box.isVisible())

    QTimer.singleShot(0, lock_while_asking)
    editor.reject()  # Cancel with unsaved edits: "Discard changes?" waits for an answer, and the screen locks

    assert asked == [True, False] and signed_in.locked
    assert not editor.isVisible()
    unlock_with(qtbot, signed_in, PASSWORD)
    assert editor.isVisible() and editor.slots["first_name"].input.text() == "Ivy"
    assert not any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets())


def test_a_locked_window_closes_without_questions_and_keeps_the_unsaved_form_as_a_draft(  # type: ignore[no-untyped-def]
    qtbot, signed_in: SessionController, sqlite_clinic: Clinic, monkeypatch: pytest.MonkeyPatch
) -> None:
    questions: list[str] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kw: questions.append(args[2]))
    editor = registry(signed_in).new_patient()
    qtbot.keyClicks(editor.slots["first_name"].input, "Ivy")
    signed_in.lock_action.trigger()
    signed_in.window.close()

    assert not signed_in.window.isVisible() and questions == []
    assert not any(isinstance(w, PatientEditor) and w.isVisible() for w in QApplication.topLevelWidgets())
    drafts = sqlite_clinic.auth.sign_in(ADMIN, PASSWORD).drafts
    assert [d.label for d in drafts] == ["New patient Ivy"]
    assert sqlite_clinic.drafts.resume(drafts[0].id).fields["first_name"] == "Ivy"


def test_a_search_typed_just_before_the_lock_waits_for_the_unlock(qtbot, signed_in: SessionController) -> None:  # type: ignore[no-untyped-def]
    page = registry(signed_in)
    qtbot.keyClicks(page.search, "nunn")
    signed_in.lock_action.trigger()
    qtbot.wait(SEARCH_DELAY_MS * 3)  # the typing pause ends behind the lock, where nobody may search
    unlock_with(qtbot, signed_in, PASSWORD)
    assert [page.model.patient_at(r).display_name for r in range(page.model.rowCount())] == ["Nunn, Mark"]

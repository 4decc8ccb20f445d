"""The Admin area's Protocols page as a clinic admin uses it: edit a protocol and save it as a new version,
see a refused field where it was typed, keep or discard unsaved changes, add, retire and look back through
versions. Real widgets on a real temporary database; only message boxes are answered."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QMessageBox

from kapdesk.domain.changes import Changes
from kapdesk.domain.protocols import ProtocolTemplate
from kapdesk.services.clinic import Clinic
from kapdesk.ui.admin import attach_admin
from kapdesk.ui.admin.protocols import ProtocolsPage
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.main_window import MainWindow

Yes, Cancel, Discard = (QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.Cancel,
                        QMessageBox.StandardButton.Discard)  # fmt: skip


@pytest.fixture
def published() -> list[Changes]:
    return []


@pytest.fixture
def page(qtbot, settings: QSettings, sqlite_clinic: Clinic, published: list[Changes]) -> ProtocolsPage:  # type: ignore[no-untyped-def]
    window = MainWindow(settings, sqlite_clinic.description)
    qtbot.addWidget(window)
    bus = ChangeBus(window)
    bus.changed.connect(published.append)
    area = attach_admin(window, sqlite_clinic, bus)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    window.show_area("Admin")
    area.setCurrentWidget(area.protocols)
    return area.protocols


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox.StandardButton]:
    """Answers for the questions the page asks, in order (Yes when none is left); warnings fail the test."""
    answers: list[QMessageBox.StandardButton] = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: answers.pop(0) if answers else Yes)
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, title, text, *rest: pytest.fail(f"{title}: {text}"))
    return answers


def pick(page: ProtocolsPage, code: str) -> None:
    row = page.model.row_of(code)
    assert row is not None
    page.table.selectRow(row)


def listed(page: ProtocolsPage, code: str) -> list[str]:
    row = page.model.row_of(code)
    assert row is not None
    return [page.model.index(row, column).data() for column in range(page.model.columnCount())]


def type_number(qtbot, box, text: str) -> None:  # type: ignore[no-untyped-def]
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, text)


def latest(clinic: Clinic, code: str) -> ProtocolTemplate:
    return next(t for t in clinic.protocols.templates() if t.code == code)


def click_save(qtbot, page: ProtocolsPage) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(page.bar.save_button, Qt.MouseButton.LeftButton)


def test_the_seeded_protocols_are_listed_with_their_doses(page: ProtocolsPage) -> None:
    assert page.model.rowCount() == 4
    assert listed(page, "esk-trd") == ["Esketamine TRD induction", "intranasal esketamine", "1", "12", "Yes"]
    assert listed(page, "im-kap")[1:] == ["IM injection", "1", "3–6", "Yes"]
    assert page.selected() is not None and page.editor.isEnabled()


def test_an_edited_dose_is_saved_as_version_two_and_version_one_kept(  # type: ignore[no-untyped-def]
    qtbot, page: ProtocolsPage, sqlite_clinic: Clinic, published: list[Changes], questions
) -> None:
    pick(page, "iv-induction")
    assert page.editor.route.isEnabled() is False  # the route stays with the protocol
    type_number(qtbot, page.editor.dose_max, "0.8")
    assert page.is_edited() and page.bar.status.text() == "Not saved yet."

    click_save(qtbot, page)

    assert page.bar.status.text() == "Saved as version 2; courses planned from version 1 keep it."
    assert listed(page, "iv-induction")[2] == "2"
    assert page.selected() is not None and page.selected().code == "iv-induction"  # type: ignore[union-attr]
    assert "version 2" in page.heading.text()
    assert not page.is_edited()
    saved = latest(sqlite_clinic, "iv-induction")
    assert (saved.version, saved.spec.dose_max) == (2, 0.8)
    assert [(v.version, v.active, v.spec.dose_max) for v in sqlite_clinic.protocols.history("iv-induction")] == [
        (2, True, 0.8),
        (1, False, 1.0),
    ]
    assert published == [Changes(protocols=True)]


def test_a_highest_dose_above_the_ceiling_is_shown_at_that_field_and_nothing_saved(  # type: ignore[no-untyped-def]
    qtbot, page: ProtocolsPage, sqlite_clinic: Clinic, published: list[Changes], questions
) -> None:
    pick(page, "esk-trd")
    type_number(qtbot, page.editor.dose_max, "112")

    click_save(qtbot, page)

    slot = page.editor.slots["dose_max"]
    assert slot.has_error and slot.error.isVisible()
    assert "above the hard ceiling of 84 mg" in slot.error.text()
    assert page.editor.dose_max.hasFocus()
    assert [name for name, s in page.editor.slots.items() if s.has_error] == ["dose_max"]
    assert page.bar.status.text() == "Not saved — please check the highlighted fields."
    assert page.editor.dose_max.value() == 112  # what was typed stays, to correct
    assert len(sqlite_clinic.protocols.history("esk-trd")) == 1
    assert latest(sqlite_clinic, "esk-trd").spec.dose_max == 84
    assert published == []


def test_removing_every_phase_is_refused_at_the_phases_table(
    qtbot, page: ProtocolsPage, sqlite_clinic: Clinic, questions
) -> None:  # type: ignore[no-untyped-def]
    pick(page, "esk-trd")
    while page.editor.phases.row_count:
        page.editor.phases.remove_row(0)
    click_save(qtbot, page)
    slot = page.editor.slots["phases"]
    assert slot.has_error and "at least one dosing session" in slot.error.text()
    assert len(sqlite_clinic.protocols.history("esk-trd")) == 1


def test_a_phase_added_by_keyboard_becomes_part_of_the_protocol(
    qtbot, page: ProtocolsPage, sqlite_clinic: Clinic, questions
) -> None:  # type: ignore[no-untyped-def]
    pick(page, "im-kap")
    qtbot.mouseClick(page.editor.phases.add_button, Qt.MouseButton.LeftButton)
    name = page.editor.phases.chain()[5]  # the new line's name, focused
    assert name.hasFocus()
    qtbot.keyClicks(name, "Booster")
    click_save(qtbot, page)
    phases = latest(sqlite_clinic, "im-kap").spec.phases
    assert [(p.name, p.doses_min, p.doses_max, p.per_week) for p in phases] == [
        ("KAP sessions", 3, 6, 1),
        ("Booster", 1, 1, 1),
    ]


def test_switching_protocol_with_unsaved_changes_asks_first(  # type: ignore[no-untyped-def]
    qtbot, page: ProtocolsPage, questions: list[QMessageBox.StandardButton]
) -> None:
    pick(page, "sl-kap")
    type_number(qtbot, page.editor.dose_min, "75")

    questions.append(Cancel)
    pick(page, "iv-induction")
    assert page.selected().code == "sl-kap"  # type: ignore[union-attr]
    assert page.editor.dose_min.value() == 75 and page.is_edited()

    questions.append(Discard)
    pick(page, "iv-induction")
    assert page.selected().code == "iv-induction"  # type: ignore[union-attr]
    assert page.editor.name.text() == "IV ketamine induction" and not page.is_edited()


def test_a_save_after_someone_else_saved_is_a_conflict_that_keeps_the_typing(  # type: ignore[no-untyped-def]
    qtbot, page: ProtocolsPage, sqlite_clinic: Clinic, questions
) -> None:
    pick(page, "im-kap")
    type_number(qtbot, page.editor.dose_min, "0.3")
    other = latest(sqlite_clinic, "im-kap")  # another computer saves first
    sqlite_clinic.protocols.save(other.id, other.row_version, replace(other.spec, dose_max=0.8))

    click_save(qtbot, page)

    assert "another computer" in page.bar.status.text()
    assert page.editor.dose_min.value() == 0.3
    assert [v.version for v in sqlite_clinic.protocols.history("im-kap")] == [2, 1]
    qtbot.mouseClick(page.bar.revert_button, Qt.MouseButton.LeftButton)
    assert (page.editor.dose_min.value(), page.editor.dose_max.value()) == (0.25, 0.8)  # their version 2
    assert "version 2" in page.heading.text()


def test_a_new_protocol_starts_from_a_copy_and_is_saved_as_version_one(  # type: ignore[no-untyped-def]
    qtbot, page: ProtocolsPage, sqlite_clinic: Clinic, questions
) -> None:
    pick(page, "sl-kap")
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    assert page.editor.route.isEnabled() and page.editor.name.text() == "" and page.selected() is None
    qtbot.keyClicks(page.editor.name, "Sublingual maintenance")
    click_save(qtbot, page)
    assert page.editor.slots["code"].has_error  # no code yet
    qtbot.keyClicks(page.editor.code, "sl-maint")
    click_save(qtbot, page)

    added = latest(sqlite_clinic, "sl-maint")
    assert (added.version, added.spec.name, added.spec.dose_max) == (1, "Sublingual maintenance", 200)
    assert listed(page, "sl-maint")[2] == "1" and page.selected() == added
    assert page.editor.code.isReadOnly()  # its code is fixed once saved


def test_retiring_and_offering_again(qtbot, page: ProtocolsPage, sqlite_clinic: Clinic, questions) -> None:  # type: ignore[no-untyped-def]
    pick(page, "im-kap")
    qtbot.mouseClick(page.toggle_button, Qt.MouseButton.LeftButton)
    assert listed(page, "im-kap")[4] == "Retired"
    assert "im-kap" not in {t.code for t in sqlite_clinic.protocols.templates()}
    assert page.toggle_button.text() == "&Offer again"
    qtbot.mouseClick(page.toggle_button, Qt.MouseButton.LeftButton)
    assert listed(page, "im-kap")[4] == "Yes"


def test_the_version_history_lists_each_version_and_what_changed(  # type: ignore[no-untyped-def]
    qtbot, page: ProtocolsPage, questions
) -> None:
    pick(page, "iv-induction")
    type_number(qtbot, page.editor.preparation_sessions, "2")
    click_save(qtbot, page)
    dialog = page.show_history()
    assert dialog is not None and dialog.isVisible()
    rows = [[dialog.model.index(r, c).data() for c in (0, 2, 3, 4)] for r in range(dialog.model.rowCount())]
    assert rows == [
        ["2", "Ada Admin", "Offered", "preparation sessions"],
        ["1", "as installed", "Replaced by version 2", "first version"],
    ]
    dialog.close()


def test_tab_walks_the_form_box_by_box_then_the_tables_then_save(qtbot, page: ProtocolsPage) -> None:  # type: ignore[no-untyped-def]
    pick(page, "esk-trd")
    editor = page.editor
    editor.name.setFocus()
    walked = []
    for _ in range(60):
        focused = QApplication.focusWidget()
        owner = focused.parentWidget() if isinstance(focused.parentWidget(), QAbstractSpinBox) else focused
        walked.append(owner)
        if owner is page.bar.save_button:
            break
        qtbot.keyClick(focused, Qt.Key.Key_Tab)
    expected = [
        editor.name, editor.code, editor.dose_unit, editor.dose_min, editor.dose_max, editor.dose_ceiling,
        editor.preparation_sessions, editor.prep_lead_days, editor.min_spacing_hours, editor.with_therapist,
        editor.preparation_minutes, editor.dosing_minutes, editor.integration_minutes, editor.integration_min_hours,
        editor.integration_max_hours, *editor.phases.chain(), *editor.measures.chain(), page.bar.revert_button,
        page.bar.save_button,
    ]  # fmt: skip
    assert walked == expected  # the route is fixed, so Tab passes over it

"""Finding, adding, editing, archiving patients through the real widgets and a real database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLineEdit, QMessageBox

from kapdesk.domain.patients import PatientDraft, PatientRecord
from kapdesk.services.clinic import Clinic
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.patients.archive import ArchiveDialog
from kapdesk.ui.patients.editor import PatientEditor
from kapdesk.ui.patients.registry import PatientRegistry
from tests.conftest import TODAY
from tests.ui.conftest import registry_of


@pytest.fixture
def people(sqlite_clinic: Clinic) -> Clinic:
    for first, last, born, escort in [
        ("María", "Núñez", date(1985, 3, 12), ""),
        ("Mark", "Nunn", date(1970, 7, 1), "Ann Nunn"),
        ("Zoë", "Smith", date(1980, 1, 5), ""),
    ]:
        sqlite_clinic.patients.create(
            PatientDraft(first_name=first, last_name=last, date_of_birth=born, escort_name=escort,
                         escort_phone="503-555-0142" if escort else "")
        )  # fmt: skip
    return sqlite_clinic


@pytest.fixture
def registry(window: MainWindow, people: Clinic) -> PatientRegistry:
    page = registry_of(window)
    page.refresh()
    return page


def shown_names(registry: PatientRegistry) -> list[str]:
    return [registry.model.patient_at(r).display_name for r in range(registry.model.rowCount())]


def type_into(qtbot, widget: QLineEdit, text: str) -> None:  # type: ignore[no-untyped-def]
    """Real key presses; QTest can only synthesise ASCII keys, so accented text is pasted in."""
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        widget.insert(text)


def edit_nunn(registry: PatientRegistry, people: Clinic) -> tuple[PatientEditor, PatientRecord]:
    """Open the edit form on Mark Nunn, as the front desk would; returns the form and the record it shows."""
    registry.search.setText("nunn")
    registry.refresh()
    editor = registry.edit_selected()
    assert editor is not None
    return editor, people.patients.get(registry.selected().id)  # type: ignore[union-attr]


def line(editor: PatientEditor, name: str) -> QLineEdit:
    widget = editor.slots[name].input
    assert isinstance(widget, QLineEdit)
    return widget


def test_typing_narrows_the_list_as_you_type(qtbot, registry: PatientRegistry) -> None:  # type: ignore[no-untyped-def]
    assert shown_names(registry) == ["Núñez, María", "Nunn, Mark", "Smith, Zoë"]
    qtbot.keyClicks(registry.search, "nun")
    qtbot.waitUntil(lambda: shown_names(registry) == ["Núñez, María", "Nunn, Mark"])
    qtbot.keyClicks(registry.search, "e")
    qtbot.waitUntil(lambda: shown_names(registry) == ["Núñez, María"])
    registry.search.clear()
    qtbot.keyClicks(registry.search, "1/5/1980")
    qtbot.waitUntil(lambda: shown_names(registry) == ["Smith, Zoë"])


def test_no_match_says_what_to_do(qtbot, registry: PatientRegistry) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(registry.search, "qqq")
    qtbot.waitUntil(lambda: registry.model.rowCount() == 0)
    assert "No patient matches “qqq”" in registry.status.text()
    assert "Ctrl+N" in registry.status.text()


def test_enter_in_search_opens_the_chart_of_the_top_match(qtbot, registry: PatientRegistry) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClicks(registry.search, "smith")
    qtbot.keyClick(registry.search, Qt.Key.Key_Return)
    chart = registry.charts[registry.model.patient_at(0).id]
    qtbot.waitUntil(chart.isVisible)
    assert chart.name.text() == "Smith, Zoë"
    assert "46 years" in chart.facts.text() and "KD-000003" in chart.facts.text()
    alerts = [label.text() for label in chart.findChildren(type(chart.name), "alert")]
    assert "No escort/driver on file" in alerts and "No weight recorded" in alerts


def test_a_new_patient_is_saved_and_selected(qtbot, registry: PatientRegistry, people: Clinic) -> None:  # type: ignore[no-untyped-def]
    editor = registry.new_patient()
    qtbot.waitUntil(editor.isVisible)
    type_into(qtbot, line(editor, "first_name"), "Ana")
    type_into(qtbot, line(editor, "last_name"), "Gómez")
    type_into(qtbot, line(editor, "date_of_birth"), "02/14/1991")
    type_into(qtbot, line(editor, "phone"), "5035550177")
    type_into(qtbot, line(editor, "escort_name"), "Luis Gómez")
    type_into(qtbot, line(editor, "escort_phone"), "(503) 555-0178")
    type_into(qtbot, line(editor, "emergency_name"), "Rosa Gómez")
    type_into(qtbot, line(editor, "emergency_phone"), "503 555 0179")
    type_into(qtbot, line(editor, "weight_kg"), "154")
    editor.weight_unit.setCurrentText("lb")
    qtbot.mouseClick(editor.buttons.button(editor.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible())

    found = people.patients.search("gomez")
    assert [p.display_name for p in found] == ["Gómez, Ana"]
    record = people.patients.get(found[0].id)
    assert record.date_of_birth == date(1991, 2, 14)
    assert record.escort_phone == "+15035550178"
    assert record.emergency_name == "Rosa Gómez"
    assert record.weight_kg == pytest.approx(69.9, abs=0.05)  # 154 lb
    assert registry.selected() is not None and registry.selected().id == record.id  # type: ignore[union-attr]


def test_bad_input_is_marked_on_the_field_with_a_reason_and_nothing_saved(
    qtbot, registry: PatientRegistry, people: Clinic
) -> None:  # type: ignore[no-untyped-def]
    editor = registry.new_patient()
    type_into(qtbot, line(editor, "first_name"), "Ana")
    type_into(qtbot, line(editor, "date_of_birth"), "13/45/1990")
    type_into(qtbot, line(editor, "email"), "ana@")
    type_into(qtbot, line(editor, "weight_kg"), "7")
    assert editor.save() is False

    assert editor.isVisible()
    bad = {name for name, slot in editor.slots.items() if slot.has_error}
    assert bad == {"last_name", "date_of_birth", "email", "weight_kg"}
    assert editor.slots["last_name"].error.text() == "Last name is required."
    assert "isn't a" in editor.slots["date_of_birth"].error.text()
    assert "between 20 and 350 kg" in editor.slots["weight_kg"].error.text()
    assert editor.summary.text() == "4 fields need attention."
    assert editor.slots["last_name"].input.hasFocus() or not editor.isActiveWindow()
    assert line(editor, "first_name").text() == "Ana"  # what was typed stays
    assert len(people.patients.search("")) == 3

    type_into(qtbot, line(editor, "last_name"), "Ng")
    line(editor, "date_of_birth").setText("1990-01-13")
    line(editor, "email").setText("ana@example.com")
    line(editor, "weight_kg").setText("70")
    assert editor.save() is True
    assert not any(slot.has_error for slot in editor.slots.values())
    assert len(people.patients.search("")) == 4


def test_an_edit_made_elsewhere_first_is_shown_not_overwritten(
    qtbot, registry: PatientRegistry, people: Clinic
) -> None:  # type: ignore[no-untyped-def]
    editor, target = edit_nunn(registry, people)
    # Another PC saves a new phone while this form is open.
    people.patients.update(target.id, target.version, replace(target.as_draft(), phone="206-555-0111"))

    line(editor, "email").setText("mark@example.com")
    assert editor.save() is False
    assert editor.banner.isVisible()
    assert "changed on another computer" in editor.banner_text.text()
    assert "They changed: Phone" in editor.banner_text.text()
    assert "Nothing you typed has been saved" in editor.banner_text.text()
    stored = people.patients.get(target.id)
    assert stored.email == "" and stored.phone == "+12065550111"

    qtbot.mouseClick(editor.save_mine, Qt.MouseButton.LeftButton)  # a deliberate choice, after seeing what changed
    qtbot.waitUntil(lambda: not editor.isVisible())
    stored = people.patients.get(target.id)
    assert stored.email == "mark@example.com"  # mine
    assert stored.phone == "+12065550111"  # theirs survives: this user never touched the phone


def test_load_their_version_replaces_the_form(qtbot, registry: PatientRegistry, people: Clinic) -> None:  # type: ignore[no-untyped-def]
    editor, target = edit_nunn(registry, people)
    people.patients.update(target.id, target.version, replace(target.as_draft(), preferred_name="Marky"))
    line(editor, "preferred_name").setText("Mo")
    editor.save()
    qtbot.mouseClick(editor.load_theirs, Qt.MouseButton.LeftButton)
    assert line(editor, "preferred_name").text() == "Marky"
    assert not editor.banner.isVisible()
    assert editor.save() is True


def test_a_new_weight_without_a_date_is_dated_today(registry: PatientRegistry, people: Clinic) -> None:
    registry.search.setText("nunn")
    registry.refresh()
    target = people.patients.get(registry.selected().id)  # type: ignore[union-attr]
    people.patients.update(
        target.id, target.version, replace(target.as_draft(), weight_kg=80.0, weight_recorded_on=date(2025, 1, 10))
    )
    editor = registry.edit_selected()
    assert editor is not None
    assert line(editor, "weight_recorded_on").text() == "01/10/2025"
    line(editor, "weight_kg").setText("95")
    assert editor.save() is True
    stored = people.patients.get(target.id)
    assert (stored.weight_kg, stored.weight_recorded_on) == (95.0, TODAY)


def test_cancel_with_unsaved_edits_asks_first(qtbot, registry: PatientRegistry, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    editor = registry.new_patient()
    type_into(qtbot, line(editor, "first_name"), "Half-typed")
    asked: list[str] = []

    def answer(*args, **kwargs):  # type: ignore[no-untyped-def]
        asked.append(args[1])
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    editor.reject()
    assert asked == ["Discard changes?"] and editor.isVisible()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    editor.reject()
    assert not editor.isVisible()


def test_archive_hides_and_restore_brings_back(qtbot, registry: PatientRegistry, people: Clinic, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def confirm(dialog: ArchiveDialog) -> int:
        dialog.reason.setCurrentText("Moved away")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ArchiveDialog, "exec", confirm)
    registry.search.setText("nunn")
    registry.refresh()
    qtbot.mouseClick(registry.archive_button, Qt.MouseButton.LeftButton)
    assert registry.model.rowCount() == 0
    qtbot.mouseClick(registry.show_archived, Qt.MouseButton.LeftButton)
    assert shown_names(registry) == ["Nunn, Mark"]
    assert registry.model.index(0, 5).data() == "Archived"
    assert registry.archive_button.text() == "Restore"
    record = people.patients.get(registry.selected().id)  # type: ignore[union-attr]
    assert record.archive_reason == "Moved away"

    qtbot.mouseClick(registry.archive_button, Qt.MouseButton.LeftButton)
    assert not people.patients.get(record.id).is_archived
    assert registry.model.index(0, 5).data() == "Active"


def test_chart_refreshes_after_an_edit_from_its_own_button(qtbot, registry: PatientRegistry) -> None:  # type: ignore[no-untyped-def]
    registry.search.setText("núñez")
    registry.refresh()
    chart = registry.open_selected()
    assert chart is not None
    assert "No escort/driver on file" in [c.text() for c in chart.findChildren(type(chart.name), "alert")]
    qtbot.mouseClick(chart.edit_button, Qt.MouseButton.LeftButton)
    editor = registry.editor
    assert editor is not None
    line(editor, "escort_name").setText("Pablo Núñez")
    line(editor, "escort_phone").setText("503-555-0166")
    assert editor.save() is True
    qtbot.waitUntil(
        lambda: "No escort/driver on file" not in [c.text() for c in chart.findChildren(type(chart.name), "alert")]
    )
    assert chart.record.escort_name == "Pablo Núñez"

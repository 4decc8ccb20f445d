"""The chart's Intake tab through real widgets and a real database: typing a diagnosis, errors at their field,
stopping a medication, saving the history (and a colleague's save in between), and what is marked for review."""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from kapdesk.domain.changes import Changes
from kapdesk.domain.intake import MedicationClass
from kapdesk.domain.patients import PatientDraft
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.clinical.intake_diagnosis import DiagnosisDialog
from kapdesk.ui.clinical.intake_dialogs import EntryDialog
from kapdesk.ui.clinical.intake_models import ABSOLUTE_BACKGROUND, RELATIVE_BACKGROUND
from kapdesk.ui.clinical.intake_panel import IntakePanel, intake_tab
from tests.helpers import TODAY, sign_in_as

ZONE = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def patient(sqlite_clinic: Clinic) -> int:
    draft = PatientDraft(first_name="Ines", last_name="Ortega", date_of_birth=date(1981, 4, 12))
    patient_id = sqlite_clinic.patients.create(draft).value.id
    sign_in_as(sqlite_clinic, "nina", Role.NURSE)
    return patient_id


@pytest.fixture
def bus() -> ChangeBus:
    return ChangeBus()


@pytest.fixture
def panel(qtbot, sqlite_clinic: Clinic, patient: int, bus: ChangeBus) -> IntakePanel:  # type: ignore[no-untyped-def]
    """What the chart's Intake tab shows the signed-in nurse, shown as it would be."""
    shown = IntakePanel(
        sqlite_clinic.intake, patient, sqlite_clinic.access.actor, ZONE, sqlite_clinic.patients.today, bus
    )
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


def save(qtbot, dialog: EntryDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def cell(section, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:  # type: ignore[no-untyped-def]
    model = section.model
    return model.data(model.index(row, column), role)


def test_a_diagnosis_typed_into_the_picker_is_saved_with_its_flag(
    qtbot, panel: IntakePanel, sqlite_clinic: Clinic, patient: int
) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(panel.add_diagnosis, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert isinstance(dialog, DiagnosisDialog) and dialog.isVisible()
    completer = dialog.code.completer()
    for words, expected in (("depress", "F32.1"), ("F33", "F33.1"), ("ptsd", None)):
        completer.setCompletionPrefix(words)
        found = [completer.completionModel().index(i, 0).data() for i in range(completer.completionCount())]
        assert all(words.lower() in f.lower() for f in found)
        assert expected is None or any(f.startswith(expected) for f in found)

    qtbot.keyClicks(dialog.code.lineEdit(), "f33.1")
    assert dialog.description.text() == "Major depressive disorder, recurrent, moderate"  # from the catalogue
    assert dialog.resistant.isEnabled()
    dialog.resistant.setChecked(True)
    qtbot.keyClicks(dialog.diagnosed_on, "03/02/2024")
    save(qtbot, dialog)

    assert not dialog.isVisible()
    stored = sqlite_clinic.intake.get(patient).diagnoses
    assert [(d.code, d.treatment_resistant, d.diagnosed_on) for d in stored] == [("F33.1", True, date(2024, 3, 2))]
    assert [cell(panel.diagnoses, 0, c) for c in range(4)] == [
        "F33.1",
        "Major depressive disorder, recurrent, moderate",
        "Treatment-resistant",
        "since 03/02/2024",
    ]


def test_a_bad_code_is_shown_at_its_field_and_nothing_is_saved(
    qtbot, panel: IntakePanel, sqlite_clinic: Clinic, patient: int
) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(panel.add_diagnosis, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert isinstance(dialog, DiagnosisDialog)
    qtbot.keyClicks(dialog.code.lineEdit(), "F41.1")
    assert not dialog.resistant.isEnabled()  # anxiety can't be treatment-resistant here
    dialog.code.lineEdit().clear()
    qtbot.keyClicks(dialog.code.lineEdit(), "depression")
    qtbot.keyClicks(dialog.description, "Low mood")
    qtbot.keyClicks(dialog.diagnosed_on, "13/45/2020")
    save(qtbot, dialog)
    assert (
        dialog.slots["diagnosed_on"].has_error
        and "isn't a real calendar date" in dialog.slots["diagnosed_on"].error.text()
    )

    dialog.diagnosed_on.clear()
    save(qtbot, dialog)
    assert dialog.isVisible() and dialog.slots["code"].has_error
    assert "ICD-10 code" in dialog.slots["code"].error.text() and dialog.slots["code"].error.isVisibleTo(dialog)
    assert not dialog.slots["description"].has_error
    assert dialog.code.currentText() == "depression"  # what was typed is still there
    assert sqlite_clinic.intake.get(patient).diagnoses == ()


def test_stopping_a_medication_keeps_it_struck_through(
    qtbot, sqlite_clinic: Clinic, patient: int, bus: ChangeBus
) -> None:  # type: ignore[no-untyped-def]
    sqlite_clinic.intake.add_medication(
        patient, "Clonazepam", "0.5 mg at night", MedicationClass.BENZODIAZEPINE, started_on=date(2024, 1, 10)
    )
    panel = IntakePanel(sqlite_clinic.intake, patient, sqlite_clinic.access.actor, ZONE, lambda: TODAY, bus)
    qtbot.addWidget(panel)
    panel.show()
    assert "Benzodiazepine: may blunt the response to ketamine" in str(cell(panel.medications, 0, 2))
    assert "prescriber review" in str(cell(panel.medications, 0, 0, Qt.ItemDataRole.ToolTipRole))
    assert cell(panel.medications, 0, 0, Qt.ItemDataRole.BackgroundRole).color() == RELATIVE_BACKGROUND  # type: ignore[union-attr]
    assert not panel.stop.isEnabled()  # nothing chosen yet

    panel.medications.table.selectRow(0)
    qtbot.mouseClick(panel.stop, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    assert dialog is not None and dialog.when.text() == "11/21/2026"  # today, unless changed
    dialog.when.setText("01/09/2024")
    save(qtbot, dialog)
    assert dialog.isVisible() and "before it was started" in dialog.slots["stopped_on"].error.text()
    dialog.when.setText("11/20/2026")
    save(qtbot, dialog)

    assert not dialog.isVisible()
    assert sqlite_clinic.intake.get(patient).medications[0].stopped_on == date(2026, 11, 20)
    assert cell(panel.medications, 0, 0, Qt.ItemDataRole.FontRole).strikeOut()  # type: ignore[union-attr]
    assert cell(panel.medications, 0, 3) == "stopped 11/20/2026"
    assert not panel.stop.isEnabled()
    panel.show_past.setChecked(False)
    assert panel.medications.model.rowCount() == 0 and panel.medications.empty.isVisible()


def test_history_is_saved_and_a_colleagues_save_in_between_is_not_overwritten_unasked(
    qtbot, panel: IntakePanel, sqlite_clinic: Clinic, patient: int
) -> None:  # type: ignore[no-untyped-def]
    history = panel.history
    assert not history.save_button.isEnabled()
    qtbot.keyClicks(history.text, "Appendectomy 2003.")
    assert history.status.text() == "Not saved"
    qtbot.mouseClick(history.save_button, Qt.MouseButton.LeftButton)
    assert sqlite_clinic.intake.get(patient).history == "Appendectomy 2003." and history.status.text() == "Saved"

    sqlite_clinic.intake.set_history(patient, 1, "Appendectomy 2003. Asthma.")  # another computer, unannounced
    qtbot.keyClicks(history.text, " Migraine.")
    qtbot.mouseClick(history.save_button, Qt.MouseButton.LeftButton)
    assert history.conflict.isVisible() and "another computer" in history.conflict_text.text()
    assert history.text.toPlainText() == "Appendectomy 2003. Migraine."  # still what this user typed
    assert sqlite_clinic.intake.get(patient).history == "Appendectomy 2003. Asthma."

    qtbot.mouseClick(history.save_mine, Qt.MouseButton.LeftButton)
    intake = sqlite_clinic.intake.get(patient)
    assert (intake.history, intake.history_version) == ("Appendectomy 2003. Migraine.", 3)
    assert not history.conflict.isVisible()


def test_what_bears_on_eligibility_is_marked_and_others_saves_show_up(
    qtbot, panel: IntakePanel, sqlite_clinic: Clinic, patient: int, bus: ChangeBus
) -> None:  # type: ignore[no-untyped-def]
    assert panel.allergies.empty.isVisible()
    outcome = sqlite_clinic.intake.add_allergy(patient, "Ketamine", "agitation")
    bus.publish(outcome.changes)  # another form in this app saved it
    assert "ketamine or esketamine hypersensitivity (blocks dosing)" in str(cell(panel.allergies, 0, 2))
    assert cell(panel.allergies, 0, 0, Qt.ItemDataRole.BackgroundRole).color() == ABSOLUTE_BACKGROUND  # type: ignore[union-attr]

    sqlite_clinic.intake.record_vitals(patient, 131, 85, 77, 97)
    bus.publish(Changes(clinical=frozenset({patient + 1})))  # someone else's patient: no reload
    assert panel.vitals.latest.text() == "None recorded yet."
    bus.publish(Changes(clinical=frozenset({patient})))
    assert "BP 131/85 mmHg · pulse 77/min · SpO2 97%" in panel.vitals.latest.text()
    assert not panel.vitals.flags.isVisibleTo(panel)  # nothing past the clinic's limits

    bus.publish(sqlite_clinic.intake.record_vitals(patient, 150, 88, 118, 92).changes)
    assert panel.vitals.flags.isVisibleTo(panel)
    assert panel.vitals.flags.text().splitlines() == [
        "⚠ BP 150/88 above 140/90: dosing would be held.",
        "⚠ Pulse 118 above 110.",
        "⚠ SpO2 92% below 94%.",
    ]


def test_the_tab_is_for_clinical_staff_only(sqlite_clinic: Clinic, patient: int) -> None:
    tab = intake_tab(sqlite_clinic, ChangeBus())
    assert tab.title == "&Intake" and tab.allowed(sqlite_clinic.access.actor)
    sign_in_as(sqlite_clinic, "fran", Role.FRONT_DESK)
    assert not tab.allowed(sqlite_clinic.access.actor)

"""The chart's Measures tab through real widgets and a real database: a PHQ-9 typed in by keyboard and listed with its
score and band, the self-harm warning the moment item 9 is answered, an incomplete form saved as incomplete, a wrong
entry marked entered in error (it stays listed, struck through), and the tab kept from the front desk."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from kapdesk.domain.patients import PatientDraft
from kapdesk.domain.staff import Role
from kapdesk.domain.wall_clock import to_local
from kapdesk.services.clinic import Clinic
from kapdesk.services.outcomes import MeasureDraft
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.outcomes import measure_form
from kapdesk.ui.outcomes.entered_in_error import EnteredInErrorDialog
from kapdesk.ui.outcomes.measure_form import MeasureForm
from kapdesk.ui.outcomes.measures_panel import FLAGS_COLUMN, MeasuresPanel, measures_tab
from tests.helpers import sign_in_as

ZONE = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def patient(sqlite_clinic: Clinic) -> int:
    draft = PatientDraft(first_name="Ines", last_name="Ortega", date_of_birth=date(1981, 4, 12))
    patient_id = sqlite_clinic.patients.create(draft).value.id
    sign_in_as(sqlite_clinic, "thea", Role.THERAPIST)
    return patient_id


@pytest.fixture
def panel(qtbot, sqlite_clinic: Clinic, patient: int) -> MeasuresPanel:  # type: ignore[no-untyped-def]
    """What the chart's Measures tab shows the signed-in therapist, shown as it would be."""
    shown = MeasuresPanel(sqlite_clinic.outcomes, patient, sqlite_clinic.access.actor, ZONE, ChangeBus())
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    return shown


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The "save an incomplete form?" question, answered Save; what it said is kept for the test to read."""
    asked: list[str] = []
    monkeypatch.setattr(measure_form, "ask_to_save_incomplete", lambda _parent, text: asked.append(text) or True)
    return asked


def open_form(qtbot, panel: MeasuresPanel) -> MeasureForm:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(panel.record_button, Qt.MouseButton.LeftButton)
    form = panel.form
    assert isinstance(form, MeasureForm) and form.isVisible()
    qtbot.waitExposed(form)
    form.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.pickers[0])  # ready for the first digit
    return form


def save(qtbot, form: MeasureForm | EnteredInErrorDialog) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def cell(panel: MeasuresPanel, row: int, column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
    return panel.model.data(panel.model.index(row, column), role)


def row_text(panel: MeasuresPanel, row: int) -> list[object]:
    return [cell(panel, row, column) for column in range(1, 5)]


def test_a_phq9_typed_digit_by_digit_is_listed_with_its_score(
    qtbot, panel: MeasuresPanel, sqlite_clinic: Clinic, patient: int
) -> None:  # type: ignore[no-untyped-def]
    form = open_form(qtbot, panel)
    assert form.instrument.currentData() == "PHQ-9"
    for number, digit in enumerate("2103121001", start=1):  # each digit answers its item and moves to the next
        assert QApplication.focusWidget() is form.pickers[number - 1]
        qtbot.keyClick(QApplication.focusWidget(), digit)
    assert QApplication.focusWidget() in form.buttons.buttons()  # past the last item: on to Save
    qtbot.keyClick(form.pickers[2], Qt.Key.Key_Right)  # item 3 corrected: 0 → 1
    assert form.answers() == (2, 1, 1, 3, 1, 2, 1, 0, 0, 1)
    assert form.preview.text() == "Total 11 of 27 · moderate"  # item 10 is not counted
    assert form.self_harm.isHidden()
    save(qtbot, form)

    assert not form.isVisible()
    assert row_text(panel, 0) == ["PHQ-9", "11 / 27", "moderate", ""]
    assert panel.status.text() == "1 measure"
    assert "Total 11 of 27" in panel.viewer.toPlainText()
    [stored] = sqlite_clinic.outcomes.history(patient)
    assert stored.answers == (2, 1, 1, 3, 1, 2, 1, 0, 0, 1)


def test_answering_item_9_raises_the_self_harm_warning_at_once(qtbot, panel: MeasuresPanel, questions) -> None:  # type: ignore[no-untyped-def]
    form = open_form(qtbot, panel)
    item9 = form.pickers[8]
    qtbot.mouseClick(item9.group.button(2), Qt.MouseButton.LeftButton)  # nothing else answered yet
    assert form.self_harm.isVisible()
    assert "item 9 answered 2" in form.self_harm.text()
    qtbot.keyClick(item9, Qt.Key.Key_Delete)  # taken back: the warning goes
    assert form.self_harm.isHidden()
    qtbot.keyClick(item9, "1")
    assert form.self_harm.isVisible()
    save(qtbot, form)  # incomplete, and saved as such

    assert questions  # asked before saving an incomplete form
    assert row_text(panel, 0)[3] == "⚠ Self-harm thoughts"
    red = cell(panel, 0, FLAGS_COLUMN, Qt.ItemDataRole.BackgroundRole)
    assert red.color().name() == "#c62828"  # type: ignore[attr-defined]


def test_an_incomplete_form_is_saved_as_incomplete_after_asking(
    qtbot, panel: MeasuresPanel, sqlite_clinic: Clinic, patient: int, questions: list[str], monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    form = open_form(qtbot, panel)
    for digit in "3321":
        qtbot.keyClick(QApplication.focusWidget(), digit)
    assert form.preview.text() == "4 of 9 answered: no total until every item is."

    monkeypatch.setattr(measure_form, "ask_to_save_incomplete", lambda _parent, _text: False)  # Cancel
    save(qtbot, form)
    assert form.isVisible() and sqlite_clinic.outcomes.history(patient) == []  # nothing saved, nothing lost
    assert form.answers()[:4] == (3, 3, 2, 1)

    monkeypatch.setattr(measure_form, "ask_to_save_incomplete", lambda _parent, text: questions.append(text) or True)
    save(qtbot, form)
    assert "4 of 9 items are answered (blank: 5, 6, 7, 8, 9)" in questions[0]
    assert not form.isVisible()
    assert row_text(panel, 0) == ["PHQ-9", "—", "incomplete", ""]
    [stored] = sqlite_clinic.outcomes.history(patient)
    assert (stored.score.total, stored.score.complete) == (None, False)


def test_a_time_in_the_future_is_refused_at_its_field(
    qtbot, panel: MeasuresPanel, sqlite_clinic: Clinic, patient: int
) -> None:  # type: ignore[no-untyped-def]
    form = open_form(qtbot, panel)
    for digit in "000000000":
        qtbot.keyClick(QApplication.focusWidget(), digit)
    form.taken_at.set_wall_clock(to_local(datetime.now(UTC) + timedelta(days=1), ZONE))
    save(qtbot, form)
    assert form.isVisible()
    assert form.slots["taken_at"].has_error
    assert "can't be in the future" in form.slots["taken_at"].error.text()
    assert sqlite_clinic.outcomes.history(patient) == []
    assert form.answers()[:9] == (0,) * 9  # what was entered stays


def test_a_measure_marked_entered_in_error_stays_listed_struck_through(
    qtbot, panel: MeasuresPanel, sqlite_clinic: Clinic, patient: int
) -> None:  # type: ignore[no-untyped-def]
    sqlite_clinic.outcomes.record(MeasureDraft(patient, "GAD-7", (1,) * 7, datetime.now(UTC) - timedelta(hours=2)))
    panel.reload()
    assert panel.error_button.isEnabled()
    qtbot.mouseClick(panel.error_button, Qt.MouseButton.LeftButton)
    dialog = panel.error_dialog
    assert isinstance(dialog, EnteredInErrorDialog) and dialog.isVisible()
    save(qtbot, dialog)  # no reason given
    assert dialog.isVisible() and dialog.slots["reason"].has_error
    qtbot.keyClicks(dialog.reason, "Another patient's form")
    save(qtbot, dialog)

    assert not dialog.isVisible()
    assert row_text(panel, 0) == ["GAD-7", "7 / 21", "mild", "Entered in error"]
    assert cell(panel, 0, 1, Qt.ItemDataRole.FontRole).strikeOut()  # type: ignore[attr-defined]
    assert panel.status.text() == "0 measures"  # listed, but counted for nothing
    assert "Another patient's form" in panel.viewer.toPlainText()
    assert not panel.error_button.isEnabled()


def test_front_desk_gets_no_measures_tab(qtbot, sqlite_clinic: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    tab = measures_tab(sqlite_clinic, ChangeBus(), None)  # type: ignore[arg-type]
    assert tab.allowed(sqlite_clinic.access.actor)  # the therapist
    sign_in_as(sqlite_clinic, "fran", Role.FRONT_DESK)
    assert not tab.allowed(sqlite_clinic.access.actor)
    # Even a panel built anyway shows nothing but the refusal.
    shown = MeasuresPanel(sqlite_clinic.outcomes, patient, sqlite_clinic.access.actor, ZONE)
    qtbot.addWidget(shown)
    shown.show()
    qtbot.waitExposed(shown)
    assert "not allowed" in shown.message.text()
    assert shown.model.rowCount() == 0 and shown.record_button.isHidden()

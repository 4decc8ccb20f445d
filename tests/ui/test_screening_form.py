"""The chart's Screening tab and form through real widgets and a real database: the live result as boxes are ticked,
problems at their field with nothing saved, and a prescriber's signature with the precautions acknowledged."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox, QDialogButtonBox
from sqlalchemy import text

from kapdesk.domain.appointments import Route
from kapdesk.domain.intake import MedicationClass
from kapdesk.domain.patients import PatientDraft
from kapdesk.domain.screening import Answers, Pregnancy, Result, Standing
from kapdesk.domain.screening_items import Item
from kapdesk.domain.staff import Role
from kapdesk.services.clinic import Clinic
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.clinical.screening_form import ScreeningForm
from kapdesk.ui.clinical.screening_panel import ScreeningPanel, screening_tab
from tests.helpers import add_user, sign_in_as

PRECAUTIONS = Answers(
    items=frozenset({Item.SEIZURES}),
    systolic=128,
    diastolic=82,
    heart_rate=76,
    spo2=97,
    pregnancy=Pregnancy.NOT_PREGNANT,
    medication_classes=frozenset({MedicationClass.LAMOTRIGINE}),
)


@pytest.fixture
def team(sqlite_clinic: Clinic) -> Clinic:
    for username, role in [("nils", Role.NURSE), ("pria", Role.PRESCRIBER), ("fran", Role.FRONT_DESK)]:
        add_user(sqlite_clinic, username, role)
    return sqlite_clinic


def _patient(clinic: Clinic, sex: str) -> int:
    draft = PatientDraft(first_name="Lena", last_name="Voss", date_of_birth=date(1990, 4, 2), sex_at_birth=sex)
    return clinic.patients.create(draft).value.id


@pytest.fixture
def patient(team: Clinic) -> int:
    return _patient(team, "female")


def open_panel(qtbot, clinic: Clinic, patient: int, username: str) -> ScreeningPanel:  # type: ignore[no-untyped-def]
    """What the chart's Screening tab shows `username`, shown as it would be."""
    sign_in_as(clinic, username)
    panel = ScreeningPanel(clinic.screening, clinic.patients, patient, clinic.access.actor, ChangeBus())
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def new_form(qtbot, panel: ScreeningPanel) -> ScreeningForm:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(panel.new_button, Qt.MouseButton.LeftButton)
    form = panel.form
    assert form is not None and form.isVisible()
    return form


def click_save(qtbot, form: ScreeningForm) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(form.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def tick(qtbot, box: QCheckBox) -> None:  # type: ignore[no-untyped-def]
    """Click the box itself: a click right of a short label misses it, as it would for a person."""
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))


def answer_pregnancy(form: ScreeningForm, answer: Pregnancy) -> None:
    form.fields.pregnancy.setCurrentIndex(form.fields.pregnancy.findData(answer.value))


def screening_count(clinic: Clinic) -> int:
    with clinic.database.reading() as connection:
        return connection.execute(text("SELECT count(*) FROM screenings")).scalar_one()


def test_ticking_an_absolute_item_previews_not_eligible_with_the_reason(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    panel = open_panel(qtbot, team, patient, "nils")
    form = new_form(qtbot, panel)
    qtbot.keyClicks(form.fields.systolic, "124")
    qtbot.keyClicks(form.fields.diastolic, "78")
    answer_pregnancy(form, Pregnancy.NOT_PREGNANT)
    assert form.preview_title.text() == "Eligible"

    tick(qtbot, form.fields.checks[Item.HYPERSENSITIVITY])
    assert form.preview_title.text() == "Not eligible"
    assert "Known ketamine or esketamine hypersensitivity" in form.preview_reasons.text()
    assert "Absolute" in form.preview_reasons.text()

    tick(qtbot, form.fields.checks[Item.BLADDER])
    tick(qtbot, form.fields.checks[Item.HYPERSENSITIVITY])
    assert form.preview_title.text() == "Eligible with precautions"
    assert "hypersensitivity" not in form.preview_reasons.text()
    assert "Bladder problems" in form.preview_reasons.text()

    form.fields.diastolic.clear()
    qtbot.keyClicks(form.fields.diastolic, "101")  # at the alert limit
    assert form.preview_title.text() == "Not eligible"
    assert "Uncontrolled hypertension (baseline 124/101 mmHg, limit 160/100)" in form.preview_reasons.text()


def test_missing_blood_pressure_is_shown_at_the_field_and_nothing_is_saved(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    panel = open_panel(qtbot, team, patient, "nils")
    form = new_form(qtbot, panel)
    assert form.fields.systolic.text() == "" and form.fields.pregnancy.isVisible()  # nothing on record to prefill
    assert "still to enter: the blood pressure and the pregnancy question" in form.preview_title.text()
    answer_pregnancy(form, Pregnancy.NOT_PREGNANT)
    qtbot.keyClicks(form.fields.diastolic, "80")
    click_save(qtbot, form)

    assert form.isVisible()
    assert form.fields.error_text("systolic") == "Enter the blood pressure."
    assert form.fields.systolic.property("invalid") and not form.fields.diastolic.property("invalid")
    assert form.summary.isVisible() and form.focusWidget() is form.fields.systolic
    assert screening_count(team) == 0 and panel.model.rowCount() == 0

    qtbot.keyClicks(form.fields.systolic, "126")
    click_save(qtbot, form)
    assert not form.isVisible()
    assert panel.model.rowCount() == 1 and screening_count(team) == 1
    assert panel.headline.text() == Standing.UNSIGNED.label


def test_an_unanswered_pregnancy_question_is_refused_at_the_field(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    panel = open_panel(qtbot, team, patient, "nils")
    form = new_form(qtbot, panel)
    qtbot.keyClicks(form.fields.systolic, "120")
    qtbot.keyClicks(form.fields.diastolic, "80")
    click_save(qtbot, form)
    assert form.fields.error_text("pregnancy") == "Record whether the patient is pregnant or breastfeeding."
    assert screening_count(team) == 0


def test_the_pregnancy_question_is_not_asked_of_a_man(qtbot, team: Clinic) -> None:  # type: ignore[no-untyped-def]
    panel = open_panel(qtbot, team, _patient(team, "male"), "nils")
    form = new_form(qtbot, panel)
    assert not form.fields.pregnancy.isVisible() and not form.fields.pregnancy_caption.isVisible()
    qtbot.keyClicks(form.fields.systolic, "120")
    qtbot.keyClicks(form.fields.diastolic, "80")
    click_save(qtbot, form)
    assert not form.isVisible() and screening_count(team) == 1


def test_esketamine_asks_for_rems_enrollment_and_its_date(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    panel = open_panel(qtbot, team, patient, "nils")
    form = new_form(qtbot, panel)
    qtbot.keyClicks(form.fields.systolic, "120")
    qtbot.keyClicks(form.fields.diastolic, "80")
    answer_pregnancy(form, Pregnancy.NOT_PREGNANT)
    assert not form.fields.rems.isVisible()
    form.fields.route.setCurrentIndex(form.fields.route.findData(Route.ESKETAMINE.value))
    assert form.fields.rems.isVisible() and not form.fields.rems_date.isEnabled()
    assert form.preview_title.text() == "Not eligible"
    assert "Esketamine needs REMS enrollment recorded" in form.preview_reasons.text()

    tick(qtbot, form.fields.rems_enrolled)
    assert form.preview_title.text() == "Eligible" and form.fields.rems_date.isEnabled()
    click_save(qtbot, form)
    assert form.fields.error_text("rems_enrolled_on") == "Enter the date the patient was enrolled in the REMS."
    qtbot.keyClicks(form.fields.rems_date, "2/30/2026")
    click_save(qtbot, form)
    assert form.fields.error_text("rems_enrolled_on") == "The enrollment date isn't a real calendar date."
    assert screening_count(team) == 0

    form.fields.rems_date.clear()
    qtbot.keyClicks(form.fields.rems_date, "11/02/2026")
    qtbot.keyClicks(form.fields.rems_id, "RP-77")
    click_save(qtbot, form)
    saved = team.screening.history(patient)[0]
    assert saved.answers.route is Route.ESKETAMINE and saved.answers.rems_enrolled
    assert saved.rems_enrolled_on == date(2026, 11, 2) and saved.rems_patient_id == "RP-77"


def test_the_form_starts_from_the_intake_and_revises_an_unsigned_screening(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    sign_in_as(team, "nils")
    team.screening.record(patient, PRECAUTIONS, notes="First look.")
    panel = open_panel(qtbot, team, patient, "nils")
    form = new_form(qtbot, panel)
    assert form.fields.systolic.text() == "128"  # the last screening's reading is the latest vitals
    form.reject()

    qtbot.mouseClick(panel.revise_button, Qt.MouseButton.LeftButton)
    form = panel.form
    assert form is not None and form.windowTitle() == "Revise screening"
    assert form.fields.checks[Item.SEIZURES].isChecked() and form.fields.meds[MedicationClass.LAMOTRIGINE].isChecked()
    assert form.fields.notes.toPlainText() == "First look."
    tick(qtbot, form.fields.checks[Item.SEIZURES])
    tick(qtbot, form.fields.meds[MedicationClass.LAMOTRIGINE])
    click_save(qtbot, form)

    revised = team.screening.history(patient)
    assert len(revised) == 1 and revised[0].version == 2
    assert revised[0].assessment.result is Result.ELIGIBLE and revised[0].notes == "First look."
    assert "Eligible" in panel.viewer.toPlainText()


def test_a_prescriber_signs_with_the_precautions_acknowledged(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    sign_in_as(team, "nils")
    team.screening.record(patient, PRECAUTIONS)
    nurse = open_panel(qtbot, team, patient, "nils")
    assert nurse.new_button.isVisible() and not nurse.sign_button.isVisible()  # nurses record, prescribers sign

    panel = open_panel(qtbot, team, patient, "pria")
    assert panel.headline.text() == "Waiting for a prescriber's signature"
    assert "Seizure disorder" in panel.reasons.text()
    qtbot.mouseClick(panel.sign_button, Qt.MouseButton.LeftButton)
    dialog = panel.sign_dialog
    assert dialog is not None and dialog.isVisible()
    assert "Seizure disorder" in dialog.reasons.text() and "Lamotrigine" in dialog.reasons.text()
    assert dialog.acknowledge.isVisible() and not dialog.sign_button.isEnabled()
    assert not dialog.sign()  # not even by a keyboard shortcut
    assert not team.screening.history(patient)[0].signed

    tick(qtbot, dialog.acknowledge)
    assert dialog.sign_button.isEnabled()
    qtbot.mouseClick(dialog.sign_button, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    signed = team.screening.history(patient)[0]
    assert signed.signed and signed.precautions_acknowledged and signed.signed_by_name == "Pria"
    assert panel.headline.text() == "Eligible with precautions · screening current"
    assert panel.detail.text().startswith("Valid through ")
    assert not panel.revise_button.isEnabled() and not panel.sign_button.isEnabled()
    assert panel.revise_selected() is None and panel.sign_selected() is None  # signed: nothing opens


def test_an_eligible_screening_is_signed_without_the_tick(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    sign_in_as(team, "pria")
    team.screening.record(patient, replace(PRECAUTIONS, items=frozenset(), medication_classes=frozenset()))
    panel = open_panel(qtbot, team, patient, "pria")
    dialog = panel.sign_selected()
    assert dialog is not None and not dialog.acknowledge.isVisible() and dialog.sign_button.isEnabled()
    assert dialog.sign()
    assert panel.headline.text() == "Eligible · screening current"


def test_the_preview_uses_the_clinics_limits(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    team.admin.change_settings({"bp_hold_systolic": "130"})  # the admin is signed in
    panel = open_panel(qtbot, team, patient, "nils")
    form = new_form(qtbot, panel)
    qtbot.keyClicks(form.fields.systolic, "135")
    qtbot.keyClicks(form.fields.diastolic, "80")
    answer_pregnancy(form, Pregnancy.NOT_PREGNANT)
    assert form.preview_title.text() == "Eligible with precautions"
    assert "is above 130/90" in form.preview_reasons.text()


def test_the_tab_is_for_clinical_staff_and_front_desk_sees_a_refusal(qtbot, team: Clinic, patient: int) -> None:  # type: ignore[no-untyped-def]
    tab = screening_tab(team, ChangeBus(), None)  # type: ignore[arg-type]
    sign_in_as(team, "fran")
    assert tab.title == "&Screening" and not tab.allowed(team.access.actor)
    sign_in_as(team, "nils")
    assert tab.allowed(team.access.actor)

    panel = open_panel(qtbot, team, patient, "fran")  # if it were built anyway, the service refuses
    assert panel.message.isVisible() and "not allowed to see clinical records" in panel.message.text()
    assert not panel.new_button.isVisible() and panel.model.rowCount() == 0

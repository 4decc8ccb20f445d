"""The chart's Intake tab: diagnoses, medications, allergies, medical history, weight and height, baseline vitals.

Reads the intake when first shown (each read is an audited view) and again whenever this patient's record changes.
Past entries stay listed, struck through. Users who may not write clinical records see it all without the buttons.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from functools import partial
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from kapdesk.domain.access import Actor
from kapdesk.domain.changes import Changes, Outcome
from kapdesk.domain.errors import ConflictError, KapdeskError
from kapdesk.domain.intake import Intake
from kapdesk.domain.permissions import Permission
from kapdesk.domain.screening import Limits
from kapdesk.services.clinic import Clinic
from kapdesk.services.intake import IntakeService, resistant_applies
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.clinical.intake_diagnosis import DiagnosisDialog
from kapdesk.ui.clinical.intake_dialogs import AllergyDialog, EndDialog, EntryDialog, MedicationDialog, VitalsDialog
from kapdesk.ui.clinical.intake_history import HistoryBox
from kapdesk.ui.clinical.intake_models import AllergiesModel, DiagnosesModel, MedicationsModel
from kapdesk.ui.clinical.intake_sections import ListSection, MeasuresBox, VitalsBox
from kapdesk.ui.patients.chart_tabs import ChartTab
from kapdesk.ui.widgets.record_panel import RecordPanel


def intake_tab(clinic: Clinic, bus: ChangeBus) -> ChartTab:
    def make(patient_id: int, actor: Actor) -> IntakePanel:
        profile = clinic.admin.profile()
        zone = ZoneInfo(profile.time_zone if profile else "UTC")
        limits = clinic.screening.limits()
        return IntakePanel(clinic.intake, patient_id, actor, zone, clinic.patients.today, bus, limits=limits)

    return ChartTab("&Intake", make, allowed=lambda actor: actor.may(Permission.VIEW_CLINICAL))


class IntakePanel(RecordPanel):
    def __init__(
        self,
        service: IntakeService,
        patient_id: int,
        actor: Actor,
        zone: ZoneInfo,
        today: Callable[[], date],
        bus: ChangeBus | None = None,
        parent: QWidget | None = None,
        *,
        limits: Limits | None = None,
    ) -> None:
        """`today` gives the clinic's date, the default for resolving, stopping and removing; `bus`, if given,
        carries this panel's changes to the rest of the app and others' back to it; vitals past `limits` are
        flagged."""
        super().__init__(patient_id, bus, parent)
        self._service = service
        self._zone = zone
        self._today = today
        self._writes = actor.may(Permission.WRITE_CLINICAL)
        self.intake: Intake | None = None
        self.dialog: EntryDialog | None = None

        self.show_past = QCheckBox("Show past &entries")
        self.show_past.setChecked(True)
        self.show_past.setToolTip("Resolved diagnoses, stopped medications and removed allergies, struck through")
        self.show_past.toggled.connect(lambda _on: self._show_lists())

        add = self._open
        self.add_diagnosis = self._button("Add &diagnosis…", lambda: add(DiagnosisDialog(service, patient_id)))
        self.resolve = self._button("&Resolve…", self.resolve_selected)
        self.resistant = self._button("Mark &treatment-resistant", self.toggle_resistant)
        self.add_medication = self._button("Add &medication…", lambda: add(MedicationDialog(service, patient_id)))
        self.stop = self._button("Sto&p…", self.stop_selected)
        self.add_allergy = self._button("Add a&llergy…", lambda: add(AllergyDialog(service, patient_id)))
        self.remove = self._button("Remo&ve…", self.remove_selected)
        self.record_vitals = self._button("Rec&ord vitals…", self.open_vitals)
        self.diagnoses = ListSection(
            "Diagnoses", DiagnosesModel(zone), 1, [self.add_diagnosis, self.resolve, self.resistant]
        )
        self.medications = ListSection("Medications", MedicationsModel(zone), 2, [self.add_medication, self.stop])
        self.allergies = ListSection("Allergies", AllergiesModel(zone), 1, [self.add_allergy, self.remove])
        for section in (self.diagnoses, self.medications, self.allergies):
            section.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.history = HistoryBox(service, patient_id, self._writes)
        self.history.saved.connect(self._after)
        self.measures = MeasuresBox()
        self.vitals = VitalsBox(zone, limits or Limits(), self.record_vitals)

        self.body = QWidget()
        column = QVBoxLayout(self.body)
        for section in (self.diagnoses, self.medications, self.allergies):
            column.addWidget(section)
        side = QVBoxLayout()
        side.addWidget(self.measures)
        side.addWidget(self.vitals)
        side.addStretch(1)
        lower = QHBoxLayout()
        lower.addWidget(self.history, 3)
        lower.addLayout(side, 2)
        column.addLayout(lower)
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.body)

        top = QHBoxLayout()
        top.addWidget(self.message, 1)
        top.addWidget(self.show_past, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(scroll, 1)
        self._update_buttons()

    def _button(self, text: str, action: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda: action())
        button.setVisible(self._writes)
        return button

    # -- reading -----------------------------------------------------------------------------------

    def reload(self) -> None:
        self.intake = self.read(lambda: self._service.get(self._patient_id))
        self.body.setVisible(self.intake is not None)
        if self.intake is None:
            return
        self._show_lists()
        self.history.show_intake(self.intake)
        self.measures.show_intake(self.intake)
        self.vitals.show_vitals(self.intake.vitals)

    def _show_lists(self) -> None:
        if self.intake is None:
            return
        past = self.show_past.isChecked()
        self.diagnoses.show_rows([d for d in self.intake.diagnoses if past or d.resolved_on is None])
        self.medications.show_rows([m for m in self.intake.medications if past or m.stopped_on is None])
        self.allergies.show_rows([a for a in self.intake.allergies if past or a.removed_on is None])
        self._update_buttons()

    def _update_buttons(self) -> None:
        diagnosis = self.diagnoses.selected()
        current = diagnosis is not None and diagnosis.resolved_on is None
        self.resolve.setEnabled(current)
        self.resistant.setEnabled(current and resistant_applies(diagnosis.code))
        marked = current and diagnosis.treatment_resistant
        self.resistant.setText("Clear &treatment-resistant" if marked else "Mark &treatment-resistant")
        medication = self.medications.selected()
        self.stop.setEnabled(medication is not None and medication.stopped_on is None)
        allergy = self.allergies.selected()
        self.remove.setEnabled(allergy is not None and allergy.removed_on is None)

    def cares(self, changes: Changes) -> bool:
        # Weight and height live on the patient, so an edit of the patient's details counts too.
        return self._patient_id in changes.clinical or self._patient_id in changes.patients

    # -- actions -----------------------------------------------------------------------------------

    def _open(self, dialog: EntryDialog) -> EntryDialog:
        dialog.setParent(self.window(), Qt.WindowType.Dialog)
        dialog.saved.connect(self._after)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _end(self, title: str, what: str, field: str, caption: str, end: Callable[[date], object]) -> EntryDialog:
        return self._open(EndDialog(title, what, field, caption, self._today(), end))

    def resolve_selected(self) -> EntryDialog | None:
        d = self.diagnoses.selected()
        if d is None or d.resolved_on is not None:
            return None
        resolve = partial(self._service.resolve_diagnosis, d.id, d.version)
        return self._end(
            "Resolve diagnosis", f"Resolve {d.code} {d.description}.", "resolved_on", "&Resolved on", resolve
        )

    def stop_selected(self) -> EntryDialog | None:
        m = self.medications.selected()
        if m is None or m.stopped_on is not None:
            return None
        stop = partial(self._service.stop_medication, m.id, m.version)
        return self._end("Stop medication", f"Stop {m.name} {m.dose}".strip() + ".", "stopped_on", "&Stopped on", stop)

    def remove_selected(self) -> EntryDialog | None:
        a = self.allergies.selected()
        if a is None or a.removed_on is not None:
            return None
        remove = partial(self._service.remove_allergy, a.id, a.version)
        what = f"Remove the allergy to {a.substance} (entered in error or outgrown)."
        return self._end("Remove allergy", what, "removed_on", "&Removed on", remove)

    def open_vitals(self) -> EntryDialog:
        return self._open(VitalsDialog(self._service, self._patient_id, self._zone, datetime.now(UTC)))

    def toggle_resistant(self) -> bool:
        d = self.diagnoses.selected()
        if d is None or d.resolved_on is not None:
            return False
        try:
            outcome = self._service.set_treatment_resistant(d.id, d.version, not d.treatment_resistant)
        except ConflictError as conflict:
            self.reload()
            self.show_message(f"{conflict.message} Nothing was changed; look again, then retry.")
            return False
        except KapdeskError as error:
            self.show_message(f"{error.title}: {error}")
            return False
        self._after(outcome)
        return True

    def _after(self, outcome: Outcome[object]) -> None:
        """Refresh once: through the bus (which also tells the rest of the app) or directly."""
        if self.publish(outcome.changes):
            self.reload()

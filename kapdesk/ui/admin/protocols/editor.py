"""The form for one protocol template: its dosing, its sessions and their timing, its phases and measures.

It holds what is typed and reads it back as a ProtocolSpec; the service decides whether it can be saved, and
its field errors are shown here, each under its field.
"""

from __future__ import annotations

from itertools import pairwise

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kapdesk.domain.appointments import Route
from kapdesk.domain.errors import FieldError
from kapdesk.domain.protocols import DOSE_UNITS, NAME_MAX, SESSION_MINUTES, ProtocolSpec
from kapdesk.ui.admin.fields import MessageSlot, OutlinedSlot, outlined, show_field_errors
from kapdesk.ui.admin.protocols.row_tables import MeasuresTable, PhasesTable
from kapdesk.ui.admin.schedule_setup.inputs import LimitedSpinBox
from kapdesk.ui.widgets.validated_form import add_row

DOSE_STEP = {"mg/kg": 0.05, "mg": 5.0}
HINT_STYLE = "color: #555555;"


def _dose_box(accessible_name: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setDecimals(2)
    box.setRange(0, 9999)  # wide, so a typo past the unit's limit is explained rather than swallowed
    box.setAccessibleName(accessible_name)
    return box


def _form() -> QFormLayout:
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form


class ProtocolEditor(QWidget):
    edited = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.slots: dict[str, MessageSlot] = {}
        self.form_error = QLabel()
        self.form_error.setWordWrap(True)
        self.form_error.hide()

        self.name = QLineEdit()
        self.name.setMaxLength(NAME_MAX)
        self.name.setAccessibleName("Protocol name")
        self.code = QLineEdit()
        self.code.setMaxLength(40)
        self.code.setAccessibleName("Code")
        self.code.setPlaceholderText("e.g. iv-maintenance")
        self.code.setToolTip("A short name that stays the same across versions: lower-case letters, digits, hyphens.")
        self.route = QComboBox()
        self.route.setAccessibleName("Route")
        for route in Route:
            self.route.addItem(route.label, route.value)  # Qt hands a StrEnum back as a plain str
        self.dose_unit = QComboBox()
        self.dose_unit.setAccessibleName("Dose unit")
        self.dose_unit.addItems(DOSE_UNITS)
        self.dose_min = _dose_box("Lowest dose")
        self.dose_max = _dose_box("Highest dose")
        self.dose_ceiling = _dose_box("Hard ceiling")
        self.with_therapist = QCheckBox("Therapist sits in on dosing")
        self.preparation_sessions = LimitedSpinBox(1, 12, 1, "", "Preparation sessions")
        self.prep_lead_days = LimitedSpinBox(0, 28, 1, "", "Days from the last preparation to the first dose")
        self.prep_lead_days.setToolTip("Whole days between the last preparation session and the first dose.")
        self.min_spacing_hours = LimitedSpinBox(1, 24 * 28, 12, " h apart", "Minimum spacing between doses")
        low, high = SESSION_MINUTES
        self.preparation_minutes = LimitedSpinBox(low, high, 15, " min", "Preparation session length")
        self.dosing_minutes = LimitedSpinBox(low, high, 15, " min", "Dosing session length")
        self.integration_minutes = LimitedSpinBox(low, high, 15, " min", "Integration session length")
        self.integration_min_hours = LimitedSpinBox(0, 240, 12, " h", "Integration window opens")
        self.integration_max_hours = LimitedSpinBox(0, 240, 12, " h", "Integration window closes")
        self.phases = PhasesTable()
        self.measures = MeasuresTable()

        dosing, sessions, timing = _form(), _form(), _form()
        self._field(dosing, "name", "Name", self.name)
        self._field(dosing, "code", "Code", self.code)
        self._field(dosing, "route", "Route", self.route)
        self._field(dosing, "dose_unit", "Dose unit", self.dose_unit)
        self._field(dosing, "dose_min", "Lowest dose", self.dose_min, spin=True)
        self._field(dosing, "dose_max", "Highest dose", self.dose_max, spin=True)
        self._field(dosing, "dose_ceiling", "Hard ceiling", self.dose_ceiling, spin=True)
        self._field(sessions, "preparation_sessions", "Preparation sessions", self.preparation_sessions, spin=True)
        self._field(sessions, "prep_lead_days", "Days before dose 1", self.prep_lead_days, spin=True)
        self._field(sessions, "min_spacing_hours", "Doses at least", self.min_spacing_hours, spin=True)
        sessions.addRow("", self.with_therapist)
        self._field(timing, "preparation_minutes", "Preparation", self.preparation_minutes, spin=True)
        self._field(timing, "dosing_minutes", "Dosing", self.dosing_minutes, spin=True)
        self._field(timing, "integration_minutes", "Integration", self.integration_minutes, spin=True)
        window = QWidget()
        window_line = QHBoxLayout(window)
        window_line.setContentsMargins(0, 0, 0, 0)
        window_line.addWidget(self.integration_min_hours)
        window_line.addWidget(QLabel("to"))
        window_line.addWidget(self.integration_max_hours)
        window_line.addStretch(1)
        self._field(timing, "integration_max_hours", "Integration within", window, spin=True,
                    value=self.integration_max_hours)  # fmt: skip
        after = QLabel("hours after each dose")
        after.setStyleSheet(HINT_STYLE)
        timing.addRow("", after)
        phases_slot = self._table_slot("phases", "Phases", self.phases)
        measures_slot = self._table_slot("measures", "Measures", self.measures)

        top = QHBoxLayout()
        top.addWidget(_box("Dosing", dosing), 4)
        top.addWidget(_box("Sessions", sessions), 3)
        top.addWidget(_box("Session lengths and integration", timing), 3)
        bottom = QHBoxLayout()
        bottom.addWidget(_box("Phases: the doses of a course", phases_slot), 3)
        bottom.addWidget(_box("Measures due", measures_slot), 2)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.form_error)
        column.addLayout(top)
        column.addLayout(bottom)
        column.addStretch(1)

        self.dose_unit.currentTextChanged.connect(self._unit_changed)
        for line in (self.name, self.code):
            line.textEdited.connect(self.edited)
        for combo in (self.route, self.dose_unit):
            combo.currentIndexChanged.connect(self.edited)
        for box in self._numbers:
            box.valueChanged.connect(self.edited)
        self.with_therapist.toggled.connect(self.edited)
        self.phases.edited.connect(self.edited)
        self.measures.edited.connect(self.edited)
        self.phases.restacked.connect(self._restack)
        self.measures.restacked.connect(self._restack)
        self.after: list[QWidget] = []  # what Tab reaches after the form (the page's Save bar)

    @property
    def _numbers(self) -> tuple[QDoubleSpinBox | LimitedSpinBox, ...]:
        return (
            self.dose_min, self.dose_max, self.dose_ceiling, self.preparation_sessions, self.prep_lead_days,
            self.min_spacing_hours, self.preparation_minutes, self.dosing_minutes, self.integration_minutes,
            self.integration_min_hours, self.integration_max_hours,
        )  # fmt: skip

    def _field(
        self,
        form: QFormLayout,
        name: str,
        caption: str,
        editor: QWidget,
        spin: bool = False,
        value: QWidget | None = None,
    ) -> None:
        if spin:  # a red border on a spin box itself would cost it its arrows: outline a frame around it
            frame = outlined(editor)
            slot: MessageSlot = OutlinedSlot(frame, caption, value or editor, frame)
        else:
            slot = MessageSlot(editor, caption)
        self.slots[name] = slot
        add_row(form, caption, slot)

    def _table_slot(self, name: str, caption: str, table: QWidget) -> MessageSlot:
        frame = outlined(table)
        slot = OutlinedSlot(frame, caption, table, frame)
        self.slots[name] = slot
        return slot

    def _restack(self) -> None:
        """Tab order: down each box, left to right, then each table's lines, then whatever follows the form."""
        chain = [
            self.name, self.code, self.route, self.dose_unit, self.dose_min, self.dose_max, self.dose_ceiling,
            self.preparation_sessions, self.prep_lead_days, self.min_spacing_hours, self.with_therapist,
            self.preparation_minutes, self.dosing_minutes, self.integration_minutes, self.integration_min_hours,
            self.integration_max_hours, *self.phases.chain(), *self.measures.chain(), *self.after,
        ]  # fmt: skip
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _unit_changed(self, unit: str) -> None:
        for box in (self.dose_min, self.dose_max, self.dose_ceiling):
            box.setSuffix(f" {unit}")
            box.setSingleStep(DOSE_STEP.get(unit, 1.0))

    # -- the values --------------------------------------------------------------------------------------

    def show_spec(self, spec: ProtocolSpec, code: str, new: bool) -> None:
        """Load `spec` for editing; a new protocol also takes its code and route, an existing one keeps them."""
        self.blockSignals(True)  # loading is not editing
        self.name.setText(spec.name)
        self.code.setText(code)
        self.code.setReadOnly(not new)
        self.route.setCurrentIndex(list(Route).index(spec.route))
        self.route.setEnabled(new)
        self.dose_unit.setCurrentIndex(DOSE_UNITS.index(spec.dose_unit) if spec.dose_unit in DOSE_UNITS else 0)
        self._unit_changed(self.dose_unit.currentText())
        self.dose_min.setValue(spec.dose_min)
        self.dose_max.setValue(spec.dose_max)
        self.dose_ceiling.setValue(spec.dose_ceiling)
        self.with_therapist.setChecked(spec.dosing_with_therapist)
        self.preparation_sessions.setValue(spec.preparation_sessions)
        self.prep_lead_days.setValue(spec.prep_lead_days)
        self.min_spacing_hours.setValue(spec.min_spacing_hours)
        self.preparation_minutes.setValue(spec.preparation_minutes)
        self.dosing_minutes.setValue(spec.dosing_minutes)
        self.integration_minutes.setValue(spec.integration_minutes)
        self.integration_min_hours.setValue(spec.integration_min_hours)
        self.integration_max_hours.setValue(spec.integration_max_hours)
        self.phases.set_phases(spec.phases)
        self.measures.set_measures(spec.measures)
        self.blockSignals(False)
        self._restack()
        self.show_errors([])

    def spec(self) -> ProtocolSpec:
        return ProtocolSpec(
            name=self.name.text(),
            route=Route(self.route.currentData()),
            dose_unit=self.dose_unit.currentText(),
            dose_min=self.dose_min.value(),
            dose_max=self.dose_max.value(),
            dose_ceiling=self.dose_ceiling.value(),
            preparation_sessions=self.preparation_sessions.value(),
            preparation_minutes=self.preparation_minutes.value(),
            dosing_minutes=self.dosing_minutes.value(),
            integration_minutes=self.integration_minutes.value(),
            integration_min_hours=self.integration_min_hours.value(),
            integration_max_hours=self.integration_max_hours.value(),
            min_spacing_hours=self.min_spacing_hours.value(),
            prep_lead_days=self.prep_lead_days.value(),
            dosing_with_therapist=self.with_therapist.isChecked(),
            phases=self.phases.phases(),
            measures=self.measures.measures(),
        )

    def show_errors(self, errors: list[FieldError]) -> list[FieldError]:
        """Each error under its field (the first one focused); returns those that found no field."""
        return show_field_errors(self.slots, _merged(errors), self.form_error)


def _merged(errors: list[FieldError]) -> list[FieldError]:
    """One message per field: the phases table can have several reasons at once."""
    by_field: dict[str, list[str]] = {}
    for error in errors:
        by_field.setdefault(error.field, []).append(error.message.rstrip("."))
    return [FieldError(field, "; ".join(messages)) for field, messages in by_field.items()]


def _box(title: str, content: QFormLayout | QWidget) -> QGroupBox:
    box = QGroupBox(title)
    if isinstance(content, QFormLayout):
        box.setLayout(content)
    else:
        column = QVBoxLayout(box)
        column.addWidget(content)
    return box

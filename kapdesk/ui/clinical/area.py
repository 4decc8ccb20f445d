"""The clinical record's tabs on the patient chart: intake, eligibility screening, treatment courses."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from kapdesk.services.clinic import Clinic
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.patients.chart_tabs import ChartTab


def clinical_chart_tabs(clinic: Clinic, bus: ChangeBus, settings: QSettings) -> list[ChartTab]:
    tabs: list[ChartTab] = []
    return tabs

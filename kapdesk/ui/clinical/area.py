"""The clinical record's tabs on the patient chart: intake, eligibility screening, treatment courses."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from kapdesk.services.clinic import Clinic
from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.clinical.courses_panel import courses_tab
from kapdesk.ui.clinical.intake_panel import intake_tab
from kapdesk.ui.clinical.screening_panel import screening_tab
from kapdesk.ui.outcomes.measures_panel import measures_tab
from kapdesk.ui.patients.chart_tabs import ChartTab


def clinical_chart_tabs(clinic: Clinic, bus: ChangeBus, settings: QSettings) -> list[ChartTab]:
    tabs: list[ChartTab] = []
    tabs.append(intake_tab(clinic, bus))
    tabs.append(screening_tab(clinic, bus, settings))
    tabs.append(courses_tab(clinic, bus, settings))
    tabs.append(measures_tab(clinic, bus, settings))
    return tabs

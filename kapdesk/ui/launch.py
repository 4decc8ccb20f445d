"""Starting the window: show it at once, open the clinic off the UI thread, then set up or sign in, and only
then attach the areas (every area's first search is a signed-in user's audited action)."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.crash import install_crash_handler
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.none_refs import keep_none_alive
from kapdesk.ui.tasks import BackgroundTask

if TYPE_CHECKING:
    from kapdesk.services.clinic import Clinic
    from kapdesk.ui.patients.registry import PatientRegistry
    from kapdesk.ui.session.controller import SessionController

STARTUP_PROBE_ENV = "KAPDESK_STARTUP_PROBE"  # benchmarks: print a line once the window is up, then quit


@dataclass(frozen=True)
class LaunchPlan:
    settings_file: Path
    database_label: str
    is_demo: bool
    open_clinic: Callable[[], Clinic]


def run_gui(plan: LaunchPlan) -> int:
    keep_none_alive()  # before any Qt call: PySide6 6.12.0 on Python 3.11 spends None's references (none_refs)
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("kapdesk")
    app.setApplicationDisplayName("kapdesk")
    install_crash_handler()
    settings = QSettings(str(plan.settings_file), QSettings.Format.IniFormat)
    window = MainWindow(settings, plan.database_label, plan.is_demo)
    window.show()
    if os.environ.get(STARTUP_PROBE_ENV):
        QTimer.singleShot(0, lambda: (print("kapdesk: window shown", flush=True), os._exit(0)))

    state: dict[str, object] = {}

    def opened(clinic: Clinic) -> None:
        state["clinic"] = clinic
        state["session"] = start_session(window, clinic)

    def failed(error: BaseException) -> None:
        from kapdesk.domain.errors import KapdeskError

        if isinstance(error, KapdeskError):
            title, text = error.title, f"{error.message}\n\n{error.remedy}".strip()
        else:
            logging.getLogger("kapdesk").error("opening failed: %s", type(error).__name__)
            title = "Can't open the clinic database"
            text = f"kapdesk could not open the clinic database ({type(error).__name__}). Nothing was changed."
        window.show_failure(text)
        QMessageBox.critical(window, title, text)
        app.exit(1)

    task = BackgroundTask(lambda: _prepared(plan.open_clinic()), window)
    task.succeeded.connect(opened)
    task.failed.connect(failed)
    task.start()
    code = app.exec()
    clinic = state.get("clinic")
    if clinic is not None:
        clinic.close()  # type: ignore[attr-defined]
    return code


def _prepared(clinic: Clinic) -> Clinic:
    """Still off the UI thread: make the stand-in password hash now, so no sign-in attempt waits for it (and
    an unknown username's first attempt doesn't stand out by its timing)."""
    clinic.passwords.warm_up()
    return clinic


def start_session(window: MainWindow, clinic: Clinic, **options: Any) -> SessionController:
    """Set-up or sign-in first; the areas are attached after the first successful sign-in."""
    from kapdesk.ui.session.controller import SessionController

    bus = ChangeBus(window)
    controller = SessionController(window, clinic, lambda: attach_clinic(window, clinic, bus), **options)
    controller.start()
    return controller


def attach_clinic(window: MainWindow, clinic: Clinic, bus: ChangeBus) -> PatientRegistry:
    """Add every working area to the window, each with who may see it (asked again at every sign-in).
    Later areas (schedule, courses…) are added here too. The session begins separately
    (MainWindow.begin_session), which is when each area first loads."""
    from kapdesk.domain.permissions import Permission
    from kapdesk.ui.admin import attach_admin
    from kapdesk.ui.clinical.area import clinical_chart_tabs
    from kapdesk.ui.documents.panel import documents_tab
    from kapdesk.ui.patients.chart_tabs import ChartTab
    from kapdesk.ui.patients.registry import PatientRegistry
    from kapdesk.ui.schedule.area import attach_schedule
    from kapdesk.ui.schedule.patient_appointments import PatientAppointments

    registry = PatientRegistry(clinic.patients, bus, window.settings, clinic.notes)
    window.add_area(
        "Patients",
        registry,
        [
            registry.new_action,
            registry.find_action,
            None,
            registry.open_action,
            registry.edit_action,
            registry.archive_action,
            registry.restore_action,
            None,
            registry.show_archived_action,
        ],
        allowed=lambda actor: actor.may(Permission.VIEW_DEMOGRAPHICS),
    )
    window.draft_handlers["patient"] = registry.resume_draft
    window.draft_handlers["note"] = window.draft_handlers["psychotherapy_note"] = registry.resume_note_draft
    # Ctrl+F from anywhere in the window brings the Patients area forward before focusing its search.
    registry.find_action.triggered.connect(lambda: window.show_area("Patients"))
    registry.new_action.triggered.connect(lambda: window.show_area("Patients"))

    attach_schedule(window, clinic, bus)
    registry.chart_tabs.append(
        ChartTab(
            "&Appointments",
            lambda patient_id, _actor: PatientAppointments(
                clinic.calendar, clinic.schedule_setup.availability().time_zone, patient_id, bus
            ),
            allowed=lambda actor: actor.may(Permission.VIEW_SCHEDULE),
        )
    )
    registry.chart_tabs += clinical_chart_tabs(clinic, bus, window.settings)
    registry.chart_tabs.append(documents_tab(clinic, bus, window.settings))
    attach_admin(window, clinic, bus)
    window.loading.setText("")
    return registry

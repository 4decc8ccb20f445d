"""Starting the window: show it at once, open the clinic off the UI thread, then attach the areas."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kapdesk.ui.changes import ChangeBus
from kapdesk.ui.crash import install_crash_handler
from kapdesk.ui.main_window import MainWindow
from kapdesk.ui.tasks import BackgroundTask

if TYPE_CHECKING:
    from kapdesk.services.clinic import Clinic
    from kapdesk.ui.patients.registry import PatientRegistry

STARTUP_PROBE_ENV = "KAPDESK_STARTUP_PROBE"  # benchmarks: print a line once the window is up, then quit


@dataclass(frozen=True)
class LaunchPlan:
    settings_file: Path
    database_label: str
    is_demo: bool
    open_clinic: Callable[[], Clinic]


def run_gui(plan: LaunchPlan) -> int:
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
        attach_clinic(window, clinic, ChangeBus(window))

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

    task = BackgroundTask(plan.open_clinic, window)
    task.succeeded.connect(opened)
    task.failed.connect(failed)
    task.start()
    code = app.exec()
    clinic = state.get("clinic")
    if clinic is not None:
        clinic.close()  # type: ignore[attr-defined]
    return code


def attach_clinic(window: MainWindow, clinic: Clinic, bus: ChangeBus) -> PatientRegistry:
    """Add every working area to the window. Later areas (schedule, courses…) are added here too."""
    from kapdesk.ui.patients.registry import PatientRegistry

    registry = PatientRegistry(clinic.patients, bus, window.settings)
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
    )
    # Ctrl+F from anywhere in the window brings the Patients area forward before focusing its search.
    registry.find_action.triggered.connect(lambda: window.show_area("Patients"))
    registry.new_action.triggered.connect(lambda: window.show_area("Patients"))
    window.loading.setText("")
    window.statusBar().showMessage("Ready", 3000)
    registry.focus_search()
    return registry
